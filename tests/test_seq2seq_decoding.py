"""Tests of rnn_lib.training.seq2seq_decoding: greedy and beam decoding of an encoder-decoder,
their log-probabilities against the teacher-forced forward pass on the decoded output, beam
width 1 against greedy, wider beams against an exhaustive search, length normalisation."""

import itertools

import numpy as np
import pytest

from rnn_lib.cells.encoder_decoder import encoder_decoder_forward, initialize_encoder_decoder
from rnn_lib.training.seq2seq_decoding import beam_translate, greedy_translate

from .helpers import one_hot_sequence

CHARS = "\nab"  # the end-of-output and two letters
N_X, M, T_X = 4, 3, 5
LENGTHS = np.array([5, 3, 1])


@pytest.fixture(params=[True, False], ids=["attention", "fixed summary"])
def model(request):
    rng = np.random.default_rng(3)
    p = initialize_encoder_decoder(3, 4, N_X, len(CHARS), n_v=5 if request.param else None, rng=rng)
    for name in p:  # large weights: sharp, different distributions at every step
        p[name] = 2.0 * p[name] + (
            0.5 * rng.standard_normal(p[name].shape) if name[0] == "b" else 0
        )
    p["by"][0] -= 2.0  # the end-of-output less likely: outputs of several letters
    indices = rng.integers(N_X, size=(M, T_X))
    indices[np.arange(T_X) >= LENGTHS[:, None]] = -1
    return p, one_hot_sequence(indices, N_X)


def forced_log_probability(p, X, j, text):
    """log P(text + end | x) from the teacher-forced forward pass of example j alone."""
    Y = one_hot_sequence([[CHARS.index(c) for c in text + "\n"]], len(CHARS))
    y_hat, _, _ = encoder_decoder_forward(X[:, j : j + 1], LENGTHS[j : j + 1], Y, p)
    return float(np.sum(Y * np.log(y_hat)))


def test_greedy_log_probabilities_are_the_models_and_the_weights_are_per_step(model):
    p, X = model
    decoded, alphas = greedy_translate(p, X, LENGTHS, max_length=4, chars=CHARS)
    assert len(decoded) == M
    for j, found in enumerate(decoded):
        assert set(found.name) <= set("ab") and len(found.name) <= 4
        assert found.log_probability == pytest.approx(
            forced_log_probability(p, X, j, found.name), rel=1e-12
        )
    if alphas is not None:
        assert alphas.shape[0] == M and alphas.shape[2] == T_X
        assert np.all(alphas[2, :, 1:] == 0)


def test_beam_width_one_is_greedy_and_beams_score_as_the_model(model):
    p, X = model
    greedy, _ = greedy_translate(p, X, LENGTHS, max_length=4, chars=CHARS)
    one = beam_translate(p, X, LENGTHS, beam_width=1, max_length=4, chars=CHARS)
    assert [found[0].name for found in one] == [found.name for found in greedy]
    wide = beam_translate(p, X, LENGTHS, beam_width=3, max_length=4, chars=CHARS)
    for j, found in enumerate(wide):
        scores = [d.log_probability for d in found]
        assert scores == sorted(scores, reverse=True)
        for d in found:
            assert d.log_probability == pytest.approx(
                forced_log_probability(p, X, j, d.name), rel=1e-12
            )
        assert found[0].log_probability >= greedy[j].log_probability - 1e-12


def test_a_wide_beam_finds_the_likeliest_output_of_all(model):
    p, X = model
    every = ["".join(c) for n in range(4) for c in itertools.product("ab", repeat=n)]
    found = beam_translate(p, X, LENGTHS, beam_width=16, max_length=3, chars=CHARS)
    for j in range(M):
        best = max(every, key=lambda text: forced_log_probability(p, X, j, text))
        assert found[j][0].name == best


def test_length_normalisation_ranks_by_the_mean_per_character(model):
    p, X = model
    found = beam_translate(p, X, LENGTHS, 6, max_length=3, chars=CHARS, length_normalise=True)
    for outputs in found:
        means = [d.log_probability / (len(d.name) + 1) for d in outputs]
        assert means == sorted(means, reverse=True)


def test_a_vocabulary_of_the_wrong_size_is_named(model):
    p, X = model
    with pytest.raises(ValueError, match="chars must hold n_y=3 characters including"):
        greedy_translate(p, X, LENGTHS, chars="\nabc")
