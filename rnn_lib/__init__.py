"""rnn_lib: recurrent neural networks from scratch in numpy, the library behind the notebooks.

Shapes are column-major with time last: inputs X (n_x, m, T_x), hidden states a (n_a, m, T_x),
predictions y_hat (n_y, m, T_x); parameters Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a),
ba (n_a, 1), by (n_y, 1); the gradient of a parameter carries a "d" prefix (dWax).
"""

from .activations import softmax, tanh
from .cell import CellCache, rnn_cell_backward, rnn_cell_forward
from .diagnostics import gradient_norms_through_time
from .gradcheck import gradient_check, numerical_gradient, relative_error, rnn_gradient_check
from .loss import compute_loss, perplexity
from .optim import clip, clip_by_norm, global_norm, optimize, update_parameters
from .params import PARAM_NAMES, initialize_parameters
from .sequence import SequenceCache, rnn_backward, rnn_forward

__all__ = [
    "PARAM_NAMES",
    "CellCache",
    "SequenceCache",
    "clip",
    "clip_by_norm",
    "compute_loss",
    "global_norm",
    "gradient_check",
    "gradient_norms_through_time",
    "initialize_parameters",
    "numerical_gradient",
    "optimize",
    "perplexity",
    "relative_error",
    "rnn_backward",
    "rnn_cell_backward",
    "rnn_cell_forward",
    "rnn_forward",
    "rnn_gradient_check",
    "softmax",
    "tanh",
    "update_parameters",
]
