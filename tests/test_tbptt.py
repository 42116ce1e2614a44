"""Truncated BPTT: the same as full BPTT when one chunk holds the sequence, truncated otherwise.

The references are independent of rnn_lib.training.tbptt: full BPTT (rnn_backward), a loop
over the cell functions written here, finite differences of the truncated objective (each
chunk's loss with its starting state frozen), and, when installed, PyTorch with detach().
"""

import numpy as np
import pytest

from rnn_lib import (
    PARAM_NAMES,
    compute_loss,
    count_chunks,
    initialize_parameters,
    numerical_gradient,
    predict_stream,
    relative_error,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
    rnn_loss_and_gradients,
    train_tbptt,
    truncated_gradients,
    truncation_gap,
)
from rnn_lib.training.optim import make_update
from rnn_lib.training.tbptt import HISTORY_KEYS, train_chunk

from .helpers import one_hot_sequence, random_problem


def gap(a, b):
    """Largest relative difference between two gradient dicts over the parameter gradients."""
    return max(
        np.max(np.abs(a[f"d{n}"] - b[f"d{n}"])) / np.max(np.abs(b[f"d{n}"])) for n in PARAM_NAMES
    )


def chunk_starts(T_x, k):
    return list(range(0, T_x, k))


@pytest.mark.parametrize("k", [8, 9, 100])
def test_one_chunk_holding_the_sequence_is_full_bptt_bit_for_bit(k):
    X, Y, a0, p = random_problem(n_a=6, n_x=5, n_y=4, m=3, T_x=8, seed=1)
    loss, gradients, a_last = truncated_gradients(X, Y, a0, p, k)
    full_loss, full = rnn_loss_and_gradients(X, Y, a0, p)
    assert loss == full_loss
    assert gradients.keys() == full.keys()
    for key in full:
        assert np.array_equal(gradients[key], full[key]), key
    assert np.array_equal(a_last, rnn_forward(X, a0, p)[0][:, :, -1])


def cell_loop_truncated(X, Y, a0, p, k):
    """Truncated BPTT with the cell functions: per chunk, BPTT from a frozen start, summed."""
    totals = {f"d{n}": np.zeros_like(p[n]) for n in PARAM_NAMES}
    a_start, loss = a0, 0.0
    for start in chunk_starts(X.shape[2], k):
        steps = range(start, min(start + k, X.shape[2]))
        caches, a = [], a_start
        for t in steps:
            a, y_hat_t, cache = rnn_cell_forward(X[:, :, t], a, p)
            caches.append(cache)
            loss += compute_loss(y_hat_t, Y[:, :, t])
        da = np.zeros_like(a0)
        for t, cache in zip(reversed(steps), reversed(caches)):
            step = rnn_cell_backward(Y[:, :, t], da, cache, p)
            da = step.pop("da_prev")
            for key in totals:
                totals[key] += step[key]
        a_start = a  # carried forward; the da reaching the chunk's start is dropped
    return loss, totals, a_start


@pytest.mark.parametrize("k", [1, 3, 4, 7])
def test_truncation_truncates_and_equals_the_sum_of_chunk_gradients(k):
    X, Y, a0, p = random_problem(n_a=6, n_x=5, n_y=4, m=3, T_x=8, seed=2)
    loss, gradients, a_last = truncated_gradients(X, Y, a0, p, k)
    _, full = rnn_loss_and_gradients(X, Y, a0, p)
    assert gap(gradients, full) > 1e-3  # something is cut
    ref_loss, reference, ref_a_last = cell_loop_truncated(X, Y, a0, p, k)
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    for name in PARAM_NAMES:
        np.testing.assert_allclose(
            gradients[f"d{name}"], reference[f"d{name}"], rtol=1e-12, atol=1e-13
        )
    np.testing.assert_allclose(a_last, ref_a_last, rtol=1e-12, atol=1e-14)


