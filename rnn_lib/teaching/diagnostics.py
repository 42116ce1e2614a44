"""Measurements that explain training: how much gradient reaches each earlier time step."""

import numpy as np

from ..validation import check_shape


def gradient_norms_through_time(a, Waa, da_last):
    """||dL/da<k>|| for every step k of one sequence, when only the last step has a loss.

    Going back one step multiplies by the transposed Jacobian of a<k> = tanh(Waa a<k-1> + ...):
        dL/da<k-1> = Waa^T ((1 - a<k>^2) * dL/da<k>)

    Arguments:
        a -- hidden states of one sequence, (n_a, 1, T_x)
        Waa -- recurrent weights, (n_a, n_a)
        da_last -- gradient of the loss with respect to the last state a<T_x - 1>, (n_a, 1)
    Returns:
        norms -- (T_x,), norms[k] = ||dL/da<k>||
    """
    known = {}
    check_shape("Waa", Waa, ("n_a", "n_a"), known)
    check_shape("a", a, ("n_a", "1", "T_x"), known)
    check_shape("da_last", da_last, ("n_a", "1"), known)
    T_x = a.shape[2]
    norms = np.empty(T_x)
    da = da_last
    for k in range(T_x - 1, -1, -1):
        norms[k] = np.linalg.norm(da)
        if k > 0:
            da = Waa.T @ ((1.0 - a[:, :, k] ** 2) * da)
    return norms
