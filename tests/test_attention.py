"""Tests of rnn_lib.cells.attention and rnn_lib.cells.encoder_decoder: the masked softmax (its
padding, its stability, its gradient), one attention step and the keys against finite
differences, every parameter of the encoder-decoder with and without attention against finite
differences, padding that changes nothing, errors, and (if installed) PyTorch's autograd."""

import re

import numpy as np
import pytest

from rnn_lib.cells.attention import (
    attention_keys,
    attention_keys_backward,
    attention_step_backward,
    attention_step_forward,
    initialize_attention,
    masked_softmax,
    masked_softmax_backward,
)
from rnn_lib.cells.encoder_decoder import (
    encoder_decoder_forward,
    encoder_decoder_loss_and_gradients,
    encoder_decoder_param_names,
    initialize_encoder_decoder,
)
from rnn_lib.data.dates import encode_dates, split_dates
from rnn_lib.teaching.gradcheck import gradient_check, numerical_gradient, relative_error

from .helpers import assert_all_below, one_hot_sequence

N_X, N_Y, N_A, N_S, N_V, M, T_X, T_Y = 5, 4, 3, 4, 5, 3, 6, 4
LENGTHS = np.array([T_X, 4, 1])
EPS = 1e-5  # float64 finite differences: 1e-7 would show round-off as a false 1e-5 error


@pytest.fixture
def rng():
    return np.random.default_rng(20)


def padded_inputs(rng, lengths=LENGTHS, T_x=T_X):
    """One-hot inputs (N_X, m, T_x) with zero columns after each length."""
    indices = rng.integers(N_X, size=(len(lengths), T_x))
    indices[np.arange(T_x) >= np.asarray(lengths)[:, None]] = -1
    return one_hot_sequence(indices, N_X)


def problem(rng, attention=True):
    """Non-zero parameters (random biases), padded one-hot inputs and one-hot targets."""
    p = initialize_encoder_decoder(N_A, N_S, N_X, N_Y, n_v=N_V if attention else None, rng=rng)
    for name in p:
        if name.startswith("b"):
            p[name] = 0.5 * rng.standard_normal(p[name].shape)
    Y = one_hot_sequence(rng.integers(N_Y, size=(M, T_Y)), N_Y)
    return p, padded_inputs(rng), Y


# --- the masked softmax -----------------------------------------------------------------------


def test_masked_softmax_sums_to_one_over_the_real_steps_and_gives_padding_zero(rng):
    e = rng.standard_normal((M, T_X))
    mask = np.arange(T_X) < LENGTHS[:, None]
    alpha = masked_softmax(e, mask)
    np.testing.assert_allclose(alpha.sum(axis=1), 1.0, rtol=1e-15)
    assert np.all(alpha[~mask] == 0.0)
    real = np.exp(e[1, :4]) / np.exp(e[1, :4]).sum()  # the textbook formula on the real steps
    np.testing.assert_allclose(alpha[1, :4], real, rtol=1e-14)
    assert alpha[2, 0] == 1.0


def test_masked_softmax_is_stable_for_huge_scores_and_ignores_huge_padding():
    e = np.array([[1e308, 1e308 - 1e292, -1e308, 5e307], [1000.0, 999.0, 1e308, -np.inf]])
    mask = np.array([[True, True, True, True], [True, True, False, False]])
    alpha = masked_softmax(e, mask)
    assert np.all(np.isfinite(alpha))
    np.testing.assert_allclose(alpha[0], [1.0, 0.0, 0.0, 0.0])  # 1e292 apart: e^-1e292 = 0
    np.testing.assert_allclose(alpha[1], [1 / (1 + np.exp(-1)), 1 / (1 + np.e), 0, 0], rtol=1e-15)


def test_masked_softmax_backward_matches_finite_differences(rng):
    e = rng.standard_normal((M, T_X))
    mask = np.arange(T_X) < LENGTHS[:, None]
    G = rng.standard_normal((M, T_X))
    de = masked_softmax_backward(G, masked_softmax(e, mask))
    numeric = numerical_gradient(lambda: np.sum(G * masked_softmax(e, mask)), e, EPS)
    assert relative_error(de, numeric) < 1e-9
    assert np.all(de[~mask] == 0.0)


def test_masked_softmax_names_a_row_without_a_real_step_and_a_mask_of_the_wrong_shape():
    with pytest.raises(ValueError, match=re.escape("rows [1] have none")):
        masked_softmax(np.zeros((2, 3)), np.array([[True, False, False], [False] * 3]))
    with pytest.raises(ValueError, match=re.escape("mask must have the shape of the energies")):
        masked_softmax(np.zeros((2, 3)), np.ones((3, 2), dtype=bool))


# --- one attention step ---------------------------------------------------------------------


