"""Truncated backpropagation through time: a stream read chunk by chunk, its state carried.

Full BPTT over a stream of T steps keeps all T states for one backward pass and updates once.
Truncated BPTT cuts the stream into chunks of k steps (rnn_lib.data.streams) and, chunk by chunk:

    a, y_hat, cache = rnn_forward(X_c, a_start, parameters)   # a_start: the carried state
    gradients = rnn_backward(X_c, Y_c, parameters, cache)     # its da0 is dropped
    update the parameters;  a_start <- a<last step of the chunk>

The forward pass is never cut: the state flows from chunk to chunk, so the model can use what
it saw any number of steps ago. The backward pass is cut at every chunk boundary: the carried
state is treated as a constant, and da0, the gradient that would flow back into the previous
chunk, is not propagated. The loss at step t then sends gradient back only to the first step
of its chunk, between 1 and k steps. With carry_state=False every chunk starts from a zero state
instead: the forward pass is cut too. Notebook 09 derives what the cut drops and measures it.
"""

import time
from typing import NamedTuple

import numpy as np
from tqdm import tqdm

from ..cells.registry import get_cell
from ..cells.rnn import PARAM_NAMES, initialize_parameters, rnn_backward, rnn_forward
from ..data.streams import stream_chunks
from ..loss import compute_loss
from ..validation import check_integer, check_sequence, check_shape
from . import optim

#: What train_tbptt's history records, one entry per epoch.
HISTORY_KEYS = ("epoch", "seconds", "loss_per_char", "chars", "updates")


class TBPTTResult(NamedTuple):
    """What train_tbptt returns."""

    parameters: dict  # the trained Wax, Waa, Wya, ba, by
    hyperparameters: dict  # every setting the run used, JSON-ready
    history: dict  # per epoch: epoch, seconds (since the start), loss_per_char, chars, updates


def truncated_gradients(X, Y, a0, parameters, k):
    """The gradient truncated BPTT computes for one sequence with fixed parameters.

    Cutting the T_x steps into chunks c of k steps (the last may be shorter), running each chunk
    from the state the previous one ended with (chunk 0 from a0), and treating that state as a
    constant:  dW = sum over chunks c of rnn_backward(chunk c from a_start(c))[dW].
    With k >= T_x it is rnn_backward's gradient of the whole sequence; with k < T_x it lacks
    the terms that cross a chunk boundary.

    Arguments:
        X, Y -- inputs and true distributions, (n_x, m, T_x) and (n_y, m, T_x)
        a0 -- initial hidden state, (n_a, m)
        parameters -- dict of Wax, Waa, Wya, ba, by
        k -- steps per chunk, a positive integer
    Returns:
        loss -- summed cross-entropy over all steps, a float
        gradients -- dict of dWax, dWaa, dWya, dba, dby (summed over chunks) and da0 (n_a, m),
            the gradient of a0 through the first chunk
        a_last -- the state after the last step, (n_a, m)
    """
    check_integer("k", k)
    X, Y, a0 = np.asarray(X), np.asarray(Y), np.asarray(a0)
    known = {}
    check_sequence(X, a0, known)
    check_shape("Y", Y, ("n_y", "m", "T_x"), known)  # the parameters are checked by rnn_forward
    loss, gradients, a_start = 0.0, None, a0
    for start in range(0, X.shape[2], k):
        X_c, Y_c = X[:, :, start : start + k], Y[:, :, start : start + k]
        a, y_hat, cache = rnn_forward(X_c, a_start, parameters)
        chunk = rnn_backward(X_c, Y_c, parameters, cache)
        loss += compute_loss(y_hat, Y_c)
        if gradients is None:
            gradients = chunk  # keeps da0 of the first chunk
        else:
            for name in PARAM_NAMES:
                gradients[f"d{name}"] += chunk[f"d{name}"]  # this chunk's da0 is dropped
        a_start = a[:, :, -1]
    return loss, gradients, a_start.copy()


def train_chunk(X, Y, a_start, parameters, update):
    """One step of truncated BPTT: forward from the carried state, backward, update.

    The gradient of the chunk's mean cross-entropy per character, (1 / (m T_c)) dW, goes to
    update; da0 is not used: the gradient stops at the chunk boundary.

    Arguments:
        X, Y -- the chunk's inputs and targets, (n_x, m, T_c) and (n_y, m, T_c), no padding
        a_start -- the state the chunk starts from, (n_a, m)
        parameters -- dict of PARAM_NAMES, updated in place
        update -- a function (parameters, gradients), as optim.make_update returns
    Returns:
        loss -- the chunk's summed cross-entropy, before the update
        a_last -- the state after the chunk's last step, (n_a, m), computed before the update
    """
    a, y_hat, cache = rnn_forward(X, a_start, parameters)
    gradients = rnn_backward(X, Y, parameters, cache)
    chars = X.shape[1] * X.shape[2]
    update(parameters, {f"d{name}": gradients[f"d{name}"] / chars for name in PARAM_NAMES})
    return compute_loss(y_hat, Y), a[:, :, -1].copy()


def _train_epoch(chunks, parameters, update, carry_state):
    """One pass over the chunks from a zero state, one update each: (summed loss, chars, updates).

    The state each chunk ends with starts the next chunk (carry_state), or a zero state does.
    """
    total, chars, updates = 0.0, 0, 0
    a_start = None
    for X, Y in chunks:
        if a_start is None or not carry_state:
            a_start = np.zeros((parameters["Waa"].shape[0], X.shape[1]))
        loss, a_start = train_chunk(X, Y, a_start, parameters, update)
        total, chars, updates = total + loss, chars + X.shape[1] * X.shape[2], updates + 1
    return total, chars, updates


