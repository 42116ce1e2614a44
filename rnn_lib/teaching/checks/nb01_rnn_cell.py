"""Checks for the exercises of notebook 01 (the RNN cell)."""

import numpy as np

from ...activations import softmax
from ...cells.rnn import rnn_cell_forward
from .compare import CheckFailed, expect_array, passed


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
    __tracebackhide__ = True
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
            (
                "Waa is transposed: the pre-activation needs Waa @ a_prev, row i feeding unit i",
                np.tanh(p["Waa"].T @ a_prev + p["Wax"] @ xt + p["ba"]),
            ),
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


def check_softmax(softmax_fn):
    """Check an implementation of softmax(z) (over axis 0) on ordinary and on huge scores."""
    __tracebackhide__ = True
    rng = np.random.default_rng(2)
    ordinary = rng.standard_normal((4, 3))
    expect_array(
        "softmax(z) for ordinary z",
        softmax_fn(ordinary),
        softmax(ordinary),
        mistakes=[
            (
                "the columns must sum to 1, not the rows: normalise over axis 0",
                softmax(ordinary.T).T,
            ),
            (
                "it normalises over the whole array: sum over axis 0 only, with keepdims=True",
                np.exp(ordinary) / np.exp(ordinary).sum(),
            ),
            (
                "e^z is missing: divide the exponentials, not the raw scores",
                ordinary / ordinary.sum(axis=0, keepdims=True),
            ),
        ],
    )
    huge = np.array([[1000.0, -1000.0], [999.0, -1001.0], [0.0, -1000.0]])
    with np.errstate(all="ignore"):
        got = softmax_fn(huge)
    if np.shape(got) == huge.shape and not np.all(np.isfinite(got)):
        raise CheckFailed(
            "softmax(z) is nan for z = 1000: e^1000 overflows to inf and inf/inf = nan. "
            "Subtract each column's maximum before exponentiating"
        )
    expect_array("softmax(z) for huge z", got, softmax(huge))
    passed("softmax: correct, and finite for huge scores")


def check_tanh(tanh_fn):
    """Check an implementation of tanh(z), including |z| large enough to overflow e^z."""
    __tracebackhide__ = True
    z = np.array([[-1000.0, -20.0, -1.5, -1e-9], [0.0, 0.3, 2.0, 800.0]])
    with np.errstate(all="ignore"):
        got = tanh_fn(z)
    if np.shape(got) == z.shape and not np.all(np.isfinite(got)):
        bad = [float(v) for v in z[~np.isfinite(np.asarray(got, dtype=float))]]
        raise CheckFailed(
            f"tanh(z) is not finite for z = {bad}: e^|z| overflows to inf and inf/inf = nan. "
            "Write it with e^(-2|z|), which is at most 1, and restore the sign"
        )
    expect_array(
        "tanh(z)",
        got,
        np.tanh(z),
        mistakes=[
            ("the sign is lost: tanh is odd, tanh(-z) = -tanh(z)", np.tanh(np.abs(z))),
            ("that is the sigmoid 1 / (1 + e^-z), not tanh", 0.5 * (1 + np.tanh(z / 2))),
            (
                "use e^(-2|z|), not e^(-|z|): tanh(z) = (1 - e^(-2z)) / (1 + e^(-2z))",
                np.tanh(z / 2),
            ),
        ],
    )
    passed("tanh: correct, and finite for |z| up to 1000")
