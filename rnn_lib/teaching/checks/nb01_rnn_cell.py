"""Checks for the exercises of notebook 01 (the RNN cell)."""

import numpy as np

from ...activations import softmax
from ...cells.rnn import rnn_cell_forward
from .compare import CheckFailed, expect_array, expect_tuple, passed, plant, stretch
from .fixtures import expect_prediction, rnn_parameters


def _pre_activation(xt, a_prev, p):
    return p["Waa"] @ a_prev + p["Wax"] @ xt


#: Typical mistakes in a_next, as (message, planted function of (xt, a_prev, parameters)).
A_NEXT_MISTAKES = (
    (
        "the bias ba is missing from the pre-activation",
        lambda xt, a_prev, p: np.tanh(_pre_activation(xt, a_prev, p)),
    ),
    (
        "the activation should be tanh, not the sigmoid",
        lambda xt, a_prev, p: 1 / (1 + np.exp(-(_pre_activation(xt, a_prev, p) + p["ba"]))),
    ),
    (
        "tanh is missing: a_next is the raw pre-activation",
        lambda xt, a_prev, p: _pre_activation(xt, a_prev, p) + p["ba"],
    ),
    (
        "the term Waa @ a_prev is missing",
        lambda xt, a_prev, p: np.tanh(p["Wax"] @ xt + p["ba"]),
    ),
    (
        "Waa is transposed: the pre-activation needs Waa @ a_prev, row i feeding unit i",
        lambda xt, a_prev, p: np.tanh(p["Waa"].T @ a_prev + p["Wax"] @ xt + p["ba"]),
    ),
)


def check_rnn_cell_forward(cell_forward):
    """Check an implementation of rnn_cell_forward(xt, a_prev, parameters) against rnn_lib's."""
    __tracebackhide__ = True
    rng = np.random.default_rng(1)
    p = rnn_parameters(rng, n_x=3, n_a=5, n_y=2, recurrent_scale=1.0)
    xt, a_prev = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    result = cell_forward(xt, a_prev, p)
    expect_tuple("rnn_cell_forward", result, ("a_next", "y_hat_t", "cache"))
    a_next, y_hat_t, _ = result
    expected_a, expected_y, _ = rnn_cell_forward(xt, a_prev, p)
    expect_array("a_next", a_next, expected_a, plant(A_NEXT_MISTAKES, xt, a_prev, p))
    expect_prediction("y_hat_t", y_hat_t, expected_a, expected_y, p["Wya"], p["by"])
    passed("rnn_cell_forward: a_next and y_hat_t match the reference")


#: Typical mistakes of softmax(z), as (message, planted function of z).
SOFTMAX_MISTAKES = (
    (
        "the columns must sum to 1, not the rows: normalise over axis 0",
        lambda z: softmax(z.T).T,
    ),
    (
        "it normalises over the whole array: sum over axis 0 only, with keepdims=True",
        lambda z: np.exp(z) / np.exp(z).sum(),
    ),
    (
        "e^z is missing: divide the exponentials, not the raw scores",
        lambda z: z / z.sum(axis=0, keepdims=True),
    ),
)

#: Typical mistakes of tanh(z), as (message, planted function of z).
TANH_MISTAKES = (
    ("the sign is lost: tanh is odd, tanh(-z) = -tanh(z)", lambda z: np.tanh(np.abs(z))),
    ("that is the sigmoid 1 / (1 + e^-z), not tanh", lambda z: 0.5 * (1 + np.tanh(z / 2))),
    (
        "use e^(-2|z|), not e^(-|z|): tanh(z) = (1 - e^(-2z)) / (1 + e^(-2z))",
        lambda z: np.tanh(z / 2),
    ),
)


def check_softmax(softmax_fn):
    """Check an implementation of softmax(z) (over axis 0) on ordinary and on huge scores."""
    __tracebackhide__ = True
    ordinary = np.random.default_rng(2).standard_normal((4, 3))
    expect_array(
        "softmax(z) for ordinary z",
        softmax_fn(ordinary),
        softmax(ordinary),
        plant(SOFTMAX_MISTAKES, ordinary),
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


@stretch("rnn_lib.tanh, which is np.tanh")
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
    expect_array("tanh(z)", got, np.tanh(z), plant(TANH_MISTAKES, z))
    passed("tanh: correct, and finite for |z| up to 1000")
