"""An encoder-decoder: a bidirectional encoder, additive attention, a decoder RNN and its output.

The encoder is the two recurrent layers of cells/bidirectional.py without their output layer;
each column is reversed within its own length, so the backward layer starts at the last real
character. Its states h<i> = [a_f<i>; a_b<i>], (n_h, m) with n_h = 2 n_a, are what the decoder
attends to. The decoder runs T_y steps from s<0> = 0 and y<0> = 0:

    context<t> = sum over i of alpha<t,i> h<i>       alpha<t> from s<t-1> (cells/attention.py)
    s<t> = tanh(Wss s<t-1> + Wsc context<t> + Wsy y<t-1> + bs)
    y_hat<t> = softmax(Wy [s<t>; context<t>] + by)

The state update is rnn_layer.py's step with the input [context<t>; y<t-1>] and the weights
Wax = [Wsc, Wsy], Waa = Wss, ba = bs. In training y<t-1> is the true previous output (teacher
forcing); in decoding it is the model's own choice (training/seq2seq_decoding.py).

Without the attention parameters Ws, Wh, v the model has no attention: every step reads the same
fixed-size summary [a_f<L>; a_b<1>], each direction's last state (L the example's length), the
classic encoder-decoder whose whole input must pass through n_h numbers.
"""

from typing import NamedTuple

import numpy as np

from ..loss import compute_loss
from ..validation import check_parameters, check_shape
from .attention import (
    ATTENTION_PARAM_NAMES,
    ATTENTION_PARAM_SYMBOLS,
    attention_keys,
    attention_keys_backward,
    attention_step_backward,
    attention_step_forward,
    initialize_attention,
)
from .bidirectional import (
    BidirectionalCache,
    bidirectional_backward,
    check_lengths,
    direction_parameters,
    reverse_in_time,
)
from .rnn_layer import (
    LAYER_PARAM_NAMES,
    LAYER_PARAM_SYMBOLS,
    initialize_rnn_layer,
    rnn_layer_forward,
    rnn_layer_step_backward,
    rnn_layer_step_forward,
)
from .shared import output_layer_backward, output_layer_forward

#: The encoder's parameters: the forward ("f") and the backward ("b") recurrent layer.
ENCODER_PARAM_NAMES = tuple(f"{name}_{d}" for d in ("f", "b") for name in LAYER_PARAM_NAMES)

#: The decoder's parameters: its state update, then its output layer.
DECODER_PARAM_NAMES = ("Wss", "Wsc", "Wsy", "bs", "Wy", "by")

_SYMBOLS = {
    **{f"{name}_{d}": LAYER_PARAM_SYMBOLS[name] for d in ("f", "b") for name in LAYER_PARAM_NAMES},
    **ATTENTION_PARAM_SYMBOLS,
    "Wss": ("n_s", "n_s"),
    "Wsc": ("n_s", "n_h"),
    "Wsy": ("n_s", "n_y"),
    "bs": ("n_s", "1"),
    "Wy": ("n_y", "n_s + n_h"),
    "by": ("n_y", "1"),
}


def encoder_decoder_param_names(attention=True):
    """The parameter names of an encoder-decoder, in a fixed order; without Ws, Wh, v if not attention."""
    return ENCODER_PARAM_NAMES + (ATTENTION_PARAM_NAMES if attention else ()) + DECODER_PARAM_NAMES


def initialize_encoder_decoder(n_a, n_s, n_x, n_y, n_v=None, rng=None):
    """Parameters of an encoder-decoder, W ~ N(0, 1) / sqrt(fan-in) and zero biases.

    Arguments:
        n_a -- hidden units of each encoder direction (n_h = 2 n_a)
        n_s -- hidden units of the decoder
        n_x, n_y -- sizes of an input and of an output vector (the two vocabularies)
        n_v -- size of the attention's hidden layer; None: no attention (the fixed summary)
        rng -- a numpy Generator, or a seed for one; None draws fresh entropy
    Returns:
        dict of encoder_decoder_param_names(n_v is not None), shapes as on the notation page
    """
    rng = np.random.default_rng(rng)
    parameters = {}
    for d in ("f", "b"):
        layer = initialize_rnn_layer(n_a, n_x, rng)
        parameters.update({f"{name}_{d}": value for name, value in layer.items()})
    n_h = 2 * n_a
    if n_v is not None:
        parameters.update(initialize_attention(n_v, n_s, n_h, rng))
    decoder = initialize_rnn_layer(n_s, n_h + n_y, rng)
    parameters["Wss"], parameters["bs"] = decoder["Waa"], decoder["ba"]
    parameters["Wsc"], parameters["Wsy"] = decoder["Wax"][:, :n_h], decoder["Wax"][:, n_h:]
    parameters["Wy"] = rng.standard_normal((n_y, n_s + n_h)) / np.sqrt(n_s + n_h)
    parameters["by"] = np.zeros((n_y, 1))
    return {name: parameters[name] for name in encoder_decoder_param_names(n_v is not None)}


