"""One long sequence as training data: m parallel streams, each cut into chunks of k steps.

A list of names (names.py) is a set of independent examples: each name starts from a zero state.
A stream is one long sequence (a text, the names joined by "\\n", a generated task) that the
model reads on and on, its hidden state carried from one chunk to the next
(rnn_lib.training.tbptt). Batching a stream of n symbols takes two cuts:

- into m streams, one per batch column: stream i is the contiguous piece of symbols
  i S ... (i + 1) S - 1, with S = N_s // m. The last N_s - m S symbols (fewer than m) are DROPPED,
  so that every column has the same length;
- into chunks along time: each stream's S - 1 steps (the input is symbol s, the target symbol
  s + 1) are cut into ceil((S - 1) / k) chunks of k steps. When k does not divide S - 1 the
  last chunk is SHORTER (it is not padded); with k >= S - 1 there is one chunk, the whole stream.

Chunk c holds steps c k ... c k + k - 1 of every column, so the state column i ends chunk c with
is the state it starts chunk c + 1 from. Notebook 09 builds stream_chunks as an exercise.
"""

import numpy as np

from ..validation import check_integer


def text_indices(text, char_to_ix):
    """The symbols of text as vocabulary indices: a 1-D int array of len(text).

    Arguments:
        text -- a str
        char_to_ix -- dict character -> index
    Returns:
        indices -- (len(text),) np.intp array, indices[i] = char_to_ix[text[i]]
    Raises:
        ValueError naming the first character not in char_to_ix and its position
    """
    for position, character in enumerate(text):
        if character not in char_to_ix:
            raise ValueError(
                f"text has the character {character!r} at position {position}, "
                "which is not in the vocabulary"
            )
    return np.fromiter((char_to_ix[c] for c in text), dtype=np.intp, count=len(text))


def split_streams(sequence, m):
    """Cut a 1-D sequence into m contiguous streams of S = N_s // m symbols, one per row.

    streams[i] = sequence[i S : (i + 1) S]; the last N_s - m S symbols are dropped. Works on any
    1-D array: indices, or a boolean mask of the same sequence, which then splits alike.

    Arguments:
        sequence -- 1-D array of N_s symbols (N_s >= 2 m: every stream needs an input and a target)
        m -- number of streams, a positive integer
    Returns:
        streams -- (m, S) array (a copy), row i the i-th piece
    """
    check_integer("m", m)
    sequence = np.asarray(sequence)
    if sequence.ndim != 1:
        raise ValueError(f"sequence must be 1-dimensional, (n,); got shape {sequence.shape}")
    if len(sequence) < 2 * m:
        raise ValueError(
            f"sequence must hold at least 2 m = {2 * m} symbols to make m={m} streams of at least "
            f"one step each; got {len(sequence)}"
        )
    length = len(sequence) // m
    return sequence[: m * length].reshape(m, length).copy()


def count_chunks(n, m, k):
    """How many chunks stream_chunks gives for n symbols: ceil((n // m - 1) / k)."""
    return -(-(n // m - 1) // k)


def _check_indices(indices, n_x):
    """indices as a 1-D int array with every entry in 0 .. n_x - 1; ValueError naming a bad one."""
    indices = np.asarray(indices)
    if indices.ndim != 1 or not np.issubdtype(indices.dtype, np.integer):
        raise ValueError(
            f"indices must be a 1-D array of integers, (n,); got {indices.dtype} {indices.shape}"
        )
    bad = np.flatnonzero((indices < 0) | (indices >= n_x))
    if bad.size:
        raise ValueError(
            f"indices must lie in 0 .. n_x - 1 = {n_x - 1}; got {indices[bad[0]]} at position {bad[0]}"
        )
    return indices


def stream_chunks(indices, n_x, m, k):
    """Batches for truncated BPTT: m contiguous streams, cut into chunks of k steps.

    With streams = split_streams(indices, m), of shape (m, S), chunk c covers the steps
    t = c k ... min((c + 1) k, S - 1) - 1, and for every column i and step t of the chunk:
        X[:, i, t - c k] = onehot(streams[i, t])       Y[:, i, t - c k] = onehot(streams[i, t + 1])
    The last N_s - m S symbols are dropped; the last chunk is shorter when k does not divide S - 1.
    Deterministic: the same arguments give the same chunks, in order.

    Arguments:
        indices -- 1-D int array of N_s vocabulary indices, N_s >= 2 m
        n_x -- vocabulary size (inputs and targets are one-hot over it)
        m -- number of streams (batch columns), a positive integer
        k -- steps per chunk, a positive integer
    Returns:
        an iterator over count_chunks(N_s, m, k) pairs (X, Y), each float64 (n_x, m, k) (the last
        (n_x, m, r) with r = (S - 1) - k (count - 1))
    """
    for name, value in (("n_x", n_x), ("m", m), ("k", k)):
        check_integer(name, value)
    streams = split_streams(_check_indices(indices, n_x), m)
    return _one_hot_chunks(streams, n_x, k)


def _one_hot_chunks(streams, n_x, k):
    """Yield the one-hot (X, Y) of each chunk of k steps of streams (m, S), in order."""
    m, length = streams.shape
    rows = np.arange(m)[:, None]
    for start in range(0, length - 1, k):
        stop = min(start + k, length - 1)
        steps = np.arange(stop - start)[None, :]
        X = np.zeros((n_x, m, stop - start))
        Y = np.zeros((n_x, m, stop - start))
        X[streams[:, start:stop], rows, steps] = 1.0
        Y[streams[:, start + 1 : stop + 1], rows, steps] = 1.0
        yield X, Y
