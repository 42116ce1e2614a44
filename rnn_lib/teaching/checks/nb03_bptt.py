"""Checks for the exercises of notebook 03 (backpropagation through time)."""

import numpy as np

from ...cells.rnn import (
    rnn_backward,
    rnn_cell_backward,
    rnn_cell_forward,
    rnn_forward,
    step_gradients,
)
from ..gradcheck import numerical_gradient
from .compare import CheckFailed, expect_array, expect_keys, passed

CELL_GRADIENTS = ("dWax", "dWaa", "dWya", "dba", "dby", "da_prev")
SEQUENCE_GRADIENTS = ("dWax", "dWaa", "dWya", "dba", "dby", "da0")


def _parameters(rng, n_x, n_a, n_y):
    return {
        "Wax": rng.standard_normal((n_a, n_x)),
        "Waa": rng.standard_normal((n_a, n_a)) * 0.5,
        "Wya": rng.standard_normal((n_y, n_a)),
        "ba": rng.standard_normal((n_a, 1)),
        "by": rng.standard_normal((n_y, 1)),
    }


def _one_hot(rng, n, shape):
    """One-hot columns along axis 0, with a random target in each of the ``shape`` positions."""
    y = np.zeros((n, *shape))
    targets = rng.integers(0, n, size=shape)
    np.put_along_axis(y, targets[None], 1.0, axis=0)
    return y


def _bias_hint(name, got, expected, m):
    """A bias gradient of shape (n, m) means the sum over the batch was forgotten."""
    if np.shape(got) == (expected.shape[0], m) and m != 1:
        raise CheckFailed(
            f"{name} has shape {np.shape(got)}; expected {expected.shape}: sum over the batch "
            "(axis=1, keepdims=True), since every example adds to the same bias"
        )


def check_rnn_cell_backward(cell_backward):
    """Check rnn_cell_backward(y, da_next, cache, parameters) against rnn_lib's."""
    __tracebackhide__ = True
    rng = np.random.default_rng(5)
    n_x, n_a, n_y, m = 3, 4, 6, 2
    p = _parameters(rng, n_x, n_a, n_y)
    xt, a_prev = rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m))
    a_next, y_hat_t, cache = rnn_cell_forward(xt, a_prev, p)
    y = _one_hot(rng, n_y, (m,))
    da_next = rng.standard_normal((n_a, m))
    got = cell_backward(y, da_next, cache, p)
    expect_keys("the gradients", got, CELL_GRADIENTS)
    expected = rnn_cell_backward(y, da_next, cache, p)

    dzy = y_hat_t - y
    tanh_grad = 1.0 - a_next**2
    wrong = {
        "da_next is not added: the state gets gradient from this step's output AND from the "
        "later steps (Wya^T dz_y + da_next)": step_gradients(
            dzy, tanh_grad * (p["Wya"].T @ dzy), cache, p
        ),
        "only da_next flows into dz: add this step's own output term Wya^T dz_y": step_gradients(
            dzy, tanh_grad * da_next, cache, p
        ),
        "the sign of dz_y is flipped: softmax + cross-entropy gives y_hat - y": step_gradients(
            -dzy, tanh_grad * (da_next - p["Wya"].T @ dzy), cache, p
        ),
        "tanh's derivative is missing: multiply by (1 - a_next**2)": step_gradients(
            dzy, p["Wya"].T @ dzy + da_next, cache, p
        ),
        "tanh's derivative uses a_prev; it is 1 - a_next**2 (this step's state)": step_gradients(
            dzy, (1.0 - a_prev**2) * (p["Wya"].T @ dzy + da_next), cache, p
        ),
    }
    dz = tanh_grad * (p["Wya"].T @ dzy + da_next)
    specific = {
        "dWaa": [
            ("it uses a_next; dWaa = dz a_prev^T, the state that Waa multiplied", dz @ a_next.T),
            ("it is transposed: dWaa = dz a_prev^T, not a_prev dz^T", a_prev @ dz.T),
        ],
        "dWya": [
            ("it uses a_prev; dWya = dz_y a_next^T, the state Wya multiplied", dzy @ a_prev.T)
        ],
        "da_prev": [("Waa is not transposed: da_prev = Waa^T dz", p["Waa"] @ dz)],
    }
    for name in ("dWya", "dby", "dWax", "dWaa", "dba", "da_prev"):
        if name.startswith("db"):
            _bias_hint(name, got[name], expected[name], m)
        mistakes = specific.get(name, []) + [(d, g[name]) for d, g in wrong.items()]
        expect_array(name, got[name], expected[name], mistakes=mistakes)
    passed("rnn_cell_backward: all six gradients match the reference")


