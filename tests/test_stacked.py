"""Tests of rnn_lib.cells.rnn_layer and rnn_lib.cells.stacked: gradients against finite differences,
a one-layer stack against rnn_forward/rnn_backward, padding, errors, and (if installed) PyTorch's
two-layer nn.RNN."""

import re

import numpy as np
import pytest

import rnn_lib
from rnn_lib import rnn_backward, rnn_forward
from rnn_lib.cells.rnn_layer import (
    initialize_rnn_layer,
    rnn_layer_backward,
    rnn_layer_forward,
    rnn_layer_step_backward,
    rnn_layer_step_forward,
)
from rnn_lib.cells.stacked import (
    count_layers,
    initialize_stacked_parameters,
    stacked_backward,
    stacked_forward,
    stacked_loss_and_gradients,
    stacked_param_names,
)
from rnn_lib.teaching.gradcheck import gradient_check

from .helpers import assert_all_below, padded_targets, randomised

N_X, N_A, N_Y, M, T_X = 3, 4, 5, 2, 6


@pytest.fixture
def rng():
    return np.random.default_rng(10)


def test_layer_step_gradients_match_finite_differences(rng):
    p = randomised(initialize_rnn_layer(N_A, N_X, rng), rng)
    xt, a_prev = rng.standard_normal((N_X, M)), rng.standard_normal((N_A, M))
    probe = rng.standard_normal((N_A, M))

    def loss():
        return np.sum(probe * rnn_layer_step_forward(xt, a_prev, p)[0])

    gradients = rnn_layer_step_backward(probe, rnn_layer_step_forward(xt, a_prev, p)[1], p)
    errors = gradient_check(loss, {**p, "xt": xt, "a_prev": a_prev}, gradients)
    assert_all_below(errors)


def test_layer_sequence_gradients_match_finite_differences(rng):
    """L = sum(P * a) for a random P: rnn_layer_backward(P) is its gradient, dx and da0 included."""
    p = randomised(initialize_rnn_layer(N_A, N_X, rng), rng)
    x, a0 = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M))
    probe = rng.standard_normal((N_A, M, T_X))

    def loss():
        return np.sum(probe * rnn_layer_forward(x, a0, p)[0])

    gradients = rnn_layer_backward(probe, rnn_layer_forward(x, a0, p)[1])
    assert_all_below(gradient_check(loss, {**p, "x": x, "a0": a0}, gradients))


@pytest.mark.parametrize("n_layers", [1, 2, 3])
def test_stack_gradients_match_finite_differences(rng, n_layers):
    p = randomised(initialize_stacked_parameters(N_A, N_X, N_Y, n_layers, rng), rng)
    X, a0 = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M)) * 0.5
    Y = padded_targets(rng, N_Y, [T_X, 3], T_X)
    _, gradients = stacked_loss_and_gradients(X, Y, a0, p)
    assert set(gradients) == {f"d{name}" for name in stacked_param_names(n_layers)} | {"dx", "da0"}

    def loss():
        return stacked_loss_and_gradients(X, Y, a0, p)[0]

    assert_all_below(gradient_check(loss, {**p, "x": X, "a0": a0}, gradients))


def test_stack_backward_takes_the_top_layer_gradient(rng):
    """L = sum(P * a) over the top layer's states: stacked_backward(P) is its gradient."""
    p = randomised(initialize_stacked_parameters(N_A, N_X, N_Y, 2, rng), rng)
    X, a0 = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M))
    probe = rng.standard_normal((N_A, M, T_X))

    def loss():
        return np.sum(probe * stacked_forward(X, a0, p)[0])

    gradients = stacked_backward(probe, stacked_forward(X, a0, p)[2])
    layers = {name: p[name] for name in stacked_param_names(2) if name not in ("Wy", "by")}
    assert_all_below(gradient_check(loss, {**layers, "x": X, "a0": a0}, gradients))


def test_a_planted_bug_in_the_layer_below_is_caught(rng):
    """A gradient 0.3% off in the bottom layer (da not passed down in full) fails the check."""
    p = randomised(initialize_stacked_parameters(N_A, N_X, N_Y, 2, rng), rng)
    X, a0 = rng.standard_normal((N_X, M, T_X)), np.zeros((N_A, M))
    Y = padded_targets(rng, N_Y, [T_X, T_X], T_X)
    _, gradients = stacked_loss_and_gradients(X, Y, a0, p)
    gradients["dWax1"] = gradients["dWax1"] * 1.003
    errors = gradient_check(lambda: stacked_loss_and_gradients(X, Y, a0, p)[0], p, gradients)
    assert errors["Wax1"] > 1e-4 and errors["Waa1"] < 1e-7


