"""Checks for the exercises of notebook 02 (unrolling the RNN over a sequence)."""

import numpy as np

from ...cells.rnn import PARAM_NAMES, rnn_cell_forward, rnn_forward
from ...loss import compute_loss
from .compare import CheckFailed, call_twice, expect_array, expect_tuple, passed, plant
from .diagnosis import altered
from .fixtures import VOCABULARY, rnn_parameters


def _one_hot_columns(indices):
    """(n_x, 1, len(indices)) with a 1 at row indices[t] of column t; None: a zero column."""
    columns = np.zeros((len(VOCABULARY), 1, len(indices)))
    for t, index in enumerate(indices):
        if index is not None:
            columns[index, 0, t] = 1.0
    return columns


def _indices(name, shift=0):
    return [VOCABULARY.index(c) - shift for c in name]


#: Typical mistakes in encode_name's X, as (message, planted function of the name).
X_MISTAKES = (
    (
        "X holds what Y should: X is the zero vector then the name, "
        "Y is the name then the newline (are X and Y swapped?)",
        lambda name: _one_hot_columns(_indices(name) + [0]),
    ),
    (
        "X[:, 0, 0] must be the zero vector, not the newline's one-hot",
        lambda name: _one_hot_columns([0] + _indices(name)),
    ),
    (
        "the indices are off by one: 'a' is 1 because the newline takes index 0",
        lambda name: _one_hot_columns([None] + _indices(name, shift=1)),
    ),
)

#: Typical mistakes in encode_name's Y, as (message, planted function of the name).
Y_MISTAKES = (
    (
        "Y must end with the newline (index 0): it teaches the model where a name ends",
        lambda name: _one_hot_columns(_indices(name) + [None]),
    ),
    (
        "Y is X: the target of step t is the NEXT character, Y[:, 0, t] = X[:, 0, t + 1]",
        lambda name: _one_hot_columns([None] + _indices(name)),
    ),
    (
        "the indices are off by one: 'a' is 1 because the newline takes index 0",
        lambda name: _one_hot_columns(_indices(name, shift=1) + [0]),
    ),
)


def check_encode_name(encode_name):
    """Check encode_name(name, char_to_ix) -> X, Y, each (n_x, 1, T_x) with T_x = len(name) + 1."""
    __tracebackhide__ = True
    name = "zuniceratops"
    char_to_ix = {c: i for i, c in enumerate(VOCABULARY)}
    result = call_twice("encode_name", encode_name, name, char_to_ix)
    expect_tuple("encode_name", result, ("X", "Y"))
    expected_X = _one_hot_columns([None] + _indices(name))
    for got, which in zip(result, "XY", strict=True):
        if np.shape(got) == (len(VOCABULARY), 1, len(name)):
            raise CheckFailed(
                f"{which} has shape {np.shape(got)}; expected {expected_X.shape}: T_x is "
                "len(name) + 1, since X starts with the zero vector and Y ends with the newline"
            )
    expect_array("X", result[0], expected_X, plant(X_MISTAKES, name))
    expected_Y = _one_hot_columns(_indices(name) + [0])
    expect_array("Y", result[1], expected_Y, plant(Y_MISTAKES, name))
    passed(f"encode_name: X and Y of {name!r} are right, shape {expected_X.shape}")


def _unroll(X, a0, parameters, keep_a0):
    """rnn_forward's loop; with keep_a0, every step starts from a0 instead of a_prev."""
    a, y_hat, a_prev = [], [], a0
    for t in range(X.shape[2]):
        a_next, y_hat_t, _ = rnn_cell_forward(X[:, :, t], a_prev, parameters)
        a.append(a_next)
        y_hat.append(y_hat_t)
        a_prev = a0 if keep_a0 else a_next
    return np.stack(a, axis=2), np.stack(y_hat, axis=2)


#: Typical mistakes of rnn_forward(X, a0, parameters), as (message, planted function of
#: (X, a0, parameters)) returning (a, y_hat).
FORWARD_MISTAKES = (
    (
        "every step starts from a0: carry the new state on (a_prev = a_next) each step",
        lambda X, a0, p: _unroll(X, a0, p, keep_a0=True),
    ),
    (
        "a[:, :, t] holds the state step t started from (a_prev); store a_next",
        lambda X, a0, p: (
            np.concatenate([a0[:, :, None], _unroll(X, a0, p, False)[0][:, :, :-1]], axis=2),
            _unroll(X, a0, p, False)[1],
        ),
    ),
)


#: What the axes of a sequence's states and predictions hold, for diagnosis.transformed.
SEQUENCE_AXES = ("row {}", "batch column {}", "time step {}")


def _parameters(named):
    """The RNN's parameters out of a dict of named inputs (for diagnosis.altered)."""
    return {name: named[name] for name in PARAM_NAMES}


