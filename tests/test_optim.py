import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rnn_lib import (
    clip,
    clip_by_norm,
    compute_loss,
    global_norm,
    optimize,
    rnn_backward,
    rnn_forward,
    update_parameters,
)
from rnn_lib.training.optim import Adam

from .helpers import random_problem

gradient_arrays = arrays(np.float64, (3, 4), elements=st.floats(-100, 100))


def some_gradients(rng, scale=10.0):
    return {
        "dWax": rng.standard_normal((5, 4)) * scale,
        "dWaa": rng.standard_normal((5, 5)) * scale,
        "dWya": rng.standard_normal((3, 5)) * scale,
        "dba": rng.standard_normal((5, 1)) * scale,
        "dby": rng.standard_normal((3, 1)) * scale,
        "da0": rng.standard_normal((5, 2)) * scale,
        "dextra": rng.standard_normal((2, 2)) * scale,
    }


@given(gradient_arrays, st.floats(0.01, 50))
def test_clip_bounds_every_entry_and_keeps_the_small_ones(g, max_value):
    clipped = clip({"dWaa": g}, max_value)["dWaa"]
    assert np.all(np.abs(clipped) <= max_value)
    inside = np.abs(g) <= max_value
    np.testing.assert_array_equal(clipped[inside], g[inside])
    np.testing.assert_array_equal(clipped[~inside], np.sign(g[~inside]) * max_value)


def test_clip_keeps_every_key_copies_state_gradients_and_leaves_the_input_alone():
    grads = some_gradients(np.random.default_rng(0))
    before = {k: v.copy() for k, v in grads.items()}
    clipped = clip(grads, 1.0)
    assert set(clipped) == set(grads)
    for k in grads:
        np.testing.assert_array_equal(grads[k], before[k])
        assert clipped[k] is not grads[k]
    np.testing.assert_array_equal(clipped["da0"], grads["da0"])
    assert np.abs(clipped["dextra"]).max() <= 1.0


def test_clip_by_norm_rescales_to_the_threshold_and_keeps_the_direction():
    grads = some_gradients(np.random.default_rng(1))
    before = {k: v.copy() for k, v in grads.items()}
    clipped = clip_by_norm(grads, 2.5)
    assert global_norm(clipped) == pytest.approx(2.5, rel=1e-12)
    params = [k for k in grads if k != "da0"]
    flat = np.concatenate([grads[k].ravel() for k in params])
    flat_clipped = np.concatenate([clipped[k].ravel() for k in params])
    cosine = flat @ flat_clipped / (np.linalg.norm(flat) * np.linalg.norm(flat_clipped))
    assert cosine == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_array_equal(clipped["da0"], grads["da0"])
    for k in grads:
        np.testing.assert_array_equal(grads[k], before[k])


def test_clip_by_norm_leaves_a_small_gradient_unchanged():
    grads = some_gradients(np.random.default_rng(2), scale=1e-3)
    clipped = clip_by_norm(grads, 1.0)
    for k in grads:
        np.testing.assert_array_equal(clipped[k], grads[k])


def test_global_norm_is_the_norm_of_all_parameter_gradients_together():
    grads = {"dWaa": np.array([[3.0]]), "dby": np.array([[4.0]]), "da0": np.array([[100.0]])}
    assert global_norm(grads) == pytest.approx(5.0)


@pytest.mark.parametrize("bad", [0, -1.0, np.inf, np.nan, "5", True])
def test_thresholds_must_be_positive_and_finite(bad):
    with pytest.raises(ValueError, match="max_value must be a positive, finite number"):
        clip({"dWaa": np.ones((1, 1))}, bad)
    with pytest.raises(ValueError, match="max_norm must be a positive, finite number"):
        clip_by_norm({"dWaa": np.ones((1, 1))}, bad)


def test_update_parameters_steps_against_the_gradient_in_place():
    rng = np.random.default_rng(3)
    params = {"Waa": rng.standard_normal((2, 2)), "by": rng.standard_normal((3, 1))}
    grads = {"dWaa": rng.standard_normal((2, 2)), "dby": rng.standard_normal((3, 1)), "da0": 0}
    expected = {k: v - 0.1 * grads[f"d{k}"] for k, v in params.items()}
    arrays_before = {k: id(v) for k, v in params.items()}
    update_parameters(params, grads, 0.1)
    for k in params:
        assert id(params[k]) == arrays_before[k]
        np.testing.assert_allclose(params[k], expected[k], rtol=1e-15)


def test_update_parameters_names_a_missing_gradient():
    with pytest.raises(ValueError, match="gradients lacks dWaa"):
        update_parameters({"Waa": np.ones((1, 1))}, {"dWax": np.ones((1, 1))}, 0.1)


