import math

import numpy as np
import pytest

from rnn_lib import compute_loss, rnn_cell_backward, rnn_cell_forward
from rnn_lib.teaching.gradcheck import gradient_check

from .helpers import one_hot_sequence, random_parameters


def cell_problem(n_a=5, n_x=4, n_y=3, m=3, seed=0):
    rng = np.random.default_rng(seed)
    xt = rng.standard_normal((n_x, m))
    a_prev = rng.standard_normal((n_a, m)) * 0.5
    y = one_hot_sequence(rng.integers(0, n_y, size=(m, 1)), n_y)[:, :, 0]
    da_next = rng.standard_normal((n_a, m))
    return xt, a_prev, y, da_next, random_parameters(n_a, n_x, n_y, rng)


def test_forward_matches_an_entry_by_entry_reference():
    xt, a_prev, _, _, p = cell_problem()
    a_next, y_hat, _ = rnn_cell_forward(xt, a_prev, p)
    n_a, m = a_prev.shape
    for i in range(n_a):
        for j in range(m):
            z = p["ba"][i, 0] + sum(p["Waa"][i, k] * a_prev[k, j] for k in range(n_a))
            z += sum(p["Wax"][i, k] * xt[k, j] for k in range(xt.shape[0]))
            assert a_next[i, j] == pytest.approx(math.tanh(z), rel=1e-12)
    for j in range(m):
        scores = [p["by"][r, 0] + p["Wya"][r] @ a_next[:, j] for r in range(p["Wya"].shape[0])]
        e = [math.exp(s) for s in scores]
        np.testing.assert_allclose(y_hat[:, j], [v / sum(e) for v in e], rtol=1e-12)


def test_bias_only_cell_outputs_tanh_of_the_bias():
    xt, a_prev, _, _, p = cell_problem()
    p["Wax"][:] = 0
    p["Waa"][:] = 0
    a_next, _, _ = rnn_cell_forward(xt, a_prev, p)
    np.testing.assert_allclose(a_next, np.tanh(np.broadcast_to(p["ba"], a_prev.shape)), rtol=1e-15)


def test_input_only_cell_ignores_the_previous_state():
    xt, a_prev, _, _, p = cell_problem()
    p["Waa"][:] = 0
    p["ba"][:] = 0
    a_next, _, _ = rnn_cell_forward(xt, a_prev, p)
    a_other, _, _ = rnn_cell_forward(xt, -3 * a_prev, p)
    np.testing.assert_allclose(a_next, np.tanh(p["Wax"] @ xt), rtol=1e-15)
    np.testing.assert_array_equal(a_next, a_other)


def test_state_only_cell_ignores_the_input():
    xt, a_prev, _, _, p = cell_problem()
    p["Wax"][:] = 0
    p["ba"][:] = 0
    a_next, _, _ = rnn_cell_forward(xt, a_prev, p)
    np.testing.assert_allclose(a_next, np.tanh(p["Waa"] @ a_prev), rtol=1e-15)


def test_backward_matches_finite_differences():
    xt, a_prev, y, da_next, p = cell_problem()
    arrays = {**p, "a_prev": a_prev, "xt": xt}

    def loss():
        # One step's cross-entropy plus a linear stand-in for the loss of later steps,
        # whose gradient with respect to a_next is exactly da_next.
        a_next, y_hat, _ = rnn_cell_forward(arrays["xt"], arrays["a_prev"], p)
        return compute_loss(y_hat, y) + np.sum(da_next * a_next)

    _, _, cache = rnn_cell_forward(xt, a_prev, p)
    grads = rnn_cell_backward(y, da_next, cache, p)
    assert set(grads) == {"dWax", "dWaa", "dWya", "dba", "dby", "da_prev"}
    numeric_only = {"xt"}
    errors = gradient_check(loss, {k: v for k, v in arrays.items() if k not in numeric_only}, grads)
    for name, error in errors.items():
        assert error < 1e-7, f"{name}: relative error {error:.2e}"


def test_padding_step_passes_only_the_later_gradient_through():
    xt, a_prev, _, da_next, p = cell_problem()
    _, _, cache = rnn_cell_forward(xt, a_prev, p)
    padded = rnn_cell_backward(np.zeros((3, 3)), da_next, cache, p)
    np.testing.assert_array_equal(padded["dWya"], 0)
    np.testing.assert_array_equal(padded["dby"], 0)
    dz = (1 - cache.a_next**2) * da_next
    np.testing.assert_allclose(padded["da_prev"], p["Waa"].T @ dz, rtol=1e-14)


@pytest.mark.parametrize(
    ("culprit", "bad_shape", "message"),
    [
        ("xt", (5, 3), r"xt must be \(n_x, m\) with n_x=4 from Wax; got \(5, 3\)"),
        ("a_prev", (4, 3), r"a_prev must be \(n_a, m\) with n_a=5 from Wax; got \(4, 3\)"),
        ("a_prev", (5, 2), r"a_prev must be \(n_a, m\) with m=3 from xt; got \(5, 2\)"),
        ("ba", (4, 1), r"ba must be \(n_a, 1\) with n_a=5 from Wax; got \(4, 1\)"),
        ("Wya", (3, 4), r"Wya must be \(n_y, n_a\) with n_a=5 from Wax; got \(3, 4\)"),
        ("by", (3,), r"by must be \(n_y, 1\), 2-dimensional; got \(3,\)"),
    ],
)
def test_shape_errors_name_the_array_and_the_expected_shape(culprit, bad_shape, message):
    xt, a_prev, _, _, p = cell_problem()
    args = {"xt": xt, "a_prev": a_prev, **p}
    args[culprit] = np.zeros(bad_shape)
    p = {name: args[name] for name in p}
    with pytest.raises(ValueError, match=message):
        rnn_cell_forward(args["xt"], args["a_prev"], p)


def test_missing_parameter_is_named():
    xt, a_prev, _, _, p = cell_problem()
    del p["Waa"]
    with pytest.raises(ValueError, match="parameters lacks Waa"):
        rnn_cell_forward(xt, a_prev, p)


def test_backward_accepts_nested_lists_like_arrays():
    xt, a_prev, y, da_next, p = cell_problem()
    _, _, cache = rnn_cell_forward(xt, a_prev, p)
    expected = rnn_cell_backward(y, da_next, cache, p)
    got = rnn_cell_backward(y.tolist(), da_next.tolist(), cache, p)
    for key, value in expected.items():
        np.testing.assert_array_equal(got[key], value)
