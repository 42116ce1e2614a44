"""Decoding an encoder-decoder: greedy and beam search on its own outputs, with log-probabilities.

The model is conditioned on its input x: the log-probability of an output c<1> .. c<T> followed
by the end-of-output "\\n" is

    log P(c | x) = sum over t = 1 .. T + 1 of log p(c<t> | c<1> .. c<t-1>, x)

In training the decoder read the true previous output (teacher forcing); here it reads its own
previous choice. Greedy decoding takes the likeliest character at every step, for a whole batch
at once. Beam search (decoding.beam_loop, the loop of the names' beam search) keeps the
beam_width likeliest unfinished outputs of one input; length_normalise ranks the finished ones
by log P / (length + 1) instead of log P.
"""

import numpy as np

from ..cells.bidirectional import check_lengths
from ..cells.encoder_decoder import (
    check_encoder_decoder_parameters,
    decoder_layer,
    decoder_scores,
    decoder_step_forward,
    encode,
)
from ..data.dates import OUTPUT_CHARS
from ..validation import check_integer, check_shape
from .decoding import END, Decoded, beam_loop, log_softmax


def _encoded_inputs(parameters, X, lengths, chars):
    """Check the arguments; return the Encoded inputs and the decoder layer."""
    known = check_encoder_decoder_parameters(parameters)
    X = np.asarray(X, dtype=float)
    check_shape("X", X, ("n_x", "m", "T_x"), known)
    if len(chars) != known["n_y"][0] or END not in chars:
        raise ValueError(
            f"chars must hold n_y={known['n_y'][0]} characters including '\\n'; got {chars!r}"
        )
    encoded, _ = encode(X, check_lengths(lengths, X.shape[1], X.shape[2]), parameters)
    return encoded, decoder_layer(parameters)


def greedy_translate(parameters, X, lengths=None, max_length=10, chars=OUTPUT_CHARS):
    """The output of the likeliest character at every step, for every input of a batch.

    Arguments:
        parameters -- the encoder-decoder's parameters
        X -- one-hot inputs, (n_x, m, T_x); lengths -- (m,) their real steps, None: all T_x
        max_length -- at most this many characters; then the end-of-output is taken
        chars -- the output vocabulary as one string in index order, "\\n" among them
    Returns:
        decoded -- list of m Decoded(text, log P(text + "\\n" | x))
        alphas -- the attention weights, (m, steps, T_x), steps the number of decoder steps
            run (the longest output + 1); None without attention
    """
    check_integer("max_length", max_length)
    encoded, layer = _encoded_inputs(parameters, X, lengths, chars)
    n_y, m, end = len(chars), encoded.H.shape[1], chars.index(END)
    s, y_prev = np.zeros((parameters["Wss"].shape[0], m)), np.zeros((n_y, m))
    done, total = np.zeros(m, dtype=bool), np.zeros(m)
    written, alphas = [], []
    for length in range(max_length + 1):
        s, context, alpha, _ = decoder_step_forward(y_prev, s, encoded, parameters, layer)
        log_p = log_softmax(decoder_scores(s, context, parameters))
        idx = np.full(m, end) if length == max_length else np.argmax(log_p, axis=0)
        idx = np.where(done, end, idx)
        total += np.where(done, 0.0, log_p[idx, np.arange(m)])
        done |= idx == end
        written.append(idx)
        alphas.append(alpha)
        if done.all():
            break
        y_prev = np.eye(n_y)[:, idx]
    texts = ["".join(chars[k] for k in row).split(END, 1)[0] for row in np.array(written).T]
    decoded = [Decoded(text, float(score)) for text, score in zip(texts, total)]
    return decoded, None if alphas[0] is None else np.stack(alphas, axis=1)


def beam_translate(
    parameters, X, lengths=None, beam_width=4, max_length=10, chars=OUTPUT_CHARS,
    length_normalise=False,
):  # fmt: skip
    """The beam_width likeliest outputs that beam search finds for each input, best first.

    Arguments:
        parameters -- the encoder-decoder's parameters
        X -- one-hot inputs, (n_x, m, T_x); lengths -- (m,) their real steps, None: all T_x
        beam_width -- B, the unfinished outputs kept at every step; 1 is greedy decoding
        max_length -- at most this many characters; then only the end-of-output may follow
        chars -- the output vocabulary as one string in index order, "\\n" among them
        length_normalise -- rank the finished outputs by log P / (length + 1)
    Returns:
        list of m lists, each of at most beam_width Decoded(text, log P(text + "\\n" | x))
    """
    check_integer("beam_width", beam_width)
    check_integer("max_length", max_length)
    encoded, layer = _encoded_inputs(parameters, X, lengths, chars)
    n_y, n_s = len(chars), parameters["Wss"].shape[0]
    results = []
    for j in range(encoded.H.shape[1]):

        def step(idx, state, j=j):
            k = state[0].shape[1]
            y_prev = np.zeros((n_y, k)) if idx is None else np.eye(n_y)[:, idx]
            beams = encoded.columns([j] * k)
            s, context, _, _ = decoder_step_forward(y_prev, state[0], beams, parameters, layer)
            return (s,), decoder_scores(s, context, parameters)

        start = (np.zeros((n_s, 1)),)
        results.append(beam_loop(step, start, chars, beam_width, max_length, length_normalise))
    return results
