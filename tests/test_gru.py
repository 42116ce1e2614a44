"""Tests of rnn_lib.cells.gru: gradients against finite differences, the fast sequence against the
cell, the gates' behaviour, shape errors, padding, and (if installed) PyTorch autograd."""

import re

import numpy as np
import pytest

from rnn_lib.cells.gru import (
    GRU_PARAM_NAMES,
    gru_backward,
    gru_cell_backward,
    gru_cell_forward,
    gru_forward,
    gru_loss_and_gradients,
    initialize_gru_parameters,
)
from rnn_lib.cells.shared import output_layer_backward
from rnn_lib.teaching.gradcheck import gradient_check

from .helpers import assert_all_below, padded_targets, randomised

N_X, N_A, N_Y, M, T_X = 3, 4, 5, 3, 5
GATE_PARAMS = tuple(name for name in GRU_PARAM_NAMES if name not in ("Wy", "by"))


def random_parameters(rng, scale=1.0):
    return randomised(initialize_gru_parameters(N_A, N_X, N_Y, rng), rng, scale)


def one_hot_targets(rng, lengths, T_x=T_X):
    return padded_targets(rng, N_Y, lengths, T_x)


@pytest.fixture
def rng():
    return np.random.default_rng(11)


def test_cell_gradients_match_finite_differences(rng):
    """Cross-entropy through the output layer plus a probe on a_next, checked at one step."""
    p = random_parameters(rng)
    xt, a_prev = rng.standard_normal((N_X, M)), rng.standard_normal((N_A, M))
    y = one_hot_targets(rng, [1] * M, T_x=1)[:, :, 0]
    probe = rng.standard_normal((N_A, M))

    def loss():
        a_next, yt_pred, _ = gru_cell_forward(xt, a_prev, p)
        return -np.sum(y * np.log(yt_pred)) + np.sum(probe * a_next)

    a_next, yt_pred, cache = gru_cell_forward(xt, a_prev, p)
    dWy, dby, da_next = output_layer_backward(y, yt_pred, a_next, p["Wy"])
    gradients = gru_cell_backward(da_next + probe, cache) | {"dWy": dWy, "dby": dby}
    arrays = {**p, "xt": xt, "a_prev": a_prev}
    assert_all_below(gradient_check(loss, arrays, gradients))


def test_sequence_gradients_match_finite_differences_for_a_probe_loss(rng):
    """L = sum(P * a) for a random P: gru_backward(P) is exactly its gradient."""
    p = random_parameters(rng)
    x, a0 = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M))
    probe = rng.standard_normal((N_A, M, T_X))

    def loss():
        return np.sum(probe * gru_forward(x, a0, p)[0])

    gradients = gru_backward(probe, gru_forward(x, a0, p)[2])
    arrays = {name: p[name] for name in GATE_PARAMS} | {"x": x, "a0": a0}
    assert_all_below(gradient_check(loss, arrays, gradients))


def test_loss_and_gradients_match_finite_differences_with_padding(rng):
    p = random_parameters(rng)
    x, a0 = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M))
    Y = one_hot_targets(rng, [T_X, 2, 4])

    def loss():
        return gru_loss_and_gradients(x, Y, a0, p)[0]

    value, gradients = gru_loss_and_gradients(x, Y, a0, p)
    y_hat = gru_forward(x, a0, p)[1]
    assert value == pytest.approx(-np.sum(np.log(y_hat[Y == 1])), rel=1e-12)
    assert set(gradients) >= {f"d{name}" for name in GRU_PARAM_NAMES} | {"da0", "dx"}
    assert_all_below(gradient_check(loss, {**p, "x": x, "a0": a0}, gradients))


