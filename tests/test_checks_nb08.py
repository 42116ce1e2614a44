import re

import numpy as np
import pytest

import rnn_lib
from rnn_lib import gru_cell_forward, lstm_cell_backward, lstm_cell_forward

from .unguarded import checks


def sig(z):
    return 1 / (1 + np.exp(-z))


def smax(z):
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)


def student_lstm(
    swap_gates=False, tanh_for=None, squash_c=True, x_on_top=False, return_c_first=False,
    cache_f_i_swapped=False,
):  # fmt: skip
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
        gates = (update, forget) if cache_f_i_swapped else (forget, update)
        cache = (a_next, c_next, a_prev, c_prev, *gates, candidate, out, xt, parameters)
        if return_c_first:
            return c_next, a_next, yt_pred, cache
        return a_next, c_next, yt_pred, cache

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
        (
            student_gru(swap_u=True),
            "a_next follows another convention of the GRU: a_next = (1 - u)",
        ),
        (student_gru(swap_u=True), "this series uses a_next = u * c~ + (1 - u) * a_prev"),
        (student_gru(r_where="after"), "r acts after the matrix product"),
        (student_gru(r_where="after"), "follows another convention of the GRU: r acts after"),
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


def student_lstm_backward(slip=None):
    """An lstm_cell_backward as a student writes it from the scaffold, with one planted slip."""

    def cell_backward(da_next, dc_next, cache):
        a_next, c_next, a_prev, c_prev, f, i, cc, o, xt, parameters = cache
        squashed = {"c~": cc, "c_prev": np.tanh(c_prev), "c": c_next}.get(slip, np.tanh(c_next))
        dc = dc_next + da_next * o * (1 - squashed * squashed)
        if slip == "no dc_next":
            dc = dc - dc_next
        if slip == "no a path":
            dc = dc_next
        dsig = (lambda g: 1 - g * g) if slip == "tanh slope" else (lambda g: g - g * g)
        dz = {
            "f": dc * (cc if slip in ("f<->i", "f c~") else c_prev) * dsig(f),
            "i": dc * (c_prev if slip in ("f<->i", "i c_prev") else cc) * dsig(i),
            "c": dc
            * (1 if slip == "no i" else i)
            * (cc - cc * cc if slip == "sig c~" else 1 - cc * cc),
            "o": (dc if slip == "o dc" else da_next)
            * (1 if slip == "o no tanh" else np.tanh(c_next))
            * dsig(o),
        }
        if slip == "swap dz":
            dz["f"], dz["i"] = dz["i"], dz["f"]
        dc_prev = {"no f": dc, "i kept": dc * i}.get(slip, dc * f)
        stacked = np.vstack([a_prev, xt])
        n_a = a_prev.shape[0]
        gradients = {"dc_prev": dc_prev}
        back = np.zeros_like(stacked)
        for g in dz:
            gradients["dW" + g] = dz[g] @ stacked.T
            gradients["db" + g] = np.sum(dz[g], axis=1, keepdims=True)
            back += parameters["W" + g].T @ dz[g]
        gradients["da_prev"], gradients["dxt"] = back[:n_a], back[n_a:]
        return gradients

    return cell_backward


def test_the_library_and_a_correct_student_backward_pass(capsys):
    checks.check_lstm_cell_backward(lstm_cell_backward)
    checks.check_lstm_cell_backward(student_lstm_backward())
    assert capsys.readouterr().out.count("✔ lstm_cell_backward") == 2


@pytest.mark.parametrize(
    ("slip", "message"),
    [
        ("no f", "dc_prev is wrong: the forget gate is missing from dc_prev"),
        ("i kept", "dc_prev is wrong: dc_prev uses the input gate i"),
        ("no dc_next", "dc leaves out dc_next"),
        ("no a path", "dc leaves out the path through a_next"),
        ("c~", "tanh' is taken at c~"),
        ("c_prev", "tanh' is taken at c_prev"),
        ("c", "1 - c_next**2 is not tanh's slope"),
        ("f<->i", "f and i multiply the wrong states"),
        ("swap dz", "dz_f and dz_i are exchanged"),
        ("f c~", "dWf, dbf, da_prev and 1 more are wrong: dz_f uses c~"),
        ("i c_prev", "dz_i uses c_prev"),
        ("tanh slope", "a sigmoid gate g has the slope g (1 - g)"),
        ("sig c~", "dz_c uses c~ (1 - c~), the sigmoid's slope"),
        ("no i", "dz_c lacks i"),
        ("o dc", "dz_o uses dc"),
        ("o no tanh", "dz_o lacks tanh(c_next)"),
    ],
)
def test_each_planted_lstm_backward_slip_gets_its_hint(slip, message):
    with pytest.raises(checks.CheckFailed, match=re.escape(message)):
        checks.check_lstm_cell_backward(student_lstm_backward(slip))


