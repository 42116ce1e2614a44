"""Checks for the exercises of notebook 03 (backpropagation through time)."""

import numpy as np

from ...cells.rnn import (
    PARAM_NAMES,
    CellCache,
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
    step_gradients,
)
from ..gradcheck import numerical_gradient
from .compare import CheckFailed, call_twice, expect_array, expect_keys, passed, plant, stretch
from .diagnosis import altered
from .fixtures import one_hot, rnn_parameters

CELL_GRADIENTS = ("dWax", "dWaa", "dWya", "dba", "dby", "da_prev")
SEQUENCE_GRADIENTS = ("dWax", "dWaa", "dWya", "dba", "dby", "da0")
#: The order a check compares gradients in: the output layer's first, as the backward pass goes.
COMPARED_IN_ORDER = ("dWya", "dby", "dWax", "dWaa", "dba", "da_prev", "da0")


def _bias_hint(name, got, expected, m):
    """A bias gradient of shape (n, m) means the sum over the batch was forgotten."""
    if np.shape(got) == (expected.shape[0], m) and m != 1:
        raise CheckFailed(
            f"{name} has shape {np.shape(got)}; expected {expected.shape}: sum over the batch "
            "(axis=1, keepdims=True), since every example adds to the same bias"
        )


def _expect_gradients(got, expected, planted, m):
    """Compare every gradient, output layer first; a mistake is named by the gradients it plants.

    Arguments:
        got, expected -- the answer's and the reference's dicts of gradients
        planted -- (message, dict of the gradients that mistake changes), as plant returns them
        m -- the batch size, for the hint about a bias gradient not summed over the batch
    """
    __tracebackhide__ = True
    for name in (name for name in COMPARED_IN_ORDER if name in expected):
        if name.startswith("db"):
            _bias_hint(name, got[name], expected[name], m)
        mistakes = [(message, wrong[name]) for message, wrong in planted if name in wrong]
        expect_array(name, got[name], expected[name], mistakes)


def _terms(y, da_next, cache, p):
    """The right dz_y, tanh's slope 1 - a_next^2, the output's share Wya^T dz_y, and dz."""
    dzy = cache.y_hat_t - y
    slope, from_output = 1.0 - cache.a_next**2, p["Wya"].T @ dzy
    return dzy, slope, from_output, slope * (from_output + da_next)


def _with_dz(dz_of):
    """A planted cell backward: the right dz_y, and dz = dz_of(slope, from_output, da_next, cache)."""

    def planted(y, da_next, cache, p):
        dzy, slope, from_output, _ = _terms(y, da_next, cache, p)
        return step_gradients(dzy, dz_of(slope, from_output, da_next, cache), cache, p)

    return planted


def _flipped_dzy(y, da_next, cache, p):
    dzy, slope, from_output, _ = _terms(y, da_next, cache, p)
    return step_gradients(-dzy, slope * (da_next - from_output), cache, p)


#: Typical mistakes of rnn_cell_backward, as (message, planted function of (y, da_next, cache,
#: parameters)) returning the gradients that code with the mistake would return (some only one).
CELL_BACKWARD_MISTAKES = (
    (
        "it uses a_next; dWaa = dz a_prev^T, the state that Waa multiplied",
        lambda y, da, cache, p: {"dWaa": _terms(y, da, cache, p)[3] @ cache.a_next.T},
    ),
    (
        "it is transposed: dWaa = dz a_prev^T, not a_prev dz^T",
        lambda y, da, cache, p: {"dWaa": cache.a_prev @ _terms(y, da, cache, p)[3].T},
    ),
    (
        "it uses a_prev; dWya = dz_y a_next^T, the state Wya multiplied",
        lambda y, da, cache, p: {"dWya": _terms(y, da, cache, p)[0] @ cache.a_prev.T},
    ),
    (
        "Waa is not transposed: da_prev = Waa^T dz",
        lambda y, da, cache, p: {"da_prev": p["Waa"] @ _terms(y, da, cache, p)[3]},
    ),
    (
        "da_next is not added: the state gets gradient from this step's output AND from the "
        "later steps (Wya^T dz_y + da_next)",
        _with_dz(lambda slope, from_output, da_next, cache: slope * from_output),
    ),
    (
        "only da_next flows into dz: add this step's own output term Wya^T dz_y",
        _with_dz(lambda slope, from_output, da_next, cache: slope * da_next),
    ),
    (
        "the sign of dz_y is flipped: softmax + cross-entropy gives y_hat - y",
        _flipped_dzy,
    ),
    (
        "tanh's derivative is missing: multiply by (1 - a_next**2)",
        _with_dz(lambda slope, from_output, da_next, cache: from_output + da_next),
    ),
    (
        "tanh's derivative uses a_prev; it is 1 - a_next**2 (this step's state)",
        _with_dz(lambda s, out, da, cache: (1.0 - cache.a_prev**2) * (out + da)),
    ),
)


