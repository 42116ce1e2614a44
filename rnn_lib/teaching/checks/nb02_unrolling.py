"""Checks for the exercises of notebook 02 (unrolling the RNN over a sequence)."""

import numpy as np

from ...cells.rnn import rnn_cell_forward, rnn_forward
from ...loss import compute_loss
from .compare import CheckFailed, expect_array, passed

#: The characters of the dinosaur-name model: index 0 is the newline that ends a name.
VOCABULARY = "\n" + "abcdefghijklmnopqrstuvwxyz"


def _one_hot_columns(indices, n):
    """(n, 1, len(indices)) with a 1 at row indices[t] of column t; None gives a zero column."""
    columns = np.zeros((n, 1, len(indices)))
    for t, index in enumerate(indices):
        if index is not None:
            columns[index, 0, t] = 1.0
    return columns


def check_encode_name(encode_name):
    """Check encode_name(name, char_to_ix) -> X, Y, each (n_x, 1, T_x) with T_x = len(name) + 1."""
    __tracebackhide__ = True
    name = "zuniceratops"
    char_to_ix = {c: i for i, c in enumerate(VOCABULARY)}
    n = len(VOCABULARY)
    result = encode_name(name, char_to_ix)
    if not isinstance(result, tuple) or len(result) != 2:
        raise CheckFailed("encode_name should return a tuple (X, Y)")
    X, Y = result
    inputs = [None] + [char_to_ix[c] for c in name]
    targets = [char_to_ix[c] for c in name] + [0]
    expected_X = _one_hot_columns(inputs, n)
    expected_Y = _one_hot_columns(targets, n)
    shifted = [char_to_ix[c] - 1 for c in name]
    for got, which in ((X, "X"), (Y, "Y")):
        if np.shape(got) == (n, 1, len(name)):
            raise CheckFailed(
                f"{which} has shape {np.shape(got)}; expected {expected_X.shape}: T_x is "
                "len(name) + 1, since X starts with the zero vector and Y ends with the newline"
            )
    expect_array(
        "X",
        X,
        expected_X,
        mistakes=[
            (
                "X holds what Y should: X is the zero vector then the name, "
                "Y is the name then the newline (are X and Y swapped?)",
                expected_Y,
            ),
            (
                "X[:, 0, 0] must be the zero vector, not the newline's one-hot",
                _one_hot_columns([0] + inputs[1:], n),
            ),
            (
                "the indices are off by one: 'a' is 1 because the newline takes index 0",
                _one_hot_columns([None] + shifted, n),
            ),
        ],
    )
    expect_array(
        "Y",
        Y,
        expected_Y,
        mistakes=[
            (
                "Y must end with the newline (index 0): it teaches the model where a name ends",
                _one_hot_columns(targets[:-1] + [None], n),
            ),
            (
                "Y is X: the target of step t is the NEXT character, Y[:, 0, t] = X[:, 0, t + 1]",
                expected_X,
            ),
            (
                "the indices are off by one: 'a' is 1 because the newline takes index 0",
                _one_hot_columns(shifted + [0], n),
            ),
        ],
    )
    passed(f"encode_name: X and Y of {name!r} are right, shape {expected_X.shape}")


def _sequence_inputs(n_x=4, n_a=5, n_y=3, m=2, T_x=6, seed=3):
    rng = np.random.default_rng(seed)
    parameters = {
        "Wax": rng.standard_normal((n_a, n_x)),
        "Waa": rng.standard_normal((n_a, n_a)) * 0.5,
        "Wya": rng.standard_normal((n_y, n_a)),
        "ba": rng.standard_normal((n_a, 1)),
        "by": rng.standard_normal((n_y, 1)),
    }
    return rng.standard_normal((n_x, m, T_x)), rng.standard_normal((n_a, m)), parameters


