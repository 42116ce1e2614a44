"""Tests of rnn_lib.cells.lstm: gradients against finite differences, the fast sequence against the
cell, the gates' behaviour, shape errors, padding, and (if installed) PyTorch's nn.LSTM."""

import re

import numpy as np
import pytest

from rnn_lib.cells.lstm import (
    LSTM_PARAM_NAMES,
    initialize_lstm_parameters,
    lstm_backward,
    lstm_cell_backward,
    lstm_cell_forward,
    lstm_forward,
    lstm_loss_and_gradients,
)
from rnn_lib.cells.shared import output_layer_backward
from rnn_lib.teaching.gradcheck import gradient_check

from .helpers import assert_all_below, padded_targets, randomised

N_X, N_A, N_Y, M, T_X = 3, 4, 5, 3, 5
GATE_PARAMS = tuple(name for name in LSTM_PARAM_NAMES if name not in ("Wy", "by"))


def random_parameters(rng, scale=1.0):
    return randomised(initialize_lstm_parameters(N_A, N_X, N_Y, rng), rng, scale)


def one_hot_targets(rng, lengths, T_x=T_X):
    return padded_targets(rng, N_Y, lengths, T_x)


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def test_cell_gradients_match_finite_differences(rng):
    """Cross-entropy through the output layer plus a probe on c_next, checked at one step."""
    p = random_parameters(rng)
    xt, a_prev, c_prev = (rng.standard_normal(s) for s in ((N_X, M), (N_A, M), (N_A, M)))
    y = one_hot_targets(rng, [1] * M, T_x=1)[:, :, 0]
    probe_c = rng.standard_normal((N_A, M))

    def loss():
        _, c_next, yt_pred, _ = lstm_cell_forward(xt, a_prev, c_prev, p)
        return -np.sum(y * np.log(yt_pred)) + np.sum(probe_c * c_next)

    a_next, _, yt_pred, cache = lstm_cell_forward(xt, a_prev, c_prev, p)
    dWy, dby, da_next = output_layer_backward(y, yt_pred, a_next, p["Wy"])
    gradients = lstm_cell_backward(da_next, probe_c, cache) | {"dWy": dWy, "dby": dby}
    arrays = {**p, "xt": xt, "a_prev": a_prev, "c_prev": c_prev}
    assert_all_below(gradient_check(loss, arrays, gradients))


def test_sequence_gradients_match_finite_differences_for_a_probe_loss(rng):
    """L = sum(P * a) for a random P: lstm_backward(P) is exactly its gradient."""
    p = random_parameters(rng)
    x, a0 = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M))
    probe = rng.standard_normal((N_A, M, T_X))

    def loss():
        return np.sum(probe * lstm_forward(x, a0, p)[0])

    gradients = lstm_backward(probe, lstm_forward(x, a0, p)[3])
    arrays = {name: p[name] for name in GATE_PARAMS} | {"x": x, "a0": a0}
    assert_all_below(gradient_check(loss, arrays, gradients))


def test_loss_and_gradients_match_finite_differences_with_padding(rng):
    p = random_parameters(rng)
    x, a0 = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M))
    Y = one_hot_targets(rng, [T_X, 2, 4])

    def loss():
        return lstm_loss_and_gradients(x, Y, a0, p)[0]

    value, gradients = lstm_loss_and_gradients(x, Y, a0, p)
    y_hat = lstm_forward(x, a0, p)[1]
    assert value == pytest.approx(-np.sum(np.log(y_hat[Y == 1])), rel=1e-12)
    assert set(gradients) >= {f"d{name}" for name in LSTM_PARAM_NAMES} | {"da0", "dx"}
    assert_all_below(gradient_check(loss, {**p, "x": x, "a0": a0}, gradients))


