"""The fast paths (rnn_lib._fast) against the readable loops they stand in for.

Every public sequence function computes its result step by step over the cell functions when
rnn_lib._fast.enabled is false; with it true (the default) the same work is done by the fast
path. The two must agree to rounding, on one-hot inputs with padding (the lookup path of the
input projection) and on real-valued inputs (the product path), and the readable loops must
pass the gradient check on their own.
"""

import numpy as np
import pytest

import rnn_lib
from rnn_lib import _fast

from .helpers import random_parameters

CELLS = {
    "rnn": (rnn_lib.rnn_forward, rnn_lib.rnn_loss_and_gradients),
    "lstm": (rnn_lib.lstm_forward, rnn_lib.lstm_loss_and_gradients),
    "gru": (rnn_lib.gru_forward, rnn_lib.gru_loss_and_gradients),
}
INITIALIZE = {
    "lstm": rnn_lib.initialize_lstm_parameters,
    "gru": rnn_lib.initialize_gru_parameters,
}


def problem(cell, one_hot, n_a=5, n_x=4, m=3, T_x=6, seed=0):
    """Inputs, targets (with padding after each sequence's end), a0 and parameters."""
    rng = np.random.default_rng(seed)
    lengths = [T_x, 2, 4][:m]
    if one_hot:
        X = np.zeros((n_x, m, T_x))
        for j, length in enumerate(lengths):
            X[rng.integers(0, n_x, size=length), j, np.arange(length)] = 1.0
    else:
        X = rng.standard_normal((n_x, m, T_x))
    Y = np.zeros((n_x, m, T_x))
    for j, length in enumerate(lengths):
        Y[rng.integers(0, n_x, size=length), j, np.arange(length)] = 1.0
    a0 = rng.standard_normal((n_a, m)) * 0.5
    if cell == "rnn":
        parameters = random_parameters(n_a, n_x, n_x, rng)
    else:
        parameters = INITIALIZE[cell](n_a, n_x, n_x, rng)
        for value in parameters.values():
            value += rng.standard_normal(value.shape) * 0.3  # non-zero biases too
    return X, Y, a0, parameters


def both_paths(monkeypatch, function, *args):
    """function(*args) with the fast path, then with the readable loops."""
    fast = function(*args)
    monkeypatch.setattr(_fast, "enabled", False)
    readable = function(*args)
    monkeypatch.setattr(_fast, "enabled", True)
    return fast, readable


def assert_close(fast, readable, what):
    np.testing.assert_allclose(fast, readable, rtol=1e-11, atol=1e-13, err_msg=what)


@pytest.mark.parametrize("one_hot", [True, False], ids=["one-hot", "real-valued"])
@pytest.mark.parametrize("cell", CELLS)
def test_forward_outputs_and_caches_agree(monkeypatch, cell, one_hot):
    X, _, a0, parameters = problem(cell, one_hot)
    forward, _ = CELLS[cell]
    fast, readable = both_paths(monkeypatch, forward, X, a0, parameters)
    for k, (f, r) in enumerate(zip(fast[:-1], readable[:-1], strict=True)):
        assert_close(f, r, f"{cell} output {k}")
    for t in range(X.shape[2]):
        for k, (f, r) in enumerate(zip(fast[-1][t], readable[-1][t], strict=True)):
            if isinstance(f, np.ndarray):
                assert_close(f, r, f"{cell} cache of step {t}, field {k}")


@pytest.mark.parametrize("one_hot", [True, False], ids=["one-hot", "real-valued"])
@pytest.mark.parametrize("cell", CELLS)
def test_loss_and_every_gradient_agree(monkeypatch, cell, one_hot):
    X, Y, a0, parameters = problem(cell, one_hot)
    _, loss_and_gradients = CELLS[cell]
    (fast_loss, fast), (loss, readable) = both_paths(
        monkeypatch, loss_and_gradients, X, Y, a0, parameters
    )
    assert fast_loss == pytest.approx(loss, rel=1e-12)
    assert fast.keys() == readable.keys()
    for key in readable:
        assert_close(fast[key], readable[key], f"{cell} {key}")


@pytest.mark.parametrize("cell", CELLS)
def test_the_readable_loops_pass_the_gradient_check(monkeypatch, cell):
    monkeypatch.setattr(_fast, "enabled", False)
    X, Y, a0, parameters = problem(cell, one_hot=True, T_x=4)
    _, loss_and_gradients = CELLS[cell]
    arrays = {name: parameters[name] for name in parameters} | {"a0": a0}
    _, gradients = loss_and_gradients(X, Y, a0, parameters)
    errors = rnn_lib.gradient_check(
        lambda: loss_and_gradients(X, Y, arrays["a0"], parameters)[0], arrays, gradients
    )
    for name, error in errors.items():
        assert error < 1e-7, f"{cell} {name}: relative error {error:.1e}"


def test_optimize_agrees_with_its_readable_composition(monkeypatch):
    X, Y, a0, parameters = problem("rnn", one_hot=True)

    def step():
        updated = {name: value.copy() for name, value in parameters.items()}
        loss, gradients, a_last = rnn_lib.optimize(X, Y, a0, updated, 0.1, clip_value=0.05)
        return loss, gradients, a_last, updated

    fast, readable = both_paths(monkeypatch, step)
    assert fast[0] == pytest.approx(readable[0], rel=1e-12)
    for key in readable[1]:
        assert_close(fast[1][key], readable[1][key], f"clipped {key}")
    assert_close(fast[2], readable[2], "a_last")
    for name in parameters:
        assert_close(fast[3][name], readable[3][name], f"updated {name}")