def test_one_attention_step_and_the_keys_match_finite_differences(rng):
    """Every input and parameter of context<t> = sum alpha h, through the keys as well."""
    n_h = 2 * N_A
    p = initialize_attention(N_V, N_S, n_h, rng)
    arrays = {
        "s_prev": rng.standard_normal((N_S, M)),
        "H": np.tanh(rng.standard_normal((n_h, M, T_X))),
        **p,
    }
    mask = np.arange(T_X) < LENGTHS[:, None]
    G = rng.standard_normal((n_h, M))

    def loss():
        keys = attention_keys(arrays["H"], arrays["Wh"])
        return np.sum(G * attention_step_forward(arrays["s_prev"], arrays["H"], keys, mask, p)[0])

    keys = attention_keys(arrays["H"], p["Wh"])
    _, _, cache = attention_step_forward(arrays["s_prev"], arrays["H"], keys, mask, p)
    step = attention_step_backward(G, cache, p)
    dWh, dH_keys = attention_keys_backward(step["dkeys"], arrays["H"], p["Wh"])
    analytic = {"ds_prev": step["ds_prev"], "dH": step["dH"] + dH_keys, "dWh": dWh}
    analytic |= {"dWs": step["dWs"], "dv": step["dv"]}
    errors = gradient_check(loss, arrays, analytic, eps=EPS)
    assert_all_below(errors, 1e-8)
    assert np.all(analytic["dH"][:, ~mask] == 0.0)  # no gradient reaches the padding


def test_the_query_is_the_previous_state_and_padding_gets_no_weight(rng):
    n_h = 2 * N_A
    p = initialize_attention(N_V, N_S, n_h, rng)
    H = rng.standard_normal((n_h, M, T_X))
    mask = np.arange(T_X) < LENGTHS[:, None]
    s_prev = rng.standard_normal((N_S, M))
    context, alpha, _ = attention_step_forward(s_prev, H, attention_keys(H, p["Wh"]), mask, p)
    e = p["v"][:, 0] @ np.tanh(p["Wh"] @ H[:, 1, :4] + p["Ws"] @ s_prev[:, 1:2])  # by hand
    np.testing.assert_allclose(alpha[1, :4], np.exp(e) / np.exp(e).sum(), rtol=1e-12)
    np.testing.assert_allclose(context[:, 1], H[:, 1, :4] @ alpha[1, :4], rtol=1e-12)
    assert np.all(alpha[~mask] == 0.0)


# --- the whole encoder-decoder ----------------------------------------------------------------


@pytest.mark.parametrize("attention", [True, False], ids=["attention", "fixed summary"])
def test_every_parameter_matches_finite_differences(rng, attention):
    p, X, Y = problem(rng, attention)
    loss, gradients = encoder_decoder_loss_and_gradients(X, LENGTHS, Y, p)
    assert sorted(gradients) == sorted(f"d{name}" for name in p)
    assert set(p) == set(encoder_decoder_param_names(attention))

    def f():
        return encoder_decoder_loss_and_gradients(X, LENGTHS, Y, p)[0]

    errors = gradient_check(f, p, gradients, eps=EPS)
    assert_all_below(errors, 1e-6)
    assert all(np.any(gradients[f"d{name}"] != 0) for name in p)  # none vanishes, none hides


def test_the_loss_is_the_cross_entropy_of_the_predictions(rng):
    p, X, Y = problem(rng)
    y_hat, alphas, _ = encoder_decoder_forward(X, LENGTHS, Y, p)
    loss, _ = encoder_decoder_loss_and_gradients(X, LENGTHS, Y, p)
    assert loss == pytest.approx(-np.sum(Y * np.log(y_hat)), rel=1e-13)
    np.testing.assert_allclose(y_hat.sum(axis=0), 1.0, rtol=1e-14)
    assert alphas.shape == (M, T_Y, T_X)
    np.testing.assert_allclose(alphas.sum(axis=2), 1.0, rtol=1e-14)
    assert np.all(alphas[1, :, 4:] == 0) and np.all(alphas[2, :, 1:] == 0)


def test_teacher_forcing_feeds_the_true_previous_output(rng):
    """Changing the target of the last step changes no prediction; that of step 0 changes later ones."""
    p, X, Y = problem(rng)
    y_hat, _, _ = encoder_decoder_forward(X, LENGTHS, Y, p)
    last, first = Y.copy(), Y.copy()
    last[:, :, -1] = np.roll(Y[:, :, -1], 1, axis=0)
    first[:, :, 0] = np.roll(Y[:, :, 0], 1, axis=0)
    np.testing.assert_array_equal(encoder_decoder_forward(X, LENGTHS, last, p)[0], y_hat)
    changed = encoder_decoder_forward(X, LENGTHS, first, p)[0]
    np.testing.assert_array_equal(changed[:, :, 0], y_hat[:, :, 0])
    assert not np.allclose(changed[:, :, 1], y_hat[:, :, 1])


