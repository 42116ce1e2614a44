"""The fast paths of sequence.py and optimize: one-hot lookup, reused work arrays, fused step.

test_sequence.py pins the maths on real-valued inputs; these tests pin what the fast paths add:
the one-hot lookup must give the numbers of the dense product (padding columns included), the
detection must never mistake another input for one-hot, and optimize, which checks once, reuses
its work arrays and clips in place, must return exactly what the public functions composed do.
"""

import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rnn_lib import (
    SequenceCache,
    clip,
    compute_loss,
    optimize,
    rnn_backward,
    rnn_cell_forward,
    rnn_forward,
    rnn_gradient_check,
    update_parameters,
)
from rnn_lib._fast.projections import one_hot_rows

from .helpers import one_hot_sequence, random_parameters, random_problem


def padded_one_hot_problem(n_a=6, n_x=5, n_y=5, lengths=(7, 3, 5, 1), seed=3):
    """Character inputs and next-character targets, all-zero columns after each name's end."""
    rng = np.random.default_rng(seed)
    T_x = max(lengths)
    idx = np.full((len(lengths), T_x), -1)
    for j, length in enumerate(lengths):
        idx[j, :length] = rng.integers(0, n_x, size=length)
    X = one_hot_sequence(idx, n_x)
    Y = one_hot_sequence(np.where(idx >= 0, np.roll(idx, -1, axis=1), -1), n_y)
    a0 = rng.standard_normal((n_a, len(lengths))) * 0.5
    return X, Y, a0, random_parameters(n_a, n_x, n_y, rng)


def test_one_hot_inputs_with_padding_give_the_cell_by_cell_numbers():
    X, _, a0, p = padded_one_hot_problem()
    assert one_hot_rows(X) is not None  # the lookup path is the one under test
    a, y_hat, _ = rnn_forward(X, a0, p)
    a_prev = a0
    for t in range(X.shape[2]):
        a_prev, y_hat_t, _ = rnn_cell_forward(X[:, :, t], a_prev, p)
        np.testing.assert_allclose(a[:, :, t], a_prev, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(y_hat[:, :, t], y_hat_t, rtol=1e-13, atol=1e-15)


def test_one_hot_inputs_with_padding_pass_the_gradient_check():
    X, Y, a0, p = padded_one_hot_problem(lengths=(4, 2, 3))
    for name, error in rnn_gradient_check(X, Y, a0, p).items():
        assert error < 1e-7, f"{name}: relative error {error:.2e}"


def test_integer_one_hot_inputs_give_the_float_results():
    X, _, a0, p = padded_one_hot_problem()
    a_float, y_float, _ = rnn_forward(X, a0, p)
    a_int, y_int, _ = rnn_forward(X.astype(np.int8), a0, p)
    np.testing.assert_array_equal(a_int, a_float)
    np.testing.assert_array_equal(y_int, y_float)


def _brute_forceone_hot_rows(X):
    """The row of the 1 of every column, time-major, n_x for a zero column; None otherwise."""
    n_x, m, T_x = X.shape
    rows = []
    for t in range(T_x):
        for i in range(m):
            column = X[:, i, t]
            nonzero = np.flatnonzero(column != 0)  # NaN counts as non-zero
            if len(nonzero) == 0:
                rows.append(n_x)
            elif len(nonzero) == 1 and column[nonzero[0]] == 1:
                rows.append(nonzero[0])
            else:
                return None
    return np.array(rows)


@settings(max_examples=300, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3)),
        elements=st.sampled_from([0.0, 0.0, 0.0, 1.0, 1.0, 2.0, -1.0, 0.5, 1e-300, np.nan]),
    )
)
def test_one_hot_detection_agrees_with_a_brute_force_check(X):
    expected = _brute_forceone_hot_rows(X)
    got = one_hot_rows(X)
    if expected is None:
        assert got is None
    else:
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    ("column", "why"),
    [
        ([0.5, 0.5, 0.0], "two halves sum to 1"),
        ([1.0, 1.0, 0.0], "two ones"),
        ([2.0, -1.0, 0.0], "entries that sum to 1"),
        ([1.0, 1e-300, 0.0], "a 1 plus a tiny entry rounds to a sum of 1"),
        ([np.nan, 0.0, 0.0], "a NaN"),
        ([np.inf, -np.inf, 1.0], "infinities"),
    ],
)
def test_one_hot_detection_rejects(column, why):
    X = np.zeros((3, 2, 2))
    X[0, 0, 0] = 1.0
    X[:, 1, 1] = column
    assert one_hot_rows(X) is None, why


def composed_step(X, Y, a0, parameters, learning_rate, clip_value):
    """optimize spelled out with the public functions, on copies of the parameters."""
    parameters = {k: v.copy() for k, v in parameters.items()}
    a, y_hat, caches = rnn_forward(X, a0, parameters)
    loss = compute_loss(y_hat, Y)
    gradients = clip(rnn_backward(X, Y, parameters, caches), clip_value)
    update_parameters(parameters, gradients, learning_rate)
    return loss, gradients, a[:, :, -1], parameters


def soft_target_problem(n_y=4, m=3, T_x=6, seed=5):
    """Targets that are not one-hot: random distributions over n_y, and one all-zero column."""
    X, _, a0, p = random_problem(n_y=n_y, m=m, T_x=T_x, seed=seed)
    Y = np.random.default_rng(seed).dirichlet(np.ones(n_y), size=(m, T_x)).transpose(2, 0, 1)
    Y[:, 1, 2] = 0.0
    return X, Y, a0, p