def test_sequence_equals_looping_the_cell(rng):
    p = random_parameters(rng)
    x, a0 = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M))
    da = rng.standard_normal((N_A, M, T_X))
    a, y, caches = gru_forward(x, a0, p)
    a_t, cell_caches = a0, []
    for t in range(T_X):
        a_t, y_t, cache = gru_cell_forward(x[:, :, t], a_t, p)
        cell_caches.append(cache)
        np.testing.assert_allclose(a[:, :, t], a_t, rtol=0, atol=1e-14)
        np.testing.assert_allclose(y[:, :, t], y_t, rtol=0, atol=1e-14)
        for field, value in caches.step(t)._asdict().items():
            if field != "parameters":
                np.testing.assert_allclose(value, getattr(cache, field), atol=1e-14, err_msg=field)

    # Backward: the cells from the last step to the first, summing the weight gradients.
    da_next, total = np.zeros((N_A, M)), {}
    for t in range(T_X - 1, -1, -1):
        step = gru_cell_backward(da[:, :, t] + da_next, cell_caches[t])
        da_next = step.pop("da_prev")
        total[f"dx{t}"] = step.pop("dxt")
        for key, value in step.items():
            total[key] = total.get(key, 0.0) + value
    gradients = gru_backward(da, caches)
    np.testing.assert_allclose(gradients["da0"], da_next, atol=1e-13)
    for t in range(T_X):
        np.testing.assert_allclose(gradients["dx"][:, :, t], total.pop(f"dx{t}"), atol=1e-13)
    for key, value in total.items():
        np.testing.assert_allclose(gradients[key], value, atol=1e-12, err_msg=key)


def test_gates_lie_strictly_inside_their_ranges(rng):
    p = random_parameters(rng, scale=1.5)
    x, a0 = 2 * rng.standard_normal((N_X, M, T_X)), rng.uniform(-1, 1, (N_A, M))
    a, _, caches = gru_forward(x, a0, p)
    for t in range(T_X):
        step = caches.step(t)
        for gate in (step.u, step.r):
            assert np.all((gate > 0) & (gate < 1))
        assert np.all(np.abs(step.cc) < 1)
    assert np.all(np.abs(a) < 1)  # a convex mix of a0 in (-1, 1) and candidates in (-1, 1)


def test_closed_update_gate_keeps_the_state(rng):
    """u = 0 (a huge negative bias): a passes through many steps unchanged, and so does da."""
    p = random_parameters(rng)
    p["bu"][:] = -60.0
    a0 = rng.standard_normal((N_A, M))
    a_t, caches = a0, []
    for _ in range(10):
        a_t, _, cache = gru_cell_forward(rng.standard_normal((N_X, M)), a_t, p)
        caches.append(cache)
        np.testing.assert_allclose(a_t, a0, rtol=1e-15, atol=1e-20)
    da = rng.standard_normal((N_A, M))
    for cache in reversed(caches):
        da_prev = gru_cell_backward(da, cache)["da_prev"]
        np.testing.assert_allclose(da_prev, da, rtol=1e-15, atol=1e-20)
        da = da_prev


@pytest.mark.parametrize(
    ("change", "culprit"),
    [
        (lambda x, a0, p: (x[:2], a0, p), "X must be (n_x, m, T_x) with n_x=3 from Wu"),
        (lambda x, a0, p: (x, a0[:-1], p), "a0 must be (n_a, m) with n_a=4 from Wu"),
        (lambda x, a0, p: (x, a0, p | {"Wr": p["Wr"][:, :-1]}), "Wr must be (n_a, n_a + n_x)"),
        (lambda x, a0, p: (x, a0, p | {"bc": p["bc"].T}), "bc must be (n_a, 1)"),
        (lambda x, a0, p: (x, a0, p | {"by": p["by"][:-1]}), "by must be (n_y, 1) with n_y=5"),
        (lambda x, a0, p: (x, a0, {k: v for k, v in p.items() if k != "Wc"}), "lacks Wc"),
        (lambda x, a0, p: (x[:, :, :0], a0, p), "X must have at least one time step"),
    ],
)
def test_shape_errors_name_the_culprit(rng, change, culprit):
    p = random_parameters(rng)
    x, a0 = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M))
    with pytest.raises(ValueError, match=re.escape(culprit)):
        gru_forward(*change(x, a0, p))


def test_cell_and_backward_shape_errors_name_the_culprit(rng):
    p = random_parameters(rng)
    xt, a_prev = rng.standard_normal((N_X, M)), rng.standard_normal((N_A, M))
    with pytest.raises(ValueError, match=r"^xt must be \(n_x, m\) with n_x=3 from Wu"):
        gru_cell_forward(xt[:-1], a_prev, p)
    cache = gru_cell_forward(xt, a_prev, p)[2]
    with pytest.raises(ValueError, match=r"^da_next must be \(n_a, m\) with m=3"):
        gru_cell_backward(np.zeros((N_A, M + 1)), cache)
    caches = gru_forward(rng.standard_normal((N_X, M, T_X)), a_prev, p)[2]
    with pytest.raises(ValueError, match=r"^da must be \(n_a, m, T_x\) with n_a=4"):
        gru_backward(np.zeros((N_A + 1, M, T_X)), caches)


