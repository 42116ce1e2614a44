"""Checks that the notebooks' exercise cells call: each says precisely what is wrong and why.

Usage in a notebook: ``checks.check_rnn_cell_forward(rnn_cell_forward)``. A passing check prints
one line; a failing one raises CheckFailed with the output, the entry and a likely cause.
"""

from ._compare import CheckFailed
from .bptt import check_numerical_gradient, check_rnn_backward, check_rnn_cell_backward
from .cell import check_rnn_cell_forward, check_softmax, check_tanh
from .clipping import check_clip, check_clip_by_norm
from .gated import check_gru_cell_forward, check_lstm_cell_forward
from .sampling import check_next_char_distribution, check_sample_indices
from .sequence import check_compute_loss, check_encode_name, check_rnn_forward
from .training import check_adam_update, check_loss_per_char
from .vanishing import check_gradient_norms_through_time

__all__ = [
    "CheckFailed",
    "check_adam_update",
    "check_clip",
    "check_clip_by_norm",
    "check_compute_loss",
    "check_encode_name",
    "check_gradient_norms_through_time",
    "check_gru_cell_forward",
    "check_loss_per_char",
    "check_lstm_cell_forward",
    "check_next_char_distribution",
    "check_numerical_gradient",
    "check_rnn_backward",
    "check_rnn_cell_backward",
    "check_rnn_cell_forward",
    "check_rnn_forward",
    "check_sample_indices",
    "check_softmax",
    "check_tanh",
]
