"""Checks for the exercises of notebook 07 (vanishing and exploding gradients)."""

import numpy as np

from ..diagnostics import gradient_norms_through_time as reference
from .compare import expect_array, passed


def check_gradient_norms_through_time(gradient_norms_through_time):
    """Check gradient_norms_through_time(a, Waa, da_last) -> norms (T_x,), one per step."""
    __tracebackhide__ = True
    rng = np.random.default_rng(7)
    n_a, T_x = 6, 9
    Waa = rng.standard_normal((n_a, n_a))
    a = np.tanh(rng.standard_normal((n_a, 1, T_x)))
    da_last = rng.standard_normal((n_a, 1))
    got = gradient_norms_through_time(a, Waa, da_last)
    expected = reference(a, Waa, da_last)

    def variant(derivative_of, weight):
        norms, da = np.empty(T_x), da_last
        for k in range(T_x - 1, -1, -1):
            norms[k] = np.linalg.norm(da)
            if k > 0:
                da = weight.T @ (derivative_of(k) * da)
        return norms

    expect_array(
        "norms",
        got,
        expected,
        mistakes=[
            (
                "tanh'(z<k>) = 1 - a<k>^2 uses the state the step produced, a[:, :, k], not a[:, :, k-1]",
                variant(lambda k: 1 - a[:, :, k - 1] ** 2, Waa),
            ),
            (
                "the factor 1 - a<k>^2 (the derivative of tanh) is missing",
                variant(lambda k: 1, Waa),
            ),
            (
                "the gradient flows back through Waa transposed: da<k-1> = Waa.T @ (...), not Waa @ (...)",
                variant(lambda k: 1 - a[:, :, k] ** 2, Waa.T),
            ),
            (
                "norms are in reverse order: norms[k] belongs to step k, the last entry to T_x - 1",
                expected[::-1],
            ),
        ],
    )
    passed("gradient_norms_through_time: every step's norm matches the reference")
