import numpy as np
import pytest

from rnn_lib.teaching.tasks import FIRST_LETTERS, VOCAB, echo_stream, recall_batch


def decode(X):
    """The (m,) strings a one-hot (27, m, T_x) batch spells, "\\n" written as "$"."""
    return ["".join(VOCAB[i] for i in column).replace("\n", "$") for column in X.argmax(axis=0)]


@pytest.mark.parametrize("delay", [0, 1, 7])
def test_each_sequence_is_first_letter_fillers_end(delay):
    X, Y, first = recall_batch(50, delay, rng=3)
    assert X.shape == Y.shape == (27, 50, delay + 2)
    assert np.array_equal(X.sum(axis=0), np.ones((50, delay + 2)))  # one symbol per step
    for text, letter in zip(decode(X), first):
        assert len(text) == delay + 2
        assert text[0] == VOCAB[letter] and text[0] in "abcd"
        assert all(c in "efghijklmnopqrstuvwxyz" for c in text[1:-1])
        assert text[-1] == "$"


def test_the_only_target_is_the_first_letter_at_the_last_step():
    X, Y, first = recall_batch(40, 5, rng=0)
    assert not Y[:, :, :-1].any()  # every earlier step is padding
    assert np.array_equal(Y[:, :, -1], X[:, :, 0])
    assert np.array_equal(Y[:, :, -1].argmax(axis=0), first)


def test_every_letter_is_drawn():
    X, _, first = recall_batch(2000, 3, rng=1)
    assert set(first.tolist()) == set(range(1, 1 + FIRST_LETTERS))
    fillers = X[:, :, 1:-1].argmax(axis=0)
    assert set(fillers.ravel().tolist()) == set(range(1 + FIRST_LETTERS, len(VOCAB)))
    # each first letter about a quarter of the time (2000 draws: sd ~ 1%)
    assert np.all(np.abs(np.bincount(first, minlength=5)[1:] / 2000 - 0.25) < 0.05)


def test_a_seed_or_a_generator_gives_the_same_batch():
    by_seed = recall_batch(4, 6, rng=11)
    by_generator = recall_batch(4, 6, rng=np.random.default_rng(11))
    for a, b in zip(by_seed, by_generator):
        assert np.array_equal(a, b)
    generator = np.random.default_rng(11)
    recall_batch(4, 6, rng=generator)
    assert not np.array_equal(recall_batch(4, 6, rng=generator)[0], by_seed[0])  # it advanced


@pytest.mark.parametrize(
    ("m", "delay", "message"),
    [
        (0, 3, "m must be a positive integer; got 0"),
        (2.0, 3, "m must be a positive integer; got 2.0"),
        (2, -1, "delay must be a non-negative integer; got -1"),
        (2, True, "delay must be a non-negative integer; got True"),
    ],
)
def test_bad_sizes_are_named(m, delay, message):
    with pytest.raises(ValueError, match=message):
        recall_batch(m, delay, rng=0)


# --- the echo stream ------------------------------------------------------------------------


def spell(indices):
    return "".join(VOCAB[i] for i in indices).replace("\n", "$")


@pytest.mark.parametrize(("delay", "max_gap"), [(0, 0), (3, 0), (5, 3)])
def test_the_echo_stream_is_key_fillers_question_key_then_a_gap(delay, max_gap):
    indices, questions = echo_stream(300, delay, max_gap, rng=2)
    text = spell(indices)
    assert indices.shape == questions.shape and questions.dtype == bool
    assert text.count("$") == questions.sum() == 300
    positions = np.flatnonzero(questions)
    assert all(text[p] == "$" for p in positions)
    keys = [text[p - delay - 1] for p in positions]
    assert all(key in "abcd" for key in keys)
    assert [text[p + 1] for p in positions] == keys  # the echo
    for p in positions:
        assert all(c in "efghijklmnopqrstuvwxyz" for c in text[p - delay : p])
    # between one echo and the next key, 0..max_gap fillers
    gaps = np.diff(positions) - (delay + 3)
    assert gaps.min() >= 0 and gaps.max() <= max_gap
    if max_gap:
        assert set(gaps.tolist()) == set(range(max_gap + 1))
    assert 0 <= len(indices) - (positions[-1] + 2) <= max_gap  # the last segment's gap


def test_the_echo_stream_keys_and_fillers_are_uniform():
    indices, questions = echo_stream(4000, 2, 0, rng=5)
    keys = indices[np.flatnonzero(questions) + 1]
    assert np.all(np.abs(np.bincount(keys, minlength=5)[1:] / 4000 - 0.25) < 0.03)
    fillers = indices[(indices > FIRST_LETTERS)]
    assert set(fillers.tolist()) == set(range(1 + FIRST_LETTERS, len(VOCAB)))


def test_the_echo_stream_is_deterministic_given_the_seed():
    first = echo_stream(50, 4, 2, rng=7)
    second = echo_stream(50, 4, 2, rng=np.random.default_rng(7))
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert not np.array_equal(first[0], echo_stream(50, 4, 2, rng=8)[0][: len(first[0])])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((0, 3), "n_segments must be a positive integer; got 0"),
        ((5, -1), "delay must be a non-negative integer; got -1"),
        ((5, 2, -1), "max_gap must be a non-negative integer; got -1"),
    ],
)
def test_the_echo_stream_names_bad_arguments(arguments, message):
    with pytest.raises(ValueError, match=message):
        echo_stream(*arguments)
