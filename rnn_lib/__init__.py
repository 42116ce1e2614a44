"""rnn_lib: recurrent neural networks from scratch in numpy, the library behind the notebooks.

Shapes are column-major with time last: inputs X (n_x, m, T_x), hidden states a (n_a, m, T_x),
predictions y_hat (n_y, m, T_x); parameters Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a),
ba (n_a, 1), by (n_y, 1); the gradient of a parameter carries a "d" prefix (dWax).
"""

from .activations import softmax, tanh
from .cell import CellCache, rnn_cell_backward, rnn_cell_forward
from .cells import CELLS, count_parameters, get_cell
from .checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from .data import (
    build_vocabulary,
    encode_names,
    index_maps,
    length_grouped_batches,
    load_dinosaur_names,
    load_names,
    split_names,
)
from .diagnostics import gradient_norms_through_time
from .gradcheck import gradient_check, numerical_gradient, relative_error, rnn_gradient_check
from .gru import (
    GRU_PARAM_NAMES,
    GRUCache,
    GRUCellCache,
    gru_backward,
    gru_cell_backward,
    gru_cell_forward,
    gru_forward,
    gru_loss_and_gradients,
    initialize_gru_parameters,
)
from .loss import compute_loss, perplexity
from .lstm import (
    LSTM_PARAM_NAMES,
    LSTMCache,
    LSTMCellCache,
    initialize_lstm_parameters,
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
    lstm_loss_and_gradients,
)
from .optim import Adam, clip, clip_by_norm, global_norm, optimize, update_parameters
from .output import output_layer_backward, output_layer_forward
from .params import PARAM_NAMES, initialize_parameters
from .sampling import novelty, sample, sample_names
from .sequence import SequenceCache, rnn_backward, rnn_forward

# train() is not re-exported: the name rnn_lib.train stays the module (rnn_lib.train.train).
from .train import evaluate, rnn_model

__all__ = [
    "CELLS",
    "count_parameters",
    "get_cell",
    "PARAM_NAMES",
    "CellCache",
    "GRUCache",
    "GRUCellCache",
    "GRU_PARAM_NAMES",
    "LSTMCache",
    "LSTMCellCache",
    "LSTM_PARAM_NAMES",
    "SequenceCache",
    "clip",
    "clip_by_norm",
    "compute_loss",
    "global_norm",
    "gradient_check",
    "gradient_norms_through_time",
    "gru_backward",
    "gru_cell_backward",
    "gru_cell_forward",
    "gru_forward",
    "gru_loss_and_gradients",
    "initialize_gru_parameters",
    "initialize_lstm_parameters",
    "initialize_parameters",
    "lstm_backward",
    "lstm_cell_backward",
    "lstm_cell_forward",
    "lstm_forward",
    "lstm_loss_and_gradients",
    "numerical_gradient",
    "optimize",
    "output_layer_backward",
    "output_layer_forward",
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
    "Adam",
    "Checkpoint",
    "build_vocabulary",
    "encode_names",
    "evaluate",
    "index_maps",
    "length_grouped_batches",
    "load_checkpoint",
    "load_dinosaur_names",
    "load_names",
    "novelty",
    "rnn_model",
    "sample",
    "sample_names",
    "save_checkpoint",
    "split_names",
]