def _unroll(X, a0, parameters, next_state):
    """rnn_forward's loop, carrying on the state that next_state(a_prev, a_next, a0) picks."""
    steps = []
    a_prev = a0
    for t in range(X.shape[2]):
        a_next, y_hat_t, _ = rnn_cell_forward(X[:, :, t], a_prev, parameters)
        steps.append((a_next, y_hat_t))
        a_prev = next_state(a_prev, a_next, a0)
    return np.stack([s[0] for s in steps], axis=2), np.stack([s[1] for s in steps], axis=2)


def check_rnn_forward(rnn_forward_fn):
    """Check rnn_forward(X, a0, parameters) -> a, y_hat, caches against rnn_lib's."""
    __tracebackhide__ = True
    X, a0, p = _sequence_inputs()
    result = rnn_forward_fn(X, a0, p)
    if not isinstance(result, tuple) or len(result) != 3:
        raise CheckFailed("rnn_forward should return a tuple (a, y_hat, caches)")
    a, y_hat, caches = result
    expected_a, expected_y, _ = rnn_forward(X, a0, p)
    stuck_a, stuck_y = _unroll(X, a0, p, lambda a_prev, a_next, a0: a0)
    expect_array(
        "a",
        a,
        expected_a,
        mistakes=[
            (
                "every step starts from a0: carry the new state on (a_prev = a_next) each step",
                stuck_a,
            ),
            (
                "a[:, :, t] holds the state step t started from (a_prev); store a_next",
                np.concatenate([a0[:, :, None], expected_a[:, :, :-1]], axis=2),
            ),
        ],
    )
    expect_array(
        "y_hat",
        y_hat,
        expected_y,
        mistakes=[
            (
                "every step starts from a0: carry the new state on (a_prev = a_next) each step",
                stuck_y,
            ),
        ],
    )
    if len(caches) != X.shape[2]:
        raise CheckFailed(f"caches should hold one cache per step, {X.shape[2]}; got {len(caches)}")
    passed("rnn_forward: a and y_hat match the reference at every step")


def check_compute_loss(compute_loss_fn):
    """Check compute_loss(Y_hat, Y) on a batch with a padded step and a zero probability."""
    __tracebackhide__ = True
    rng = np.random.default_rng(4)
    n_y, m, T_x = 5, 2, 4
    Y_hat = rng.dirichlet(np.ones(n_y), size=(m, T_x)).transpose(2, 0, 1)
    targets = rng.integers(1, n_y, size=(m, T_x))
    Y = np.zeros((n_y, m, T_x))
    for i in range(m):
        for t in range(T_x):
            Y[targets[i, t], i, t] = 1.0
    Y[:, 1, T_x - 1] = 0.0  # the second name is one step shorter: its last column is padding
    Y_hat[0] = 0.0  # the model gives the newline probability 0; no target asks for it
    Y_hat /= Y_hat.sum(axis=0, keepdims=True)
    with np.errstate(all="ignore"):
        got = compute_loss_fn(Y_hat, Y)
    if np.ndim(got) == 0 and not np.isfinite(got):
        raise CheckFailed(
            f"the loss is {float(got)}: the test gives probability 0 to a character that is never "
            "the target, and has an all-zero (padded) column of Y. Y * log(Y_hat) there is "
            "0 * (-inf) = nan. Take the log only where Y is 1 (e.g. Y_hat[Y == 1])"
        )
    expected = compute_loss(Y_hat, Y)
    real_steps = int(Y.sum())
    expect_array(
        "the loss",
        got,
        expected,
        mistakes=[
            ("the minus sign is missing: a loss is -sum(y log y_hat), which is >= 0", -expected),
            (
                f"the loss is summed, not averaged: do not divide by the {real_steps} characters",
                expected / real_steps,
            ),
            ("the loss is summed, not averaged over the batch", expected / m),
            ("use the natural log (nats), not log2", expected / np.log(2)),
        ],
    )
    passed(f"compute_loss: {float(got):.4f} nats, padding ignored")
