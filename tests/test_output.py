"""Tests of rnn_lib.cells.shared, the softmax output layer the gated cells share."""

import re

import numpy as np
import pytest

from rnn_lib.cells.shared import output_layer_backward, output_layer_forward
from rnn_lib.teaching.gradcheck import gradient_check

N_A, N_Y, M, T_X = 4, 6, 3, 5


@pytest.fixture
def rng():
    return np.random.default_rng(5)


def targets(rng, shape, padded_columns=()):
    """One-hot Y of the given (n_y, ...) shape, all-zero at the given column indices."""
    Y = np.zeros(shape)
    for column in np.ndindex(shape[1:]):
        if column not in padded_columns:
            Y[(rng.integers(shape[0]), *column)] = 1.0
    return Y


def test_forward_is_a_softmax_of_each_column(rng):
    a, Wy, by = (
        rng.standard_normal((N_A, M, T_X)),
        rng.standard_normal((N_Y, N_A)),
        rng.normal(size=(N_Y, 1)),
    )
    y_hat = output_layer_forward(a, Wy, by)
    for k, t in np.ndindex(M, T_X):
        z = Wy @ a[:, k, t] + by[:, 0]
        np.testing.assert_allclose(y_hat[:, k, t], np.exp(z) / np.exp(z).sum(), rtol=1e-14)


@pytest.mark.parametrize("columns", [(M,), (M, T_X)])
def test_backward_matches_finite_differences_and_ignores_padding(rng, columns):
    a, Wy, by = (
        rng.standard_normal((N_A, *columns)),
        rng.standard_normal((N_Y, N_A)),
        rng.normal(size=(N_Y, 1)),
    )
    padded = ((1,),) if len(columns) == 1 else ((1, 4), (2, 3))
    Y = targets(rng, (N_Y, *columns), padded)

    def loss():
        return -np.sum(Y * np.log(output_layer_forward(a, Wy, by)))

    dWy, dby, da = output_layer_backward(Y, output_layer_forward(a, Wy, by), a, Wy)
    errors = gradient_check(loss, {"Wy": Wy, "by": by, "a": a}, {"dWy": dWy, "dby": dby, "da": da})
    assert max(errors.values()) < 1e-7, errors
    for column in padded:
        np.testing.assert_array_equal(da[(slice(None), *column)], 0.0)


@pytest.mark.parametrize(
    ("Y_shape", "y_hat_shape", "a_shape", "message"),
    [
        ((N_Y, M, T_X), (N_Y, M, T_X - 1), (N_A, M, T_X), "y_hat must have the columns of Y"),
        (
            (N_Y, M, T_X),
            (N_Y, M, T_X),
            (N_A + 1, M, T_X),
            "a must be (n_a, m, T_x) with n_a=4 from Wy",
        ),
        ((N_Y - 1, M), (N_Y - 1, M), (N_A, M), "Y must be (n_y, m) with n_y=6 from Wy"),
        (
            (N_Y, M * T_X),
            (N_Y, M * T_X),
            (N_A, M * T_X, 1, 1),
            "a must be (n_a, m) or (n_a, m, T_x); got (4, 15, 1, 1)",
        ),
    ],
)
def test_backward_shape_errors_name_the_culprit(Y_shape, y_hat_shape, a_shape, message):
    Wy = np.zeros((N_Y, N_A))
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        output_layer_backward(np.zeros(Y_shape), np.zeros(y_hat_shape), np.zeros(a_shape), Wy)


def test_forward_names_a_bias_of_the_wrong_shape():
    # A bias (n_y,) would broadcast along the columns instead of the units: silently wrong.
    a, Wy = np.zeros((N_A, N_Y)), np.zeros((N_Y, N_A))
    with pytest.raises(ValueError, match=re.escape("by must be (n_y, 1) with n_y=6 from Wy")):
        output_layer_forward(a, Wy, np.zeros(N_Y))


def test_nested_lists_are_accepted_like_arrays(rng):
    a, Wy, by = rng.standard_normal((N_A, M)), rng.standard_normal((N_Y, N_A)), np.ones((N_Y, 1))
    Y = targets(rng, (N_Y, M))
    y_hat = output_layer_forward(a, Wy, by)
    np.testing.assert_array_equal(output_layer_forward(a.tolist(), Wy, by), y_hat)
    for got, expected in zip(
        output_layer_backward(Y.tolist(), y_hat.tolist(), a.tolist(), Wy),
        output_layer_backward(Y, y_hat, a, Wy),
        strict=True,
    ):
        np.testing.assert_array_equal(got, expected)
