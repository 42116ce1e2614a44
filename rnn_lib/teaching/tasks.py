"""Synthetic tasks the notebooks share: small problems whose difficulty one number controls.

The recall task tests long memory. A sequence is a first letter drawn from a, b, c, d, then
`delay` filler letters drawn from e..z, then the end-of-name symbol "\\n"; only at that last step
is there a target, and it is the first letter. The other columns of Y are all zeros, which the
loss and the backward passes treat as padding. A model that forgets the first letter can do no
better than chance, 1 / FIRST_LETTERS.

The echo task (notebook 09) poses the same question inside one long stream: a key from a..d,
`delay` fillers, the question "\\n", then the key again as the next symbol to predict, segment
after segment. A model reading the stream can predict each echo only if it kept the key for
delay + 1 steps.
"""

import numpy as np

from ..validation import check_integer

#: The task's vocabulary: the end-of-name symbol at index 0, then a-z (the dinosaurs' symbols).
VOCAB = "\nabcdefghijklmnopqrstuvwxyz"
#: How many letters the first letter is drawn from: a, b, c, d (indices 1..4 of VOCAB).
FIRST_LETTERS = 4


def recall_batch(m, delay, rng=None):
    """A batch of the recall task: first letter, `delay` fillers, "\\n"; target the first letter.

    With T_x = delay + 2, step 0 holds the first letter (one of a..d), steps 1..delay the fillers
    (each uniform over e..z), step T_x - 1 the end-of-name symbol. Y is zero except at the last
    step, where it is the one-hot first letter.

    Arguments:
        m -- number of sequences, a positive integer
        delay -- number of filler letters between the first letter and the question, >= 0
        rng -- a numpy Generator, or a seed for one; None draws fresh entropy
    Returns:
        X -- one-hot inputs, (27, m, T_x)
        Y -- targets, (27, m, T_x): all-zero columns except the last step
        first -- the first letters' indices in VOCAB, (m,), each in 1..FIRST_LETTERS
    """
    check_integer("m", m)
    check_integer("delay", delay, smallest=0)
    rng = np.random.default_rng(rng)
    first = rng.integers(1, 1 + FIRST_LETTERS, size=m)
    fillers = rng.integers(1 + FIRST_LETTERS, len(VOCAB), size=(m, delay))
    T_x = delay + 2
    X = np.zeros((len(VOCAB), m, T_x))
    Y = np.zeros((len(VOCAB), m, T_x))
    rows = np.arange(m)
    X[first, rows, 0] = 1.0
    X[fillers.T, rows, np.arange(1, delay + 1)[:, None]] = 1.0
    X[0, rows, T_x - 1] = 1.0
    Y[first, rows, T_x - 1] = 1.0
    return X, Y, first


def echo_stream(n_segments, delay, max_gap=0, rng=None):
    """A stream of the echo task: segments "key, `delay` fillers, \\n, key", one after another.

    A segment is a key drawn from a..d, `delay` fillers (each uniform over e..z), the question
    "\\n", the key again, then 0 to max_gap more fillers (uniform), so that with max_gap > 0
    the segments do not line up with any fixed grid of chunks. Read as a stream (predict the
    next symbol), only the symbol after a question can be predicted better than by chance, and
    only by remembering the key across delay + 1 steps; keys and fillers are random draws.

    Arguments:
        n_segments -- number of segments, a positive integer
        delay -- number of fillers between a key and its question, >= 0
        max_gap -- the most fillers after a segment's echo, >= 0
        rng -- a numpy Generator, or a seed for one; None draws fresh entropy
    Returns:
        indices -- the stream as indices in VOCAB, (n,), n between n_segments (delay + 3) and
            n_segments (delay + 3 + max_gap)
        questions -- bool, (n,): True at each "\\n", whose next symbol is its segment's key
    """
    check_integer("n_segments", n_segments)
    check_integer("delay", delay, smallest=0)
    check_integer("max_gap", max_gap, smallest=0)
    rng = np.random.default_rng(rng)
    keys = rng.integers(1, 1 + FIRST_LETTERS, size=(n_segments, 1))
    fillers = rng.integers(1 + FIRST_LETTERS, len(VOCAB), size=(n_segments, delay + max_gap))
    gaps = rng.integers(0, max_gap + 1, size=n_segments)
    segments = np.hstack([keys, fillers[:, :delay], 0 * keys, keys, fillers[:, delay:]])
    questions = np.zeros(segments.shape, dtype=bool)
    questions[:, delay + 1] = True
    keep = np.arange(segments.shape[1]) < delay + 3 + gaps[:, None]
    return segments[keep], questions[keep]
