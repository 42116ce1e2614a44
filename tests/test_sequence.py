import numpy as np
import pytest

from rnn_lib import (
    CellCache,
    compute_loss,
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
    rnn_gradient_check,
)

from .helpers import one_hot_sequence, random_parameters, random_problem

GRADIENT_KEYS = {"dWax", "dWaa", "dWya", "dba", "dby", "da0"}


def test_forward_equals_the_cell_applied_step_by_step():
    X, _, a0, p = random_problem(m=3, T_x=7)
    a, y_hat, caches = rnn_forward(X, a0, p)
    assert a.shape == (5, 3, 7) and y_hat.shape == (3, 3, 7) and len(caches) == 7
    a_prev = a0
    for t in range(7):
        a_prev, y_hat_t, cache = rnn_cell_forward(X[:, :, t], a_prev, p)
        np.testing.assert_allclose(a[:, :, t], a_prev, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(y_hat[:, :, t], y_hat_t, rtol=1e-13, atol=1e-15)
        for got, expected in zip(caches[t], cache):
            np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)
    assert isinstance(caches[-1], CellCache)
    np.testing.assert_array_equal(caches[-1].a_next, caches[6].a_next)


@pytest.mark.parametrize(("m", "T_x"), [(1, 1), (1, 9), (4, 6)])
def test_backward_matches_finite_differences_for_every_parameter_and_a0(m, T_x):
    X, Y, a0, p = random_problem(m=m, T_x=T_x, seed=m * 10 + T_x)
    for name, error in rnn_gradient_check(X, Y, a0, p).items():
        assert error < 1e-7, f"{name}: relative error {error:.2e}"


def test_backward_matches_the_cell_backward_looped_by_hand():
    X, Y, a0, p = random_problem(m=2, T_x=5)
    _, _, caches = rnn_forward(X, a0, p)
    grads = rnn_backward(X, Y, p, caches)
    assert set(grads) == GRADIENT_KEYS
    total = {k: 0.0 for k in ("dWax", "dWaa", "dWya", "dba", "dby")}
    da_next = np.zeros_like(a0)
    for t in reversed(range(5)):
        step = rnn_cell_backward(Y[:, :, t], da_next, caches[t], p)
        for k in total:
            total[k] = total[k] + step[k]
        da_next = step["da_prev"]
    for k in total:
        np.testing.assert_allclose(grads[k], total[k], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grads["da0"], da_next, rtol=1e-12, atol=1e-14)


def test_backward_accepts_the_seed_style_list_of_cell_caches():
    X, Y, a0, p = random_problem(m=2, T_x=4)
    _, _, caches = rnn_forward(X, a0, p)
    as_list = list(caches)
    for key, value in rnn_backward(X, Y, p, caches).items():
        np.testing.assert_allclose(rnn_backward(X, Y, p, as_list)[key], value, rtol=1e-14)


def test_padded_batch_equals_the_sum_of_its_sequences_run_one_by_one():
    rng = np.random.default_rng(3)
    n_a, n_x = 6, 5
    p = random_parameters(n_a, n_x, n_x, rng)
    lengths = [7, 3, 5, 1]
    T_x = max(lengths)
    idx = np.full((len(lengths), T_x), -1)
    for j, length in enumerate(lengths):
        idx[j, :length] = rng.integers(0, n_x, size=length)
    # Characters as inputs, the next characters as targets, zero columns after each end.
    X = one_hot_sequence(idx, n_x)
    Y = one_hot_sequence(np.roll(idx, -1, axis=1) * (idx >= 0) + (idx < 0) * -1, n_x)
    a0 = np.zeros((n_a, len(lengths)))
    _, y_hat, caches = rnn_forward(X, a0, p)
    batch_loss = compute_loss(y_hat, Y)
    batch = rnn_backward(X, Y, p, caches)

    total_loss, total = 0.0, {k: 0.0 for k in GRADIENT_KEYS - {"da0"}}
    for j, length in enumerate(lengths):
        Xj, Yj, a0j = X[:, j : j + 1, :length], Y[:, j : j + 1, :length], a0[:, j : j + 1]
        _, y_hat_j, caches_j = rnn_forward(Xj, a0j, p)
        total_loss += compute_loss(y_hat_j, Yj)
        grads_j = rnn_backward(Xj, Yj, p, caches_j)
        for k in total:
            total[k] = total[k] + grads_j[k]
        np.testing.assert_allclose(
            batch["da0"][:, j : j + 1], grads_j["da0"], rtol=1e-12, atol=1e-15
        )
    assert batch_loss == pytest.approx(total_loss, rel=1e-13)
    for k in total:
        np.testing.assert_allclose(batch[k], total[k], rtol=1e-12, atol=1e-15)


