"""The guard of the checks (rnn_lib/teaching/checks/guard.py): the reference cannot be used to pass.

While a check runs the student's function, every route to rnn_lib's own function fails the check
with "this exercise asks you to write NAME yourself": its name, an alias bound earlier, getattr,
its module path, the _fast path, a second copy of rnn_lib, a thread. What the exercise allows
(rnn_lib.softmax in the cell, rnn_cell_backward in BPTT, the caches and callbacks a check hands
over) still passes. A check or a reference replaced by the student's code fools the visible
check but not the hidden test, whose private copy of the checks draws other inputs. Under
autograde an unwritten stretch answer fails.
"""

import importlib.util
import re
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import rnn_lib
from rnn_lib.cells.rnn import CellCache
from rnn_lib.teaching import checks
from rnn_lib.teaching.checks import guard

from .test_checks_nb04 import clip_in_place, clip_into_callers_dict, norm_clip_in_place
from .test_checks_nb05 import distribution_with
from .test_checks_nb06 import adam_with, in_place_loss

REPO_ROOT = Path(__file__).resolve().parent.parent


def honest_cell(xt, a_prev, parameters):
    """rnn_cell_forward written with numpy and the allowed rnn_lib.softmax."""
    p = parameters
    a_next = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"])
    y_hat_t = rnn_lib.softmax(p["Wya"] @ a_next + p["by"])
    return a_next, y_hat_t, (a_next, a_prev, xt, y_hat_t)


library_cell = rnn_lib.rnn_cell_forward  # an alias bound before the check runs


