import numpy as np
import pytest

from rnn_lib.teaching.tasks import FIRST_LETTERS, VOCAB, recall_batch


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
