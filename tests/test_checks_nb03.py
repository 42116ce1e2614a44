"""The checks of notebook 03: the reference passes, each typical mistake gets its own hint."""

import numpy as np
import pytest

import rnn_lib

from .unguarded import checks


def cell_backward(y, da_next, cache, p, mistake=None):
    """A plain rnn_cell_backward, optionally with one planted mistake."""
    a_next, a_prev, xt, y_hat = cache
    dzy = (y - y_hat) if mistake == "sign" else (y_hat - y)
    carried = 0 if mistake == "no da_next" else da_next
    tanh_grad = 1.0 if mistake == "no tanh'" else 1 - a_next**2
    dz = tanh_grad * (p["Wya"].T @ dzy + carried)
    return {
        "dWax": dz @ xt.T,
        "dWaa": dz @ (a_next if mistake == "a_next" else a_prev).T,
        "dWya": dzy @ a_next.T,
        "dba": dz if mistake == "no batch sum" else dz.sum(axis=1, keepdims=True),
        "dby": dzy.sum(axis=1, keepdims=True),
        "da_prev": (p["Waa"] if mistake == "Waa" else p["Waa"].T) @ dz,
    }


def sequence_backward(X, Y, p, caches, mistake=None):
    """A plain rnn_backward looping rnn_lib's cell backward, optionally with one planted mistake."""
    T_x = X.shape[2]
    grads = {f"d{name}": np.zeros_like(p[name]) for name in rnn_lib.PARAM_NAMES}
    da_next = np.zeros_like(caches[0].a_prev)
    da_sum = np.zeros_like(da_next)
    steps = range(T_x) if mistake == "forwards" else reversed(range(T_x))
    for t in steps:
        carried = da_next * 0 if mistake == "no carry" else da_next
        step = rnn_lib.rnn_cell_backward(Y[:, :, t], carried, caches[t], p)
        for key in grads:
            grads[key] = step[key] if mistake == "overwrite" else grads[key] + step[key]
        da_next = step["da_prev"]
        da_sum += da_next
    grads["da0"] = da_sum if mistake == "sum da" else da_next
    return grads


def centred(f, array, eps, mistake=None):
    grad = np.empty_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + eps
        high = f()
        array[index] = saved if mistake == "one-sided" else saved - eps
        low = f()
        if mistake != "no restore":
            array[index] = saved
        grad[index] = (high - low) / (eps if mistake in ("one-sided", "eps") else 2 * eps)
    return grad


def centred_in_steps(f, array, eps):
    """The same centred difference, written with in-place steps: rounding differs slightly."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        array[index] += eps
        high = f()
        array[index] -= 2 * eps
        low = f()
        array[index] += eps
        grad[index] = (high - low) / 2 / eps
    return grad


def not_implemented(*args):
    raise NotImplementedError()


@pytest.mark.parametrize(
    "check, answer",
    [
        (checks.check_rnn_cell_backward, rnn_lib.rnn_cell_backward),
        (checks.check_rnn_cell_backward, cell_backward),
        (checks.check_rnn_backward, rnn_lib.rnn_backward),
        (checks.check_rnn_backward, sequence_backward),
        (checks.check_numerical_gradient, rnn_lib.numerical_gradient),
        (checks.check_numerical_gradient, centred),
        (checks.check_numerical_gradient, centred_in_steps),
    ],
)
def test_a_right_answer_passes(check, answer, capsys):
    check(answer)
    assert "\N{HEAVY CHECK MARK}" in capsys.readouterr().out


def planted(function, mistake):
    return lambda *args: function(*args, mistake=mistake)


@pytest.mark.parametrize(
    "check, function, mistake, hint",
    [
        (checks.check_rnn_cell_backward, cell_backward, "sign", "y_hat - y"),
        (checks.check_rnn_cell_backward, cell_backward, "no da_next", "da_next is not added"),
        (checks.check_rnn_cell_backward, cell_backward, "no tanh'", "(1 - a_next**2)"),
        (checks.check_rnn_cell_backward, cell_backward, "a_next", "dWaa is wrong: it uses a_next"),
        (checks.check_rnn_cell_backward, cell_backward, "no batch sum", "sum over the batch"),
        (checks.check_rnn_cell_backward, cell_backward, "Waa", "Waa is not transposed"),
        (checks.check_rnn_backward, sequence_backward, "no carry", "da_next is not carried"),
        (checks.check_rnn_backward, sequence_backward, "sum da", "da0 is the sum"),
        (checks.check_rnn_backward, sequence_backward, "overwrite", "overwritten"),
        (checks.check_rnn_backward, sequence_backward, "forwards", "runs forwards"),
        (checks.check_numerical_gradient, centred, "one-sided", "one-sided difference"),
        (checks.check_numerical_gradient, centred, "eps", "twice too large"),
        (checks.check_numerical_gradient, centred, "no restore", "array was changed"),
    ],
)
def test_a_typical_mistake_gets_its_hint(check, function, mistake, hint):
    with pytest.raises(checks.CheckFailed) as failure:
        check(planted(function, mistake))
    assert hint in str(failure.value)


def test_a_transposed_dWaa_is_named():
    def transposed(y, da_next, cache, p):
        grads = rnn_lib.rnn_cell_backward(y, da_next, cache, p)
        return {**grads, "dWaa": grads["dWaa"].T}

    with pytest.raises(checks.CheckFailed, match="dWaa is wrong: it is transposed"):
        checks.check_rnn_cell_backward(transposed)


def test_a_missing_gradient_is_named():
    def without_da0(X, Y, p, caches):
        grads = rnn_lib.rnn_backward(X, Y, p, caches)
        del grads["da0"]
        return grads

    with pytest.raises(checks.CheckFailed, match="lacks da0"):
        checks.check_rnn_backward(without_da0)