def _backward_variant(X, Y, p, caches, carry, accumulate, order):
    """rnn_backward's loop with a mistake in how da is carried, or how gradients are gathered."""
    T_x = X.shape[2]
    total = None
    da_next = np.zeros_like(caches.a0)
    da_sum = np.zeros_like(caches.a0)
    for t in order(T_x):
        step = rnn_cell_backward(Y[:, :, t], da_next if carry else da_next * 0, caches[t], p)
        if total is None or not accumulate:
            total = {k: v.copy() for k, v in step.items()}
        else:
            for k in step:
                total[k] += step[k]
        da_next = step["da_prev"]
        da_sum += step["da_prev"]
    total["da0"] = total.pop("da_prev")
    return total, da_sum


def check_rnn_backward(rnn_backward_fn):
    """Check rnn_backward(X, Y, parameters, caches) against rnn_lib's, da0 included."""
    __tracebackhide__ = True
    rng = np.random.default_rng(6)
    n_x, n_a, n_y, m, T_x = 3, 4, 5, 2, 5
    p = _parameters(rng, n_x, n_a, n_y)
    X = rng.standard_normal((n_x, m, T_x))
    Y = _one_hot(rng, n_y, (m, T_x))
    a0 = rng.standard_normal((n_a, m))
    _, _, caches = rnn_forward(X, a0, p)
    got = rnn_backward_fn(X, Y, p, caches)
    expect_keys("the gradients", got, SEQUENCE_GRADIENTS)
    expected = rnn_backward(X, Y, p, caches)

    backwards = lambda T: range(T - 1, -1, -1)  # noqa: E731
    right, da_sum = _backward_variant(X, Y, p, caches, True, True, backwards)
    no_carry, _ = _backward_variant(X, Y, p, caches, False, True, backwards)
    overwritten, _ = _backward_variant(X, Y, p, caches, True, False, backwards)
    forwards, _ = _backward_variant(X, Y, p, caches, True, True, range)
    wrong = [
        (
            "da_next is not carried: pass each step's da_prev as da_next to the step before it",
            no_carry,
        ),
        (
            "the gradients are overwritten at each step; they must be summed over all steps "
            "(the same weights act at every step)",
            overwritten,
        ),
        ("the loop runs forwards in time; BPTT starts at the last step, t = T_x - 1", forwards),
    ]
    for name in ("dWya", "dby", "dWax", "dWaa", "dba", "da0"):
        if name.startswith("db"):
            _bias_hint(name, got[name], expected[name], m)
        mistakes = [(d, g[name]) for d, g in wrong]
        if name == "da0":
            mistakes.insert(
                0,
                (
                    "da0 is the sum of every step's da_prev; it is the gradient of the "
                    "initial state alone, the da_prev of step 0",
                    da_sum,
                ),
            )
        expect_array(name, got[name], expected[name], mistakes=mistakes)
    passed("rnn_backward: the gradients of all five parameters and of a0 match the reference")


def check_numerical_gradient(numerical_gradient_fn):
    """Check numerical_gradient(f, array, eps) (centred differences) on a cubic."""
    __tracebackhide__ = True
    rng = np.random.default_rng(7)
    array = rng.standard_normal((2, 3))
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

    def differences(step, denominator):
        grad = np.empty_like(array)
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + step[0]
            high = f()
            array[index] = saved + step[1]
            low = f()
            array[index] = saved
            grad[index] = (high - low) / denominator
        return grad

    expect_array(
        "the numerical gradient",
        got,
        expected,
        mistakes=[
            (
                "it is a one-sided difference (f(w + eps) - f(w)) / eps, which errs by order eps; "
                "the centred (f(w + eps) - f(w - eps)) / (2 eps) errs by eps^2 only",
                differences((eps, 0.0), eps),
            ),
            (
                "it is a one-sided difference (f(w) - f(w - eps)) / eps; use the centred one",
                differences((0.0, -eps), eps),
            ),
            (
                "it is twice too large: divide by 2 eps, the distance between w + eps and w - eps",
                differences((eps, -eps), eps),
            ),
        ],
        rtol=1e-7,
        atol=1e-10,
    )
    passed("numerical_gradient: centred differences, array restored")