def second_copy_of_rnn_lib():
    """rnn_lib loaded once more from its files, under another name (and not left in sys.modules)."""
    folder = Path(rnn_lib.__file__).parent
    spec = importlib.util.spec_from_file_location(
        "rnn_lib_again", folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["rnn_lib_again"] = module
    spec.loader.exec_module(module)
    for name in [m for m in sys.modules if m.split(".")[0] == "rnn_lib_again"]:
        del sys.modules[name]
    return module


SECOND_COPY = second_copy_of_rnn_lib()  # loaded before the check, as a student's cell could


def in_a_thread(xt, a_prev, parameters):
    result = {}
    worker = threading.Thread(
        target=lambda: result.update(out=rnn_lib.rnn_cell_forward(xt, a_prev, parameters))
    )
    worker.start()
    worker.join()
    return result["out"]


def guard_switched_off(xt, a_prev, parameters):
    sys.setprofile(None)
    return rnn_lib.rnn_cell_forward(xt, a_prev, parameters)


def caught_and_retried(xt, a_prev, parameters):
    """Calls the reference, swallows whatever happens, and returns its own (right) answer."""
    try:
        rnn_lib.rnn_cell_forward(xt, a_prev, parameters)
    except Exception:  # noqa: BLE001 (the cheat hides the failure)
        pass
    return honest_cell(xt, a_prev, parameters)


ROUTES = {
    "by-name": lambda xt, a, p: rnn_lib.rnn_cell_forward(xt, a, p),
    "alias-bound-earlier": lambda xt, a, p: library_cell(xt, a, p),
    "getattr": lambda xt, a, p: getattr(rnn_lib, "rnn_cell_" + "forward")(xt, a, p),
    "module-path": lambda xt, a, p: rnn_lib.cells.rnn.rnn_cell_forward(xt, a, p),
    "fast-path": lambda xt, a, p: rnn_lib._fast.projections.input_projection(
        xt[:, :, None], p["Wax"], p["ba"], None, None
    ),
    "second-copy": lambda xt, a, p: SECOND_COPY.rnn_cell_forward(xt, a, p),
    "thread": in_a_thread,
    "guard-switched-off": guard_switched_off,
    "caught-and-retried": caught_and_retried,
}


@pytest.mark.parametrize("route", ROUTES.values(), ids=ROUTES.keys())
def test_every_route_to_the_reference_fails_the_check(route):
    def rnn_cell_forward(xt, a_prev, parameters):
        return route(xt, a_prev, parameters)

    with pytest.raises(checks.CheckFailed, match=r"rnn_cell_forward yourself|guard off \(sys"):
        checks.check_rnn_cell_forward(rnn_cell_forward)
    assert sys.getprofile() is None, "the guard left its profile function behind"


def attend_with_library_softmax(S, H, mask, parameters):
    """Notebook 11's attend, written by hand but for rnn_lib's masked softmax."""
    keys = np.einsum("vh,hmi->vmi", parameters["Wh"], H)
    alphas = []
    for t in range(S.shape[2] - 1):
        u = np.tanh(keys + (parameters["Ws"] @ S[:, :, t])[:, :, None])
        alphas.append(
            rnn_lib.masked_softmax(np.einsum("v,vmi->mi", parameters["v"][:, 0], u), mask)
        )
    alphas = np.stack(alphas, axis=1)
    return np.einsum("hmi,mti->hmt", H, alphas), alphas


def test_notebook_11s_attend_may_not_call_the_librarys_masked_softmax():
    message = "attend_with_library_softmax yourself: your function called rnn_lib's masked_softmax"
    with pytest.raises(checks.CheckFailed, match=re.escape(message)):
        checks.check_attend(attend_with_library_softmax)
    with pytest.raises(AssertionError, match=re.escape(message)):
        guard.hidden_test("check_attend", attend_with_library_softmax, seed=7)


def test_a_private_module_of_rnn_lib_is_denied_by_default():
    """Default deny: not only the reference, any rnn_lib function outside the allow-list."""

    def rnn_cell_forward(xt, a_prev, parameters):
        a_next, _, cache = honest_cell(xt, a_prev, parameters)
        y_hat_t, _ = rnn_lib.output_layer_forward(a_next, parameters["Wya"], parameters["by"])
        return a_next, y_hat_t, cache

    with pytest.raises(checks.CheckFailed, match="output_layer_forward, which the exercise"):
        checks.check_rnn_cell_forward(rnn_cell_forward)


def test_what_the_exercise_allows_passes(capsys):
    checks.check_rnn_cell_forward(honest_cell)  # rnn_lib.softmax is on the allow-list

    def rnn_backward(X, Y, parameters, caches):
        """BPTT with the allowed rnn_lib.rnn_cell_backward, reading the caches handed over."""
        gradients = {f"d{n}": np.zeros_like(parameters[n]) for n in rnn_lib.PARAM_NAMES}
        da_next = np.zeros_like(caches[0][1])
        for t in reversed(range(len(caches))):
            step = rnn_lib.rnn_cell_backward(Y[:, :, t], da_next, caches[t], parameters)
            for n in rnn_lib.PARAM_NAMES:
                gradients[f"d{n}"] += step[f"d{n}"]
            da_next = step["da_prev"]
        gradients["da0"] = da_next
        return gradients

    checks.check_rnn_backward(rnn_backward)
    assert capsys.readouterr().out.count("\N{HEAVY CHECK MARK}") == 2


def probing_gradient(put_back):
    """A numerical_gradient that perturbs array in place and then stores put_back(saved)."""

    def numerical_gradient(f, array, eps=1e-6):
        grad = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + eps
            f_plus = f()
            array[index] = saved - eps
            f_minus = f()
            array[index] = put_back(saved)
            grad[index] = (f_plus - f_minus) / (2 * eps)
        return grad

    return numerical_gradient


def test_a_callback_the_check_hands_over_may_be_called():
    """check_numerical_gradient gives the answer f, a function of the checks package."""
    checks.check_numerical_gradient(probing_gradient(lambda saved: saved))


def cell_zeroing_its_input(xt, a_prev, p):
    """Drops the Wax xt term, and zeroes xt so that the reference computed afterwards agrees."""
    xt[...] = 0
    return honest_cell(xt, a_prev, p)


def cell_zeroing_a_weight(xt, a_prev, p):
    """The same trick on the parameters: Wax = 0 in the caller's dict."""
    p["Wax"] *= 0
    return honest_cell(xt, a_prev, p)


def backward_zeroing_the_caches(X, Y, parameters, caches):
    """Writes into the cache object rnn_forward made (its attributes are compared too)."""
    caches.states[...] = 0
    return {}


@pytest.mark.parametrize(
    ("check_name", "answer", "where"),
    [
        ("check_rnn_cell_forward", cell_zeroing_its_input, "xt"),
        ("check_rnn_cell_forward", cell_zeroing_a_weight, "p['Wax']"),
        ("check_clip", clip_in_place, "gradients['dWax']"),
        ("check_clip", clip_into_callers_dict, "gradients['dWax']"),
        ("check_clip_by_norm", norm_clip_in_place, "gradients['dWax']"),
        ("check_next_char_distribution", distribution_with(in_place=True), "scores"),
        ("check_loss_per_char", in_place_loss, "y_hat"),
        ("check_adam_update", adam_with(in_place=True), "w"),
        ("check_rnn_backward", backward_zeroing_the_caches, "caches.states"),
    ],
)
def test_an_answer_that_rewrites_its_inputs_fails_visibly_and_hidden(check_name, answer, where):
    message = re.escape(f"changed its input in place ({where} is not what the check passed)")
    with pytest.raises(checks.CheckFailed, match=message):
        getattr(checks, check_name)(answer)
    with pytest.raises(AssertionError, match=message):
        guard.hidden_test(check_name, answer, seed=7)


def test_an_answer_may_update_what_its_exercise_updates_and_restore_what_it_probes(capsys):
    one_rounding_step_away = probing_gradient(lambda saved: saved * (1 + 2**-52))
    checks.check_numerical_gradient(one_rounding_step_away)
    assert "numerical_gradient" in capsys.readouterr().out


def test_a_replaced_check_fools_the_visible_check_but_not_the_hidden_test(monkeypatch):
    monkeypatch.setattr(checks, "check_rnn_cell_forward", lambda answer: print("ok"))
    cheat = ROUTES["by-name"]
    checks.check_rnn_cell_forward(cheat)  # the student's own "check" passes anything
    with pytest.raises(AssertionError, match="yourself"):
        guard.hidden_test("check_rnn_cell_forward", cheat, seed=7)


def test_a_replaced_reference_fools_the_visible_check_but_not_the_hidden_test(monkeypatch):
    def no_bias(xt, a_prev, p):
        a_next = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt)
        z = p["Wya"] @ a_next + p["by"]
        y_hat_t = np.exp(z - z.max(axis=0))
        y_hat_t /= y_hat_t.sum(axis=0)
        return a_next, y_hat_t, CellCache(a_next, a_prev, xt, y_hat_t)

    monkeypatch.setattr(checks.nb01_rnn_cell, "rnn_cell_forward", no_bias)
    checks.check_rnn_cell_forward(no_bias)  # compared with itself
    with pytest.raises(AssertionError, match="bias ba is missing"):
        guard.hidden_test("check_rnn_cell_forward", no_bias, seed=7)


