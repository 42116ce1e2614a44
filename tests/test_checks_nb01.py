"""The checks of notebook 01: the reference passes, each typical mistake gets its own hint."""

import numpy as np
import pytest

import rnn_lib
from rnn_lib.teaching import checks


def stable_softmax(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def stable_tanh(z):
    e = np.exp(-2 * np.abs(z))
    return np.sign(z) * (1 - e) / (1 + e)


def cell_forward(xt, a_prev, p, bias=True, activation=np.tanh, output_axis=0):
    z = p["Waa"] @ a_prev + p["Wax"] @ xt + (p["ba"] if bias else 0)
    a_next = activation(z)
    zy = p["Wya"] @ a_next + p["by"]
    e = np.exp(zy - zy.max(axis=output_axis, keepdims=True))
    y_hat = e / e.sum(axis=output_axis, keepdims=True)
    return a_next, y_hat, (a_next, a_prev, xt, y_hat)


def not_implemented(*args):
    raise NotImplementedError()


@pytest.mark.parametrize(
    "check, answer",
    [
        (checks.check_softmax, rnn_lib.softmax),
        (checks.check_softmax, stable_softmax),
        (checks.check_tanh, rnn_lib.tanh),
        (checks.check_tanh, stable_tanh),
        (checks.check_rnn_cell_forward, rnn_lib.rnn_cell_forward),
        (checks.check_rnn_cell_forward, cell_forward),
    ],
)
def test_a_right_answer_passes(check, answer, capsys):
    check(answer)
    assert "\N{HEAVY CHECK MARK}" in capsys.readouterr().out


@pytest.mark.parametrize(
    "check, wrong, hint",
    [
        (checks.check_softmax, lambda z: np.exp(z) / np.exp(z).sum(axis=0), "nan for z = 1000"),
        (checks.check_softmax, lambda z: stable_softmax(z.T).T, "over axis 0"),
        (checks.check_softmax, lambda z: np.exp(z) / np.exp(z).sum(), "whole array"),
        (checks.check_softmax, lambda z: z / z.sum(axis=0, keepdims=True), "e^z is missing"),
        (
            checks.check_tanh,
            lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)),
            "not finite for z = [-1000.0, 800.0]",
        ),
        (checks.check_tanh, lambda z: stable_tanh(np.abs(z)), "sign is lost"),
        (checks.check_tanh, lambda z: 1 / (1 + np.exp(-z)), "sigmoid"),
        (checks.check_tanh, lambda z: stable_tanh(z / 2), "e^(-2|z|), not e^(-|z|)"),
        (
            checks.check_rnn_cell_forward,
            lambda xt, a, p: cell_forward(xt, a, p, bias=False),
            "bias ba is missing",
        ),
        (
            checks.check_rnn_cell_forward,
            lambda xt, a, p: cell_forward(xt, a, p, activation=lambda z: 1 / (1 + np.exp(-z))),
            "not the sigmoid",
        ),
        (
            checks.check_rnn_cell_forward,
            lambda xt, a, p: (*cell_forward(xt, a, p)[:1], None, None),
            "y_hat_t is None",
        ),
        (
            checks.check_rnn_cell_forward,
            lambda xt, a, p: cell_forward(xt, a, {**p, "ba": p["ba"] * 1.01}),
            "differs from the reference",
        ),
        (
            checks.check_rnn_cell_forward,
            lambda xt, a, p: cell_forward(xt, a, p, output_axis=1),
            "axis 1 (the batch)",
        ),
        (
            checks.check_rnn_cell_forward,
            lambda xt, a, p: cell_forward(xt, a, {**p, "Waa": p["Waa"].T}),
            "Waa is transposed",
        ),
    ],
)
def test_a_typical_mistake_gets_its_hint(check, wrong, hint):
    with np.errstate(all="ignore"), pytest.raises(checks.CheckFailed) as failure:
        check(wrong)
    assert hint in str(failure.value)
