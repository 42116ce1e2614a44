"""Stream batching: m contiguous streams, chunks of k steps, one-hot inputs and next-symbol targets.

The expected streams are spelled out as text slices here, independently of the library's
reshapes: column j of a stream of n symbols is text[j L : (j + 1) L] with L = n // m.
"""

import string

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnn_lib import count_chunks, split_streams, stream_chunks, text_indices

LETTERS = string.ascii_lowercase
CHAR_TO_IX = {c: i for i, c in enumerate(LETTERS)}


def decode(one_hot):
    """The (m,) strings that a one-hot (26, m, T) array spells, one per column."""
    assert np.array_equal(one_hot.sum(axis=0), np.ones(one_hot.shape[1:]))  # one symbol per step
    return ["".join(LETTERS[i] for i in column) for column in one_hot.argmax(axis=0)]


def test_text_indices_reads_each_character():
    indices = text_indices("abcz", CHAR_TO_IX)
    assert indices.dtype == np.intp
    assert indices.tolist() == [0, 1, 2, 25]
    assert text_indices("", CHAR_TO_IX).shape == (0,)


def test_text_indices_names_an_unknown_character_and_its_position():
    with pytest.raises(ValueError, match=r"character '-' at position 3, which is not in the vocab"):
        text_indices("abc-d", CHAR_TO_IX)


def test_streams_are_contiguous_pieces_and_the_remainder_is_dropped_at_the_end():
    text = LETTERS[:23]  # 23 symbols, m = 4: L = 5, the last 3 dropped
    streams = split_streams(text_indices(text, CHAR_TO_IX), 4)
    assert ["".join(LETTERS[i] for i in row) for row in streams] == [
        "abcde",
        "fghij",
        "klmno",
        "pqrst",
    ]


def test_split_streams_copies_and_splits_a_mask_alike():
    sequence = np.arange(12)
    streams = split_streams(sequence, 3)
    streams[0, 0] = 99
    assert sequence[0] == 0
    mask = sequence % 5 == 0
    assert np.array_equal(split_streams(mask, 3), split_streams(sequence, 3) % 5 == 0)


def test_chunks_read_each_stream_on_with_targets_one_step_ahead():
    text = "thequickbrownfoxjumpsoverthelazydog"  # 35 symbols: m = 3 streams of 11, 2 dropped
    chunks = list(stream_chunks(text_indices(text, CHAR_TO_IX), 26, m=3, k=4))
    assert [X.shape for X, _ in chunks] == [(26, 3, 4), (26, 3, 4), (26, 3, 2)]
    assert [Y.shape for _, Y in chunks] == [X.shape for X, _ in chunks]
    streams = [text[0:11], text[11:22], text[22:33]]
    for c, (X, Y) in enumerate(chunks):
        start, stop = 4 * c, min(4 * c + 4, 10)
        assert decode(X) == [s[start:stop] for s in streams]
        assert decode(Y) == [s[start + 1 : stop + 1] for s in streams]


def test_chunks_are_float_one_hot_arrays():
    X, Y = next(stream_chunks(np.array([0, 2, 1, 2, 0, 1]), 3, m=2, k=2))
    assert X.dtype == Y.dtype == np.float64
    assert set(np.unique(X)) == {0.0, 1.0}


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 80),
    m=st.integers(1, 8),
    k=st.integers(1, 12),
    seed=st.integers(0, 2**16),
)
def test_the_chunks_put_together_are_the_streams(n, m, k, seed):
    if n < 2 * m:
        return
    text = "".join(np.random.default_rng(seed).choice(list(LETTERS), size=n))
    chunks = list(stream_chunks(text_indices(text, CHAR_TO_IX), 26, m, k))
    L = n // m
    assert len(chunks) == count_chunks(n, m, k) == -(-(L - 1) // k)
    assert all(X.shape[2] == k for X, _ in chunks[:-1])
    assert 1 <= chunks[-1][0].shape[2] <= k
    inputs = ["".join(parts) for parts in zip(*(decode(X) for X, _ in chunks))]
    targets = ["".join(parts) for parts in zip(*(decode(Y) for _, Y in chunks))]
    assert inputs == [text[j * L : (j + 1) * L - 1] for j in range(m)]
    assert targets == [text[j * L + 1 : (j + 1) * L] for j in range(m)]


def test_a_chunk_as_long_as_the_stream_is_the_whole_stream():
    indices = text_indices("abcdefghij", CHAR_TO_IX)
    for k in (9, 10, 50):
        chunks = list(stream_chunks(indices, 26, m=1, k=k))
        assert len(chunks) == 1
        assert decode(chunks[0][0]) == ["abcdefghi"]
        assert decode(chunks[0][1]) == ["bcdefghij"]


def test_the_same_arguments_give_the_same_chunks():
    indices = np.random.default_rng(0).integers(0, 26, size=100)
    first = list(stream_chunks(indices, 26, 4, 7))
    second = list(stream_chunks(indices, 26, 4, 7))
    assert len(first) == len(second)
    for (X1, Y1), (X2, Y2) in zip(first, second):
        assert np.array_equal(X1, X2) and np.array_equal(Y1, Y2)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((np.arange(10), 26, 2, 0), "k must be a positive integer; got 0"),
        ((np.arange(10), 26, 0, 3), "m must be a positive integer; got 0"),
        ((np.arange(10), 26, 2, 2.5), "k must be a positive integer; got 2.5"),
        ((np.arange(10), 0, 2, 3), "n_x must be a positive integer; got 0"),
        ((np.arange(7), 26, 4, 3), r"at least 2 m = 8 symbols to make m=4 streams .*; got 7"),
        ((np.arange(10), 5, 2, 3), r"indices must lie in 0 .. n_x - 1 = 4; got 5 at position 5"),
        ((np.array([0, 1, -1, 2]), 26, 1, 3), "got -1 at position 2"),
        ((np.zeros((2, 5), dtype=int), 26, 1, 3), r"1-D array of integers, \(n,\); got int"),
        ((np.linspace(0, 1, 8), 26, 1, 3), "1-D array of integers, .*; got float64"),
    ],
)
def test_bad_arguments_raise_at_the_call_naming_the_culprit(arguments, message):
    with pytest.raises(ValueError, match=message):
        stream_chunks(*arguments)  # no next(): the error comes before the first chunk


@pytest.mark.parametrize(
    ("sequence", "m", "message"),
    [
        (np.arange(5), 3, r"at least 2 m = 6 symbols to make m=3 streams of at least one step"),
        (np.zeros((2, 3)), 1, r"sequence must be 1-dimensional, \(n,\); got shape \(2, 3\)"),
        (np.arange(5), True, "m must be a positive integer; got True"),
    ],
)
def test_split_streams_names_bad_arguments(sequence, m, message):
    with pytest.raises(ValueError, match=message):
        split_streams(sequence, m)
