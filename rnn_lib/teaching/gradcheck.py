"""Numerical gradient checking: compare an analytic gradient with centred finite differences."""

import numpy as np

from ..cells.rnn import PARAM_NAMES, rnn_backward, rnn_forward
from ..loss import compute_loss


def relative_error(analytic, numeric):
    """||analytic - numeric|| / (||analytic|| + ||numeric||), 0 when both are zero.

    Below ~1e-7 the two agree to the precision finite differences can show in float64;
    a gradient with a real mistake is usually off by 1e-3 or more.
    """
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    if analytic.shape != numeric.shape:
        raise ValueError(
            f"analytic gradient must have the shape {numeric.shape}; got {analytic.shape}"
        )
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return 0.0 if denominator == 0 else float(np.linalg.norm(analytic - numeric) / denominator)


def numerical_gradient(f, array, eps=1e-6):
    """Centred differences: df/dw ~ (f(w + eps) - f(w - eps)) / (2 eps) for every entry w of array.

    ``array`` (float64) is perturbed in place, one entry at a time, and restored exactly;
    ``f`` takes no arguments and reads it.

    Arguments:
        f -- callable returning a scalar that depends on array
        array -- float64 ndarray, modified during the call and restored before it returns
        eps -- the step; 1e-6 balances truncation (eps^2) against rounding (1e-16 / eps)
    Returns:
        ndarray of array's shape
    """
    if array.dtype != np.float64:
        raise ValueError(f"array must be float64 for finite differences; got {array.dtype}")
    grad = np.empty_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + eps
        f_plus = f()
        array[index] = saved - eps
        f_minus = f()
        array[index] = saved
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


def gradient_check(f, arrays, analytic, eps=1e-6):
    """Relative error between analytic gradients and centred differences, one per array.

    Arguments:
        f -- callable with no arguments returning the scalar loss; it must read the arrays
        arrays -- dict name -> float64 array that f reads (perturbed in place and restored)
        analytic -- dict with "d" + name for every name in arrays
        eps -- finite-difference step
    Returns:
        dict name -> relative error
    """
    return {
        name: relative_error(analytic[f"d{name}"], numerical_gradient(f, array, eps))
        for name, array in arrays.items()
    }


def rnn_gradient_check(X, Y, a0, parameters, gradients=None, eps=1e-6):
    """Check rnn_backward (or the given gradients) against finite differences of compute_loss.

    Works on float64 copies, so the caller's arrays are not touched.

    Arguments:
        X -- inputs, (n_x, m, T_x)
        Y -- true distributions, (n_y, m, T_x)
        a0 -- initial hidden state, (n_a, m)
        parameters -- dict of Wax, Waa, Wya, ba, by
        gradients -- the gradients to check (dWax, ..., da0); default: rnn_backward's
        eps -- finite-difference step
    Returns:
        dict name -> relative error for Wax, Waa, Wya, ba, by and a0
    """
    arrays = {name: np.array(parameters[name], dtype=np.float64) for name in PARAM_NAMES}
    arrays["a0"] = np.array(a0, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    params = {name: arrays[name] for name in PARAM_NAMES}

    def loss():
        return compute_loss(rnn_forward(X, arrays["a0"], params)[1], Y)

    if gradients is None:
        gradients = rnn_backward(X, Y, params, rnn_forward(X, arrays["a0"], params)[2])
    return gradient_check(loss, arrays, gradients, eps)