def test_a_one_layer_stack_is_the_vanilla_rnn(rng):
    """L = 1 with Wy, by renamed Wya, by: the same states, predictions and gradients as rnn_lib's."""
    p = randomised(initialize_stacked_parameters(N_A, N_X, N_Y, 1, rng), rng)
    rnn = {"Wax": p["Wax1"], "Waa": p["Waa1"], "ba": p["ba1"], "Wya": p["Wy"], "by": p["by"]}
    X, a0 = rng.standard_normal((N_X, M, T_X)), rng.standard_normal((N_A, M))
    Y = padded_targets(rng, N_Y, [T_X, 2], T_X)
    a, y_hat, _ = stacked_forward(X, a0, p)
    a_rnn, y_hat_rnn, caches = rnn_forward(X, a0, rnn)
    np.testing.assert_allclose(a, a_rnn, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(y_hat, y_hat_rnn, rtol=1e-12, atol=1e-14)
    _, gradients = stacked_loss_and_gradients(X, Y, a0, p)
    expected = rnn_backward(X, Y, rnn, caches)
    for ours, theirs in (("dWax1", "dWax"), ("dWaa1", "dWaa"), ("dba1", "dba"), ("dWy", "dWya")):
        np.testing.assert_allclose(gradients[ours], expected[theirs], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(gradients["da0"], expected["da0"], rtol=1e-10, atol=1e-13)


def test_padding_adds_nothing(rng):
    """A batch of two padded names has the summed gradients of the names run one by one."""
    p = randomised(initialize_stacked_parameters(N_A, N_X, N_Y, 2, rng), rng)
    X = rng.standard_normal((N_X, 2, T_X))
    Y = padded_targets(rng, N_Y, [T_X, 3], T_X)
    X[:, 1, 3:] = 0.0
    loss, gradients = stacked_loss_and_gradients(X, Y, np.zeros((N_A, 2)), p)
    one = stacked_loss_and_gradients(X[:, :1], Y[:, :1], np.zeros((N_A, 1)), p)
    other = stacked_loss_and_gradients(X[:, 1:, :3], Y[:, 1:, :3], np.zeros((N_A, 1)), p)
    assert loss == pytest.approx(one[0] + other[0], rel=1e-12)
    for name in stacked_param_names(2):
        key = f"d{name}"
        np.testing.assert_allclose(gradients[key], one[1][key] + other[1][key], atol=1e-12)


def test_sizes_and_names():
    p = initialize_stacked_parameters(7, 27, 27, 2, rng=0)
    assert tuple(p) == stacked_param_names(2) == (
        "Wax1", "Waa1", "ba1", "Wax2", "Waa2", "ba2", "Wy", "by",
    )  # fmt: skip
    assert p["Wax1"].shape == (7, 27) and p["Wax2"].shape == (7, 7) and p["Wy"].shape == (27, 7)
    assert count_layers(p) == 2


def test_bad_input_gets_one_line_naming_it():
    p = initialize_stacked_parameters(4, 3, 5, 2, rng=0)
    with pytest.raises(ValueError, match=re.escape("X must be (n_x, m, T_x) with n_x=3 from Wax1")):
        stacked_forward(np.zeros((2, 1, 4)), np.zeros((4, 1)), p)
    p["Wax2"] = np.zeros((4, 3))
    with pytest.raises(ValueError, match=re.escape("Wax2 must be (n_a, n_a) with n_a=4 from Wax1")):
        stacked_forward(np.zeros((3, 1, 4)), np.zeros((4, 1)), p)
    with pytest.raises(ValueError, match="Wax1, Waa1, ba1"):
        stacked_forward(np.zeros((3, 1, 4)), np.zeros((4, 1)), {"Wy": 0})
    with pytest.raises(ValueError, match=re.escape("da must be (n_a, m, T_x) with n_a=4")):
        rnn_layer_backward(
            np.zeros((5, 1, 2)),
            rnn_layer_forward(np.zeros((3, 1, 2)), np.zeros((4, 1)), initialize_rnn_layer(4, 3, 0))[
                1
            ],
        )


def test_matches_pytorch_two_layer_rnn(rng):
    """States and every gradient against torch.nn.RNN(num_layers=2) plus nn.Linear, float64."""
    torch = pytest.importorskip("torch")
    p = randomised(initialize_stacked_parameters(N_A, N_X, N_Y, 2, rng), rng)
    X, Y = rng.standard_normal((N_X, M, T_X)), padded_targets(rng, N_Y, [T_X, T_X], T_X)
    rnn = torch.nn.RNN(N_X, N_A, num_layers=2, dtype=torch.float64)
    linear = torch.nn.Linear(N_A, N_Y, dtype=torch.float64)
    with torch.no_grad():
        for layer in (1, 2):
            getattr(rnn, f"weight_ih_l{layer - 1}").copy_(torch.tensor(p[f"Wax{layer}"]))
            getattr(rnn, f"weight_hh_l{layer - 1}").copy_(torch.tensor(p[f"Waa{layer}"]))
            getattr(rnn, f"bias_ih_l{layer - 1}").copy_(torch.tensor(p[f"ba{layer}"][:, 0]))
            getattr(rnn, f"bias_hh_l{layer - 1}").zero_()
        linear.weight.copy_(torch.tensor(p["Wy"]))
        linear.bias.copy_(torch.tensor(p["by"][:, 0]))
    x_t = torch.tensor(X.transpose(2, 1, 0), requires_grad=True)  # (T_x, m, n_x)
    states, _ = rnn(x_t)
    log_p = torch.log_softmax(linear(states), dim=2)
    loss = -(torch.tensor(Y.transpose(2, 1, 0)) * log_p).sum()
    loss.backward()
    ours_loss, gradients = stacked_loss_and_gradients(X, Y, np.zeros((N_A, M)), p)
    assert ours_loss == pytest.approx(loss.item(), rel=1e-12)
    a, _, _ = stacked_forward(X, np.zeros((N_A, M)), p)
    np.testing.assert_allclose(a, states.detach().numpy().transpose(2, 1, 0), atol=1e-12)
    for layer in (1, 2):
        np.testing.assert_allclose(
            gradients[f"dWax{layer}"],
            getattr(rnn, f"weight_ih_l{layer - 1}").grad.numpy(),
            atol=1e-10,
        )
        np.testing.assert_allclose(
            gradients[f"dWaa{layer}"],
            getattr(rnn, f"weight_hh_l{layer - 1}").grad.numpy(),
            atol=1e-10,
        )
        np.testing.assert_allclose(
            gradients[f"dba{layer}"][:, 0],
            getattr(rnn, f"bias_ih_l{layer - 1}").grad.numpy(),
            atol=1e-10,
        )
    np.testing.assert_allclose(gradients["dWy"], linear.weight.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(gradients["dx"], x_t.grad.numpy().transpose(2, 1, 0), atol=1e-10)


def test_the_stack_as_a_cell_steps_as_its_forward_pass_predicts():
    cell = rnn_lib.stacked_cell(2)
    rng = np.random.default_rng(3)
    parameters = cell.initialize(5, 4, 4, rng)
    indices = rng.integers(0, 4, size=(3, 6))  # 3 names of 6 characters
    X = np.zeros((4, 3, 6))
    X[indices[:, :-1].T, np.arange(3), np.arange(1, 6)[:, None]] = 1.0  # step 0: the zero vector
    y_hat = cell.predict(X, np.zeros((5, 3)), parameters)
    state, previous = tuple(np.zeros((5, 3)) for _ in range(cell.state_count)), None
    for t in range(6):
        state, scores = cell.step(previous, state, parameters)
        np.testing.assert_allclose(rnn_lib.softmax(scores), y_hat[:, :, t], rtol=1e-12)
        previous = indices[:, t]


def test_train_evaluate_and_sample_take_the_stack_as_a_cell():
    names = ["ab", "abc", "ba", "cab", "bca", "aab"] * 4
    cell = rnn_lib.stacked_cell(2)
    first = rnn_lib.train(names, names[:6], cell=cell, hidden=6, epochs=8, batch_size=6,
                          progress=False)  # fmt: skip
    again = rnn_lib.train(names, names[:6], cell=cell, hidden=6, epochs=8, batch_size=6,
                          progress=False)  # fmt: skip
    assert first.hyperparameters["cell"] == "stacked2"
    assert first.history["dev_loss_per_char"] == again.history["dev_loss_per_char"]
    losses = first.history["train_loss_per_char"]
    assert losses[-1] < losses[0] - 0.3
    char_to_ix, ix_to_char = rnn_lib.index_maps(first.chars)
    measured = rnn_lib.evaluate(first.parameters, names[:6], char_to_ix, cell)
    assert measured.loss_per_char == pytest.approx(first.history["dev_loss_per_char"][-1])
    drawn = rnn_lib.sample_names(first.parameters, char_to_ix, ix_to_char, 5, rng=0, cell=cell)
    assert len(drawn) == 5 and all(set(name) <= set(first.chars) for name in drawn)
