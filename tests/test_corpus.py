"""Tests of rnn_lib.data.corpus: a corpus as one array of indices, and train/evaluate on it.

The memory tests measure with tracemalloc, which counts every allocation of Python and numpy
deterministically (no timing, no RSS): the peak while reading, training or evaluating a corpus
of S bytes and of 4 S bytes of the same kind of names. The difference, divided by 3 S, is the
memory that each further byte of corpus costs; what one batch needs is the same in both and
drops out. A Python str per name costs about 5 bytes per byte of such a corpus.
"""

import os
import tracemalloc

import numpy as np
import pytest

import rnn_lib.data.corpus as corpus_module
import rnn_lib.training.trainer as trainer_module
from rnn_lib import (
    Corpus,
    corpus_from_names,
    encode_names,
    evaluate,
    index_maps,
    initialize_parameters,
    read_corpus,
    split_names,
    train,
)
from rnn_lib.data.names import build_vocabulary, length_grouped_batches, load_names

#: Bytes of memory per byte of corpus (dinosaur-like names of 4 to 19 letters) that reading,
#: training and evaluating may grow by. Measured: 3.1 (the codes, once as code points and once
#: as indices, and two int64 per name), 1.2 and 0.64 (an int64 order of the names; sorting
#: them with sorted() instead takes 0.97); reading into a list of names takes 5.5.
MOST_BYTES_PER_CORPUS_BYTE = {"read": 4.0, "train": 2.0, "evaluate": 0.8}


def write_names(path, size, seed=0):
    """A corpus of about size bytes: random lowercase names of 4 to 19 letters, one per line."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    lines, total = [], 0
    while total < size:
        name = "".join(rng.choice(letters, size=rng.integers(4, 20)))
        lines.append(name + "\n")
        total += len(name) + 1
    path.write_text("".join(lines), encoding="utf-8")
    return path


def traced_peak(function):
    """The peak of tracemalloc's traced memory while function runs, in bytes."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def two_corpora(tmp_path_factory):
    """Two corpus files of 64 KiB and 256 KiB, and their sizes in bytes."""
    folder = tmp_path_factory.mktemp("corpora")
    paths = [write_names(folder / f"{k}.txt", k << 10, seed=k) for k in (64, 256)]
    return paths, [os.path.getsize(path) for path in paths]


def growth_per_byte(two_corpora, work):
    """How many bytes work(path)'s traced peak grows by per byte of corpus (see the module)."""
    paths, sizes = two_corpora
    work(paths[0])  # once first, so that one-off costs (caches, lazy imports) are not counted
    peaks = [traced_peak(lambda path=path: work(path)) for path in paths]
    return (peaks[1] - peaks[0]) / (sizes[1] - sizes[0])


# --- the representation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "  Abel \r\n\nBRONTOSAURUS\n\t\n x\nabel\n",
        "\ufeffzoë\nçà\nœuvre\n",  # Latin-1 and beyond: code points above 255
        "t-rex 🦖\nab\u2028cd\n",  # an astral character and a line separator inside a name
    ],
)
def test_read_corpus_holds_the_names_and_vocabulary_of_load_names(tmp_path, text, monkeypatch):
    monkeypatch.setattr(corpus_module, "CHUNK_CHARS", 5)  # many chunks, cut inside the file
    path = tmp_path / "names.txt"
    path.write_text(text, encoding="utf-8")
    corpus = read_corpus(path)
    names = load_names(path)
    assert corpus.names() == names
    assert corpus.chars == build_vocabulary(names)
    assert len(corpus) == len(names)
    assert corpus.count_chars() == sum(len(name) + 1 for name in names)


def test_codes_take_one_byte_a_character_for_a_small_vocabulary(tmp_path):
    corpus = read_corpus(write_names(tmp_path / "n.txt", 5000))
    assert corpus.codes.dtype == np.uint8
    assert corpus.codes.nbytes == corpus.count_chars() - len(corpus)
    wide = corpus_from_names(["ab", "c"], "\n" + "".join(map(chr, range(97, 97 + 300))))
    assert wide.codes.dtype == np.uint16
    assert wide.names() == ["ab", "c"]


def test_read_corpus_names_the_line_of_a_character_outside_the_given_vocabulary(tmp_path):
    path = tmp_path / "n.txt"
    path.write_text("abc\n\nab-c\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 3: character '-' is not in the vocabulary of m$"):
        read_corpus(path, "\nabc", vocabulary_of="m")


def test_encode_matches_encode_names(tmp_path):
    names = ["abel", "x", "", "brontosaurus", "ed"]
    chars = build_vocabulary(names)
    corpus = corpus_from_names(names, chars)
    positions = np.array([3, 0, 2, 1])
    X, Y = corpus.encode(positions)
    X_ref, Y_ref = encode_names([names[i] for i in positions], index_maps(chars)[0])
    assert np.array_equal(X, X_ref) and np.array_equal(Y, Y_ref)


