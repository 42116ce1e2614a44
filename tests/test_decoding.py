"""Tests of rnn_lib.training.decoding: every log-probability is the model's (rescored independently),
beam search is exhaustive when the beam is wide enough (against brute force), width 1 is greedy,
ties break the same way every time, finished names are kept, and every cell decodes."""

import itertools
import re

import numpy as np
import pytest

from rnn_lib import get_cell, index_maps, sample_names
from rnn_lib.training.decoding import (
    beam_search,
    beam_step,
    greedy_decode,
    name_log_probabilities,
    sample_with_log_probabilities,
)

CHARS = "\nab"


def tiny_model(cell="rnn", seed=3, n_a=4):
    """A random model over "\\n", a, b with weights large enough to make the choices uneven."""
    rng = np.random.default_rng(seed)
    parameters = get_cell(cell).initialize(n_a, 3, 3, rng)
    return {
        name: value * 80 + rng.standard_normal(value.shape) * 0.7
        for name, value in parameters.items()
    }


def reference_log_probability(parameters, name, char_to_ix):
    """log P(name) step by step with the registry's step function and an explicit log of softmax."""
    step = get_cell("rnn").step
    state, idx, total = (np.zeros((parameters["Waa"].shape[0], 1)),), None, 0.0
    for character in name + "\n":
        state, scores = step(idx, state, parameters)
        p = np.exp(scores[:, 0] - scores.max()) / np.exp(scores[:, 0] - scores.max()).sum()
        total += np.log(p[char_to_ix[character]])
        idx = np.array([char_to_ix[character]])
    return total


def all_names(max_length):
    return [
        "".join(letters)
        for n in range(max_length + 1)
        for letters in itertools.product("ab", repeat=n)
    ]


def test_name_log_probabilities_are_the_products_of_the_steps():
    parameters, (char_to_ix, _) = tiny_model(), index_maps(CHARS)
    names = ["", "a", "abba", "bbb"]
    expected = [reference_log_probability(parameters, name, char_to_ix) for name in names]
    np.testing.assert_allclose(
        name_log_probabilities(parameters, names, char_to_ix), expected, rtol=1e-12
    )


def test_a_wide_beam_is_exhaustive():
    """With a beam wider than every candidate list, beam search ranks all names as brute force does."""
    parameters, (char_to_ix, ix_to_char) = tiny_model(), index_maps(CHARS)
    names = all_names(4)  # 31 names of at most 4 letters
    scores = name_log_probabilities(parameters, names, char_to_ix)
    expected = sorted(zip(names, scores), key=lambda pair: (-pair[1], pair[0]))
    found = beam_search(parameters, char_to_ix, ix_to_char, beam_width=48, max_length=4)
    assert [d.name for d in found] == [name for name, _ in expected]
    np.testing.assert_allclose(
        [d.log_probability for d in found], [s for _, s in expected], rtol=1e-12
    )


@pytest.mark.parametrize("width", [2, 3, 5])
def test_a_narrow_beam_finds_the_best_of_what_it_kept(width):
    """Each name found has its true log-probability, and none is likelier than the true best."""
    parameters, (char_to_ix, ix_to_char) = tiny_model(), index_maps(CHARS)
    found = beam_search(parameters, char_to_ix, ix_to_char, beam_width=width, max_length=6)
    assert 1 <= len(found) <= width
    rescored = name_log_probabilities(parameters, [d.name for d in found], char_to_ix)
    np.testing.assert_allclose([d.log_probability for d in found], rescored, rtol=1e-12)
    assert [d.log_probability for d in found] == sorted(
        (d.log_probability for d in found), reverse=True
    )
    best = name_log_probabilities(parameters, all_names(6), char_to_ix).max()
    assert found[0].log_probability <= best + 1e-12


def test_width_one_is_greedy():
    for seed in range(5):
        parameters, (char_to_ix, ix_to_char) = tiny_model(seed=seed), index_maps(CHARS)
        greedy = greedy_decode(parameters, char_to_ix, ix_to_char, max_length=8)
        assert beam_search(parameters, char_to_ix, ix_to_char, 1, max_length=8) == [greedy]