def test_an_unnamed_backward_slip_points_at_the_worst_entry_and_a_missing_key_is_named():
    def off_by_a_bit(da_next, dc_next, cache):
        gradients = lstm_cell_backward(da_next, dc_next, cache)
        gradients["dWo"] = gradients["dWo"] * 1.003
        return gradients

    with pytest.raises(
        checks.CheckFailed, match=re.escape("dWo is wrong: it is the reference times 1.003")
    ):
        checks.check_lstm_cell_backward(off_by_a_bit)

    def without_dxt(da_next, dc_next, cache):
        gradients = lstm_cell_backward(da_next, dc_next, cache)
        del gradients["dxt"]
        return gradients

    with pytest.raises(checks.CheckFailed, match="lacks dxt"):
        checks.check_lstm_cell_backward(without_dxt)


def test_an_unsolved_lstm_backward_stops_the_notebook():
    def unsolved(da_next, dc_next, cache):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        checks.check_lstm_cell_backward(unsolved)


# --- the cache, mistakes no table plants, the gradient check's verdict -----------------------


def test_a_cache_with_f_and_i_swapped_fails_and_is_named():
    with pytest.raises(checks.CheckFailed, match=re.escape("cache[4] should be f but holds i")):
        checks.check_lstm_cell_forward(student_lstm(cache_f_i_swapped=True))


def test_an_lstm_answer_returning_a_named_tuple_cache_passes(capsys):
    def with_named_cache(xt, a_prev, c_prev, parameters):
        *outputs, cache = student_lstm()(xt, a_prev, c_prev, parameters)
        return (*outputs, rnn_lib.LSTMCellCache(*cache))

    checks.check_lstm_cell_forward(with_named_cache)
    assert "✔ lstm_cell_forward" in capsys.readouterr().out


def lstm_forward_slip(slip):
    """A right lstm_cell_forward but for one slip that no table plants."""

    def cell(xt, a_prev, c_prev, p):
        if slip == "states exchanged":
            a_prev, c_prev = c_prev, a_prev
        s = np.concatenate((a_prev, xt))
        f, i = sig(p["Wf"] @ s + p["bf"]), sig(p["Wi"] @ s + p["bi"])
        o = sig(p["Wf" if slip == "o reads Wf" else "Wo"] @ s + p["bo"])
        cc = np.tanh(p["Wc"] @ s + (0.0 if slip == "no bc" else p["bc"]))
        c_next = f * c_prev + i * cc
        a_next = o * np.tanh(c_next)
        cache = (a_next, c_next, a_prev, c_prev, f, i, cc, o, xt, p)
        return a_next, c_next, smax(p["Wy"] @ a_next + p["by"]), cache

    return cell


@pytest.mark.parametrize(
    ("slip", "message"),
    [
        ("states exchanged", "computed with a_prev and c_prev exchanged"),
        ("o reads Wf", "computed with Wf in place of Wo"),
        ("no bc", "computed with bc = 0"),
    ],
)
def test_lstm_forward_mistakes_no_table_plants_are_named(slip, message):
    with pytest.raises(checks.CheckFailed, match=re.escape(message)):
        checks.check_lstm_cell_forward(lstm_forward_slip(slip))


def test_lstm_backward_with_f_and_i_exchanged_throughout_is_named():
    def exchanged(da_next, dc_next, cache):
        return student_lstm_backward()(da_next, dc_next, cache._replace(f=cache.i, i=cache.f))

    with pytest.raises(checks.CheckFailed, match=re.escape("computed with f and i exchanged")):
        checks.check_lstm_cell_backward(exchanged)


def test_an_accumulating_lstm_backward_fails():
    total = {}

    def accumulating(da_next, dc_next, cache):
        for name, value in lstm_cell_backward(da_next, dc_next, cache).items():
            total[name] = total.get(name, 0.0) + value
        return dict(total)

    with pytest.raises(checks.CheckFailed, match="called a second time on the same inputs"):
        checks.check_lstm_cell_backward(accumulating)


def test_a_failing_gradient_check_stops_and_names_the_gradient(capsys):
    checks.stop_if_gradient_check_fails({"Wf": 3e-10, "xt": 1e-9})
    assert "✔ gradient check" in capsys.readouterr().out
    with pytest.raises(checks.CheckFailed, match=re.escape("fails for dWo (2.0e-03)")):
        checks.stop_if_gradient_check_fails({"Wf": 3e-10, "Wo": 2e-3})