def test_split_and_batches_take_the_positions_of_the_list_functions():
    names = [f"{'a' * (i % 7)}b{i}" for i in range(200)]
    corpus = corpus_from_names(names, build_vocabulary(names))
    for parts, expected in (
        (corpus.split(0.2, 3), split_names(names, 0.2, 3)),
        (corpus.split(0.2, 3, 0.1), split_names(names, 0.2, 3, 0.1)),
    ):
        assert [part.names() for part in parts] == list(expected)
    batches = corpus.batches(16, 5, pool_batches=3)
    assert [[names[i] for i in b] for b in batches] == length_grouped_batches(names, 16, 5, 3)


# --- train and evaluate on a Corpus -------------------------------------------------------------


def test_train_and_evaluate_on_a_corpus_equal_them_on_its_list(tmp_path):
    path = write_names(tmp_path / "n.txt", 6000)
    corpus = read_corpus(path)
    names = load_names(path)
    settings = dict(hidden=6, epochs=2, batch_size=16, seed=4, progress=False, cell="gru")
    on_corpus = train(*corpus.split(0.1, 2), **settings)
    on_list = train(*split_names(names, 0.1, 2), chars=corpus.chars, **settings)
    assert on_corpus.history["train_loss_per_char"] == on_list.history["train_loss_per_char"]
    assert on_corpus.history["dev_loss_per_char"] == on_list.history["dev_loss_per_char"]
    for name, value in on_list.parameters.items():
        assert np.array_equal(on_corpus.parameters[name], value), name
    char_to_ix, _ = index_maps(corpus.chars)
    assert evaluate(on_list.parameters, corpus, char_to_ix, "gru", batch_size=7) == evaluate(
        on_list.parameters, names, char_to_ix, "gru", batch_size=7
    )


def test_a_batch_too_large_for_one_pass_is_computed_in_parts(monkeypatch):
    names = ["ab", "abc", "ba", "c" * 300, "a" * 90]
    parameters = dict(hidden=5, epochs=1, batch_size=5, seed=1, progress=False)
    whole = train(names, **parameters)  # one step on all five names at once
    shapes = []
    encode = Corpus.encode

    def spying(corpus, positions):
        shapes.append((len(positions), int(corpus.lengths[positions].max()) + 1))
        return encode(corpus, positions)

    monkeypatch.setattr(Corpus, "encode", spying)
    monkeypatch.setattr(trainer_module, "MAX_BATCH_VALUES", 300 * (4 + 5))  # 300 name-steps
    in_parts = train(names, **parameters)
    assert shapes == [(3, 4), (1, 91), (1, 301)]
    assert in_parts.history["train_loss_per_char"] == pytest.approx(
        whole.history["train_loss_per_char"], rel=1e-13
    )
    for name, value in whole.parameters.items():
        np.testing.assert_allclose(in_parts.parameters[name], value, rtol=1e-11, atol=1e-14)


def test_train_and_evaluate_refuse_a_corpus_of_another_vocabulary():
    corpus = corpus_from_names(["ab", "ba", "aab"], "\nab")
    other = corpus_from_names(["abc"], "\nabc")
    with pytest.raises(ValueError, match=r"^chars '\\nabc' is not the training Corpus's"):
        train(corpus, chars="\nabc", progress=False)
    with pytest.raises(ValueError, match=r"^dev_names' vocabulary '\\nabc' is not the training"):
        train(corpus, other, progress=False)
    with pytest.raises(ValueError, match=r"^dev_names must be a Corpus like train_names; got list"):
        train(corpus, ["ab"], progress=False)
    with pytest.raises(ValueError, match=r"^dev_names is a Corpus but train_names is not"):
        train(["ab"], corpus, progress=False)
    parameters = initialize_parameters(4, 4, 4, rng=0)
    with pytest.raises(ValueError, match=r"^the corpus's vocabulary '\\nab' is not char_to_ix's"):
        evaluate(parameters, corpus, index_maps("\nabc")[0])


# --- memory follows the batch, not the corpus ---------------------------------------------------


def test_reading_a_corpus_holds_no_python_object_per_name(two_corpora):
    growth = growth_per_byte(two_corpora, read_corpus)
    assert growth < MOST_BYTES_PER_CORPUS_BYTE["read"], growth
    as_list = growth_per_byte(two_corpora, load_names)  # the baseline it must stay well below
    assert growth < 0.75 * as_list, (growth, as_list)


def test_training_on_a_corpus_holds_no_python_object_per_name(two_corpora):
    def training(path):  # the dev set's size is fixed: its batches' shapes then are too
        corpus = read_corpus(path)
        dev = corpus.subset(np.arange(500))
        train(corpus.subset(np.arange(500, len(corpus))), dev, hidden=3, epochs=1, progress=False)

    reading = growth_per_byte(two_corpora, read_corpus)
    growth = growth_per_byte(two_corpora, training) - reading
    assert growth < MOST_BYTES_PER_CORPUS_BYTE["train"], growth


def test_evaluating_a_corpus_holds_no_python_object_per_name(two_corpora):
    parameters = initialize_parameters(3, 27, 27, rng=0)
    corpora = {path: read_corpus(path) for path in two_corpora[0]}

    def evaluating(path):
        corpus = corpora[path]
        evaluate(parameters, corpus, index_maps(corpus.chars)[0], batch_size=64)

    growth = growth_per_byte(two_corpora, evaluating)
    assert growth < MOST_BYTES_PER_CORPUS_BYTE["evaluate"], growth