def test_sequence_equals_looping_the_cell(rng):
    p = random_parameters(rng)
    x, a0 = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M))
    da = rng.standard_normal((N_A, M, T_X))
    a, y, c, caches = lstm_forward(x, a0, p)
    a_t, c_t, cell_caches = a0, np.zeros((N_A, M)), []
    for t in range(T_X):
        a_t, c_t, y_t, cache = lstm_cell_forward(x[:, :, t], a_t, c_t, p)
        cell_caches.append(cache)
        np.testing.assert_allclose(a[:, :, t], a_t, rtol=0, atol=1e-14)
        np.testing.assert_allclose(c[:, :, t], c_t, rtol=0, atol=1e-14)
        np.testing.assert_allclose(y[:, :, t], y_t, rtol=0, atol=1e-14)
        for field, value in caches.step(t)._asdict().items():
            if field != "parameters":
                np.testing.assert_allclose(value, getattr(cache, field), atol=1e-14, err_msg=field)

    # Backward: the cells from the last step to the first, summing the weight gradients.
    da_next, dc_next, total = np.zeros((N_A, M)), np.zeros((N_A, M)), {}
    for t in range(T_X - 1, -1, -1):
        step = lstm_cell_backward(da[:, :, t] + da_next, dc_next, cell_caches[t])
        da_next, dc_next = step.pop("da_prev"), step.pop("dc_prev")
        total[f"dx{t}"] = step.pop("dxt")
        for key, value in step.items():
            total[key] = total.get(key, 0.0) + value
    gradients = lstm_backward(da, caches)
    np.testing.assert_allclose(gradients["da0"], da_next, atol=1e-13)
    np.testing.assert_allclose(gradients["dc0"], dc_next, atol=1e-13)
    for t in range(T_X):
        np.testing.assert_allclose(gradients["dx"][:, :, t], total.pop(f"dx{t}"), atol=1e-13)
    for key, value in total.items():
        np.testing.assert_allclose(gradients[key], value, atol=1e-12, err_msg=key)


def test_gates_lie_strictly_inside_their_ranges(rng):
    p = random_parameters(rng, scale=1.5)
    x, a0 = 2 * rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M))
    caches = lstm_forward(x, a0, p)[3]
    for t in range(T_X):
        step = caches.step(t)
        for gate in (step.f, step.i, step.o):
            assert np.all((gate > 0) & (gate < 1))
        assert np.all(np.abs(step.cc) < 1)
    a = lstm_forward(x, a0, p)[0]
    assert np.all(np.abs(a) < 1)


def test_open_forget_gate_and_closed_input_gate_carry_the_cell_state(rng):
    """f = 1 and i = 0 (huge biases): c passes through many steps unchanged, and so does dc."""
    p = random_parameters(rng)
    p["bf"][:] = 60.0
    p["bi"][:] = -60.0
    c0 = rng.standard_normal((N_A, M))
    a_t, c_t, caches = rng.standard_normal((N_A, M)), c0, []
    for _ in range(10):
        a_t, c_t, _, cache = lstm_cell_forward(rng.standard_normal((N_X, M)), a_t, c_t, p)
        caches.append(cache)
        np.testing.assert_allclose(c_t, c0, rtol=1e-15, atol=1e-20)
    dc = rng.standard_normal((N_A, M))
    for cache in reversed(caches):
        dc_prev = lstm_cell_backward(np.zeros((N_A, M)), dc, cache)["dc_prev"]
        np.testing.assert_allclose(dc_prev, dc, rtol=1e-15)
        dc = dc_prev


@pytest.mark.parametrize(
    ("change", "culprit"),
    [
        (lambda x, a0, p: (x[:2], a0, p), "X must be (n_x, m, T_x) with n_x=3 from Wf"),
        (lambda x, a0, p: (x, a0[:, :2], p), "a0 must be (n_a, m) with m=3 from X"),
        (lambda x, a0, p: (x, a0, p | {"Wi": p["Wi"][:, :-1]}), "Wi must be (n_a, n_a + n_x)"),
        (lambda x, a0, p: (x, a0, p | {"bo": p["bo"][:-1]}), "bo must be (n_a, 1) with n_a=4"),
        (lambda x, a0, p: (x, a0, p | {"Wy": p["Wy"][:, :-1]}), "Wy must be (n_y, n_a)"),
        (lambda x, a0, p: (x, a0, {k: v for k, v in p.items() if k != "Wo"}), "lacks Wo"),
        (
            lambda x, a0, p: (x, a0, p | {f"W{g}": p[f"W{g}"][:, :N_A] for g in "fico"}),
            "Wf must be (n_a, n_a + n_x) with n_a=4 and n_x >= 1; got (4, 4)",
        ),
    ],
)
def test_shape_errors_name_the_culprit(rng, change, culprit):
    p = random_parameters(rng)
    x, a0 = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M))
    with pytest.raises(ValueError, match=re.escape(culprit)):
        lstm_forward(*change(x, a0, p))


