import re

import numpy as np
import pytest

from rnn_lib import gru_cell_forward, lstm_cell_forward
from rnn_lib.teaching import checks


def sig(z):
    return 1 / (1 + np.exp(-z))


def smax(z):
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)


def student_lstm(
    swap_gates=False, tanh_for=None, squash_c=True, x_on_top=False, return_c_first=False
):
    """An lstm_cell_forward as a student writes it, with one planted mistake (or none)."""

    def cell(xt, a_prev, c_prev, parameters):
        p = parameters
        concat = np.vstack([xt, a_prev] if x_on_top else [a_prev, xt])

        def gate(g):
            z = p["W" + g] @ concat + p["b" + g]
            return np.tanh(z) if tanh_for == g else sig(z)

        forget, update, out = gate("f"), gate("i"), gate("o")
        if swap_gates:
            forget, update = update, forget
        candidate = np.tanh(p["Wc"] @ concat + p["bc"])
        c_next = forget * c_prev + update * candidate
        a_next = out * (np.tanh(c_next) if squash_c else c_next)
        yt_pred = smax(p["Wy"] @ a_next + p["by"])
        if return_c_first:
            return c_next, a_next, yt_pred, None
        return a_next, c_next, yt_pred, None

    return cell


def student_gru(r_where="before", swap_u=False, tanh_for=None, x_on_top=False, no_softmax=False):
    """A gru_cell_forward as a student writes it, with one planted mistake (or none)."""

    def cell(xt, a_prev, parameters):
        p = parameters
        n_a = a_prev.shape[0]
        concat = np.vstack([xt, a_prev] if x_on_top else [a_prev, xt])

        def gate(g):
            z = p["W" + g] @ concat + p["b" + g]
            return np.tanh(z) if tanh_for == g else sig(z)

        u, r = gate("u"), gate("r")
        if r_where == "before":
            gated = np.vstack([xt, r * a_prev] if x_on_top else [r * a_prev, xt])
            z_c = p["Wc"] @ gated
        elif r_where == "after":
            z_c = r * (p["Wc"][:, :n_a] @ a_prev) + p["Wc"][:, n_a:] @ xt
        else:
            z_c = p["Wc"] @ concat
        candidate = np.tanh(z_c + p["bc"])
        if swap_u:
            a_next = u * a_prev + (1 - u) * candidate
        else:
            a_next = u * candidate + (1 - u) * a_prev
        scores = p["Wy"] @ a_next + p["by"]
        return a_next, scores if no_softmax else smax(scores), None

    return cell


def test_the_library_and_a_correct_student_pass(capsys):
    checks.check_lstm_cell_forward(lstm_cell_forward)
    checks.check_lstm_cell_forward(student_lstm())
    checks.check_gru_cell_forward(gru_cell_forward)
    checks.check_gru_cell_forward(student_gru())
    assert capsys.readouterr().out.count("✔") == 4


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (student_lstm(swap_gates=True), "c_next is wrong: the forget and input gates are swapped"),
        (student_lstm(tanh_for="f"), "c_next is wrong: the forget gate f uses tanh"),
        (student_lstm(tanh_for="i"), "c_next is wrong: the input gate i uses tanh"),
        (student_lstm(tanh_for="o"), "a_next is wrong: the output gate o uses tanh"),
        (student_lstm(squash_c=False), "a_next is wrong: the tanh on the cell state is missing"),
        (student_lstm(x_on_top=True), "c_next is wrong: the gates read [xt; a_prev]"),
        (student_lstm(return_c_first=True), "a_next and c_next are swapped"),
    ],
)
def test_each_planted_lstm_mistake_gets_its_hint(wrong, message):
    with pytest.raises(checks.CheckFailed, match=re.escape(message)):
        checks.check_lstm_cell_forward(wrong)


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (student_gru(swap_u=True), "u and 1 - u are swapped"),
        (student_gru(r_where="after"), "r is applied after the matrix product"),
        (student_gru(r_where="nowhere"), "the relevance gate r is missing"),
        (student_gru(tanh_for="u"), "the update gate u uses tanh"),
        (student_gru(tanh_for="r"), "the relevance gate r uses tanh"),
        (student_gru(x_on_top=True), "the gates read [xt; a_prev]"),
        (student_gru(no_softmax=True), "yt_pred is wrong: it is the raw score"),
    ],
)
def test_each_planted_gru_mistake_gets_its_hint(wrong, message):
    with pytest.raises(checks.CheckFailed, match=re.escape(message)):
        checks.check_gru_cell_forward(wrong)


def test_a_wrong_return_gets_named():
    with pytest.raises(checks.CheckFailed, match=re.escape("(a_next, c_next, yt_pred, cache)")):
        checks.check_lstm_cell_forward(lambda xt, a_prev, c_prev, p: (a_prev, c_prev))
    with pytest.raises(checks.CheckFailed, match=re.escape("(a_next, yt_pred, cache)")):
        checks.check_gru_cell_forward(lambda xt, a_prev, p: a_prev)


def test_an_unrecognised_mistake_points_at_the_worst_entry():
    def off_by_a_bit(xt, a_prev, parameters):
        a_next, yt_pred, cache = gru_cell_forward(xt, a_prev, parameters)
        a_next = a_next.copy()
        a_next[3, 1] += 0.1
        return a_next, yt_pred, cache

    with pytest.raises(checks.CheckFailed, match=re.escape("a_next[3, 1]")):
        checks.check_gru_cell_forward(off_by_a_bit)
