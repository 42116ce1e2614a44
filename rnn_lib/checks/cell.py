"""Checks for the exercises of notebook 01 (the RNN cell)."""

import numpy as np

from ..activations import softmax
from ..cell import rnn_cell_forward
from ._compare import CheckFailed, expect_array, passed


def _cell_inputs(n_x=3, n_a=5, n_y=2, m=4, seed=1):
    """Small random inputs with non-zero biases, so a forgotten bias shows."""
    rng = np.random.default_rng(seed)
    parameters = {
        "Wax": rng.standard_normal((n_a, n_x)),
        "Waa": rng.standard_normal((n_a, n_a)),
        "Wya": rng.standard_normal((n_y, n_a)),
        "ba": rng.standard_normal((n_a, 1)),
        "by": rng.standard_normal((n_y, 1)),
    }
    return rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m)), parameters


def check_rnn_cell_forward(cell_forward):
    """Check an implementation of rnn_cell_forward(xt, a_prev, parameters) against rnn_lib's."""
    xt, a_prev, p = _cell_inputs()
    result = cell_forward(xt, a_prev, p)
    if not isinstance(result, tuple) or len(result) != 3:
        raise CheckFailed("rnn_cell_forward should return a tuple (a_next, y_hat_t, cache)")
    a_next, y_hat_t, _ = result
    expected_a, expected_y, _ = rnn_cell_forward(xt, a_prev, p)
    z = p["Waa"] @ a_prev + p["Wax"] @ xt
    expect_array(
        "a_next",
        a_next,
        expected_a,
        mistakes=[
            ("the bias ba is missing from the pre-activation", np.tanh(z)),
            ("the activation should be tanh, not the sigmoid", 1 / (1 + np.exp(-(z + p["ba"])))),
            ("tanh is missing: a_next is the raw pre-activation", z + p["ba"]),
            ("the term Waa @ a_prev is missing", np.tanh(p["Wax"] @ xt + p["ba"])),
        ],
    )
    zy = p["Wya"] @ expected_a + p["by"]
    expect_array(
        "y_hat_t",
        y_hat_t,
        expected_y,
        mistakes=[
            ("the bias by is missing from the output", softmax(p["Wya"] @ expected_a)),
            (
                "softmax normalises over axis 1 (the batch); each column (axis 0) must sum to 1",
                softmax(zy.T).T,
            ),
            ("y_hat_t is the raw score Wya a_next + by: apply softmax", zy),
        ],
    )
    passed("rnn_cell_forward: a_next and y_hat_t match the reference")