def test_cell_and_backward_shape_errors_name_the_culprit(rng):
    p = random_parameters(rng)
    xt, a_prev = rng.standard_normal((N_X, M)), rng.standard_normal((N_A, M))
    with pytest.raises(ValueError, match=r"^c_prev must be \(n_a, m\)"):
        lstm_cell_forward(xt, a_prev, np.zeros((N_A, M + 1)), p)
    cache = lstm_cell_forward(xt, a_prev, np.zeros((N_A, M)), p)[3]
    with pytest.raises(ValueError, match=r"^dc_next must be \(n_a, m\)"):
        lstm_cell_backward(np.zeros((N_A, M)), np.zeros((N_A + 1, M)), cache)
    caches = lstm_forward(rng.standard_normal((N_X, M, T_X)), a_prev, p)[3]
    with pytest.raises(ValueError, match=r"^da must be \(n_a, m, T_x\) with T_x=5 from X"):
        lstm_backward(np.zeros((N_A, M, T_X - 1)), caches)


def test_padded_batch_gradients_are_the_sum_of_per_sequence_gradients(rng):
    p = random_parameters(rng)
    lengths = [T_X, 2, 4]
    x, a0 = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M))
    Y = one_hot_targets(rng, lengths)
    for k, length in enumerate(lengths):  # padded inputs are zero too, as a batcher makes them
        x[:, k, length:] = 0.0
    batch_loss, batch = lstm_loss_and_gradients(x, Y, a0, p)
    total_loss, total = 0.0, {f"d{name}": 0.0 for name in LSTM_PARAM_NAMES}
    for k, length in enumerate(lengths):
        one = slice(k, k + 1)
        loss, gradients = lstm_loss_and_gradients(
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


def test_initialisation_is_reproducible_and_opens_the_forget_gate():
    p = initialize_lstm_parameters(N_A, N_X, N_Y, rng=3)
    q = initialize_lstm_parameters(N_A, N_X, N_Y, rng=np.random.default_rng(3))
    assert tuple(p) == LSTM_PARAM_NAMES
    for name in LSTM_PARAM_NAMES:
        np.testing.assert_array_equal(p[name], q[name])
    np.testing.assert_array_equal(p["bf"], 1.0)
    for name in ("bi", "bc", "bo", "by"):
        np.testing.assert_array_equal(p[name], 0.0)
    assert p["Wf"].shape == (N_A, N_A + N_X) and p["Wy"].shape == (N_Y, N_A)


def test_matches_pytorch_lstm(rng):
    """States and every gradient against torch.nn.LSTM (gate order i, f, g, o), float64."""
    torch = pytest.importorskip("torch")
    p = random_parameters(rng)
    x, a0 = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M))
    probe = rng.standard_normal((N_A, M, T_X))
    a, _, c, caches = lstm_forward(x, a0, p)
    ours = lstm_backward(probe, caches)

    lstm = torch.nn.LSTM(N_X, N_A, dtype=torch.float64)
    order = ("i", "f", "c", "o")  # torch's i, f, g, o
    with torch.no_grad():
        lstm.weight_hh_l0.copy_(torch.tensor(np.concatenate([p[f"W{g}"][:, :N_A] for g in order])))
        lstm.weight_ih_l0.copy_(torch.tensor(np.concatenate([p[f"W{g}"][:, N_A:] for g in order])))
        lstm.bias_ih_l0.copy_(torch.tensor(np.concatenate([p[f"b{g}"][:, 0] for g in order])))
        lstm.bias_hh_l0.zero_()
    x_t = torch.tensor(x.transpose(2, 1, 0), requires_grad=True)  # (T_x, m, n_x)
    h0 = torch.tensor(a0.T[None].copy(), requires_grad=True)
    c0 = torch.zeros((1, M, N_A), dtype=torch.float64, requires_grad=True)
    out, _ = lstm(x_t, (h0, c0))
    np.testing.assert_allclose(out.detach().numpy().transpose(2, 1, 0), a, atol=1e-13)
    (out * torch.tensor(probe.transpose(2, 1, 0))).sum().backward()

    np.testing.assert_allclose(ours["dx"], x_t.grad.numpy().transpose(2, 1, 0), atol=1e-12)
    np.testing.assert_allclose(ours["da0"], h0.grad.numpy()[0].T, atol=1e-12)
    np.testing.assert_allclose(ours["dc0"], c0.grad.numpy()[0].T, atol=1e-12)
    W_hh = np.split(lstm.weight_hh_l0.grad.numpy(), 4)
    W_ih = np.split(lstm.weight_ih_l0.grad.numpy(), 4)
    b_ih = np.split(lstm.bias_ih_l0.grad.numpy(), 4)
    for k, g in enumerate(order):
        np.testing.assert_allclose(ours[f"dW{g}"], np.hstack((W_hh[k], W_ih[k])), atol=1e-12)
        np.testing.assert_allclose(ours[f"db{g}"][:, 0], b_ih[k], atol=1e-12)
    assert c.shape == (N_A, M, T_X)
