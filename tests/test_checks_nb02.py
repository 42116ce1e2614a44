"""The checks of notebook 02: the reference passes, each typical mistake gets its own hint."""

import numpy as np
import pytest

import rnn_lib

from .unguarded import checks


def encode(name, char_to_ix, first=None, last="\n", shift=0, target_is_input=False):
    """Encode name with optional mistakes: first input, missing end mark, shifted indices."""
    n = len(char_to_ix)
    inputs = [first] + list(name)
    targets = list(name) + [last]
    X = np.zeros((n, 1, len(inputs)))
    Y = np.zeros((n, 1, len(inputs)))
    for t, (x, y) in enumerate(zip(inputs, targets, strict=True)):
        if x is not None:
            X[char_to_ix[x] + shift, 0, t] = 1
        if y is not None:
            Y[char_to_ix[y] + (shift if y != "\n" else 0), 0, t] = 1
    return X, (X if target_is_input else Y)


def unroll(X, a0, p, carry=True, store_prev=False):
    a = np.zeros((p["Waa"].shape[0], X.shape[1], X.shape[2]))
    y_hat = np.zeros((p["Wya"].shape[0], X.shape[1], X.shape[2]))
    caches = []
    a_prev = a0
    for t in range(X.shape[2]):
        a_next, y_hat[:, :, t], cache = rnn_lib.rnn_cell_forward(X[:, :, t], a_prev, p)
        a[:, :, t] = a_prev if store_prev else a_next
        caches.append(cache)
        a_prev = a_next if carry else a0
    return a, y_hat, caches


def loss(Y_hat, Y, log=np.log, scale=1.0):
    return -scale * float(np.sum(log(Y_hat[Y == 1])))


def not_implemented(*args):
    raise NotImplementedError()


@pytest.mark.parametrize(
    "check, answer",
    [
        (checks.check_encode_name, encode),
        (checks.check_rnn_forward, rnn_lib.rnn_forward),
        (checks.check_rnn_forward, unroll),
        (checks.check_compute_loss, rnn_lib.compute_loss),
        (checks.check_compute_loss, loss),
    ],
)
def test_a_right_answer_passes(check, answer, capsys):
    check(answer)
    assert "\N{HEAVY CHECK MARK}" in capsys.readouterr().out


@pytest.mark.parametrize(
    "check, wrong, hint",
    [
        (
            checks.check_encode_name,
            lambda n, c: tuple(a[:, :, 1:] for a in encode(n, c)),
            "T_x is len(name) + 1",
        ),
        (checks.check_encode_name, lambda n, c: encode(n, c, first="\n"), "not the newline"),
        (checks.check_encode_name, lambda n, c: encode(n, c)[::-1], "swapped"),
        (checks.check_encode_name, lambda n, c: encode(n, c, last=None), "end with the newline"),
        (checks.check_encode_name, lambda n, c: encode(n, c, target_is_input=True), "NEXT"),
        (checks.check_encode_name, lambda n, c: encode(n, c, shift=-1), "off by one"),
        (checks.check_encode_name, lambda n, c: encode(n, c)[0], "tuple (X, Y)"),
        (checks.check_rnn_forward, lambda X, a0, p: unroll(X, a0, p, carry=False), "from a0"),
        (
            checks.check_rnn_forward,
            lambda X, a0, p: unroll(X, a0, p, store_prev=True),
            "store a_next",
        ),
        (
            checks.check_rnn_forward,
            lambda X, a0, p: unroll(X, a0, p)[:2] + (unroll(X, a0, p)[2][:-1],),
            "one cache per step",
        ),
        (checks.check_compute_loss, lambda Y_hat, Y: -np.sum(Y * np.log(Y_hat)), "0 * (-inf)"),
        (
            checks.check_compute_loss,
            lambda Y_hat, Y: -np.sum(np.log(np.sum(Y * Y_hat, axis=0))),
            "padded",
        ),
        (checks.check_compute_loss, lambda Y_hat, Y: -loss(Y_hat, Y), "minus sign"),
        (
            checks.check_compute_loss,
            lambda Y_hat, Y: loss(Y_hat, Y, scale=1 / Y.sum()),
            "do not divide by the 7 characters",
        ),
        (checks.check_compute_loss, lambda Y_hat, Y: loss(Y_hat, Y, log=np.log2), "log2"),
        (
            checks.check_compute_loss,
            lambda Y_hat, Y: loss(Y_hat, Y, scale=1 / Y.shape[1]),
            "averaged over the batch",
        ),
    ],
)
def test_a_typical_mistake_gets_its_hint(check, wrong, hint):
    with np.errstate(all="ignore"), pytest.raises(checks.CheckFailed) as failure:
        check(wrong)
    assert hint in str(failure.value)


@pytest.mark.parametrize(
    "wrong",
    [
        lambda Y_hat, Y: -np.sum(Y_hat * np.log(Y)),
        lambda Y_hat, Y: rnn_lib.compute_loss(Y, Y_hat),
    ],
)
def test_swapped_cross_entropy_arguments_are_named_not_called_an_overflow(wrong):
    with np.errstate(all="ignore"), pytest.raises(checks.CheckFailed) as failure:
        checks.check_compute_loss(wrong)
    assert "the arguments of the cross-entropy are swapped" in str(failure.value)
    assert "overflow" not in str(failure.value)


def test_a_naive_loss_is_still_told_about_padding():
    with np.errstate(all="ignore"), pytest.raises(checks.CheckFailed, match="padded"):
        checks.check_compute_loss(lambda Y_hat, Y: -np.sum(Y * np.log(Y_hat)))
