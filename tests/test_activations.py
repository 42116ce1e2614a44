import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rnn_lib import softmax, tanh

finite_floats = st.floats(-1e4, 1e4, allow_nan=False)


def test_tanh_matches_math_tanh():
    z = np.linspace(-20, 20, 401)
    expected = np.array([math.tanh(v) for v in z])
    np.testing.assert_allclose(tanh(z), expected, rtol=1e-15, atol=0)


def test_tanh_is_finite_and_saturates_at_large_inputs_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = tanh(np.array([-1000.0, -710.0, 0.0, 710.0, 1000.0]))
    np.testing.assert_array_equal(out, [-1.0, -1.0, 0.0, 1.0, 1.0])


def test_tanh_of_a_scalar_is_a_scalar():
    assert np.ndim(tanh(0.5)) == 0
    assert tanh(0.5) == pytest.approx(math.tanh(0.5), rel=1e-15)


def test_softmax_matches_the_definition_column_by_column():
    z = np.array([[1.0, -2.0, 0.0], [2.0, 0.5, 0.0], [3.0, 0.25, 0.0]])
    for j in range(z.shape[1]):
        e = [math.exp(v) for v in z[:, j]]
        np.testing.assert_allclose(softmax(z)[:, j], [v / sum(e) for v in e], rtol=1e-14)


def test_softmax_is_finite_and_exact_for_huge_inputs_without_warnings():
    z = np.array([[1000.0, -1000.0], [999.0, -1000.0], [-1000.0, -1001.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = softmax(z)
    e = math.exp(-1.0)
    np.testing.assert_allclose(out[:, 0], [1 / (1 + e), e / (1 + e), 0.0], rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(out[:, 1], [1 / (2 + e), 1 / (2 + e), e / (2 + e)], rtol=1e-14)


@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 5)), elements=finite_floats))
def test_softmax_columns_are_distributions(z):
    out = softmax(z)
    assert np.all(out >= 0)
    np.testing.assert_allclose(out.sum(axis=0), 1.0, rtol=1e-12)


@given(
    arrays(np.float64, (4, 3), elements=st.floats(-50, 50)),
    arrays(np.float64, (1, 3), elements=st.floats(-500, 500)),
)
def test_softmax_ignores_a_constant_added_to_a_column(z, shift):
    np.testing.assert_allclose(softmax(z + shift), softmax(z), rtol=1e-9, atol=1e-15)


def test_softmax_of_a_sequence_normalises_each_column_of_each_step():
    z = np.random.default_rng(0).standard_normal((5, 3, 4)) * 10
    out = softmax(z)
    for t in range(4):
        np.testing.assert_allclose(out[:, :, t], softmax(z[:, :, t]), rtol=1e-14)