@pytest.mark.parametrize("attention", [True, False], ids=["attention", "fixed summary"])
def test_more_padding_changes_neither_the_loss_nor_any_gradient(attention):
    """Dates padded to their longest input, to 40 steps, and to 40 with garbage in the padding."""
    pairs = split_dates(6, 1, 1, rng=4)[0]
    tight, loose = encode_dates(pairs), encode_dates(pairs, T_x=40)
    assert loose.X.shape[2] > tight.X.shape[2] + 10
    n_x, n_y = tight.X.shape[0], tight.Y.shape[0]
    p = initialize_encoder_decoder(4, 5, n_x, n_y, n_v=6 if attention else None, rng=1)
    loss, gradients = encoder_decoder_loss_and_gradients(*tight, p)
    noisy = loose.X + 3.0 * (~loose.mask)[None] * np.random.default_rng(2).random(loose.X.shape)
    for X in (loose.X, noisy):
        padded_loss, padded_gradients = encoder_decoder_loss_and_gradients(
            X, loose.lengths, loose.Y, p
        )
        assert padded_loss == pytest.approx(loss, rel=1e-13)
        for key, value in gradients.items():
            np.testing.assert_allclose(padded_gradients[key], value, rtol=1e-12, atol=1e-14)


def test_bad_shapes_are_named(rng):
    p, X, Y = problem(rng)
    with pytest.raises(ValueError, match=re.escape("lengths must lie in 1..T_x=6")):
        encoder_decoder_forward(X, np.array([7, 1, 1]), Y, p)
    with pytest.raises(ValueError, match=re.escape("X must be (n_x, m, T_x) with n_x=5")):
        encoder_decoder_forward(X[1:], LENGTHS, Y, p)
    with pytest.raises(ValueError, match=re.escape("Y must be (n_y, m, T_y) with n_y=4")):
        encoder_decoder_forward(X, LENGTHS, Y[1:], p)
    wide = dict(p, Wy=np.zeros((N_Y, N_S + 2 * N_A + 1)))
    with pytest.raises(ValueError, match=re.escape("Wy must be (n_y, n_s + n_h) with n_s + n_h")):
        encoder_decoder_forward(X, LENGTHS, Y, wide)
    odd = dict(p, Wsc=np.zeros((N_S, 2 * N_A + 1)))
    with pytest.raises(ValueError, match=re.escape("Wsc must be (n_s, n_h) with n_h=")):
        encoder_decoder_forward(X, LENGTHS, Y, odd)


# --- PyTorch's autograd on the same model -----------------------------------------------------


def torch_loss(torch, t, X, lengths, Y, attention):
    """The same model written in torch operations, float64: autograd gives the gradients."""
    m, T_x = X.shape[1], X.shape[2]
    x = torch.tensor(X)

    def layer(d, steps):
        a, out = torch.zeros(N_A, steps[0].shape[1], dtype=torch.float64), []
        for xt in steps:
            a = torch.tanh(t[f"Waa_{d}"] @ a + t[f"Wax_{d}"] @ xt + t[f"ba_{d}"])
            out.append(a)
        return out

    forward = torch.stack(layer("f", [x[:, :, i] for i in range(T_x)]), dim=2)
    backward = torch.zeros(N_A, m, T_x, dtype=torch.float64)
    for j, length in enumerate(lengths):  # each column read backwards from its own last step
        states = layer("b", [x[:, j : j + 1, i] for i in reversed(range(length))])
        backward[:, j, :length] = torch.cat(states[::-1], dim=1)
    H = torch.cat((forward, backward))
    mask = torch.tensor(np.arange(T_x) < np.asarray(lengths)[:, None])
    s, y_prev, loss = torch.zeros(N_S, m, dtype=torch.float64), torch.zeros(N_Y, m), 0.0
    for step in range(Y.shape[2]):
        if attention:
            u = torch.tanh(torch.einsum("vh,hmi->vmi", t["Wh"], H) + (t["Ws"] @ s)[:, :, None])
            e = torch.einsum("v,vmi->mi", t["v"][:, 0], u).masked_fill(~mask, -torch.inf)
            context = torch.einsum("hmi,mi->hm", H, torch.softmax(e, dim=1))
        else:
            context = torch.cat(
                (forward[:, range(m), list(np.asarray(lengths) - 1)], H[N_A:, :, 0])
            )
        s = torch.tanh(t["Wss"] @ s + t["Wsc"] @ context + t["Wsy"] @ y_prev.double() + t["bs"])
        scores = t["Wy"] @ torch.cat((s, context)) + t["by"]
        target = torch.tensor(Y[:, :, step])
        loss = loss - (target * torch.log_softmax(scores, dim=0)).sum()
        y_prev = target
    return loss


@pytest.mark.parametrize("attention", [True, False], ids=["attention", "fixed summary"])
def test_matches_pytorch_autograd(rng, attention):
    torch = pytest.importorskip("torch")
    p, X, Y = problem(rng, attention)
    t = {name: torch.tensor(value, requires_grad=True) for name, value in p.items()}
    reference = torch_loss(torch, t, X, LENGTHS, Y, attention)
    reference.backward()
    loss, gradients = encoder_decoder_loss_and_gradients(X, LENGTHS, Y, p)
    assert loss == pytest.approx(reference.item(), rel=1e-12)
    errors = {name: relative_error(gradients[f"d{name}"], t[name].grad.numpy()) for name in p}
    assert_all_below(errors, 1e-12)
