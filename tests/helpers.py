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


def randomised(parameters, rng, scale=1.0):
    """Parameters scaled by `scale`, with random biases added, so that no gradient is special."""
    return {
        name: scale * value + (0.5 * rng.standard_normal(value.shape) if name[0] == "b" else 0.0)
        for name, value in parameters.items()
    }


def padded_targets(rng, n_y, lengths, T_x):
    """Y (n_y, m, T_x): random one-hot targets for the first lengths[k] steps of example k, then 0."""
    Y = np.zeros((n_y, len(lengths), T_x))
    for k, length in enumerate(lengths):
        Y[rng.integers(n_y, size=length), k, np.arange(length)] = 1.0
    return Y


def assert_all_below(errors, tolerance=1e-7):
    """Every relative error of a gradient check is below tolerance; the message lists the others."""
    bad = {name: error for name, error in errors.items() if not error < tolerance}
    assert not bad, f"relative errors above {tolerance}: {bad}"
