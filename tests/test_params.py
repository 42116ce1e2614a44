import numpy as np
import pytest

from rnn_lib import PARAM_NAMES, initialize_parameters


def test_shapes_and_zero_biases():
    p = initialize_parameters(7, 27, 26, rng=0)
    assert set(p) == set(PARAM_NAMES)
    assert p["Wax"].shape == (7, 27)
    assert p["Waa"].shape == (7, 7)
    assert p["Wya"].shape == (26, 7)
    np.testing.assert_array_equal(p["ba"], np.zeros((7, 1)))
    np.testing.assert_array_equal(p["by"], np.zeros((26, 1)))


def test_weights_are_scaled_normal():
    p = initialize_parameters(200, 300, 250, rng=1)
    for name in ("Wax", "Waa", "Wya"):
        assert abs(p[name].mean()) < 5e-4
        assert p[name].std() == pytest.approx(0.01, rel=0.02)


def test_same_seed_same_parameters_and_global_rng_untouched():
    state = np.random.get_state()[1].copy()  # noqa: NPY002 (checks the global RNG is untouched)
    a, b = initialize_parameters(3, 4, 5, rng=42), initialize_parameters(3, 4, 5, rng=42)
    c = initialize_parameters(3, 4, 5, rng=np.random.default_rng(43))
    for name in PARAM_NAMES[:3]:
        np.testing.assert_array_equal(a[name], b[name])
        assert not np.array_equal(a[name], c[name])
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # noqa: NPY002


@pytest.mark.parametrize("bad", [0, -3, 2.5, "50", True])
def test_sizes_must_be_positive_integers(bad):
    with pytest.raises(ValueError, match=r"n_a must be a positive integer"):
        initialize_parameters(bad, 4, 5)
