"""Tests of what the gated cells share: the sigmoid of their gates and rnn_lib.cells.gated."""

import warnings

import numpy as np
import pytest

from rnn_lib.activations import sigmoid
from rnn_lib.cells.gated import (
    check_gated_parameters,
    gated_param_symbols,
    initialize_gated_parameters,
)


def test_sigmoid_agrees_with_the_textbook_formula_where_that_is_safe():
    z = np.linspace(-30, 30, 601)
    np.testing.assert_allclose(sigmoid(z), 1.0 / (1.0 + np.exp(-z)), rtol=1e-15)


def test_sigmoid_is_finite_and_precise_at_the_extremes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings either
        values = sigmoid(np.array([-np.inf, -1000.0, -50.0, 0.0, 50.0, 1000.0, np.inf]))
    np.testing.assert_array_equal(values[[0, 1]], 0.0)
    np.testing.assert_array_equal(values[[5, 6]], 1.0)
    assert values[3] == 0.5
    # sigma(-50) = e^-50 / (1 + e^-50), kept to full relative precision instead of rounding to 0
    assert values[2] == pytest.approx(np.exp(-50.0), rel=1e-15)
    assert 1.0 - values[4] == pytest.approx(0.0, abs=1e-16)


def test_sigmoid_is_symmetric():
    z = np.random.default_rng(2).normal(scale=5, size=100)
    np.testing.assert_allclose(sigmoid(-z), 1.0 - sigmoid(z), atol=1e-16)


def test_initialisation_scales_weights_by_fan_in():
    p = initialize_gated_parameters(("g",), {"g": 2.0}, 200, 300, 100, rng=0)
    assert p["Wg"].shape == (200, 500)
    assert p["Wg"].std() == pytest.approx(1 / np.sqrt(500), rel=0.02)
    assert p["Wy"].std() == pytest.approx(1 / np.sqrt(200), rel=0.02)
    np.testing.assert_array_equal(p["bg"], 2.0)


@pytest.mark.parametrize("bad", [0, -1, 2.0, True, "4"])
def test_initialisation_rejects_sizes_that_are_not_positive_integers(bad):
    with pytest.raises(ValueError, match=r"^n_x must be a positive integer"):
        initialize_gated_parameters(("g",), {}, 4, bad, 5)


def test_parameter_check_derives_n_x_from_the_gate_width():
    symbols = gated_param_symbols(("u", "r"))
    p = initialize_gated_parameters(("u", "r"), {}, 4, 3, 5, rng=0)
    known = check_gated_parameters(p, symbols)
    assert known["n_x"] == (3, "Wu") and known["n_a"][0] == 4 and known["n_y"][0] == 5
    with pytest.raises(ValueError, match=r"^parameters lacks Wr"):
        check_gated_parameters({k: v for k, v in p.items() if k != "Wr"}, symbols)