def test_optimize_is_forward_loss_backward_clip_update():
    X, Y, a0, p = random_problem(m=3, T_x=6, seed=4)
    for name in p:
        p[name] = p[name] * 6  # large weights so that some gradients exceed the clip value
    before = {k: v.copy() for k, v in p.items()}
    a, y_hat, caches = rnn_forward(X, a0, before)
    raw = rnn_backward(X, Y, before, caches)
    assert max(np.abs(g).max() for g in raw.values()) > 2.0

    loss, grads, a_last = optimize(X, Y, a0, p, learning_rate=0.05, clip_value=2.0)
    assert loss == pytest.approx(compute_loss(y_hat, Y), rel=1e-13)
    np.testing.assert_allclose(a_last, a[:, :, -1], rtol=1e-13)
    for name in before:
        expected_grad = np.clip(raw[f"d{name}"], -2.0, 2.0)
        np.testing.assert_allclose(grads[f"d{name}"], expected_grad, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(
            p[name], before[name] - 0.05 * expected_grad, rtol=1e-12, atol=1e-14
        )


def test_optimize_lowers_the_loss_on_a_tiny_problem():
    X, Y, a0, p = random_problem(m=2, T_x=4, seed=5)
    first, _, _ = optimize(X, Y, a0, p, 0.05)
    for _ in range(200):
        last, _, _ = optimize(X, Y, a0, p, 0.05)
    assert last < 0.5 * first


def test_optimize_updates_the_rnn_parameters_and_leaves_other_keys_alone():
    X, Y, a0, p = random_problem(m=2, T_x=4, seed=6)
    plain = {k: v.copy() for k, v in p.items()}
    extra = np.arange(3.0)
    with_extra = {**{k: v.copy() for k, v in p.items()}, "embedding": extra.copy(), "note": "x"}
    expected = optimize(X, Y, a0, plain, 0.05)[0]
    assert optimize(X, Y, a0, with_extra, 0.05)[0] == expected
    for name in plain:
        np.testing.assert_array_equal(with_extra[name], plain[name])
        assert not np.array_equal(with_extra[name], p[name])  # it did update them
    np.testing.assert_array_equal(with_extra["embedding"], extra)
    assert with_extra["note"] == "x"


# --- extreme gradients, nonsense rates, parameters that cannot be updated in place -----------------


@pytest.mark.parametrize("scale", [1e200, 1e-200, 1e154, 1e-160, 1.0, 1e300])
def test_global_norm_neither_overflows_nor_underflows(scale):
    rng = np.random.default_rng(7)
    grads = {"dWaa": rng.standard_normal((3, 4)) * scale, "dby": rng.standard_normal(5) * scale}
    values = np.concatenate([g.ravel() for g in grads.values()])
    expected = math.hypot(*values)  # the standard library's accurate, scaled hypot
    assert global_norm(grads) == pytest.approx(expected, rel=1e-14)


def test_clip_by_norm_of_a_gradient_whose_norm_overflows_has_the_threshold_norm():
    clipped = clip_by_norm({"dWaa": np.array([1e200, 1e200]), "da0": np.array([7.0])}, 5)
    np.testing.assert_allclose(clipped["dWaa"], [5 / math.sqrt(2)] * 2, rtol=1e-15)
    assert global_norm(clipped) == pytest.approx(5.0, rel=1e-15)
    assert clipped["da0"].tolist() == [7.0]
    huge = np.full(4, np.finfo(float).max)  # its norm, 2 * max, is not even a float
    assert global_norm(clip_by_norm({"dWaa": huge}, 1.0)) == pytest.approx(1.0, rel=1e-15)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_clip_by_norm_refuses_gradients_that_are_not_finite(bad):
    with pytest.raises(ValueError, match="^dby holds nan or inf; clip_by_norm needs finite"):
        clip_by_norm({"dWaa": np.ones(2), "dby": np.array([1.0, bad]), "da0": np.ones(1)}, 5)


@pytest.mark.parametrize("rate", [np.nan, -0.1, 0.0, np.inf, "0.1", None])
def test_every_update_refuses_a_nonsense_learning_rate(rate):
    message = f"^learning_rate must be a positive, finite number; got {re.escape(repr(rate))}$"
    X, Y, a0, p = random_problem(m=2, T_x=3, seed=8)
    before = {k: v.copy() for k, v in p.items()}
    with pytest.raises(ValueError, match=message):
        optimize(X, Y, a0, p, rate)
    with pytest.raises(ValueError, match=message):
        update_parameters(p, {f"d{k}": v for k, v in p.items()}, rate)
    adam = Adam(0.1)
    adam.learning_rate = rate  # as a schedule would set it
    with pytest.raises(ValueError, match=message):
        adam.step(p, {f"d{k}": v for k, v in p.items()})
    for name, value in p.items():
        np.testing.assert_array_equal(value, before[name])


def test_updates_refuse_parameters_they_cannot_change_in_place():
    X, Y, a0, p = random_problem(m=2, T_x=3, seed=9)
    as_lists = {k: v.tolist() for k, v in p.items()}
    with pytest.raises(ValueError, match=r"^parameters\['Wax'\] must be a float numpy array"):
        optimize(X, Y, a0, as_lists, 0.1)
    grads = {"dW": np.ones(2)}
    with pytest.raises(ValueError, match="must be a float numpy array, updated in place; got list"):
        update_parameters({"W": [1.0, 2.0]}, grads, 0.1)
    with pytest.raises(ValueError, match="got an array of int64"):
        Adam(0.1).step({"W": np.arange(2)}, grads)
    with pytest.raises(ValueError, match="eps must be a positive, finite number"):
        Adam(eps=0.0)
