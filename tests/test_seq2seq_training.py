"""Tests of rnn_lib.training.seq2seq_training: batches of similar length holding every pair once,
a training run that lowers the loss, and exact match against hand-made answers."""

import re

import numpy as np
import pytest

from rnn_lib.cells.encoder_decoder import initialize_encoder_decoder
from rnn_lib.data.dates import INPUT_CHARS, OUTPUT_CHARS, encode_dates, split_dates
from rnn_lib.training import seq2seq_training
from rnn_lib.training.seq2seq_decoding import beam_translate
from rnn_lib.training.seq2seq_training import (
    exact_match,
    similar_length_batches,
    train_encoder_decoder,
    translate,
)


def test_batches_hold_every_pair_once_and_are_sorted_by_length_within_a_pool():
    pairs = split_dates(230, 1, 1, rng=3)[0]
    batches = similar_length_batches(pairs, 10, rng=0, pool_batches=23)
    assert sorted(p for batch in batches for p in batch) == sorted(pairs)
    spread = np.mean([max(len(h) for h, _ in b) - min(len(h) for h, _ in b) for b in batches])
    random = np.mean([max(len(h) for h, _ in b) - min(len(h) for h, _ in b)
                      for b in np.array_split(np.array(pairs, dtype=object), 23)])  # fmt: skip
    assert spread < random / 3


def test_training_lowers_the_loss_and_stops_at_max_steps():
    pairs = split_dates(300, 1, 1, rng=1)[0]
    p = initialize_encoder_decoder(4, 6, len(INPUT_CHARS), len(OUTPUT_CHARS), n_v=4, rng=0)
    history = train_encoder_decoder(p, pairs, epochs=3, batch_size=30, learning_rate=0.02)
    assert history.steps == 30
    assert history.loss_per_char[-1] < history.loss_per_char[0] - 0.15  # nats per character
    assert np.log(len(OUTPUT_CHARS)) * 0.8 < history.loss_per_char[0] < 1.2 * np.log(12)
    short = train_encoder_decoder(dict(p), pairs, epochs=3, batch_size=30, max_steps=17)
    assert short.steps == 17 and len(short.loss_per_char) == 2  # 10 steps, then 7 of epoch 2
    assert min(short.loss_per_char) > 0.5 * np.log(len(OUTPUT_CHARS))


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"pairs": []}, "pairs must hold at least one"),
        ({"batch_size": 0}, "batch_size must be a positive integer; got 0"),
        ({"max_steps": -1}, "max_steps must be a positive integer; got -1"),
        ({"max_steps": 0}, "max_steps must be a positive integer; got 0"),
        ({"epochs": 0}, "epochs must be a positive integer; got 0"),
    ],
)
def test_training_refuses_bad_settings_before_any_step(setting, message):
    pairs = split_dates(20, 1, 1, rng=1)[0]
    p = initialize_encoder_decoder(2, 3, len(INPUT_CHARS), len(OUTPUT_CHARS), n_v=2, rng=0)
    before = {k: v.copy() for k, v in p.items()}
    with pytest.raises(ValueError, match=re.escape(message)):
        train_encoder_decoder(p, **{"pairs": pairs, "epochs": 1, **setting})
    assert all(np.array_equal(before[k], p[k]) for k in p)
    with pytest.raises(ValueError, match="pairs must hold at least one"):
        exact_match(p, [])


def test_exact_match_counts_whole_outputs(monkeypatch):
    pairs = [("a", "1987-03-03"), ("b", "1987-03-04"), ("c", "x")]
    monkeypatch.setattr(
        seq2seq_training, "translate", lambda p, inputs, *a: ["1987-03-03", "1987-03-05", "x"]
    )
    assert exact_match({}, pairs) == pytest.approx(2 / 3)


def test_translate_does_not_depend_on_its_batch_size_and_returns_the_best_beam():
    pairs = split_dates(20, 1, 1, rng=2)[0]
    p = initialize_encoder_decoder(3, 4, len(INPUT_CHARS), len(OUTPUT_CHARS), n_v=3, rng=5)
    inputs = [h for h, _ in pairs]
    greedy = translate(p, inputs, batch_size=7)
    assert greedy == translate(p, inputs)
    assert all(set(text) <= set(OUTPUT_CHARS) - {"\n"} for text in greedy)
    X, lengths, _ = encode_dates(pairs)
    for normalise in (False, True):
        beams = beam_translate(p, X, lengths, 3, chars=OUTPUT_CHARS, length_normalise=normalise)
        best = [found[0].name for found in beams]
        assert translate(p, inputs, 3, normalise, batch_size=7) == best
