"""An embedding layer: each character's input vector is a learned column of We, found by lookup.

    e<t> = We[:, idx<t>]        which equals We x<t> for the one-hot x<t> of idx<t>

We is (n_e, n_x): column j is the n_e-dimensional vector of character j. Multiplying by a
one-hot vector only selects a column, so the layer skips the product and indexes. The index
NO_INPUT (-1) stands for the zero input vector (the first step of a name, padding) and embeds
to zeros, as We times the zero vector does. The backward pass adds each step's gradient into the
column it read, de<t> to dWe[:, idx<t>]; a character read at many steps collects all of them,
which is why it accumulates with np.add.at and not with an indexed assignment.
"""

from typing import NamedTuple

import numpy as np

from ..validation import check_integer, check_shape

#: The index of "no input": it embeds to the zero vector and receives no gradient.
NO_INPUT = -1


def initialize_embedding(n_e, n_x, rng=None, scale=0.1):
    """A random embedding matrix: We ~ scale * N(0, 1), (n_e, n_x).

    Arguments:
        n_e -- size of an embedded vector
        n_x -- vocabulary size
        rng -- a numpy Generator, or a seed for one; None draws fresh entropy
        scale -- standard deviation of the entries
    Returns:
        We -- (n_e, n_x)
    """
    check_integer("n_e", n_e)
    check_integer("n_x", n_x)
    return np.random.default_rng(rng).standard_normal((n_e, n_x)) * scale


def check_indices(indices, n_x):
    """Indices as an integer array, each in 0..n_x - 1 or NO_INPUT; ValueError naming a bad one."""
    indices = np.asarray(indices)
    if indices.ndim not in (1, 2) or not np.issubdtype(indices.dtype, np.integer):
        raise ValueError(
            f"indices must be integers of shape (m,) or (m, T_x); got {indices.dtype} {indices.shape}"
        )
    bad = (indices < NO_INPUT) | (indices >= n_x)
    if bad.any():
        value = indices[tuple(np.argwhere(bad)[0])]
        raise ValueError(f"indices must lie in 0..{n_x - 1} (or {NO_INPUT}: no input); got {value}")
    return indices


class EmbeddingCache(NamedTuple):
    """What embedding_backward needs from embedding_forward."""

    indices: np.ndarray  # (m,) or (m, T_x)  the indices that were looked up
    n_x: int  # the vocabulary size, We's width


def embedding_forward(indices, We):
    """Look up each index's column of We: e[:, i, t] = We[:, indices[i, t]] (0 for NO_INPUT).

    Arguments:
        indices -- (m, T_x) integers for a sequence, or (m,) for one step; NO_INPUT for none
        We -- embedding matrix, (n_e, n_x)
    Returns:
        e -- embedded inputs in the series' layout, (n_e, m, T_x) (or (n_e, m) for one step)
        cache -- EmbeddingCache for embedding_backward
    """
    check_shape("We", We, ("n_e", "n_x"), {})
    indices = check_indices(indices, We.shape[1])
    looked_up = We[:, indices]  # (n_e, m, T_x); index -1 reads the last column ...
    e = np.where(indices == NO_INPUT, 0.0, looked_up)  # ... which NO_INPUT replaces by zeros
    return e, EmbeddingCache(indices, We.shape[1])


def embedding_backward(de, cache):
    """Gradient of We: every step adds its de into the column it looked up (repeats add up).

        dWe[:, j] = sum over (i, t) with indices[i, t] = j of de[:, i, t]

    Arguments:
        de -- gradient of the loss with respect to e, (n_e, m, T_x) (or (n_e, m))
        cache -- the EmbeddingCache of embedding_forward
    Returns:
        dict with dWe (n_e, n_x)
    """
    de = np.asarray(de)
    check_shape("de", de, ("n_e", *("m", "T_x")[: cache.indices.ndim]), {})
    if de.shape[1:] != cache.indices.shape:
        raise ValueError(
            f"de must be (n_e, *{cache.indices.shape}) like the indices; got {de.shape}"
        )
    used = cache.indices != NO_INPUT
    dWe = np.zeros((de.shape[0], cache.n_x))
    np.add.at(dWe.T, cache.indices[used], de[:, used].T)  # unbuffered: repeated columns add up
    return {"dWe": dWe}


def one_hot_to_indices(X):
    """The indices of one-hot columns, NO_INPUT for all-zero ones: X (n_x, m, T_x) -> (m, T_x).

    Arguments:
        X -- one-hot inputs, (n_x, m, T_x) (or (n_x, m)); each column all zeros or a single 1
    Returns:
        integer array (m, T_x) (or (m,)), the inverse of the one-hot encoding
    """
    X = np.asarray(X)
    if X.ndim not in (2, 3):
        raise ValueError(f"X must be (n_x, m, T_x) or (n_x, m); got {X.shape}")
    ones = X.sum(axis=0)
    if not (np.isin(X, (0.0, 1.0)).all() and np.isin(ones, (0.0, 1.0)).all()):
        raise ValueError("X must be one-hot: every column all zeros or a single 1")
    return np.where(ones == 1.0, X.argmax(axis=0), NO_INPUT)