def attends(parameters):
    """Whether the model has attention (Ws, Wh and v), or reads the fixed summary."""
    return all(name in parameters for name in ATTENTION_PARAM_NAMES)


def check_encoder_decoder_parameters(parameters):
    """Check the parameter dict; return the sizes it fixes (n_h = 2 n_a, Wy (n_y, n_s + n_h))."""
    symbols = {name: _SYMBOLS[name] for name in encoder_decoder_param_names(attends(parameters))}
    known = check_parameters(parameters, symbols)
    known.setdefault("n_h", (parameters["Wsc"].shape[1], "Wsc"))
    n_a, n_h, n_s = known["n_a"][0], known["n_h"][0], known["n_s"][0]
    if n_h != 2 * n_a:
        raise ValueError(f"Wsc must be (n_s, n_h) with n_h = 2 n_a = {2 * n_a}; got {n_h}")
    if known["n_s + n_h"][0] != n_s + n_h:
        raise ValueError(
            f"Wy must be (n_y, n_s + n_h) with n_s + n_h = {n_s + n_h}; "
            f"got {parameters['Wy'].shape}"
        )
    return known


# --- the encoder ----------------------------------------------------------------------------


class Encoded(NamedTuple):
    """What the decoder reads of the encoder: its states, which are real, and the keys."""

    H: np.ndarray  # (n_h, m, T_x)  the states h<i> = [a_f<i>; a_b<i>]
    lengths: np.ndarray  # (m,)  the real steps of each column
    mask: np.ndarray  # (m, T_x)  True at a real step
    keys: object  # (n_v, m, T_x) Wh h<i>, or None without attention
    summary: np.ndarray  # (n_h, m)  [a_f<L>; a_b<1>], the context without attention

    def columns(self, index):
        """The same encoding for the columns index (a list of column numbers, repeats allowed)."""
        keys = None if self.keys is None else self.keys[:, index]
        return Encoded(
            self.H[:, index], self.lengths[index], self.mask[index], keys, self.summary[:, index]
        )


def summary_states(H, lengths):
    """[a_f<L>; a_b<1>] of every column: each direction's last state, (n_h, m) from H (n_h, m, T_x)."""
    n_a, m = H.shape[0] // 2, H.shape[1]
    return np.concatenate((H[:n_a, np.arange(m), lengths - 1], H[n_a:, :, 0]))


def summary_backward(dsummary, lengths, T_x):
    """The gradient of H (n_h, m, T_x) from that of the summary (n_h, m): at the two last states."""
    n_h, m = dsummary.shape
    n_a = n_h // 2
    dH = np.zeros((n_h, m, T_x))
    dH[:n_a, np.arange(m), lengths - 1] = dsummary[:n_a]
    dH[n_a:, :, 0] = dsummary[n_a:]
    return dH


def encode(X, lengths, parameters):
    """Run the bidirectional encoder; return the Encoded states and the encoder's cache.

    Arguments:
        X -- one-hot inputs, (n_x, m, T_x), zero columns after each length
        lengths -- (m,) integers in 1..T_x
        parameters -- the encoder-decoder's parameters (checked by the caller)
    Returns:
        encoded -- Encoded(H (n_h, m, T_x), lengths, mask (m, T_x), keys, summary (n_h, m))
        cache -- the BidirectionalCache for bidirectional_backward
    """
    n_a, m, T_x = parameters["Waa_f"].shape[0], X.shape[1], X.shape[2]
    a0 = np.zeros((n_a, m))
    a_f, forward_cache = rnn_layer_forward(X, a0, direction_parameters(parameters, "f"))
    reversed_X = reverse_in_time(X, lengths)
    a_b_reversed, backward_cache = rnn_layer_forward(
        reversed_X, a0, direction_parameters(parameters, "b")
    )
    H = np.concatenate((a_f, reverse_in_time(a_b_reversed, lengths)))
    mask = np.arange(T_x) < lengths[:, None]
    keys = attention_keys(H, parameters["Wh"]) if attends(parameters) else None
    encoded = Encoded(H, lengths, mask, keys, summary_states(H, lengths))
    return encoded, BidirectionalCache(forward_cache, backward_cache, lengths)


