"""The softmax output layer the gated cells share: y_hat = softmax(Wy a + by), and its gradients.

The LSTM and GRU backward passes take the gradient of the loss with respect to the hidden states;
this module turns the summed cross-entropy into that gradient (and into dWy, dby), so that the
cells and the training code share one implementation.

Both functions are column-major and work on every column at once: axis 0 holds the units, the
remaining axes (m, or m and T_x, in either order) index the columns.
"""

import numpy as np

from .activations import softmax


def _check_layer(Wy, **arrays):
    """Check that every array has Wy's sizes on axis 0 (by: (n_y, 1)) and that the columns agree."""
    if np.ndim(Wy) != 2:
        raise ValueError(f"Wy must be (n_y, n_a), 2-dimensional; got {np.shape(Wy)}")
    n_y, n_a = np.shape(Wy)
    if "by" in arrays:
        by = arrays.pop("by")
        if np.shape(by) != (n_y, 1):
            raise ValueError(f"by must be (n_y, 1) with n_y={n_y} from Wy; got {np.shape(by)}")
    columns = None
    for name, array in arrays.items():
        units, size = ("n_a", n_a) if name == "a" else ("n_y", n_y)
        shape = np.shape(array)
        if len(shape) not in (2, 3):
            raise ValueError(f"{name} must be ({units}, m) or ({units}, m, T_x); got {shape}")
        expected = "(" + ", ".join((units, "m", "T_x")[: len(shape)]) + ")"
        if shape[0] != size:
            raise ValueError(f"{name} must be {expected} with {units}={size} from Wy; got {shape}")
        if columns is None:
            columns = (name, shape[1:])
        elif shape[1:] != columns[1]:
            raise ValueError(
                f"{name} must have the columns of {columns[0]}, {columns[1]}; got {shape[1:]}"
            )


def output_layer_forward(a, Wy, by):
    """Predicted distributions of every column at once: y_hat = softmax(Wy a + by).

    Arguments:
        a -- hidden states, (n_a, m) or (n_a, m, T_x)
        Wy -- output weights, (n_y, n_a)
        by -- output bias, (n_y, 1)
    Returns:
        y_hat -- (n_y, m) or (n_y, m, T_x); every column sums to 1
    """
    a = np.asarray(a)
    _check_layer(Wy, by=by, a=a)
    n_a = a.shape[0]
    z = Wy @ a.reshape(n_a, -1) + by
    return softmax(z).reshape((Wy.shape[0], *a.shape[1:]))


def output_layer_backward(Y, y_hat, a, Wy):
    """Gradients of the summed cross-entropy L = -sum Y * log(y_hat) through the output layer.

    With dz = y_hat * sum(Y over axis 0) - Y, which is y_hat - Y for a real column and 0 for a
    padded (all-zero) column of Y:
        dWy = sum over columns of dz a^T    dby = sum over columns of dz    da = Wy^T dz

    Arguments:
        Y -- true distributions, (n_y, m, T_x) or (n_y, m): one-hot columns, all-zero for padding
        y_hat -- predicted distributions, the shape of Y
        a -- the hidden states y_hat was computed from, (n_a, m, T_x) or (n_a, m)
        Wy -- output weights, (n_y, n_a)
    Returns:
        dWy -- (n_y, n_a)
        dby -- (n_y, 1)
        da -- gradient of L with respect to a, the shape of a
    """
    Y, y_hat, a = np.asarray(Y), np.asarray(y_hat), np.asarray(a)
    _check_layer(Wy, Y=Y, y_hat=y_hat, a=a)
    n_y, n_a = Wy.shape
    dz = (y_hat * Y.sum(axis=0) - Y).reshape(n_y, -1)
    dWy = dz @ a.reshape(n_a, -1).T
    dby = dz.sum(axis=1, keepdims=True)
    da = (Wy.T @ dz).reshape(a.shape)
    return dWy, dby, da
