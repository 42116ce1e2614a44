"""Tests of rnn_lib.data.names: reading corpora, vocabulary, encoding, batching, the split."""

import os
import string
import threading

import numpy as np
import pytest

import rnn_lib.data.names as names_module
from rnn_lib import rnn_backward, rnn_forward
from rnn_lib.cells.rnn import initialize_parameters
from rnn_lib.data.names import (
    MAX_NAME_LENGTH,
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


def test_the_two_way_split_is_a_permutation_by_the_seed_cut_at_the_end():
    names = [f"name{i}" for i in range(50)]
    order = np.random.default_rng(3).permutation(50)  # the split as documented, written out
    shuffled = [names[i] for i in order]
    assert split_names(names, 0.1, rng=3) == (shuffled[:-5], shuffled[-5:])
    assert split_names(names, 0.1, rng=3, test_fraction=0.0) == (shuffled[:-5], shuffled[-5:])


def test_a_test_set_comes_from_the_rest_and_leaves_the_dev_set_alone():
    names = [f"name{i}" for i in range(1000)]
    train, dev, test = split_names(names, 0.1, rng=0, test_fraction=0.2)
    rest, dev_two_way = split_names(names, 0.1, rng=0)
    assert dev == dev_two_way
    assert (len(train), len(dev), len(test)) == (700, 100, 200)
    assert sorted(train + test) == sorted(rest)
    assert not set(train) & set(test)
    order = np.random.default_rng(0).permutation(900)  # the rest shuffled again by the same seed
    assert test == [rest[i] for i in order][-200:]
    assert split_names(names, 0.1, rng=0, test_fraction=0.2) == (train, dev, test)


def test_the_three_way_split_of_the_dinosaurs_is_notebook_10s():
    names = load_dinosaur_names()
    train, dev, test = split_names(names, 0.1, rng=0, test_fraction=0.1)
    rest, dev_10 = split_names(names, 0.1, rng=0)  # notebook 10 cuts the test set by hand
    train_10, test_10 = split_names(rest, 1 / 9, rng=0)
    assert (train, dev, test) == (train_10, dev_10, test_10)
    assert (len(train), len(dev), len(test)) == (1159, 145, 145)


def test_a_generator_goes_on_with_its_stream_for_the_test_set():
    names = [f"name{i}" for i in range(100)]
    generator = np.random.default_rng(5)
    train, dev, test = split_names(names, 0.2, rng=generator, test_fraction=0.1)
    again = np.random.default_rng(5)
    first = again.permutation(100)
    rest = [names[i] for i in first][:-20]
    second = again.permutation(80)
    assert dev == [names[i] for i in first][-20:]
    assert test == [rest[i] for i in second][-10:]
    assert sorted(train + dev + test) == sorted(names)


def test_a_tiny_three_way_split_keeps_one_name_in_each_set():
    assert [len(part) for part in split_names(["a", "b", "c"], 0.01, test_fraction=0.01)] == [1] * 3


@pytest.mark.parametrize(
    ("names", "dev_fraction", "test_fraction", "culprit"),
    [
        (["a", "b", "c"], 0.5, 0.5, "test_fraction must be at least 0 and below 1 - dev_fraction"),
        (["a", "b", "c"], 0.1, -0.1, "test_fraction must be at least 0"),
        (["a", "b", "c"], 0.1, float("nan"), "test_fraction must be at least 0"),
        (["a", "b", "c"], 0.1, True, "test_fraction must be a number"),
        (["a", "b", "c"], 0.1, "0.1", "test_fraction must be a number"),
        (["a", "b"], 0.1, 0.1, "at least 3 names"),
    ],
)
def test_the_three_way_split_rejects_impossible_requests(
    names, dev_fraction, test_fraction, culprit
):
    with pytest.raises(ValueError, match=culprit):
        split_names(names, dev_fraction, test_fraction=test_fraction)


def test_famous_names_are_53_distinct_names_of_the_corpus():
    from rnn_lib.data.names import FAMOUS_NAMES

    assert len(set(FAMOUS_NAMES)) == len(FAMOUS_NAMES) == 53
    assert set(FAMOUS_NAMES) <= set(load_dinosaur_names())


# --- reading: what a file may hold, and what it may be ---------------------------------------------


def test_a_byte_order_mark_is_not_a_character(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbfabel\nzoe\n")
    assert load_numbered_names(path) == [(1, "abel"), (2, "zoe")]
    bad = write(tmp_path, b"\xef\xbb\xbfabel\nzo\xe9\n", "bad.txt")  # the line is still right
    with pytest.raises(ValueError, match=r"not UTF-8 text \(line 2\)"):
        load_names(bad)


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\r"])
def test_lines_end_at_newline_only_so_line_numbers_stay_true(tmp_path, separator):
    path = write(tmp_path, f"ab{separator}cd\r\nef\n\ngh{separator}\n")
    assert load_numbered_names(path) == [(1, f"ab{separator}cd"), (2, "ef"), (4, "gh")]


def test_a_name_longer_than_the_longest_sample_is_refused(tmp_path):
    path = write(tmp_path, "abel\n" + "a" * (MAX_NAME_LENGTH + 1) + "\n")
    with pytest.raises(ValueError, match=f"line 2: a name of {MAX_NAME_LENGTH + 1} characters"):
        load_names(path)
    assert load_names(write(tmp_path, "b" * MAX_NAME_LENGTH)) == ["b" * MAX_NAME_LENGTH]


def test_a_corpus_larger_than_the_limit_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(names_module, "MAX_CORPUS_BYTES", 1000)
    assert len(load_names(write(tmp_path, "abel\n" * 200))) == 200  # exactly 1000 bytes
    with pytest.raises(ValueError, match="is larger than 1,000 bytes, the most rnn_lib reads"):
        load_names(write(tmp_path, "abel\n" * 201))


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null"])
def test_devices_are_refused(path):
    with pytest.raises(ValueError, match=f"data file '{path}' is not a regular file"):
        load_names(path)


def test_names_can_come_through_a_pipe(tmp_path):
    pipe = tmp_path / "names"
    os.mkfifo(pipe)

    def write_names():
        with open(pipe, "w") as f:
            f.write("abel\nzoe\n")

    writer = threading.Thread(target=write_names, daemon=True)
    writer.start()
    assert load_names(pipe) == ["abel", "zoe"]
    writer.join(timeout=10)


def test_an_empty_path_is_named(tmp_path):
    with pytest.raises(ValueError, match="^data file must be a path to a file; got ''$"):
        load_names("")
