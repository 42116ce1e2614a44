"""Checks for the exercises of notebook 07 (vanishing and exploding gradients)."""

import numpy as np

from ..diagnostics import gradient_norms_through_time as reference
from .compare import call_twice, expect_array, passed, plant
from .diagnosis import altered


def _norms(a, Waa, da_last, slope_at, weight):
    """The backward recursion with tanh's slope taken at a[:, :, slope_at(k)] and weight^T."""
    T_x = a.shape[2]
    norms, da = np.empty(T_x), da_last
    for k in range(T_x - 1, -1, -1):
        norms[k] = np.linalg.norm(da)
        if k > 0:
            slope = 1.0 if slope_at is None else 1 - a[:, :, slope_at(k)] ** 2
            da = weight(Waa).T @ (slope * da)
    return norms


#: Typical mistakes of gradient_norms_through_time, as (message, planted function of (a, Waa,
#: da_last)).
NORMS_MISTAKES = (
    (
        "tanh'(z<k>) = 1 - a<k>^2 uses the state the step produced, a[:, :, k], not a[:, :, k-1]",
        lambda a, Waa, da: _norms(a, Waa, da, lambda k: k - 1, lambda W: W),
    ),
    (
        "the factor 1 - a<k>^2 (the derivative of tanh) is missing",
        lambda a, Waa, da: _norms(a, Waa, da, None, lambda W: W),
    ),
    (
        "the gradient flows back through Waa transposed: da<k-1> = Waa.T @ (...), not Waa @ (...)",
        lambda a, Waa, da: _norms(a, Waa, da, lambda k: k, lambda W: W.T),
    ),
    (
        "norms are in reverse order: norms[k] belongs to step k, the last entry to T_x - 1",
        lambda a, Waa, da: reference(a, Waa, da)[::-1],
    ),
)


def check_gradient_norms_through_time(gradient_norms_through_time):
    """Check gradient_norms_through_time(a, Waa, da_last) -> norms (T_x,), one per step."""
    __tracebackhide__ = True
    rng = np.random.default_rng(7)
    n_a, T_x = 6, 9
    Waa = rng.standard_normal((n_a, n_a))
    a = np.tanh(rng.standard_normal((n_a, 1, T_x)))
    da_last = rng.standard_normal((n_a, 1))
    got = call_twice("gradient_norms_through_time", gradient_norms_through_time, a, Waa, da_last)
    expected = reference(a, Waa, da_last)
    mistakes = plant(NORMS_MISTAKES, a, Waa, da_last)
    named = {"a": a, "Waa": Waa, "da_last": da_last}
    mistakes += altered(lambda v: reference(v["a"], v["Waa"], v["da_last"]), named)
    expect_array("norms", got, expected, mistakes, axis_names=("step {}",))
    passed("gradient_norms_through_time: every step's norm matches the reference")