def frozen_objective(X, Y, a0, p, k, arrays):
    """The objective truncated BPTT differentiates: sum over chunks of the chunk's loss from a
    start state frozen at the current parameters (the first chunk starts from arrays["a0"])."""
    starts = chunk_starts(X.shape[2], k)
    frozen, a = [], a0
    for start in starts:
        frozen.append(a.copy())
        a = rnn_forward(X[:, :, start : start + k], a, p)[0][:, :, -1]

    def loss():
        params = {n: arrays[n] for n in PARAM_NAMES}
        total = 0.0
        for c, start in enumerate(starts):
            a_start = arrays["a0"] if c == 0 else frozen[c]
            y_hat = rnn_forward(X[:, :, start : start + k], a_start, params)[1]
            total += compute_loss(y_hat, Y[:, :, start : start + k])
        return total

    return loss


@pytest.mark.parametrize("k", [2, 3, 5])
def test_the_truncated_gradient_passes_a_gradient_check_of_the_frozen_objective(k):
    X, Y, a0, p = random_problem(n_a=5, n_x=4, n_y=3, m=2, T_x=7, seed=3)
    _, gradients, _ = truncated_gradients(X, Y, a0, p, k)
    arrays = {n: p[n].copy() for n in PARAM_NAMES} | {"a0": a0.copy()}
    objective = frozen_objective(X, Y, a0, p, k, arrays)
    for name, array in arrays.items():
        numeric = numerical_gradient(objective, array)
        assert relative_error(gradients[f"d{name}"], numeric) < 1e-7, name


def test_the_full_loss_has_another_gradient_when_chunks_are_cut():
    X, Y, a0, p = random_problem(n_a=5, n_x=4, n_y=3, m=2, T_x=7, seed=4)
    _, gradients, _ = truncated_gradients(X, Y, a0, p, 3)
    Waa = p["Waa"].copy()
    params = {**p, "Waa": Waa}
    numeric = numerical_gradient(lambda: compute_loss(rnn_forward(X, a0, params)[1], Y), Waa)
    assert relative_error(gradients["dWaa"], numeric) > 1e-3