PROBLEMS = {
    "real-valued inputs": lambda: random_problem(m=3, T_x=6, seed=4),
    "one-hot inputs with padding": padded_one_hot_problem,
    "one example": lambda: random_problem(m=1, T_x=5, seed=6),
    "soft targets": soft_target_problem,
}


@pytest.mark.parametrize("problem", PROBLEMS)
def test_optimize_returns_exactly_what_the_public_functions_compose_to(problem):
    X, Y, a0, p = PROBLEMS[problem]()
    for name in p:
        p[name] = p[name] * 6  # large weights, so that clipping bites
    loss, grads, a_last, expected_p = composed_step(X, Y, a0, p, 0.05, 2.0)
    assert max(np.abs(g).max() for k, g in grads.items() if k != "da0") == 2.0
    got_loss, got_grads, got_a_last = optimize(X, Y, a0, p, 0.05, 2.0)
    assert got_loss == loss
    assert set(got_grads) == set(grads)
    for key in grads:
        np.testing.assert_array_equal(got_grads[key], grads[key], err_msg=key)
    for name in p:
        np.testing.assert_array_equal(p[name], expected_p[name], err_msg=name)
    np.testing.assert_array_equal(got_a_last, a_last)


@pytest.mark.parametrize("m", [1, 3])
def test_optimize_results_do_not_share_memory_with_its_reused_work_arrays(m):
    X, Y, a0, p = random_problem(m=m, T_x=4, seed=8)
    loss, grads, a_last = optimize(X, Y, a0, p, 0.1)
    kept = {key: g.copy() for key, g in grads.items()}, a_last.copy()
    X2, Y2, a02, _ = random_problem(m=m, T_x=4, seed=9)
    optimize(X2, Y2, a02, p, 0.1)
    for key, g in grads.items():
        np.testing.assert_array_equal(g, kept[0][key], err_msg=key)
    np.testing.assert_array_equal(a_last, kept[1])


def test_optimize_follows_changes_of_batch_size_and_length():
    for m, T_x in [(3, 7), (2, 3), (5, 9), (1, 1), (3, 7)]:
        X, Y, a0, p = random_problem(m=m, T_x=T_x, seed=m * 10 + T_x)
        loss, grads, a_last, expected_p = composed_step(X, Y, a0, p, 0.05, 5.0)
        got_loss, got_grads, got_a_last = optimize(X, Y, a0, p, 0.05, 5.0)
        assert got_loss == loss
        for key in grads:
            np.testing.assert_array_equal(got_grads[key], grads[key], err_msg=key)
        np.testing.assert_array_equal(got_a_last, a_last)


def test_optimize_in_two_threads_at_once_gives_the_single_thread_results():
    problems = [random_problem(n_a=64, n_x=20, n_y=20, m=32, T_x=16, seed=k) for k in (1, 2)]
    expected = [composed_step(X, Y, a0, p, 0.01, 5.0)[0] for X, Y, a0, p in problems]
    results = [[], []]

    def train(k):
        X, Y, a0, p = problems[k]
        for _ in range(30):
            results[k].append(optimize(X, Y, a0, {n: v.copy() for n, v in p.items()}, 0.01)[0])

    threads = [threading.Thread(target=train, args=(k,)) for k in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for k in (0, 1):
        assert results[k] == [expected[k]] * 30


def test_a_cache_built_from_its_arrays_gives_the_same_gradients():
    X, Y, a0, p = padded_one_hot_problem()
    a, y_hat, caches = rnn_forward(X, a0, p)
    states = np.concatenate([a0.T[np.newaxis], a.transpose(2, 1, 0)])  # (T_x + 1, m, n_a)
    rebuilt = SequenceCache(X, p, states, y_hat.transpose(0, 2, 1))
    assert len(rebuilt) == X.shape[2]
    np.testing.assert_array_equal(rebuilt.a0, a0)
    np.testing.assert_array_equal(rebuilt[2].a_prev, a[:, :, 1])
    ours, theirs = rnn_backward(X, Y, p, caches), rnn_backward(X, Y, p, rebuilt)
    for key in ours:
        np.testing.assert_array_equal(theirs[key], ours[key], err_msg=key)


@pytest.mark.parametrize("problem", ["one-hot inputs with padding", "real-valued inputs"])
def test_float32_arrays_are_computed_in_float64(problem):
    X, Y, a0, p = PROBLEMS[problem]()
    p32 = {k: v.astype(np.float32) for k, v in p.items()}
    p64 = {k: v.astype(np.float64) for k, v in p32.items()}  # the same numbers, in float64
    X32, a032 = X.astype(np.float32), a0.astype(np.float32)
    a, y_hat, caches = rnn_forward(X32, a032, p32)
    expected_a, expected_y_hat, expected_caches = rnn_forward(X32.astype(float), a032, p64)
    assert a.dtype == y_hat.dtype == np.float64
    np.testing.assert_allclose(a, expected_a, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(y_hat, expected_y_hat, rtol=1e-13, atol=1e-15)
    grads = rnn_backward(X32, Y, p32, caches)
    expected = rnn_backward(X32.astype(float), Y, p64, expected_caches)
    for key in expected:
        assert grads[key].dtype == np.float64, key
        np.testing.assert_allclose(grads[key], expected[key], rtol=1e-12, atol=1e-14)
    loss, _, _ = optimize(X32, Y, a032, p32, 0.1)
    assert loss == pytest.approx(compute_loss(expected_y_hat, Y), rel=1e-12)
