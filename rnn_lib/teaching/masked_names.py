"""A task where the future matters: fill in one hidden character of a name from both sides.

Name j of length L_j is shown as L_j steps, x<t> the one-hot of its character t, except at its
masked position k_j, where the input is the zero vector (the mask). The only target is the hidden
character at step k_j; every other column of Y is zero, so it adds nothing to the loss. A model
reading left to right sees only the characters before the gap when it must answer; a
bidirectional one sees the characters after it too (notebook 10).
"""

import numpy as np

from ..data.names import encode_names


def mask_names(names, char_to_ix, positions):
    """Inputs, targets and lengths of names with the character at positions[j] of name j hidden.

    Arguments:
        names -- list of m non-empty names
        char_to_ix -- dict character -> index
        positions -- (m,) integers, 0 <= positions[j] < len(names[j])
    Returns:
        X -- (n_x, m, T_x), T_x the longest name's length: the characters, the masked one zero
        Y -- (n_x, m, T_x): the one-hot of the hidden character at its step, zero elsewhere
        lengths -- (m,) the length of each name
    """
    positions = np.asarray(positions)
    lengths = np.array([len(name) for name in names])
    if positions.shape != lengths.shape or not np.issubdtype(positions.dtype, np.integer):
        raise ValueError(f"positions must be (m,) integers with m={len(names)}; got {positions!r}")
    if np.any(positions < 0) or np.any(positions >= lengths):
        raise ValueError("positions[j] must lie in 0..len(names[j]) - 1 for every name j")
    X_full, Y_full = encode_names(names, char_to_ix)  # X_full[:, j, t + 1] is character t
    X = X_full[:, :, 1:].copy()  # step t holds character t; T_x = the longest length
    columns = np.arange(len(names))
    X[:, columns, positions] = 0.0
    Y = np.zeros_like(X)
    Y[:, columns, positions] = Y_full[:, columns, positions]
    return X, Y, lengths


def every_position(names):
    """Each name once per character, with the positions 0 .. len(name) - 1: (names, positions)."""
    repeated = [name for name in names for _ in name]
    positions = np.concatenate([np.arange(len(name)) for name in names])
    return repeated, positions


def masked_accuracy(y_hat, Y):
    """Share of the masked characters (the non-zero columns of Y) that y_hat ranks first.

    Arguments:
        y_hat -- predicted distributions, (n_y, m, T_x)
        Y -- targets of mask_names, (n_y, m, T_x)
    Returns:
        a float in [0, 1]
    """
    asked = Y.sum(axis=0) > 0  # (m, T_x)
    right = y_hat.argmax(axis=0) == Y.argmax(axis=0)
    return float(right[asked].mean())