def test_against_pytorch_with_detach():
    torch = pytest.importorskip("torch")
    X, Y, a0, p = random_problem(n_a=7, n_x=5, n_y=4, m=3, T_x=11, seed=5)
    k = 4
    _, ours, a_last = truncated_gradients(X, Y, a0, p, k)
    tp = {name: torch.tensor(value, requires_grad=True) for name, value in p.items()}
    a, loss = torch.tensor(a0), 0.0
    for t in range(X.shape[2]):
        if t % k == 0:
            a = a.detach()  # the gradient stops at the chunk boundary; the value is carried
        a = torch.tanh(tp["Waa"] @ a + tp["Wax"] @ torch.tensor(X[:, :, t]) + tp["ba"])
        log_probs = torch.log_softmax(tp["Wya"] @ a + tp["by"], dim=0)
        loss = loss - (torch.tensor(Y[:, :, t]) * log_probs).sum()
    loss.backward()
    for name, tensor in tp.items():
        np.testing.assert_allclose(ours[f"d{name}"], tensor.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a_last, a.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_truncated_gradients_names_bad_input():
    X, Y, a0, p = random_problem(n_a=5, n_x=4, n_y=3, m=2, T_x=7)
    with pytest.raises(ValueError, match="k must be a positive integer; got 0"):
        truncated_gradients(X, Y, a0, p, 0)
    with pytest.raises(
        ValueError, match=r"Y must be \(n_y, m, T_x\) with T_x=7 from X; got \(3, 2, 6\)"
    ):
        truncated_gradients(X, Y[:, :, :6], a0, p, 3)
    with pytest.raises(ValueError, match=r"a0 must be \(n_a, m\) with m=2 from X; got \(5, 3\)"):
        truncated_gradients(X, Y, np.zeros((5, 3)), p, 3)
    with pytest.raises(ValueError, match=r"T_x >= 1"):
        truncated_gradients(X[:, :, :0], Y[:, :, :0], a0, p, 3)


# --- truncation_gap ---------------------------------------------------------------------


def test_truncation_gap_is_zero_with_one_chunk_and_the_relative_norm_otherwise():
    X, Y, a0, p = random_problem(n_a=5, n_x=4, n_y=3, m=2, T_x=9, seed=6)
    assert truncation_gap(X, Y, a0, p, 9) == 0.0
    _, full = rnn_loss_and_gradients(X, Y, a0, p)
    _, truncated, _ = cell_loop_truncated(X, Y, a0, p, 4)
    difference = np.concatenate([(full[f"d{n}"] - truncated[f"d{n}"]).ravel() for n in PARAM_NAMES])
    whole = np.concatenate([full[f"d{n}"].ravel() for n in PARAM_NAMES])
    expected = np.linalg.norm(difference) / np.linalg.norm(whole)
    assert truncation_gap(X, Y, a0, p, 4) == pytest.approx(expected, rel=1e-10)
    assert 0 < expected < 1


# --- the trainer ------------------------------------------------------------------------


def stream(n, n_x=5, seed=0):
    return np.random.default_rng(seed).integers(0, n_x, size=n)


def one_hot_streams(indices, n_x, m):
    """X, Y (n_x, m, L - 1) of the whole stream, built here from text slices."""
    L = len(indices) // m
    rows = np.array([indices[j * L : (j + 1) * L] for j in range(m)])
    return one_hot_sequence(rows[:, :-1], n_x), one_hot_sequence(rows[:, 1:], n_x)


def test_one_chunk_and_one_sgd_step_is_one_step_of_full_bptt():
    indices, n_x, m = stream(43, n_x=5, seed=1), 5, 3  # L = 14: 13 steps, one chunk
    start = initialize_parameters(4, n_x, n_x, rng=7)
    start = {name: value * 50 for name, value in start.items()}  # large enough to matter
    result = train_tbptt(
        indices,
        n_x,
        hidden=4,
        m=m,
        k=13,
        learning_rate=0.1,
        optimizer="sgd",
        clip="none",
        parameters=start,
    )
    X, Y = one_hot_streams(indices, n_x, m)
    _, full = rnn_loss_and_gradients(X, Y, np.zeros((4, m)), start)
    for name in PARAM_NAMES:
        expected = start[name] - 0.1 * full[f"d{name}"] / (m * 13)
        np.testing.assert_allclose(result.parameters[name], expected, rtol=1e-12, atol=1e-15)
    assert result.history["updates"] == [1]
    assert result.history["chars"] == [m * 13]


@pytest.mark.parametrize("carry_state", [True, False])
def test_each_chunk_starts_from_the_state_the_last_one_ended_with_or_from_zero(carry_state):
    indices, n_x, m, k, lr = stream(40, seed=2), 5, 2, 6, 0.3  # L = 20: chunks of 6, 6, 6, 1
    start = {name: value * 40 for name, value in initialize_parameters(3, n_x, n_x, rng=8).items()}
    result = train_tbptt(
        indices,
        n_x,
        hidden=3,
        m=m,
        k=k,
        learning_rate=lr,
        optimizer="sgd",
        clip="none",
        parameters=start,
        carry_state=carry_state,
    )
    X, Y = one_hot_streams(indices, n_x, m)
    p = {name: value.copy() for name, value in start.items()}
    a_start, losses = np.zeros((3, m)), []
    for s in range(0, 19, k):
        X_c, Y_c = X[:, :, s : s + k], Y[:, :, s : s + k]
        a, y_hat, _ = rnn_forward(X_c, a_start, p)
        loss, gradients = rnn_loss_and_gradients(X_c, Y_c, a_start, p)
        losses.append(loss)
        for name in PARAM_NAMES:
            p[name] = p[name] - lr * gradients[f"d{name}"] / (m * X_c.shape[2])
        a_start = a[:, :, -1] if carry_state else np.zeros((3, m))
    for name in PARAM_NAMES:
        np.testing.assert_allclose(result.parameters[name], p[name], rtol=1e-11, atol=1e-14)
    assert result.history["loss_per_char"][0] == pytest.approx(sum(losses) / (m * 19), rel=1e-12)


def test_carrying_the_state_changes_the_result():
    indices = stream(200, seed=3)
    kwargs = dict(hidden=6, m=4, k=5, epochs=2, seed=1)
    carried = train_tbptt(indices, 5, carry_state=True, **kwargs).parameters
    reset = train_tbptt(indices, 5, carry_state=False, **kwargs).parameters
    assert not np.allclose(carried["Waa"], reset["Waa"])


def test_training_is_deterministic_given_the_seed_and_leaves_the_callers_parameters_alone():
    indices = stream(300, seed=4)
    start = initialize_parameters(8, 5, 5, rng=3)
    saved = {name: value.copy() for name, value in start.items()}
    first = train_tbptt(indices, 5, hidden=8, m=4, k=7, epochs=2, parameters=start)
    second = train_tbptt(indices, 5, hidden=8, m=4, k=7, epochs=2, parameters=start)
    for name in PARAM_NAMES:
        assert np.array_equal(start[name], saved[name])
        assert np.array_equal(first.parameters[name], second.parameters[name])
    assert first.history["loss_per_char"] == second.history["loss_per_char"]
    other_seed = train_tbptt(indices, 5, hidden=8, m=4, k=7, seed=1).parameters
    same_seed = train_tbptt(indices, 5, hidden=8, m=4, k=7, seed=0).parameters
    assert not np.array_equal(other_seed["Wax"], same_seed["Wax"])


def test_a_periodic_stream_is_learned_and_needs_the_carried_state():
    # Period 5. Each symbol follows from the last two, but not always from the last one alone:
    # after 2 comes 3 or 4. A chunk that starts at a 2 (k = 8 meets every phase) needs the
    # state carried into it; from a zero state its first step costs ln 2 at best, about 0.018
    # nats per character on average over the stream.
    indices = np.tile([1, 2, 3, 2, 4], 120)
    settings = dict(hidden=16, m=4, k=8, epochs=15, learning_rate=0.05)
    carried = train_tbptt(indices, 5, **settings).history
    reset = train_tbptt(indices, 5, carry_state=False, **settings).history
    assert carried["loss_per_char"][-1] < 0.005  # from ln 5 = 1.61 nats at the start
    assert reset["loss_per_char"][-1] > 0.012
    assert carried["epoch"] == list(range(1, 16))
    assert set(carried) == set(HISTORY_KEYS)
    assert carried["updates"] == [count_chunks(600, 4, 8)] * 15
    assert carried["chars"] == [4 * 149] * 15


def test_the_hyperparameters_are_recorded():
    result = train_tbptt(stream(60), 5, hidden=4, m=2, k=3, carry_state=0, seed=5)
    assert result.hyperparameters == dict(
        hidden=4,
        m=2,
        k=3,
        epochs=1,
        learning_rate=0.01,
        optimizer="adam",
        clip="norm",
        clip_threshold=1.0,
        carry_state=False,
        random_offset=False,
        seed=5,
    )


def test_a_random_offset_moves_the_chunk_boundaries_every_epoch():
    # With one stream, an epoch that starts o symbols late predicts N_s - 1 - o characters.
    indices = stream(101, seed=6)
    settings = dict(hidden=4, m=1, k=10, epochs=8, seed=2)
    shifted = train_tbptt(indices, 5, random_offset=True, **settings)
    offsets = [100 - chars for chars in shifted.history["chars"]]
    assert all(0 <= offset < 10 for offset in offsets) and len(set(offsets)) > 1
    assert train_tbptt(indices, 5, **settings).history["chars"] == [100] * 8
    again = train_tbptt(indices, 5, random_offset=True, **settings)
    assert all(np.array_equal(again.parameters[n], shifted.parameters[n]) for n in PARAM_NAMES)


def test_train_chunk_updates_with_the_mean_gradient_and_drops_da0():
    X, Y, a0, p = random_problem(n_a=4, n_x=5, n_y=5, m=3, T_x=6, seed=9)
    X = one_hot_sequence(np.random.default_rng(1).integers(0, 5, size=(3, 6)), 5)
    seen = {}

    def update(parameters, gradients):
        seen.update(gradients)

    loss, a_last = train_chunk(X, Y, a0, p, update)
    full_loss, full = rnn_loss_and_gradients(X, Y, a0, p)
    assert loss == full_loss
    assert set(seen) == {f"d{n}" for n in PARAM_NAMES}  # no da0: nothing goes back further
    for name in PARAM_NAMES:
        np.testing.assert_allclose(seen[f"d{name}"], full[f"d{name}"] / 18, rtol=1e-14)
    np.testing.assert_array_equal(a_last, rnn_forward(X, a0, p)[0][:, :, -1])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(k=0), "k must be a positive integer; got 0"),
        (dict(m=1.5), "m must be a positive integer; got 1.5"),
        (dict(hidden=0), "hidden must be a positive integer; got 0"),
        (dict(epochs=0), "epochs must be a positive integer; got 0"),
        (dict(optimizer="rmsprop"), "optimizer must be 'adam' or 'sgd'; got 'rmsprop'"),
        (dict(clip="both"), "clip must be 'norm', 'value' or 'none'; got 'both'"),
        (dict(learning_rate=-1), "learning_rate must be a positive, finite number; got -1"),
        (dict(clip_threshold=0), "clip_threshold must be a positive, finite number; got 0"),
        (dict(m=40), r"at least 2 m = 80 symbols"),
        (
            dict(parameters=initialize_parameters(3, 5, 5)),
            r"parameters must have n_a=50 \(from hidden and n_x\); got n_a=3 from Wax",
        ),
    ],
)
def test_train_tbptt_names_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        train_tbptt(stream(60), 5, **kwargs)