def check_rnn_forward(rnn_forward_fn):
    """Check rnn_forward(X, a0, parameters) -> a, y_hat, caches against rnn_lib's."""
    __tracebackhide__ = True
    rng = np.random.default_rng(3)
    p = rnn_parameters(rng, n_x=4, n_a=5, n_y=3)
    X, a0 = rng.standard_normal((4, 2, 6)), rng.standard_normal((5, 2))
    result = call_twice("rnn_forward", rnn_forward_fn, X, a0, p)
    expect_tuple("rnn_forward", result, ("a", "y_hat", "caches"))
    expected_a, expected_y, _ = rnn_forward(X, a0, p)
    mistakes = plant(FORWARD_MISTAKES, X, a0, p)
    mistakes += altered(
        lambda v: rnn_forward(v["X"], v["a0"], _parameters(v))[:2], {"X": X, "a0": a0, **p}
    )
    expect_array(
        "a",
        result[0],
        expected_a,
        [(m, wrong[0]) for m, wrong in mistakes],
        axis_names=SEQUENCE_AXES,
    )
    expect_array(
        "y_hat",
        result[1],
        expected_y,
        [(m, wrong[1]) for m, wrong in mistakes],
        axis_names=SEQUENCE_AXES,
    )
    if len(result[2]) != X.shape[2]:
        raise CheckFailed(
            f"caches should hold one cache per step, {X.shape[2]}; got {len(result[2])}"
        )
    passed("rnn_forward: a and y_hat match the reference at every step")


def _loss_batch():
    """Y_hat, Y (5, 2, 4): a padded step, and probability 0 for a character never the target."""
    rng = np.random.default_rng(4)
    n_y, m, T_x = 5, 2, 4
    Y_hat = rng.dirichlet(np.ones(n_y), size=(m, T_x)).transpose(2, 0, 1)
    targets = rng.integers(1, n_y, size=(m, T_x))
    Y = np.zeros((n_y, m, T_x))
    np.put_along_axis(Y, targets[None], 1.0, axis=0)
    Y[:, 1, T_x - 1] = 0.0  # the second name is one step shorter: its last column is padding
    Y_hat[0] = 0.0  # the model gives the newline probability 0; no target asks for it
    Y_hat /= Y_hat.sum(axis=0, keepdims=True)
    return Y_hat, Y


#: Typical mistakes of compute_loss, as (message, planted function of (loss, characters, m)).
LOSS_MISTAKES = (
    (
        "the minus sign is missing: a loss is -sum(y log y_hat), which is >= 0",
        lambda loss, chars, m: -loss,
    ),
    (
        "the loss is summed, not averaged: do not divide by the {chars} characters",
        lambda loss, chars, m: loss / chars,
    ),
    ("the loss is summed, not averaged over the batch", lambda loss, chars, m: loss / m),
    ("use the natural log (nats), not log2", lambda loss, chars, m: loss / np.log(2)),
)


#: What an answer whose cross-entropy takes the log of the targets is told.
SWAPPED_ARGUMENTS = (
    "the arguments of the cross-entropy are swapped: it takes the log of Y, whose zeros give "
    "log 0 = -inf, instead of the log of the predictions Y_hat. The loss is -sum(Y * log(Y_hat)), "
    "compute_loss(Y_hat, Y)"
)


def _swapped(compute_loss_fn):
    """Whether the answer is not finite even where every probability is > 0 and nothing is padded."""
    rng = np.random.default_rng(14)
    Y_hat = rng.dirichlet(np.ones(5), size=(2, 3)).transpose(2, 0, 1)
    Y = np.zeros_like(Y_hat)
    np.put_along_axis(Y, rng.integers(0, 5, size=(1, 2, 3)), 1.0, axis=0)
    with np.errstate(all="ignore"):
        return not np.all(np.isfinite(compute_loss_fn(Y_hat, Y)))


def _swapped_loss(Y_hat, Y):
    """compute_loss with its arguments exchanged, as the library computes it."""
    try:
        with np.errstate(all="ignore"):
            return compute_loss(Y, Y_hat)
    except ValueError:
        return np.nan


def check_compute_loss(compute_loss_fn):
    """Check compute_loss(Y_hat, Y) on a batch with a padded step and a zero probability."""
    __tracebackhide__ = True
    Y_hat, Y = _loss_batch()
    with np.errstate(all="ignore"):
        got = call_twice("compute_loss", compute_loss_fn, Y_hat, Y)
    if np.ndim(got) == 0 and not np.isfinite(got):
        if _swapped(compute_loss_fn):
            raise CheckFailed(f"the loss is {float(got)}: {SWAPPED_ARGUMENTS}")
        raise CheckFailed(
            f"the loss is {float(got)}: the test gives probability 0 to a character that is never "
            "the target, and has an all-zero (padded) column of Y. Y * log(Y_hat) there is "
            "0 * (-inf) = nan. Take the log only where Y is 1 (e.g. Y_hat[Y == 1])"
        )
    expected = compute_loss(Y_hat, Y)
    chars = int(Y.sum())
    mistakes = plant(LOSS_MISTAKES, expected, chars, Y.shape[1], chars=chars)
    mistakes.append((SWAPPED_ARGUMENTS, _swapped_loss(Y_hat, Y)))
    expect_array("the loss", got, expected, mistakes)
    passed(f"compute_loss: {float(got):.4f} nats, padding ignored")
