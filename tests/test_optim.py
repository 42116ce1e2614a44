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