def test_make_update_clips_then_steps():
    p = {"w": np.array([1.0, 1.0])}
    make_update("sgd", "norm", 1.0, 0.5)(p, {"dw": np.array([3.0, 4.0])})  # norm 5 -> 1
    np.testing.assert_allclose(p["w"], [1 - 0.5 * 0.6, 1 - 0.5 * 0.8])
    make_update("sgd", "value", 1.0, 0.5)(p, {"dw": np.array([3.0, -0.5])})
    np.testing.assert_allclose(p["w"], [0.7 - 0.5, 0.6 + 0.25])


# --- predict_stream -----------------------------------------------------------------------


def test_predictions_with_the_state_carried_are_one_forward_pass_over_each_stream():
    indices, n_x, m = stream(61, seed=5), 5, 3
    p = {name: value * 30 for name, value in initialize_parameters(6, n_x, n_x, rng=2).items()}
    X, _ = one_hot_streams(indices, n_x, m)
    expected = rnn_forward(X, np.zeros((6, m)), p)[1]
    for chunk in (1, 7, 256):
        np.testing.assert_allclose(
            predict_stream(p, indices, m, chunk=chunk), expected, rtol=1e-13, atol=1e-15
        )


def test_predictions_with_a_reset_start_each_window_from_zero():
    indices, n_x, m, k = stream(61, seed=6), 5, 3, 7
    p = {name: value * 30 for name, value in initialize_parameters(6, n_x, n_x, rng=2).items()}
    X, _ = one_hot_streams(indices, n_x, m)
    got = predict_stream(p, indices, m, reset_every=k)
    for s in range(0, X.shape[2], k):
        window = rnn_forward(X[:, :, s : s + k], np.zeros((6, m)), p)[1]
        np.testing.assert_allclose(got[:, :, s : s + k], window, rtol=1e-13, atol=1e-15)
    assert not np.allclose(got, predict_stream(p, indices, m))


def test_predict_stream_names_bad_settings():
    p = initialize_parameters(4, 5, 5, rng=0)
    with pytest.raises(ValueError, match="reset_every must be a positive integer; got 0"):
        predict_stream(p, stream(20), 2, reset_every=0)
    with pytest.raises(ValueError, match="indices must lie in 0 .. n_x - 1 = 4; got 7"):
        predict_stream(p, np.array([0, 1, 7, 2]), 1)
