"""Random RNN problems shared by the tests: non-zero parameters, one-hot targets, padding."""

import numpy as np

from rnn_lib import PARAM_NAMES, initialize_parameters


def random_parameters(n_a, n_x, n_y, rng, scale=0.5):
    """Parameters with every entry non-zero (biases too), so that no gradient term hides."""
    shapes = {k: v.shape for k, v in initialize_parameters(n_a, n_x, n_y, rng=0).items()}
    return {name: rng.standard_normal(shapes[name]) * scale for name in PARAM_NAMES}


def one_hot_sequence(indices, n):
    """(n, m, T_x) one-hot array from an (m, T_x) array of indices; -1 marks padding (a zero column)."""
    indices = np.asarray(indices)
    out = np.zeros((n, *indices.shape))
    m_idx, t_idx = np.nonzero(indices >= 0)
    out[indices[m_idx, t_idx], m_idx, t_idx] = 1.0
    return out


def random_problem(n_a=5, n_x=4, n_y=3, m=2, T_x=6, seed=0):
    """Real-valued inputs X, one-hot targets Y, a non-zero a0 and non-zero parameters."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m, T_x))
    Y = one_hot_sequence(rng.integers(0, n_y, size=(m, T_x)), n_y)
    a0 = rng.standard_normal((n_a, m)) * 0.5
    return X, Y, a0, random_parameters(n_a, n_x, n_y, rng)