def test_padded_batch_gradients_are_the_sum_of_per_sequence_gradients(rng):
    p = random_parameters(rng)
    lengths = [3, T_X, 1]
    x, a0 = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M))
    Y = one_hot_targets(rng, lengths)
    for k, length in enumerate(lengths):  # padded inputs are zero too, as a batcher makes them
        x[:, k, length:] = 0.0
    batch_loss, batch = gru_loss_and_gradients(x, Y, a0, p)
    total_loss, total = 0.0, {f"d{name}": 0.0 for name in GRU_PARAM_NAMES}
    for k, length in enumerate(lengths):
        one = slice(k, k + 1)
        loss, gradients = gru_loss_and_gradients(
            x[:, one, :length], Y[:, one, :length], a0[:, one], p
        )
        total_loss += loss
        for key in total:
            total[key] = total[key] + gradients[key]
        np.testing.assert_allclose(batch["da0"][:, one], gradients["da0"], atol=1e-13)
        np.testing.assert_allclose(batch["dx"][:, one, :length], gradients["dx"], atol=1e-13)
        np.testing.assert_array_equal(batch["dx"][:, one, length:], 0.0)
    assert batch_loss == pytest.approx(total_loss, rel=1e-13)
    for key, value in total.items():
        np.testing.assert_allclose(batch[key], value, rtol=1e-12, atol=1e-13, err_msg=key)


def test_initialisation_is_reproducible_and_leans_towards_keeping_the_state():
    p = initialize_gru_parameters(N_A, N_X, N_Y, rng=3)
    q = initialize_gru_parameters(N_A, N_X, N_Y, rng=np.random.default_rng(3))
    assert tuple(p) == GRU_PARAM_NAMES
    for name in GRU_PARAM_NAMES:
        np.testing.assert_array_equal(p[name], q[name])
    np.testing.assert_array_equal(p["bu"], -1.0)
    for name in ("br", "bc", "by"):
        np.testing.assert_array_equal(p[name], 0.0)
    assert p["Wc"].shape == (N_A, N_A + N_X) and p["Wy"].shape == (N_Y, N_A)


def test_matches_pytorch_autograd_of_the_same_equations(rng):
    """torch's own GRU applies r after the matmul, so the reference is our equations in torch."""
    torch = pytest.importorskip("torch")
    p = random_parameters(rng)
    x, a0 = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M))
    Y = one_hot_targets(rng, [T_X, 3, 4])
    loss, ours = gru_loss_and_gradients(x, Y, a0, p)

    tp = {name: torch.tensor(value, requires_grad=True) for name, value in p.items()}
    x_t = torch.tensor(x, requires_grad=True)
    a0_t = torch.tensor(a0, requires_grad=True)
    a_prev, total = a0_t, 0.0
    for t in range(T_X):
        stacked = torch.cat((a_prev, x_t[:, :, t]))
        u = torch.sigmoid(tp["Wu"] @ stacked + tp["bu"])
        r = torch.sigmoid(tp["Wr"] @ stacked + tp["br"])
        cc = torch.tanh(tp["Wc"] @ torch.cat((r * a_prev, x_t[:, :, t])) + tp["bc"])
        a_prev = u * cc + (1 - u) * a_prev
        log_y = torch.log_softmax(tp["Wy"] @ a_prev + tp["by"], dim=0)
        total = total - (torch.tensor(Y[:, :, t]) * log_y).sum()
    total.backward()

    assert loss == pytest.approx(total.item(), rel=1e-12)
    np.testing.assert_allclose(ours["dx"], x_t.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(ours["da0"], a0_t.grad.numpy(), atol=1e-12)
    for name in GRU_PARAM_NAMES:
        np.testing.assert_allclose(ours[f"d{name}"], tp[name].grad.numpy(), atol=1e-12)