def _parameters(named):
    """The RNN's parameters out of a dict of named inputs (for diagnosis.altered)."""
    return {name: named[name] for name in PARAM_NAMES}


def check_rnn_cell_backward(cell_backward):
    """Check rnn_cell_backward(y, da_next, cache, parameters) against rnn_lib's."""
    __tracebackhide__ = True
    rng = np.random.default_rng(5)
    n_x, n_a, n_y, m = 3, 4, 6, 2
    p = rnn_parameters(rng, n_x, n_a, n_y)
    xt, a_prev = rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m))
    _, _, cache = rnn_cell_forward(xt, a_prev, p)
    y = one_hot(rng, n_y, (m,))
    da_next = rng.standard_normal((n_a, m))
    got = call_twice("rnn_cell_backward", cell_backward, y, da_next, cache, p)
    expect_keys("the gradients", got, CELL_GRADIENTS)
    expected = rnn_cell_backward(y, da_next, cache, p)
    mistakes = plant(CELL_BACKWARD_MISTAKES, y, da_next, cache, p)
    named = {"y": y, "da_next": da_next, **cache._asdict(), **p}
    mistakes += altered(
        lambda v: rnn_cell_backward(
            v["y"], v["da_next"], CellCache(*(v[f] for f in CellCache._fields)), _parameters(v)
        ),
        named,
    )
    _expect_gradients(got, expected, mistakes, m)
    passed("rnn_cell_backward: all six gradients match the reference")


def _backward_variant(X, Y, p, caches, carry=True, accumulate=True, forwards=False, da0_sum=False):
    """rnn_backward's loop with at most one mistake in how da is carried or gradients gathered.

    carry=False: every step gets da_next = 0; accumulate=False: each step overwrites the
    gradients; forwards=True: the loop runs t = 0, 1, ...; da0_sum=True: da0 is the sum of every
    step's da_prev.
    """
    T_x = X.shape[2]
    total, da_next = None, np.zeros_like(caches.a0)
    da_sum = np.zeros_like(caches.a0)
    for t in range(T_x) if forwards else range(T_x - 1, -1, -1):
        step = rnn_cell_backward(Y[:, :, t], da_next if carry else da_next * 0, caches[t], p)
        if total is None or not accumulate:
            total = {k: v.copy() for k, v in step.items()}
        else:
            for k in step:
                total[k] += step[k]
        da_next = step["da_prev"]
        da_sum += step["da_prev"]
    total["da0"] = da_sum if da0_sum else total.pop("da_prev")
    return total


