"""Training an encoder-decoder on (input, output) string pairs, and measuring it by exact match.

One update step: encode a batch of pairs (data/dates.py), run encoder_decoder_loss_and_gradients,
clip the gradients by their global norm, take an Adam step whose learning rate falls linearly to
0 over the run (alpha_n = alpha_0 (1 - n/N), as the series' train does). Batches hold pairs of
similar input length, so that little of each is padding; the padding is masked anyway.
"""

from typing import NamedTuple

import numpy as np

from ..cells.encoder_decoder import encoder_decoder_loss_and_gradients
from ..data.dates import OUTPUT_CHARS, encode_dates
from ..data.names import grouped_batch_indices
from ..validation import check_integer, check_positive_number
from .optim import Adam, clip_by_norm
from .seq2seq_decoding import beam_translate, greedy_translate


def similar_length_batches(pairs, batch_size, rng=None, pool_batches=20):
    """Shuffle the pairs into batches of similar input length, every pair once.

    The length grouping of the names' training (data/names.py, grouped_batch_indices) by the
    length of each pair's input: shuffled, cut into pools of pool_batches * batch_size, each
    pool sorted by input length and cut into batches, the order of all batches shuffled.

    Arguments:
        pairs -- list of (input, output) strings
        batch_size -- pairs per batch (the last batch of a pool may be smaller)
        rng -- a numpy Generator or a seed
        pool_batches -- batches per sorting pool
    Returns:
        list of batches, each a list of pairs
    """
    lengths = np.fromiter((len(human) for human, _ in pairs), dtype=np.intp, count=len(pairs))
    batches = grouped_batch_indices(lengths, batch_size, rng, pool_batches)
    return [[pairs[i] for i in batch] for batch in batches]


class Seq2SeqHistory(NamedTuple):
    """What train_encoder_decoder measured: the training loss per output character, per epoch."""

    loss_per_char: list  # mean cross-entropy per target character of each epoch, in nats
    steps: int  # the number of update steps taken


def train_encoder_decoder(
    parameters, pairs, epochs, batch_size=50, learning_rate=0.01, max_norm=5.0, rng=0,
    max_steps=None,
):  # fmt: skip
    """Train the parameters in place with Adam on minibatches of pairs; return the history.

    Arguments:
        parameters -- the encoder-decoder's parameters (initialize_encoder_decoder), updated
        pairs -- list of (input, output) string pairs
        epochs -- passes over the pairs
        batch_size -- pairs per update step
        learning_rate -- alpha_0; step n of N uses alpha_0 (1 - n/N)
        max_norm -- the global norm the gradient of the mean loss per pair is clipped to
        rng -- a numpy Generator or a seed, for the batches
        max_steps -- stop after this many update steps (N = min(max_steps, all steps))
    Returns:
        Seq2SeqHistory(loss_per_char, steps): one mean loss per epoch that took a step
    Raises:
        ValueError, before any step, for no pairs or a bad setting
    """
    if not pairs:
        raise ValueError("pairs must hold at least one (input, output) pair; got none")
    check_integer("epochs", epochs)
    check_integer("batch_size", batch_size)
    if max_steps is not None:
        check_integer("max_steps", max_steps)
    check_positive_number("max_norm", max_norm)
    rng = np.random.default_rng(rng)
    per_epoch = -(-len(pairs) // batch_size)
    total = epochs * per_epoch if max_steps is None else min(max_steps, epochs * per_epoch)
    adam, n, losses = Adam(learning_rate), 0, []
    while n < total:  # one epoch per pass; the last may stop at max_steps
        summed, chars = 0.0, 0
        for batch in similar_length_batches(pairs, batch_size, rng):
            if n == total:
                break
            encoded = encode_dates(batch)
            loss, gradients = encoder_decoder_loss_and_gradients(*encoded, parameters)
            m = len(batch)
            gradients = clip_by_norm({k: g / m for k, g in gradients.items()}, max_norm)
            adam.learning_rate = learning_rate * (1 - n / total)
            adam.step(parameters, gradients)
            summed, chars, n = summed + loss, chars + int(encoded.Y.sum()), n + 1
        losses.append(summed / max(chars, 1))
    return Seq2SeqHistory(losses, n)


def translate(parameters, inputs, beam_width=1, length_normalise=False, batch_size=500):
    """The decoded output text of every input string: greedy for beam_width 1, else beam search.

    Arguments:
        parameters -- the encoder-decoder's parameters
        inputs -- list of input strings
        beam_width -- 1: greedy decoding; more: beam search, its best finished output
        length_normalise -- rank beam search's outputs by log P / (length + 1)
        batch_size -- inputs encoded at once
    Returns:
        list of output strings, one per input
    """
    out = []
    for start in range(0, len(inputs), batch_size):
        chunk = [(text, "") for text in inputs[start : start + batch_size]]
        X, lengths, _ = encode_dates(chunk)
        if beam_width == 1:
            decoded, _ = greedy_translate(parameters, X, lengths, chars=OUTPUT_CHARS)
            out += [d.name for d in decoded]
        else:
            found = beam_translate(
                parameters, X, lengths, beam_width, chars=OUTPUT_CHARS,
                length_normalise=length_normalise,
            )  # fmt: skip
            out += [best[0].name for best in found]
    return out


def exact_match(parameters, pairs, beam_width=1, length_normalise=False):
    """The share of pairs whose decoded output is exactly the expected one, in [0, 1]."""
    if not pairs:
        raise ValueError("pairs must hold at least one (input, output) pair to score; got none")
    got = translate(parameters, [h for h, _ in pairs], beam_width, length_normalise)
    return float(np.mean([g == expected for g, (_, expected) in zip(got, pairs)]))
