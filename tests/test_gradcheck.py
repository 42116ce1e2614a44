import numpy as np
import pytest

from rnn_lib import (
    numerical_gradient,
    relative_error,
    rnn_backward,
    rnn_cell_backward,
    rnn_forward,
    rnn_gradient_check,
)

from .helpers import random_problem


def test_numerical_gradient_of_a_known_function_and_the_array_is_restored():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((3, 4))
    A = rng.standard_normal((3, 4))
    before = w.copy()
    grad = numerical_gradient(lambda: float(np.sum(A * w**3)), w)
    np.testing.assert_allclose(grad, 3 * A * before**2, rtol=1e-8, atol=1e-9)
    np.testing.assert_array_equal(w, before)


def test_numerical_gradient_refuses_float32():
    with pytest.raises(ValueError, match="float64"):
        numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.float32))


def test_relative_error_is_symmetric_and_zero_for_equal_arrays():
    a, b = np.array([1.0, 2.0]), np.array([1.0, 2.2])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(2), np.zeros(2)) == 0.0
    assert relative_error(a, b) == pytest.approx(relative_error(b, a))
    assert relative_error(a, b) == pytest.approx(0.2 / (np.sqrt(5) + np.sqrt(5.84)))


@pytest.mark.parametrize("name", ["Wax", "Waa", "Wya", "ba", "by", "a0"])
def test_a_gradient_planted_three_tenths_of_a_percent_off_fails(name):
    X, Y, a0, p = random_problem(m=2, T_x=5)
    grads = rnn_backward(X, Y, p, rnn_forward(X, a0, p)[2])
    grads[f"d{name}"] = grads[f"d{name}"] * 1.003
    errors = rnn_gradient_check(X, Y, a0, p, gradients=grads)
    assert errors[name] > 1e-4
    assert all(error < 1e-7 for other, error in errors.items() if other != name)


def test_a_gradient_missing_the_later_steps_fails():
    """The classic BPTT mistake: not carrying da_next. Only the last step's gradient is right."""
    X, Y, a0, p = random_problem(m=2, T_x=5)
    _, _, caches = rnn_forward(X, a0, p)
    truncated = {}
    for t in range(5):
        step = rnn_cell_backward(Y[:, :, t], np.zeros_like(a0), caches[t], p)
        for k, v in step.items():
            truncated[k] = truncated.get(k, 0) + v
    truncated["da0"] = rnn_cell_backward(Y[:, :, 0], np.zeros_like(a0), caches[0], p)["da_prev"]
    errors = rnn_gradient_check(X, Y, a0, p, gradients=truncated)
    assert errors["Waa"] > 1e-3 and errors["a0"] > 1e-3
    assert errors["Wya"] < 1e-7 and errors["by"] < 1e-7


def test_gradient_check_leaves_the_callers_arrays_alone():
    X, Y, a0, p = random_problem()
    before = {k: v.copy() for k, v in p.items()}
    rnn_gradient_check(X, Y, a0, p)
    for k in p:
        np.testing.assert_array_equal(p[k], before[k])
