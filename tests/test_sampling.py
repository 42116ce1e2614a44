"""Tests of rnn_lib.training.sampling: the seed's sample, temperature, top-k, the batched sampler, novelty.

Distributions are checked against an independent reference: the exact probability of a name is
exp(-loss) of the model's forward pass over it, and empirical frequencies must fall within a few
binomial standard deviations of it.
"""

import tracemalloc
import warnings

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


# --- memory, extreme temperatures, lists, the order of the random stream ---------------------------


def reference_sample_names(parameters, n, rng, max_length, temperature=1.0, top_k=None):
    """The batched sampler written plainly: an n x max_length table, one draw per unfinished name
    per step, in name order (the stream the library documents)."""
    rng = np.random.default_rng(rng)
    drawn = [[] for _ in range(n)]
    a = np.zeros((parameters["Waa"].shape[0], n))
    x = np.zeros((len(CHARS), n))
    active = list(range(n))
    for _ in range(max_length):
        a = np.tanh(parameters["Waa"] @ a + parameters["Wax"] @ x + parameters["ba"])
        p = next_char_distribution(parameters["Wya"] @ a + parameters["by"], temperature, top_k)
        u = 1.0 - rng.random(len(active))
        still, columns = [], []
        for column, name in enumerate(active):
            cumulative = np.cumsum(p[:, column])
            index = min(int(np.sum(cumulative < u[column] * cumulative[-1])), len(CHARS) - 1)
            if index != 0:
                drawn[name].append(IX_TO_CHAR[index])
                still.append(name)
                columns.append(column)
        active = still
        a = a[:, columns]
        x = np.zeros((len(CHARS), len(active)))
        x[[CHAR_TO_IX[drawn[name][-1]] for name in active], np.arange(len(active))] = 1.0
        if not active:
            break
    return ["".join(name) + "\n" for name in drawn]


@pytest.mark.parametrize(
    ("seed", "temperature", "top_k"), [(0, 1.0, None), (1, 0.7, 2), (5, 3.0, None)]
)
def test_batched_sampler_follows_the_documented_random_stream(seed, temperature, top_k):
    parameters = stateful_model()
    expected = reference_sample_names(parameters, 40, seed, 12, temperature, top_k)
    assert sample_names(parameters, CHAR_TO_IX, IX_TO_CHAR, 40, temperature, top_k, seed, 12) == (
        expected
    )


def test_memory_follows_the_names_drawn_not_n_times_max_length():
    model = memoryless_model([0.5, 0.25, 0.25])  # names of 1 character on average
    tracemalloc.start()
    try:
        names = sample_names(model, CHAR_TO_IX, IX_TO_CHAR, 5000, rng=0, max_length=10_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(names) == 5000
    assert peak < 20_000_000, f"{peak} bytes; a 5000 x 10000 table alone takes 400 MB"


def test_a_vanishing_temperature_gives_the_likeliest_character():
    scores = np.array([[1.0, -3.0, 2.0], [3.0, 5.0, 2.0], [-1.0, 5.0 - 1e-12, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning either
        for temperature in (1e-320, 5e-324, 1e-300, 1e-14):
            p = next_char_distribution(scores, temperature)
            assert np.isfinite(p).all()
            np.testing.assert_allclose(p.sum(axis=0), 1.0)
            assert p[:, 0].tolist() == [0.0, 1.0, 0.0]
            assert p[:, 2].tolist() == [0.5, 0.5, 0.0]  # a tie keeps both
    # The second column's two highest scores differ by 1e-12: a temperature of that order still
    # splits them as softmax does, with no overflow.
    p = next_char_distribution(scores, 1e-12)
    expected = 1 / (1 + np.exp(-(5.0 - (5.0 - 1e-12)) / 1e-12))
    assert p[1, 1] == pytest.approx(expected, rel=1e-3)


def test_names_drawn_at_a_vanishing_temperature_are_the_greedy_names():
    parameters = stateful_model()
    cold = sample_names(parameters, CHAR_TO_IX, IX_TO_CHAR, 5, 1e-320, rng=0, max_length=20)
    greedy = sample_names(parameters, CHAR_TO_IX, IX_TO_CHAR, 5, top_k=1, rng=1, max_length=20)
    assert cold == greedy


def test_non_finite_scores_are_refused():
    with pytest.raises(ValueError, match="scores must be finite numbers"):
        next_char_distribution(np.array([[np.nan], [1.0]]))


def test_parameters_given_as_lists_sample_the_same_names():
    parameters = stateful_model()
    as_lists = {name: value.tolist() for name, value in parameters.items()}
    assert sample_names(as_lists, CHAR_TO_IX, IX_TO_CHAR, 30, rng=3) == sample_names(
        parameters, CHAR_TO_IX, IX_TO_CHAR, 30, rng=3
    )