#: Typical mistakes of rnn_backward, as (message, planted function of (X, Y, parameters, caches)).
BACKWARD_MISTAKES = (
    (
        "da0 is the sum of every step's da_prev; it is the gradient of the initial state alone, "
        "the da_prev of step 0",
        lambda X, Y, p, caches: {"da0": _backward_variant(X, Y, p, caches, da0_sum=True)["da0"]},
    ),
    (
        "da_next is not carried: pass each step's da_prev as da_next to the step before it",
        lambda X, Y, p, caches: _backward_variant(X, Y, p, caches, carry=False),
    ),
    (
        "the gradients are overwritten at each step; they must be summed over all steps "
        "(the same weights act at every step)",
        lambda X, Y, p, caches: _backward_variant(X, Y, p, caches, accumulate=False),
    ),
    (
        "the loop runs forwards in time; BPTT starts at the last step, t = T_x - 1",
        lambda X, Y, p, caches: _backward_variant(X, Y, p, caches, forwards=True),
    ),
)


def check_rnn_backward(rnn_backward_fn):
    """Check rnn_backward(X, Y, parameters, caches) against rnn_lib's, da0 included."""
    __tracebackhide__ = True
    rng = np.random.default_rng(6)
    n_x, n_a, n_y, m, T_x = 3, 4, 5, 2, 5
    p = rnn_parameters(rng, n_x, n_a, n_y)
    X = rng.standard_normal((n_x, m, T_x))
    Y = one_hot(rng, n_y, (m, T_x))
    a0 = rng.standard_normal((n_a, m))
    _, _, caches = rnn_forward(X, a0, p)
    got = call_twice("rnn_backward", rnn_backward_fn, X, Y, p, caches)
    expect_keys("the gradients", got, SEQUENCE_GRADIENTS)
    expected = rnn_backward(X, Y, p, caches)
    mistakes = plant(BACKWARD_MISTAKES, X, Y, p, caches)
    run = lambda v: rnn_backward(v["X"], v["Y"], _parameters(v), caches)  # noqa: E731
    mistakes += altered(run, {"X": X, "Y": Y, **p})
    _expect_gradients(got, expected, mistakes, m)
    passed("rnn_backward: the gradients of all five parameters and of a0 match the reference")


def _differences(f, array, high, low, denominator):
    """(f(w + high) - f(w + low)) / denominator for every entry w of array, restored after."""
    grad = np.empty_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + high
        f_high = f()
        array[index] = saved + low
        f_low = f()
        array[index] = saved
        grad[index] = (f_high - f_low) / denominator
    return grad


#: Typical mistakes of numerical_gradient, as (message, planted function of (f, array, eps)).
DIFFERENCE_MISTAKES = (
    (
        "it is a one-sided difference (f(w + eps) - f(w)) / eps, which errs by order eps; "
        "the centred (f(w + eps) - f(w - eps)) / (2 eps) errs by eps^2 only",
        lambda f, array, eps: _differences(f, array, eps, 0.0, eps),
    ),
    (
        "it is a one-sided difference (f(w) - f(w - eps)) / eps; use the centred one",
        lambda f, array, eps: _differences(f, array, 0.0, -eps, eps),
    ),
    (
        "it is twice too large: divide by 2 eps, the distance between w + eps and w - eps",
        lambda f, array, eps: _differences(f, array, eps, -eps, eps),
    ),
)


@stretch("rnn_lib.numerical_gradient")
def check_numerical_gradient(numerical_gradient_fn):
    """Check numerical_gradient(f, array, eps) (centred differences) on a cubic."""
    __tracebackhide__ = True
    array = np.random.default_rng(7).standard_normal((2, 3))
    original = array.copy()

    def f():
        return float(np.sum(array**3) + np.sum(array[0] * array[1]))

    eps = 1e-3
    got = numerical_gradient_fn(f, array, eps)
    if not np.allclose(array, original, rtol=0, atol=1e-12):
        raise CheckFailed(
            "the array was changed: after perturbing an entry, put its saved value back "
            "(array[index] = saved), or later entries are measured at the wrong point"
        )
    expected = numerical_gradient(f, array, eps)
    mistakes = plant(DIFFERENCE_MISTAKES, f, array, eps)
    expect_array("the numerical gradient", got, expected, mistakes, rtol=1e-7, atol=1e-10)
    passed("numerical_gradient: centred differences, array restored")
