"""Checks for the exercises of notebook 01 (the RNN cell)."""

import numpy as np

from ...activations import softmax
from ...cells.rnn import PARAM_NAMES, rnn_cell_forward
from .compare import CheckFailed, call_twice, expect_array, expect_tuple, passed, plant, stretch
from .diagnosis import altered
from .fixtures import expect_cache, expect_prediction, rnn_parameters


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


def _cell(named):
    """rnn_lib's cell on a dict of xt, a_prev and the parameters (for diagnosis.altered)."""
    p = {name: named[name] for name in PARAM_NAMES}
    return rnn_cell_forward(named["xt"], named["a_prev"], p)


def _output(named):
    """The output layer softmax(Wya a_next + by) on a dict of a_next, a_prev, Wya, by."""
    return softmax(named["Wya"] @ named["a_next"] + named["by"])


def _expect_step(cell_forward, xt, a_prev, p):
    """Run the answer on one case (twice: nothing may carry over) and compare all its outputs."""
    __tracebackhide__ = True
    result = call_twice("rnn_cell_forward", cell_forward, xt, a_prev, p)
    expect_tuple("rnn_cell_forward", result, ("a_next", "y_hat_t", "cache"))
    a_next, y_hat_t, cache = result
    expected_a, expected_y, expected_cache = rnn_cell_forward(xt, a_prev, p)
    named = {"xt": xt, "a_prev": a_prev, **p}
    mistakes = plant(A_NEXT_MISTAKES, xt, a_prev, p) + altered(lambda v: _cell(v)[0], named)
    expect_array("a_next", a_next, expected_a, mistakes, axis_names=_AXES)
    if np.shape(y_hat_t) == expected_y.shape and not np.all(np.isfinite(y_hat_t)):
        largest = float(np.max(p["Wya"] @ expected_a + p["by"]))
        raise CheckFailed(
            f"y_hat_t is not finite where the output scores reach {largest:.4g}: e^z overflows "
            "to inf there and inf/inf = nan. Compute y_hat_t with your stable_softmax"
        )
    output = {"a_next": expected_a, "a_prev": a_prev, "Wya": p["Wya"], "by": p["by"]}
    expect_prediction(
        "y_hat_t", y_hat_t, expected_a, expected_y, p["Wya"], p["by"], altered(_output, output)
    )
    expect_cache("rnn_cell_forward", cache, expected_cache)


#: What the axes of a_next and y_hat_t hold.
_AXES = ("row {}", "batch column {}")


def check_rnn_cell_forward(cell_forward):
    """Check rnn_cell_forward(xt, a_prev, parameters) against rnn_lib's, its cache included.

    Two cases: ordinary scores, and output scores near 1000, where a softmax that does not
    subtract the maximum gives nan.
    """
    __tracebackhide__ = True
    rng = np.random.default_rng(1)
    p = rnn_parameters(rng, n_x=3, n_a=5, n_y=2, recurrent_scale=1.0)
    xt, a_prev = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    _expect_step(cell_forward, xt, a_prev, p)
    with np.errstate(all="ignore"):
        _expect_step(cell_forward, xt, a_prev, {**p, "by": p["by"] + 1000.0})
    passed("rnn_cell_forward: a_next, y_hat_t and the cache match the reference, huge scores too")


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
    ("it returns z unchanged: exponentiate, then divide by each column's sum", lambda z: z),
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
        call_twice("softmax", softmax_fn, ordinary),
        softmax(ordinary),
        plant(SOFTMAX_MISTAKES, ordinary),
    )
    huge = np.array([[1000.0, -1000.0], [999.0, -1001.0], [0.0, -1000.0]])
    with np.errstate(all="ignore"):
        got = call_twice("softmax", softmax_fn, huge)
    if np.shape(got) == huge.shape and not np.all(np.isfinite(got)):
        raise CheckFailed(
            "softmax(z) is nan for z = 1000: e^1000 overflows to inf and inf/inf = nan. "
            "Subtract each column's maximum before exponentiating"
        )
    expect_array("softmax(z) for huge z", got, softmax(huge))
    passed("softmax: correct, and finite for huge scores")


def _not_finite_tanh(z, got):
    """Why tanh(z) came out inf or nan: an overflow at large |z|, or a division by 0 at z = 0."""
    bad = ~np.isfinite(got)
    at_zero = bad & (np.abs(z) < 1e-6)
    overflow = [float(v) for v in z[bad & ~at_zero]]
    if at_zero.any():
        return (
            f"tanh(z) is {got[at_zero][0]} at z = {float(z[at_zero][0])}: a division by zero, "
            "not an overflow. A formula that divides by z or |z| (the sign as z / |z|, or "
            "1 / coth(z)) fails at z = 0, where tanh(0) = 0; take the sign with np.sign(z), "
            "or np.where"
            + (f" (it is also not finite for z = {overflow}: an overflow)" if overflow else "")
        )
    return (
        f"tanh(z) is not finite for z = {overflow}: e^|z| overflows to inf and inf/inf = nan. "
        "Write it with e^(-2|z|), which is at most 1, and restore the sign"
    )


@stretch("rnn_lib.tanh, which is np.tanh")
def check_tanh(tanh_fn):
    """Check an implementation of tanh(z), including |z| large enough to overflow e^z."""
    __tracebackhide__ = True
    z = np.array([[-1000.0, -20.0, -1.5, -1e-9], [0.0, 0.3, 2.0, 800.0]])
    with np.errstate(all="ignore"):
        got = call_twice("tanh", tanh_fn, z)
    if np.shape(got) == z.shape and not np.all(np.isfinite(got)):
        raise CheckFailed(_not_finite_tanh(z, np.asarray(got, dtype=float)))
    expect_array("tanh(z)", got, np.tanh(z), plant(TANH_MISTAKES, z))
    passed("tanh: correct, and finite for |z| up to 1000")
