"""Tests of rnn_lib.training.sampling: the seed's sample, temperature, top-k, the batched sampler, novelty.

Distributions are checked against an independent reference: the exact probability of a name is
exp(-loss) of the model's forward pass over it, and empirical frequencies must fall within a few
binomial standard deviations of it.
"""

import numpy as np
import pytest

from rnn_lib import compute_loss, rnn_forward
from rnn_lib.cells.rnn import initialize_parameters
from rnn_lib.data.names import encode_names, index_maps
from rnn_lib.training.sampling import next_char_distribution, novelty, sample, sample_names

CHARS = "\nab"
CHAR_TO_IX, IX_TO_CHAR = index_maps(CHARS)


def memoryless_model(p, n_a=4):
    """A model whose every step draws from p, whatever came before: only by is non-zero."""
    n = len(p)
    parameters = initialize_parameters(n_a, n, n, rng=0)
    for name in ("Wax", "Waa", "Wya"):
        parameters[name][:] = 0.0
    with np.errstate(divide="ignore"):
        parameters["by"] = np.log(np.asarray(p, dtype=float)).reshape(n, 1)
    parameters["by"][~np.isfinite(parameters["by"])] = -1e9
    return parameters


def stateful_model():
    """A small random model whose next-character distribution depends strongly on the history."""
    parameters = initialize_parameters(5, 3, 3, rng=7)
    for name in ("Wax", "Waa", "Wya"):
        parameters[name] *= 150
    parameters["by"][:] = [[0.5], [0.0], [-0.3]]
    return parameters


def name_probability(parameters, name):
    X, Y = encode_names([name], CHAR_TO_IX)
    _, y_hat, _ = rnn_forward(X, np.zeros((parameters["Waa"].shape[0], 1)), parameters)
    return float(np.exp(-compute_loss(y_hat, Y)))


def assert_frequency(count, n, p, what):
    sigma = np.sqrt(n * p * (1 - p))
    assert abs(count - n * p) <= 5 * sigma + 1, f"{what}: {count} of {n}, expected {n * p:.1f}"


def test_sample_returns_a_name_ending_in_newline_from_the_vocabulary():
    text = sample(stateful_model(), CHAR_TO_IX, IX_TO_CHAR, rng=0)
    assert text.endswith("\n")
    assert "\n" not in text[:-1]
    assert set(text) <= set(CHARS)
    assert sample(stateful_model(), CHAR_TO_IX, IX_TO_CHAR, rng=0) == text


def test_batched_sampler_draws_names_with_their_exact_probabilities():
    parameters = stateful_model()
    n = 20000
    names = [s[:-1] for s in sample_names(parameters, CHAR_TO_IX, IX_TO_CHAR, n, rng=1)]
    counts = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    likely = sorted(counts, key=counts.get, reverse=True)[:6]
    total = 0.0
    for name in likely:
        p = name_probability(parameters, name)
        assert_frequency(counts[name], n, p, repr(name))
        total += p
    assert total > 0.3, "the check must cover a good share of the probability"


def test_single_sample_follows_the_same_distribution():
    parameters = stateful_model()
    n = 3000
    draws = [sample(parameters, CHAR_TO_IX, IX_TO_CHAR, rng=seed)[:-1] for seed in range(n)]
    name = max(set(draws), key=draws.count)
    assert_frequency(draws.count(name), n, name_probability(parameters, name), repr(name))


def test_temperature_reshapes_the_distribution():
    p = np.array([0.2, 0.5, 0.3])
    n = 20000
    firsts = [
        s[0] for s in sample_names(memoryless_model(p), CHAR_TO_IX, IX_TO_CHAR, n, 0.5, rng=2)
    ]
    sharpened = p**2 / (p**2).sum()  # p^(1/T) with T = 0.5, renormalised
    for index, char in enumerate(CHARS):
        assert_frequency(firsts.count(char), n, sharpened[index], f"first character {char!r}")


def test_top_k_keeps_only_the_likeliest_characters():
    p = np.array([0.2, 0.5, 0.3])
    n = 20000
    names = sample_names(memoryless_model(p), CHAR_TO_IX, IX_TO_CHAR, n, top_k=2, rng=3)
    firsts = [s[0] for s in names]
    assert firsts.count("\n") == 0  # the least likely character is never drawn
    assert_frequency(firsts.count("a"), n, 0.5 / 0.8, "first character 'a'")


def test_next_char_distribution_matches_its_formula():
    scores = np.array([[1.0, -2.0], [3.0, 0.5], [0.0, 0.5]])
    expected = np.exp(scores / 2) / np.exp(scores / 2).sum(axis=0)
    np.testing.assert_allclose(next_char_distribution(scores, 2.0), expected, rtol=1e-12)
    top1 = next_char_distribution(scores, 1.0, top_k=1)
    assert top1[:, 0].tolist() == [0.0, 1.0, 0.0]
    assert top1[:, 1].tolist() == [0.0, 0.5, 0.5]  # a tie at the k-th score keeps both


def test_names_stop_at_max_length_with_a_newline_appended():
    model = memoryless_model([0.0, 0.5, 0.5])  # the end of a name is never drawn
    names = sample_names(model, CHAR_TO_IX, IX_TO_CHAR, 7, rng=0, max_length=50)
    assert all(len(name) == 51 and name.endswith("\n") for name in names)
    assert len(sample(model, CHAR_TO_IX, IX_TO_CHAR, rng=0, max_length=3)) == 4


def test_mean_length_of_memoryless_names_is_geometric():
    p_end = 0.25
    model = memoryless_model([p_end, 0.5, 0.25])
    names = sample_names(model, CHAR_TO_IX, IX_TO_CHAR, 20000, rng=4, max_length=200)
    lengths = np.array([len(name) - 1 for name in names])
    expected = (1 - p_end) / p_end  # characters before the end: geometric, mean 3
    sd = np.sqrt(1 - p_end) / p_end / np.sqrt(len(lengths))
    assert abs(lengths.mean() - expected) < 5 * sd


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"temperature": 0}, "temperature"),
        ({"temperature": -1.0}, "temperature"),
        ({"temperature": float("nan")}, "temperature"),
        ({"top_k": 0}, "top_k"),
        ({"top_k": 4}, "top_k"),
        ({"top_k": 1.5}, "top_k"),
        ({"max_length": 0}, "max_length"),
    ],
)
def test_sampling_options_are_validated(options, message):
    with pytest.raises(ValueError, match=message):
        sample(stateful_model(), CHAR_TO_IX, IX_TO_CHAR, rng=0, **options)


def test_sample_names_rejects_a_vocabulary_of_the_wrong_size():
    char_to_ix, ix_to_char = index_maps("\nabc")
    with pytest.raises(ValueError, match="n_y=3"):
        sample_names(stateful_model(), char_to_ix, ix_to_char, 2)


def test_novelty_counts_names_not_in_the_corpus():
    report = novelty(["abel\n", "zed\n", "abel\n", "ann\n"], ["abel", "bob"])
    assert report == {"samples": 4, "novel": 2, "fraction_novel": 0.5, "distinct": 3}
