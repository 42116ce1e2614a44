"""Activation functions of the RNN cell, in forms that stay finite for any input."""

import numpy as np


def tanh(z):
    """Hyperbolic tangent, elementwise: tanh(z) = (e^z - e^-z) / (e^z + e^-z).

    The textbook quotient overflows to inf/inf = nan once |z| > ~710. numpy's ``np.tanh``
    evaluates the same function without forming e^|z|, so it is finite and correctly
    rounded for every float, including +-1000 and +-inf.

    Arguments:
        z -- array of any shape, or a scalar
    Returns:
        array of the same shape as z (a float for a scalar), each entry in [-1, 1]
    """
    return np.tanh(z)


def softmax(z):
    """Softmax over axis 0 (each column is one distribution): s_i = e^(z_i) / sum_j e^(z_j).

    Subtracting each column's maximum first leaves the result unchanged (the factor e^-max
    cancels) and keeps every exponent <= 0, so nothing overflows; the largest term is
    exactly 1, so the denominator is never 0.

    Arguments:
        z -- array of shape (n_y, ...), for example (n_y, m) or (n_y, m, T_x)
    Returns:
        array of the same shape; every column is non-negative and sums to 1
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=0, keepdims=True))
    e /= e.sum(axis=0, keepdims=True)
    return e


def sigmoid(z):
    """Logistic sigmoid, elementwise: sigma(z) = 1 / (1 + e^-z), a gate's value in (0, 1).

    The textbook form overflows e^-z for z < ~-709. Writing e = e^-|z| <= 1, sigma(z) is
    1 / (1 + e) for z >= 0 and e / (1 + e) for z < 0: nothing overflows, and tiny values such as
    sigma(-50) ~ 1.9e-22 keep their full relative precision instead of rounding to 0.

    Arguments:
        z -- array of any shape, or a scalar
    Returns:
        array of the same shape (a float for a scalar), each entry in [0, 1]
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)