def _epoch_offsets(random_offset, k, epochs, seed):
    """Where each epoch's stream starts: 0, or a draw from 0 .. k - 1 per epoch."""
    if not random_offset:
        return np.zeros(epochs, dtype=int)
    return np.random.default_rng(seed).integers(0, k, size=epochs)


def _initial_parameters(parameters, hidden, n_x, seed):
    """A float64 copy of the given parameters, checked against hidden and n_x, or fresh ones."""
    check_integer("n_x", n_x)
    if parameters is None:
        return initialize_parameters(hidden, n_x, n_x, rng=seed)
    sizes = get_cell("rnn").sizes(parameters)
    for symbol, expected in (("n_a", hidden), ("n_x", n_x), ("n_y", n_x)):
        size, source = sizes[symbol]
        if size != expected:
            raise ValueError(
                f"parameters must have {symbol}={expected} (from hidden and n_x); "
                f"got {symbol}={size} from {source}"
            )
    return {name: np.array(parameters[name], dtype=float) for name in PARAM_NAMES}


def train_tbptt(
    indices,
    n_x,
    *,
    hidden=50,
    m=32,
    k=16,
    epochs=1,
    learning_rate=0.01,
    optimizer="adam",
    clip="norm",
    clip_threshold=1.0,
    carry_state=True,
    random_offset=False,
    parameters=None,
    seed=0,
    progress=False,
):
    """Train the vanilla RNN on one long stream with truncated BPTT; deterministic given seed.

    Each epoch cuts the stream into m contiguous streams and chunks of k steps
    (data.streams.stream_chunks), starts from a zero state, and takes one update per chunk
    (train_chunk): the state is carried from chunk to chunk, the gradient stopped at every
    boundary. With carry_state=False every chunk starts from a zero state instead.

    Arguments:
        indices -- the stream, a 1-D int array of vocabulary indices (N_s >= 2 m)
        n_x -- vocabulary size;  epochs -- passes over the stream
        hidden -- hidden units n_a;  m -- streams (batch columns);  k -- steps per chunk
        learning_rate, optimizer ("adam" or "sgd"), clip ("norm", "value" or "none"),
            clip_threshold -- the update of every chunk (see optim.make_update), at a
            constant learning rate
        carry_state -- carry the state between chunks (True) or reset it to zero (False)
        random_offset -- start each epoch 0 to k - 1 symbols into the stream (drawn with seed):
            the chunk boundaries fall elsewhere in the text every epoch
        parameters -- initial parameters (copied; the caller's are not changed), or None to
            draw them with initialize_parameters(hidden, n_x, n_x, seed)
        seed -- seed of the initial parameters and of the offsets;  progress -- a tqdm bar
    Returns:
        TBPTTResult(parameters, hyperparameters, history); history holds, per epoch, lists of
        epoch, seconds since the start, loss_per_char (mean over the epoch's chunks, each
        before its update), chars (predicted characters) and updates (chunks)
    """
    settings = dict(hidden=hidden, m=m, k=k, epochs=epochs, learning_rate=learning_rate)
    settings.update(optimizer=optimizer, clip=clip, clip_threshold=clip_threshold)
    settings.update(carry_state=bool(carry_state), random_offset=bool(random_offset), seed=seed)
    for name in ("hidden", "m", "k", "epochs"):
        check_integer(name, settings[name])
    update = optim.make_update(optimizer, clip, clip_threshold, learning_rate)
    parameters = _initial_parameters(parameters, hidden, n_x, seed)
    history = {key: [] for key in HISTORY_KEYS}
    stream, offsets = np.asarray(indices), _epoch_offsets(random_offset, k, epochs, seed)
    start = time.perf_counter()
    for epoch in tqdm(range(1, epochs + 1), unit="epoch", disable=not progress, leave=False):
        chunks = stream_chunks(stream[offsets[epoch - 1] :], n_x, m, k)
        total, chars, updates = _train_epoch(chunks, parameters, update, carry_state)
        record = (epoch, time.perf_counter() - start, total / chars, chars, updates)
        for key, value in zip(HISTORY_KEYS, record, strict=True):
            history[key].append(value)
    return TBPTTResult(parameters, settings, history)


def predict_stream(parameters, indices, m=1, reset_every=None, chunk=256):
    """The RNN's predictions along a stream read from a zero state: y_hat (n_y, m, T).

    The stream is cut into m contiguous streams (data.streams.split_streams); column j's step t
    reads symbol t and predicts symbol t + 1. The state is carried along the whole stream, or
    reset to zero every reset_every steps (as train_tbptt with carry_state=False trains).

    Arguments:
        parameters -- dict of Wax, Waa, Wya, ba, by
        indices -- 1-D int array of N_s vocabulary indices, N_s >= 2 m
        m -- number of streams
        reset_every -- None (never reset), or a positive number of steps
        chunk -- steps per forward pass when the state is carried (bounds memory, not results)
    Returns:
        y_hat -- (n_y, m, T), T = S - 1 steps per stream of S = N_s // m symbols
    """
    if reset_every is not None:
        check_integer("reset_every", reset_every)
    check_integer("chunk", chunk)
    sizes = get_cell("rnn").sizes(parameters)
    n_x, n_a = sizes["n_x"][0], sizes["n_a"][0]
    a_start, predictions = np.zeros((n_a, m)), []
    for X, _ in stream_chunks(indices, n_x, m, reset_every or chunk):
        a, y_hat, _ = rnn_forward(X, np.zeros_like(a_start) if reset_every else a_start, parameters)
        a_start = a[:, :, -1]
        predictions.append(y_hat)
    return np.concatenate(predictions, axis=2)