# --- the decoder ----------------------------------------------------------------------------


def decoder_layer(parameters):
    """The decoder's state update as a recurrent layer: Wax = [Wsc, Wsy], Waa = Wss, ba = bs."""
    Wax = np.hstack((parameters["Wsc"], parameters["Wsy"]))
    return {"Wax": Wax, "Waa": parameters["Wss"], "ba": parameters["bs"]}


class DecoderStepCache(NamedTuple):
    """What the backward pass needs of one decoder step."""

    layer: tuple  # the LayerStepCache of the state update
    attention: object  # the AttentionCache, or None without attention


def decoder_step_forward(y_prev, s_prev, encoded, parameters, layer=None):
    """One decoder step: the context from s<t-1>, then s<t> = tanh(Wss s<t-1> + Wsc context + Wsy y<t-1> + bs).

    Arguments:
        y_prev -- the previous output y<t-1>, one-hot (n_y, m); zeros at the first step
        s_prev -- the previous state s<t-1>, (n_s, m)
        encoded -- the Encoded states of the m inputs
        parameters -- the encoder-decoder's parameters
        layer -- decoder_layer(parameters), if already made
    Returns:
        s -- the new state s<t>, (n_s, m)
        context -- context<t>, (n_h, m)
        alpha -- the attention weights alpha<t>, (m, T_x); None without attention
        cache -- DecoderStepCache
    """
    layer = decoder_layer(parameters) if layer is None else layer
    if encoded.keys is None:
        context, alpha, attention_cache = encoded.summary, None, None
    else:
        context, alpha, attention_cache = attention_step_forward(
            s_prev, encoded.H, encoded.keys, encoded.mask, parameters
        )
    s, layer_cache = rnn_layer_step_forward(np.concatenate((context, y_prev)), s_prev, layer)
    return s, context, alpha, DecoderStepCache(layer_cache, attention_cache)


def decoder_scores(s, context, parameters):
    """The output scores Wy [s<t>; context<t>] + by of one step, (n_y, m); softmax gives y_hat<t>."""
    return parameters["Wy"] @ np.concatenate((s, context)) + parameters["by"]


class EncoderDecoderCache(NamedTuple):
    """What encoder_decoder_backward needs from encoder_decoder_forward."""

    encoder: BidirectionalCache  # the encoder's layers
    encoded: Encoded  # the encoder's states, mask and keys
    layer: dict  # decoder_layer(parameters)
    steps: list  # T_y DecoderStepCache
    states: np.ndarray  # (n_s + n_h, m, T_y)  [s<t>; context<t>], what the output layer read
    parameters: dict  # the parameters of the forward pass


def encoder_decoder_forward(X, lengths, Y, parameters):
    """Encode X, decode T_y steps with teacher forcing (y<t-1> from Y), predict every y<t>.

    Arguments:
        X -- one-hot inputs, (n_x, m, T_x); the steps after each length are padding
        lengths -- (m,) the real steps of each column, in 1..T_x; None: all T_x
        Y -- one-hot targets, (n_y, m, T_y); also the decoder's previous outputs
        parameters -- dict of encoder_decoder_param_names(), with or without attention
    Returns:
        y_hat -- predicted distributions, (n_y, m, T_y)
        alphas -- attention weights, (m, T_y, T_x): alphas[j, t] is alpha<t> of example j;
            None without attention
        cache -- EncoderDecoderCache for encoder_decoder_backward
    """
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    known = check_encoder_decoder_parameters(parameters)
    check_shape("X", X, ("n_x", "m", "T_x"), known)
    check_shape("Y", Y, ("n_y", "m", "T_y"), known)
    lengths = check_lengths(lengths, X.shape[1], X.shape[2])
    encoded, encoder_cache = encode(X, lengths, parameters)
    layer = decoder_layer(parameters)
    (n_y, m, T_y), n_s = Y.shape, parameters["Wss"].shape[0]
    s, y_prev = np.zeros((n_s, m)), np.zeros((n_y, m))
    states = np.empty((n_s + encoded.H.shape[0], m, T_y))
    alphas = np.zeros((m, T_y, X.shape[2])) if attends(parameters) else None
    steps = []
    for t in range(T_y):
        s, context, alpha, step = decoder_step_forward(y_prev, s, encoded, parameters, layer)
        states[:n_s, :, t], states[n_s:, :, t] = s, context
        if alphas is not None:
            alphas[:, t] = alpha
        steps.append(step)
        y_prev = Y[:, :, t]
    y_hat = output_layer_forward(states, parameters["Wy"], parameters["by"])
    cache = EncoderDecoderCache(encoder_cache, encoded, layer, steps, states, parameters)
    return y_hat, alphas, cache


