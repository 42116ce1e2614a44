"""Tests of rnn_lib.cells.bidirectional and the masked-character task: gradients against finite
differences, the reversal within lengths, what each direction can see, padding, errors, and (if
installed) PyTorch's bidirectional nn.RNN."""

import re

import numpy as np
import pytest

from rnn_lib import build_vocabulary, index_maps
from rnn_lib.cells.bidirectional import (
    BIDIRECTIONAL_PARAM_NAMES,
    bidirectional_forward,
    bidirectional_loss_and_gradients,
    initialize_bidirectional_parameters,
    reverse_in_time,
)
from rnn_lib.teaching.gradcheck import gradient_check
from rnn_lib.teaching.masked_names import every_position, mask_names, masked_accuracy

from .helpers import assert_all_below, padded_targets, randomised

N_X, N_A, N_Y, M, T_X = 3, 4, 5, 3, 6


@pytest.fixture
def rng():
    return np.random.default_rng(11)


def problem(rng, lengths=(T_X, 4, 1)):
    p = randomised(initialize_bidirectional_parameters(N_A, N_X, N_Y, rng), rng)
    X = rng.standard_normal((N_X, M, T_X))
    for j, length in enumerate(lengths):
        X[:, j, length:] = 0.0
    Y = padded_targets(rng, N_Y, lengths, T_X)
    return p, X, Y, np.array(lengths), rng.standard_normal((N_A, M)) * 0.5


@pytest.mark.parametrize("lengths", [None, (T_X, 4, 1)])
def test_gradients_match_finite_differences(rng, lengths):
    p, X, Y, _, a0 = problem(rng)
    _, gradients = bidirectional_loss_and_gradients(X, Y, a0, p, lengths)
    assert set(gradients) == {f"d{name}" for name in BIDIRECTIONAL_PARAM_NAMES} | {"dx", "da0"}

    def loss():
        return bidirectional_loss_and_gradients(X, Y, a0, p, lengths)[0]

    assert_all_below(gradient_check(loss, {**p, "x": X, "a0": a0}, gradients))


def test_a_gradient_a_little_off_fails_the_check(rng):
    """Plant a bug: the backward layer's dWax 0.3% off. The check goes red for it alone."""
    p, X, Y, lengths, a0 = problem(rng)
    _, gradients = bidirectional_loss_and_gradients(X, Y, a0, p, lengths)
    gradients["dWax_b"] = gradients["dWax_b"] * 1.003

    def loss():
        return bidirectional_loss_and_gradients(X, Y, a0, p, lengths)[0]

    errors = gradient_check(loss, {"Wax_b": p["Wax_b"], "Wax_f": p["Wax_f"]}, gradients)
    assert errors["Wax_b"] > 1e-4 and errors["Wax_f"] < 1e-7


def test_reverse_in_time_keeps_padding_in_place():
    x = np.arange(2 * 5, dtype=float).reshape(1, 2, 5)  # two columns, five steps
    reversed_x = reverse_in_time(x, np.array([5, 3]))
    np.testing.assert_array_equal(reversed_x[0], [[4, 3, 2, 1, 0], [7, 6, 5, 8, 9]])
    np.testing.assert_array_equal(reverse_in_time(reversed_x, np.array([5, 3])), x)


def test_each_direction_sees_its_side(rng):
    """Changing x<t> moves the forward states from t on and the backward states up to t only."""
    p, X, _, _, a0 = problem(rng, lengths=(T_X,) * M)
    a, _, _ = bidirectional_forward(X, a0, p)
    changed = X.copy()
    changed[:, :, 3] += 1.0
    a_changed, _, _ = bidirectional_forward(changed, a0, p)
    moved = np.abs(a_changed - a).max(axis=1)  # (2 n_a, T_x)
    forward_moved = moved[:N_A].max(axis=0) > 1e-12
    backward_moved = moved[N_A:].max(axis=0) > 1e-12
    np.testing.assert_array_equal(forward_moved, [False, False, False, True, True, True])
    np.testing.assert_array_equal(backward_moved, [True, True, True, True, False, False])


def test_padding_adds_nothing(rng):
    """A padded batch has the summed loss and gradients of its names run one by one."""
    p, X, Y, lengths, _ = problem(rng)
    a0 = np.zeros((N_A, M))
    loss, gradients = bidirectional_loss_and_gradients(X, Y, a0, p, lengths)
    parts = [
        bidirectional_loss_and_gradients(
            X[:, j : j + 1, :n], Y[:, j : j + 1, :n], np.zeros((N_A, 1)), p
        )
        for j, n in enumerate(lengths)
    ]
    assert loss == pytest.approx(sum(part[0] for part in parts), rel=1e-12)
    for name in BIDIRECTIONAL_PARAM_NAMES:
        total = sum(part[1][f"d{name}"] for part in parts)
        np.testing.assert_allclose(gradients[f"d{name}"], total, atol=1e-12)


