import math

import numpy as np
import pytest

from rnn_lib import compute_loss, perplexity

from .helpers import one_hot_sequence


def test_loss_is_the_summed_negative_log_probability_of_the_targets():
    rng = np.random.default_rng(0)
    y_hat = rng.dirichlet(np.ones(4), size=(2, 3)).transpose(2, 0, 1)  # (4, 2, 3)
    targets = rng.integers(0, 4, size=(2, 3))
    expected = -sum(math.log(y_hat[targets[j, t], j, t]) for j in range(2) for t in range(3))
    assert compute_loss(y_hat, one_hot_sequence(targets, 4)) == pytest.approx(expected, rel=1e-14)


def test_padding_columns_add_nothing():
    y_hat = np.full((3, 1, 4), 1 / 3)
    Y = one_hot_sequence([[0, 2, -1, -1]], 3)
    assert compute_loss(y_hat, Y) == pytest.approx(2 * math.log(3), rel=1e-14)


def test_an_underflowed_probability_gives_a_large_finite_loss():
    y_hat = np.array([[[0.0]], [[1.0]]])
    Y = np.array([[[1.0]], [[0.0]]])
    with np.errstate(all="raise"):
        loss = compute_loss(y_hat, Y)
    assert math.isfinite(loss) and 700 < loss < 710


def test_shape_mismatch_is_named():
    with pytest.raises(
        ValueError, match=r"Y_hat must have the shape of Y, \(3, 1, 4\); got \(3, 1, 5\)"
    ):
        compute_loss(np.ones((3, 1, 5)), np.ones((3, 1, 4)))


def test_perplexity_of_a_uniform_guess_is_the_vocabulary_size():
    assert perplexity(math.log(27)) == pytest.approx(27, rel=1e-14)