def test_da0_is_the_gradient_of_the_initial_state_not_a_sum_over_steps():
    X, Y, a0, p = random_problem(m=1, T_x=6)
    _, _, caches = rnn_forward(X, a0, p)
    grads = rnn_backward(X, Y, p, caches)
    seed_style = 0.0
    da_next = np.zeros_like(a0)
    for t in reversed(range(6)):
        da_next = rnn_cell_backward(Y[:, :, t], da_next, caches[t], p)["da_prev"]
        seed_style = seed_style + da_next
    assert not np.allclose(grads["da0"], seed_style)
    np.testing.assert_allclose(grads["da0"], da_next, rtol=1e-12)


@pytest.mark.parametrize(
    ("culprit", "bad_shape", "message"),
    [
        ("X", (4, 2), r"X must be \(n_x, m, T_x\), 3-dimensional; got \(4, 2\)"),
        ("X", (3, 2, 6), r"X must be \(n_x, m, T_x\) with n_x=4 from Wax; got \(3, 2, 6\)"),
        ("a0", (5, 3), r"a0 must be \(n_a, m\) with m=2 from X; got \(5, 3\)"),
        ("X", (4, 2, 0), r"X must have at least one time step"),
    ],
)
def test_forward_shape_errors(culprit, bad_shape, message):
    X, _, a0, p = random_problem(m=2, T_x=6)
    args = {"X": X, "a0": a0}
    args[culprit] = np.zeros(bad_shape)
    with pytest.raises(ValueError, match=message):
        rnn_forward(args["X"], args["a0"], p)


def test_backward_names_a_target_of_the_wrong_length():
    X, Y, a0, p = random_problem(m=2, T_x=6)
    _, _, caches = rnn_forward(X, a0, p)
    with pytest.raises(
        ValueError, match=r"Y must be \(n_y, m, T_x\) with T_x=6 from X; got \(3, 2, 5\)"
    ):
        rnn_backward(X, Y[:, :, :5], p, caches)


def test_against_pytorch_autograd():
    torch = pytest.importorskip("torch")
    X, Y, a0, p = random_problem(n_a=7, n_x=5, n_y=4, m=3, T_x=8, seed=11)
    _, y_hat, caches = rnn_forward(X, a0, p)
    ours = rnn_backward(X, Y, p, caches)
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in {**p, "a0": a0}.items()}
    a, loss = tp["a0"], 0.0
    for t in range(X.shape[2]):
        a = torch.tanh(tp["Waa"] @ a + tp["Wax"] @ torch.tensor(X[:, :, t]) + tp["ba"])
        log_probs = torch.log_softmax(tp["Wya"] @ a + tp["by"], dim=0)
        loss = loss - (torch.tensor(Y[:, :, t]) * log_probs).sum()
    loss.backward()
    assert compute_loss(y_hat, Y) == pytest.approx(loss.item(), rel=1e-12)
    for name, tensor in tp.items():
        np.testing.assert_allclose(ours[f"d{name}"], tensor.grad.numpy(), rtol=1e-10, atol=1e-12)