def _decoder_backward(dstates, cache):
    """BPTT through the decoder's steps; returns its gradients, those of the attention, and dH."""
    p, encoded = cache.parameters, cache.encoded
    n_s, n_h = p["Wss"].shape[0], encoded.H.shape[0]
    shapes = {"Wax": cache.layer["Wax"].shape, "Waa": p["Wss"].shape, "ba": p["bs"].shape}
    shapes |= {name: p[name].shape for name in ("Ws", "v") if attends(p)}
    g = {f"d{name}": np.zeros(shape) for name, shape in shapes.items()}
    dH, dkeys, dsummary = np.zeros(encoded.H.shape), 0.0, 0.0
    ds_next = np.zeros((n_s, encoded.H.shape[1]))
    for t in reversed(range(len(cache.steps))):
        step = rnn_layer_step_backward(
            dstates[:n_s, :, t] + ds_next, cache.steps[t].layer, cache.layer
        )
        dcontext = dstates[n_s:, :, t] + step.pop("dxt")[:n_h]
        ds_next = step.pop("da_prev")
        if cache.steps[t].attention is None:
            dsummary = dsummary + dcontext
        else:
            attention = attention_step_backward(dcontext, cache.steps[t].attention, p)
            ds_next = ds_next + attention.pop("ds_prev")
            dH += attention.pop("dH")
            dkeys = dkeys + attention.pop("dkeys")
            step |= attention
        for key, value in step.items():
            g[key] += value
    if attends(p):
        g["dWh"], dH_keys = attention_keys_backward(dkeys, encoded.H, p["Wh"])
        dH += dH_keys
    else:
        dH = summary_backward(dsummary, encoded.lengths, encoded.H.shape[2])
    dWax = g.pop("dWax")
    g["dWsc"], g["dWsy"] = dWax[:, :n_h], dWax[:, n_h:]
    g["dWss"], g["dbs"] = g.pop("dWaa"), g.pop("dba")
    return g, dH


def encoder_decoder_backward(Y, y_hat, cache):
    """Gradients of the summed cross-entropy -sum Y log(y_hat) for every parameter.

    The output layer gives the gradient of [s<t>; context<t>] at every step; backpropagation
    through the decoder's steps (each context also sending a gradient back through its attention
    to s<t-1> and to every h<i>) gives dH, and bidirectional_backward takes it through the
    encoder's two layers.

    Arguments:
        Y -- one-hot targets, (n_y, m, T_y); all-zero columns add nothing
        y_hat -- the predictions encoder_decoder_forward returned, (n_y, m, T_y)
        cache -- its EncoderDecoderCache
    Returns:
        dict with "d" + name for every parameter, each of its parameter's shape
    """
    p = cache.parameters
    dWy, dby, dstates = output_layer_backward(np.asarray(Y), y_hat, cache.states, p["Wy"])
    gradients, dH = _decoder_backward(dstates, cache)
    encoder = bidirectional_backward(dH, cache.encoder)
    gradients |= {f"d{name}": encoder[f"d{name}"] for name in ENCODER_PARAM_NAMES}
    gradients["dWy"], gradients["dby"] = dWy, dby
    return {f"d{name}": gradients[f"d{name}"] for name in encoder_decoder_param_names(attends(p))}


def encoder_decoder_loss_and_gradients(X, lengths, Y, parameters):
    """Summed cross-entropy of the encoder-decoder's predictions and every parameter's gradient.

    Arguments:
        X, lengths, Y, parameters -- as for encoder_decoder_forward
    Returns:
        loss -- a Python float, in nats, summed over the examples and the output steps
        gradients -- dict with "d" + name for every parameter
    """
    y_hat, _, cache = encoder_decoder_forward(X, lengths, Y, parameters)
    return compute_loss(y_hat, Y), encoder_decoder_backward(Y, y_hat, cache)
