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


# --- answers that used to pass, unplanted mistakes, and right answers written otherwise ------


def naive_softmax(z):
    return np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)


def cell_with(softmax=stable_softmax, cache=None, inputs=None, y_from_a_prev=False):
    """A student's rnn_cell_forward; cache(a_next, a_prev, xt, y_hat_t) builds what it returns."""

    def rnn_cell_forward(xt, a_prev, p):
        term_x = p["Wax"] @ xt if inputs != "no x" else 0.0
        a_next = np.tanh(p["Waa"] @ a_prev + term_x + p["ba"])
        y_hat_t = softmax(p["Wya"] @ (a_prev if y_from_a_prev else a_next) + p["by"])
        made = (a_next, a_prev, xt, y_hat_t)
        return a_next, y_hat_t, made if cache is None else cache(*made)

    return rnn_cell_forward


def log_sum_exp_softmax(z):
    return np.exp(z - np.logaddexp.reduce(z, axis=0, keepdims=True))


@pytest.mark.parametrize(
    "answer",
    [
        cell_with(softmax=log_sum_exp_softmax),
        cell_with(cache=lambda a, a_prev, xt, y: [a, a_prev, xt, y]),
        cell_with(cache=lambda a, a_prev, xt, y: rnn_lib.CellCache(a, a_prev, xt, y)),
    ],
)
def test_cell_forward_written_otherwise_passes(answer, capsys):
    checks.check_rnn_cell_forward(answer)
    assert "\N{HEAVY CHECK MARK}" in capsys.readouterr().out


def counting_cell(xt, a_prev, p, calls=[]):  # noqa: B006 (the mutable default is the mistake)
    calls.append(1)
    return cell_with()(xt, a_prev, {**p, "ba": p["ba"] * len(calls)})


@pytest.mark.parametrize(
    "wrong, message",
    [
        (cell_with(softmax=naive_softmax), "Compute y_hat_t with your stable_softmax"),
        (cell_with(cache=lambda *made: None), "the cache of rnn_cell_forward is None"),
        (
            cell_with(cache=lambda a, a_prev, xt, y: (a_prev, a, xt, y)),
            "cache[0] should be a_next but holds a_prev",
        ),
        (cell_with(cache=lambda a, a_prev, xt, y: (a, a_prev, xt)), "got 3 values"),
        (cell_with(cache=lambda a, a_prev, xt, y: (a, a_prev, xt, y * 2)), "cache[3] (y_hat_t)"),
        (cell_with(inputs="no x"), "computed with xt = 0"),
        (cell_with(y_from_a_prev=True), "with a_prev in place of a_next"),
        (counting_cell, "a different result when called a second time"),
    ],
)
def test_cell_forward_mistakes_that_passed_or_had_no_name_are_named(wrong, message):
    with np.errstate(all="ignore"), pytest.raises(checks.CheckFailed) as failure:
        checks.check_rnn_cell_forward(wrong)
    assert message in str(failure.value)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (lambda z: (z / np.abs(z)) * stable_tanh(np.abs(z)), "a division by zero, not an overflow"),
        (lambda z: np.where(z == 0, np.inf, np.tanh(z)), "at z = 0.0"),
    ],
)
def test_tanh_not_finite_at_zero_is_a_division_not_an_overflow(wrong, message):
    with np.errstate(all="ignore"), pytest.raises(checks.CheckFailed) as failure:
        checks.check_tanh(wrong)
    assert message in str(failure.value) and "overflows" not in str(failure.value)
