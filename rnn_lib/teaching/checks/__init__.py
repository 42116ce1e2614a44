"""Checks that the notebooks' exercise cells call: each says precisely what is wrong and why.

Usage in a notebook: ``checks.check_rnn_cell_forward(rnn_cell_forward)``. A passing check prints
one line; a failing one raises CheckFailed with the output, the entry and a likely cause.

Every check is wrapped by guard.guard_checks below: while it runs the student's function, no
function of rnn_lib is reachable from it but those of its exercise's allow-list (guard.RULES).
"""

import importlib

from . import guard, hidden_cases
from .compare import CheckFailed
from .nb01_rnn_cell import check_rnn_cell_forward, check_softmax, check_tanh
from .nb02_unrolling import check_compute_loss, check_encode_name, check_rnn_forward
from .nb03_bptt import check_numerical_gradient, check_rnn_backward, check_rnn_cell_backward
from .nb04_clipping import check_clip, check_clip_by_norm
from .nb05_sampling import check_next_char_distribution, check_sample_indices
from .nb06_training import check_adam_update, check_loss_per_char, check_optimize
from .nb07_vanishing import check_gradient_norms_through_time
from .nb08_gated import (
    check_gru_cell_forward,
    check_lstm_cell_backward,
    check_lstm_cell_forward,
    stop_if_gradient_check_fails,
)
from .nb09_streams import check_stream_chunks, check_truncated_gradients, check_truncation_gap
from .nb10_beyond import (
    check_beam_step,
    check_best_first_names,
    check_bidirectional_output,
    check_embedding_gradient,
)
from .nb11_attention import check_attend, check_attention_backward

__all__ = [
    "CheckFailed",
    "check_adam_update",
    "check_attend",
    "check_attention_backward",
    "check_beam_step",
    "check_best_first_names",
    "check_bidirectional_output",
    "check_clip",
    "check_clip_by_norm",
    "check_compute_loss",
    "check_embedding_gradient",
    "check_encode_name",
    "check_gradient_norms_through_time",
    "check_gru_cell_forward",
    "check_loss_per_char",
    "check_lstm_cell_backward",
    "check_lstm_cell_forward",
    "check_next_char_distribution",
    "check_numerical_gradient",
    "check_optimize",
    "check_rnn_backward",
    "check_rnn_cell_backward",
    "check_rnn_cell_forward",
    "check_rnn_forward",
    "check_sample_indices",
    "check_softmax",
    "check_stream_chunks",
    "check_tanh",
    "check_truncated_gradients",
    "check_truncation_gap",
    "stop_if_gradient_check_fails",
    "guard",
    "hidden_cases",
]

# The package itself, or the private copy that guard.private_checks loads under another name.
guard.guard_checks(globals(), importlib.import_module(__name__.split(".")[0]))
guard.guard_checks(hidden_cases.CASES, importlib.import_module(__name__.split(".")[0]))