def test_ties_break_alphabetically_and_the_end_counts():
    """A model with all weights zero gives every character 1/3: a tie at every step."""
    parameters = {name: np.zeros_like(value) for name, value in tiny_model().items()}
    char_to_ix, ix_to_char = index_maps(CHARS)
    found = beam_search(parameters, char_to_ix, ix_to_char, beam_width=3)
    assert [d.name for d in found] == ["", "a", "aa"]
    np.testing.assert_allclose([d.log_probability for d in found], -np.log(3) * np.array([1, 2, 3]))
    assert greedy_decode(parameters, char_to_ix, ix_to_char) == ("", pytest.approx(-np.log(3)))


def test_max_length_forces_the_end_with_its_probability():
    parameters, (char_to_ix, ix_to_char) = tiny_model(seed=1), index_maps(CHARS)
    for found in (
        beam_search(parameters, char_to_ix, ix_to_char, 4, max_length=2),
        [greedy_decode(parameters, char_to_ix, ix_to_char, max_length=2)],
    ):
        assert all(len(d.name) <= 2 for d in found)
        rescored = name_log_probabilities(parameters, [d.name for d in found], char_to_ix)
        np.testing.assert_allclose([d.log_probability for d in found], rescored, rtol=1e-12)


def test_beam_step_keeps_the_best_over_all_beams_and_sets_finished_ones_aside():
    beams = [("a", -1.0), ("b", -2.0)]
    log_probs = np.log(np.array([[0.1, 0.7], [0.6, 0.2], [0.3, 0.1]]))  # rows: "\n", a, b
    alive, finished = beam_step(beams, log_probs, 3, CHARS)
    assert [text for text, _ in alive] == ["aa", "ab"]  # -1.51, -2.20: both from beam "a"
    assert finished == [("b", pytest.approx(-2.0 + np.log(0.7)))]  # -2.36 beats "a\n" (-3.30)
    np.testing.assert_allclose([s for _, s in alive], [-1 + np.log(0.6), -1 + np.log(0.3)])


def test_length_normalisation_ranks_by_the_mean():
    parameters, (char_to_ix, ix_to_char) = tiny_model(seed=2), index_maps(CHARS)
    found = beam_search(parameters, char_to_ix, ix_to_char, 48, max_length=4, length_normalise=True)
    means = [d.log_probability / (len(d.name) + 1) for d in found]
    assert means == sorted(means, reverse=True) and len(found) == 31


def test_samples_are_sample_names_with_their_log_probabilities():
    parameters, (char_to_ix, ix_to_char) = tiny_model(), index_maps(CHARS)
    drawn = sample_with_log_probabilities(parameters, char_to_ix, ix_to_char, 20, rng=4)
    assert [d.name + "\n" for d in drawn] == sample_names(
        parameters, char_to_ix, ix_to_char, 20, rng=4
    )
    expected = [reference_log_probability(parameters, d.name, char_to_ix) for d in drawn]
    np.testing.assert_allclose([d.log_probability for d in drawn], expected, rtol=1e-12)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_every_registered_cell_decodes(cell):
    parameters, (char_to_ix, ix_to_char) = tiny_model(cell, n_a=3), index_maps(CHARS)
    found = beam_search(parameters, char_to_ix, ix_to_char, 48, max_length=3, cell=cell)
    scores = name_log_probabilities(parameters, all_names(3), char_to_ix, cell)
    assert found[0].log_probability == pytest.approx(scores.max(), rel=1e-12)
    greedy = greedy_decode(parameters, char_to_ix, ix_to_char, cell=cell)
    assert beam_search(parameters, char_to_ix, ix_to_char, 1, cell=cell) == [greedy]


def test_bad_input_gets_one_line_naming_it():
    parameters, (char_to_ix, ix_to_char) = tiny_model(), index_maps(CHARS)
    with pytest.raises(ValueError, match=re.escape("beam_width must be a positive integer; got 0")):
        beam_search(parameters, char_to_ix, ix_to_char, 0)
    with pytest.raises(ValueError, match=re.escape("the vocabulary must hold n_y=3 characters")):
        greedy_decode(parameters, *index_maps("\nabc"))
    with pytest.raises(ValueError, match="cell must be one of"):
        beam_search(parameters, char_to_ix, ix_to_char, 2, cell="transformer")
