import numpy as np
import pytest

from rnn_lib import gradient_norms_through_time, numerical_gradient, rnn_forward

from .helpers import random_problem


def test_norms_match_finite_differences_of_the_last_state():
    """dL/da<k> for L = v . a<T-1>, by perturbing a<k> and re-running steps k+1 .. T-1."""
    X, _, a0, p = random_problem(n_a=5, m=1, T_x=7, seed=2)
    a, _, _ = rnn_forward(X, a0, p)
    v = np.random.default_rng(3).standard_normal((5, 1))
    norms = gradient_norms_through_time(a, p["Waa"], v)
    for k in range(7):
        a_k = np.array(a[:, :, k])

        def loss(k=k, a_k=a_k):
            if k == 6:
                return (v.T @ a_k).item()
            a_later, _, _ = rnn_forward(X[:, :, k + 1 :], a_k, p)
            return (v.T @ a_later[:, :, -1]).item()

        assert norms[k] == pytest.approx(np.linalg.norm(numerical_gradient(loss, a_k)), rel=1e-7)


def test_shape_errors_are_named():
    with pytest.raises(ValueError, match=r"a must be \(n_a, 1, T_x\), a column; got \(3, 2, 4\)"):
        gradient_norms_through_time(np.zeros((3, 2, 4)), np.eye(3), np.zeros((3, 1)))