def test_bad_input_gets_one_line_naming_it():
    p = initialize_bidirectional_parameters(4, 3, 5, rng=0)
    X, a0 = np.zeros((3, 2, 5)), np.zeros((4, 2))
    with pytest.raises(ValueError, match=re.escape("lengths must lie in 1..T_x=5; got [6, 2]")):
        bidirectional_forward(X, a0, p, lengths=np.array([6, 2]))
    with pytest.raises(ValueError, match=re.escape("lengths must be (m,) integers with m=2")):
        bidirectional_forward(X, a0, p, lengths=[5.0, 2.0])
    p["Wy"] = np.zeros((5, 4))
    with pytest.raises(ValueError, match=re.escape("Wy must be (n_y, 2 n_a) with n_a=4")):
        bidirectional_forward(X, a0, p)


def test_matches_pytorch_bidirectional_rnn(rng):
    """States and gradients against torch.nn.RNN(bidirectional=True) plus nn.Linear, float64."""
    torch = pytest.importorskip("torch")
    p, X, Y, _, _ = problem(rng, lengths=(T_X,) * M)
    rnn = torch.nn.RNN(N_X, N_A, bidirectional=True, dtype=torch.float64)
    linear = torch.nn.Linear(2 * N_A, N_Y, dtype=torch.float64)
    with torch.no_grad():
        for d, suffix in (("f", ""), ("b", "_reverse")):
            getattr(rnn, f"weight_ih_l0{suffix}").copy_(torch.tensor(p[f"Wax_{d}"]))
            getattr(rnn, f"weight_hh_l0{suffix}").copy_(torch.tensor(p[f"Waa_{d}"]))
            getattr(rnn, f"bias_ih_l0{suffix}").copy_(torch.tensor(p[f"ba_{d}"][:, 0]))
            getattr(rnn, f"bias_hh_l0{suffix}").zero_()
        linear.weight.copy_(torch.tensor(p["Wy"]))
        linear.bias.copy_(torch.tensor(p["by"][:, 0]))
    x_t = torch.tensor(X.transpose(2, 1, 0), requires_grad=True)
    states, _ = rnn(x_t)  # (T_x, m, 2 n_a), forward units first
    loss = -(torch.tensor(Y.transpose(2, 1, 0)) * torch.log_softmax(linear(states), dim=2)).sum()
    loss.backward()
    a, _, _ = bidirectional_forward(X, np.zeros((N_A, M)), p)
    np.testing.assert_allclose(a, states.detach().numpy().transpose(2, 1, 0), atol=1e-12)
    ours, gradients = bidirectional_loss_and_gradients(X, Y, np.zeros((N_A, M)), p)
    assert ours == pytest.approx(loss.item(), rel=1e-12)
    for d, suffix in (("f", ""), ("b", "_reverse")):
        np.testing.assert_allclose(
            gradients[f"dWax_{d}"], getattr(rnn, f"weight_ih_l0{suffix}").grad.numpy(), atol=1e-10
        )
        np.testing.assert_allclose(
            gradients[f"dWaa_{d}"], getattr(rnn, f"weight_hh_l0{suffix}").grad.numpy(), atol=1e-10
        )
    np.testing.assert_allclose(gradients["dWy"], linear.weight.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(gradients["dx"], x_t.grad.numpy().transpose(2, 1, 0), atol=1e-10)


# --- the masked-character task ----------------------------------------------------------------


def test_mask_names_hides_one_character_and_asks_for_it():
    names = ["abc", "ba"]
    char_to_ix, _ = index_maps(build_vocabulary(names))  # "\n", a, b, c
    X, Y, lengths = mask_names(names, char_to_ix, np.array([1, 0]))
    assert X.shape == Y.shape == (4, 2, 3)
    np.testing.assert_array_equal(lengths, [3, 2])
    np.testing.assert_array_equal(X.argmax(axis=0), [[1, 0, 3], [0, 1, 0]])
    np.testing.assert_array_equal(X.sum(axis=0), [[1, 0, 1], [0, 1, 0]])  # mask and padding: 0
    np.testing.assert_array_equal(Y.sum(axis=0), [[0, 1, 0], [1, 0, 0]])
    assert Y[2, 0, 1] == 1 and Y[2, 1, 0] == 1  # the hidden "b" of both names


def test_every_position_and_the_accuracy():
    names, positions = every_position(["ab", "c"])
    assert names == ["ab", "ab", "c"] and positions.tolist() == [0, 1, 0]
    Y = np.zeros((3, 2, 2))
    Y[1, 0, 0] = Y[2, 1, 1] = 1.0
    y_hat = np.full((3, 2, 2), 0.2)
    y_hat[1, 0, 0] = y_hat[0, 1, 1] = 0.6  # the first right, the second wrong
    assert masked_accuracy(y_hat, Y) == 0.5


def test_mask_names_rejects_a_position_outside_the_name():
    char_to_ix, _ = index_maps(build_vocabulary(["ab"]))
    with pytest.raises(
        ValueError, match=re.escape("positions[j] must lie in 0..len(names[j]) - 1")
    ):
        mask_names(["ab"], char_to_ix, np.array([2]))