def test_the_hidden_test_draws_other_inputs_and_prints_nothing(capsys):
    seen = []

    def recording(xt, a_prev, parameters):
        seen.append(xt.copy())
        return honest_cell(xt, a_prev, parameters)

    checks.check_rnn_cell_forward(recording)
    firsts = [0]
    for seed in (7, 7, 8):
        firsts.append(len(seen))
        guard.hidden_test("check_rnn_cell_forward", recording, seed=seed)
    visible, hidden, again, other = (seen[i] for i in firsts)
    assert visible.shape == hidden.shape and not np.allclose(visible, hidden)
    assert np.array_equal(hidden, again) and not np.allclose(hidden, other)
    assert {x.shape for x in seen} == {(3, 4), (1, 1), (6, 7)}  # the check's, then the cases'
    assert capsys.readouterr().out.count("\N{HEAVY CHECK MARK}") == 1  # the visible check's
    assert not any(name.startswith("_rnn_lib_private") for name in sys.modules)


def test_an_answer_fitted_to_the_visible_shapes_fails_the_hidden_test():
    def rnn_cell_forward(xt, a_prev, parameters):
        """Right for the visible check's batch of 4 examples only."""
        p = parameters
        bias = p["ba"].repeat(4, axis=1)
        a_next = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt + bias)
        y_hat_t = rnn_lib.softmax(p["Wya"] @ a_next + p["by"])
        return a_next, y_hat_t, (a_next, a_prev, xt, y_hat_t)

    checks.check_rnn_cell_forward(rnn_cell_forward)
    with pytest.raises(AssertionError, match=r"a_next \(with n_x=1, n_a=1, n_y=2, m=1\) has shape"):
        guard.hidden_test("check_rnn_cell_forward", rnn_cell_forward, seed=7)


def test_every_hidden_case_belongs_to_a_check():
    assert set(checks.hidden_cases.CASES) <= set(guard.RULES)
    assert all(hasattr(case, "rule") for case in checks.hidden_cases.CASES.values())


def test_an_unwritten_stretch_answer_is_skipped_in_a_notebook_and_fails_under_autograde(
    monkeypatch, capsys
):
    def stable_tanh(z):
        raise NotImplementedError()

    monkeypatch.delenv(guard.GRADING_VARIABLE, raising=False)
    checks.check_tanh(stable_tanh)
    assert "skipped" in capsys.readouterr().out
    monkeypatch.setenv(guard.GRADING_VARIABLE, "autograde")
    with pytest.raises(checks.CheckFailed, match="stable_tanh is not written yet"):
        checks.check_tanh(stable_tanh)


def test_every_check_has_a_rule_naming_rnn_lib_functions():
    names = [name for name in checks.__all__ if name.startswith("check_")]
    assert sorted(names) == sorted(guard.RULES)
    for name, rule in guard.RULES.items():
        assert rule.asks, f"{name}: the rule names no reference"
        for public in (*rule.asks, *rule.allows):
            assert callable(getattr(rnn_lib, public, None)), f"{name}: no rnn_lib.{public}"
        assert not set(rule.asks) & set(rule.allows), f"{name} allows its own reference"
        assert getattr(checks, name).rule is rule


def test_a_check_without_a_rule_is_refused():
    with pytest.raises(ValueError, match="no rule for check_new_thing"):
        guard.guard_checks({"check_new_thing": lambda answer: None}, rnn_lib)
