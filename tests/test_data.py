"""Tests of rnn_lib.data.names: reading corpora, vocabulary, encoding, batching, the split."""

import string

import numpy as np
import pytest

from rnn_lib import rnn_backward, rnn_forward
from rnn_lib.cells.rnn import initialize_parameters
from rnn_lib.data.names import (
    build_vocabulary,
    count_chars,
    encode_names,
    index_maps,
    length_grouped_batches,
    load_dinosaur_names,
    load_names,
    load_numbered_names,
    padding_fraction,
    split_names,
)

NAMES = ["abel", "brontosaurus", "x", "coelophysis", "dromaeosaurus", "ed", "abel"]


def write(tmp_path, content, name="names.txt"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


# --- reading ------------------------------------------------------------------------------------


def test_load_names_strips_lowercases_and_skips_blank_lines(tmp_path):
    path = write(tmp_path, "  Abel \r\n\nBRONTOSAURUS\n\t\n x\n")
    assert load_names(path) == ["abel", "brontosaurus", "x"]
    assert load_numbered_names(path) == [(1, "abel"), (3, "brontosaurus"), (5, "x")]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"\n  \n\t\n", "only blank lines"),
        (b"abel\nbr\x00nto\n", "binary, not text (NUL byte on line 2)"),
        (b"abel\nx\ncaf\xe9\n", "not UTF-8 text (line 3)"),
    ],
)
def test_load_names_rejects_bad_files_in_one_line_naming_the_file(tmp_path, content, expected):
    path = write(tmp_path, content)
    with pytest.raises(ValueError) as error:
        load_names(path)
    message = str(error.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_load_names_rejects_missing_file_and_folder(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        load_names(tmp_path / "absent.txt")
    with pytest.raises(ValueError, match="is a folder"):
        load_names(tmp_path)


def test_load_names_reads_accented_utf8(tmp_path):
    path = write(tmp_path, "Émile\nzoë\n")
    names = load_names(path)
    assert names == ["émile", "zoë"]
    assert build_vocabulary(names) == "\neilmozéë"


def test_shipped_corpus_is_1000_distinct_sorted_lowercase_names():
    names = load_dinosaur_names()
    assert len(names) >= 1000
    assert len(set(names)) == len(names)
    assert names == sorted(names)
    assert set("".join(names)) <= set(string.ascii_lowercase)
    assert build_vocabulary(names) == "\n" + string.ascii_lowercase  # the seed's 27 symbols


# --- vocabulary and encoding --------------------------------------------------------------------


def test_vocabulary_puts_newline_first_then_sorted_characters():
    chars = build_vocabulary(["cab", "bad"])
    assert chars == "\nabcd"
    char_to_ix, ix_to_char = index_maps(chars)
    assert char_to_ix["\n"] == 0 and ix_to_char[0] == "\n"
    assert all(ix_to_char[char_to_ix[c]] == c for c in chars)


def test_vocabulary_rejects_newline_inside_a_name():
    with pytest.raises(ValueError, match="newline"):
        build_vocabulary(["ab\nc"])


def test_encode_names_matches_the_seed_layout():
    names = ["cab", "a", "abcd"]
    char_to_ix, _ = index_maps("\nabcd")
    X, Y = encode_names(names, char_to_ix)
    assert X.shape == Y.shape == (5, 3, 5)
    for j, name in enumerate(names):
        assert not X[:, j, 0].any()  # the first input is the zero vector
        targets = name + "\n"
        for t in range(5):
            if t < len(targets):
                assert Y[:, j, t].tolist() == [float(c == targets[t]) for c in "\nabcd"]
            else:
                assert not Y[:, j, t].any(), f"padding step {t} of {name!r} must be all zero"
            if 1 <= t <= len(name):
                assert X[:, j, t].tolist() == [float(c == name[t - 1]) for c in "\nabcd"]
            elif t > len(name):
                assert not X[:, j, t].any()


def test_encode_names_names_the_unknown_character():
    char_to_ix, _ = index_maps("\nab")
    message = r"^name 1 \('abc'\) has the character 'c', which is not in the vocabulary$"
    with pytest.raises(ValueError, match=message):
        encode_names(["ab", "abc"], char_to_ix)


def test_padded_batch_gradients_equal_the_sum_of_per_name_gradients():
    names = ["cab", "a", "abcd", "dd"]
    char_to_ix, _ = index_maps("\nabcd")
    parameters = initialize_parameters(6, 5, 5, rng=1)
    for name in parameters:
        parameters[name] = parameters[name] * 30 + 0.1  # large enough to make the terms differ

    def gradients(batch):
        X, Y = encode_names(batch, char_to_ix)
        _, _, caches = rnn_forward(X, np.zeros((6, len(batch))), parameters)
        return rnn_backward(X, Y, parameters, caches)

    batched = gradients(names)
    singles = [gradients([name]) for name in names]
    for key in ("dWax", "dWaa", "dWya", "dba", "dby"):
        np.testing.assert_allclose(
            batched[key], sum(g[key] for g in singles), rtol=1e-12, atol=1e-12
        )


# --- batches and split --------------------------------------------------------------------------


def test_length_grouped_batches_hold_every_name_once_and_are_deterministic():
    names = [f"{'a' * (i % 13 + 1)}b{i}" for i in range(200)]
    batches = length_grouped_batches(names, 16, rng=3)
    flat = [name for batch in batches for name in batch]
    assert sorted(flat) == sorted(names)
    assert all(1 <= len(batch) <= 16 for batch in batches)
    assert batches == length_grouped_batches(names, 16, rng=3)
    assert batches != length_grouped_batches(names, 16, rng=4)


def test_length_grouping_wastes_little_padding():
    rng = np.random.default_rng(0)
    names = ["a" * int(n) for n in rng.integers(3, 20, size=1000)]
    grouped = padding_fraction(length_grouped_batches(names, 16, rng=0))
    shuffled = [names[i] for i in rng.permutation(len(names))]
    plain = padding_fraction([shuffled[i : i + 16] for i in range(0, len(names), 16)])
    print(f"padding fraction: {grouped:.3f} grouped by length, {plain:.3f} in random batches")
    assert grouped < 0.05
    assert plain > 0.3


def test_shipped_corpus_in_default_batches_is_almost_free_of_padding():
    names = load_dinosaur_names()
    grouped = padding_fraction(length_grouped_batches(names, 64, rng=0))
    by_order = padding_fraction([names[i : i + 64] for i in range(0, len(names), 64)])
    print(
        f"dinos.txt in batches of 64: padding {grouped:.3f} grouped, {by_order:.3f} in file order"
    )
    assert grouped < 0.08 and by_order > 0.25


def test_padding_fraction_counts_padded_steps():
    # "ab" + "\n" is 3 steps, "abcd" + "\n" is 5: the batch has 2 * 5 steps, 2 of them padding.
    assert padding_fraction([["ab", "abcd"]]) == pytest.approx(0.2)
    assert count_chars(["ab", "abcd"]) == 8


def test_split_is_deterministic_disjoint_and_90_10():
    names = [f"name{i}" for i in range(1000)]
    train, dev = split_names(names, 0.1, rng=0)
    assert len(train) == 900 and len(dev) == 100
    assert sorted(train + dev) == sorted(names)
    assert split_names(names, 0.1, rng=0) == (train, dev)
    assert split_names(names, 0.1, rng=1)[1] != dev
    assert dev != names[-100:]  # shuffled, not the tail of the file


@pytest.mark.parametrize(
    ("names", "fraction"), [(["a"], 0.1), (["a", "b"], 0.0), (["a", "b"], 1.0)]
)
def test_split_rejects_impossible_requests(names, fraction):
    with pytest.raises(ValueError):
        split_names(names, fraction)


def test_split_keeps_at_least_one_name_on_each_side():
    train, dev = split_names(["a", "b"], 0.01, rng=0)
    assert len(train) == 1 and len(dev) == 1


def test_famous_names_are_53_distinct_names_of_the_corpus():
    from rnn_lib.data.names import FAMOUS_NAMES

    assert len(set(FAMOUS_NAMES)) == len(FAMOUS_NAMES) == 53
    assert set(FAMOUS_NAMES) <= set(load_dinosaur_names())
