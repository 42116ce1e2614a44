"""A bidirectional RNN: one layer reads the sequence forwards, another backwards, both feed the output.

    a_f<t> = tanh(Waa_f a_f<t-1> + Wax_f x<t> + ba_f)      t = 1 .. T    (the past and x<t>)
    a_b<t> = tanh(Waa_b a_b<t+1> + Wax_b x<t> + ba_b)      t = T .. 1    (the future and x<t>)
    y_hat<t> = softmax(Wy [a_f<t>; a_b<t>] + by)

The backward layer is an ordinary recurrent layer (rnn_layer.py) run on the time-reversed
sequence; its states are reversed back into time order before the two are stacked, forward
states on top, so Wy (n_y, 2 n_a) has the forward layer's columns first. Names in a batch have
different lengths: each column is reversed within its own length (reverse_in_time), so the
backward layer of every name starts at that name's last character, not in its padding.
Both layers start from the same a0, and the parameters are one flat dict: Wax_f, Waa_f, ba_f,
Wax_b, Waa_b, ba_b, Wy, by.
"""

from typing import NamedTuple

import numpy as np

from ..validation import check_integer, check_parameters, check_sequence
from .rnn_layer import (
    LAYER_PARAM_NAMES,
    LAYER_PARAM_SYMBOLS,
    initialize_rnn_layer,
    rnn_layer_backward,
    rnn_layer_forward,
)
from .shared import loss_and_gradients, output_layer_forward

#: The two directions: "f" reads forwards in time, "b" backwards.
DIRECTIONS = ("f", "b")

#: The parameters of a bidirectional RNN, in a fixed order.
BIDIRECTIONAL_PARAM_NAMES = (
    *(f"{name}_{d}" for d in DIRECTIONS for name in LAYER_PARAM_NAMES),
    "Wy",
    "by",
)

_SYMBOLS = {
    **{f"{name}_{d}": LAYER_PARAM_SYMBOLS[name] for d in DIRECTIONS for name in LAYER_PARAM_NAMES},
    "Wy": ("n_y", "2 n_a"),
    "by": ("n_y", "1"),
}


def initialize_bidirectional_parameters(n_a, n_x, n_y, rng=None):
    """Parameters of a bidirectional RNN, W ~ N(0, 1) / sqrt(fan-in) (see initialize_rnn_layer).

    Arguments:
        n_a -- hidden units of each direction
        n_x, n_y -- sizes of an input and of an output vector
        rng -- a numpy Generator, or a seed for one; None draws fresh entropy
    Returns:
        dict of BIDIRECTIONAL_PARAM_NAMES: Wax_d (n_a, n_x), Waa_d (n_a, n_a), ba_d (n_a, 1) for
        d = f, b, then Wy (n_y, 2 n_a), by (n_y, 1)
    """
    check_integer("n_y", n_y)
    rng = np.random.default_rng(rng)
    parameters = {}
    for d in DIRECTIONS:
        layer = initialize_rnn_layer(n_a, n_x, rng)
        parameters.update({f"{name}_{d}": value for name, value in layer.items()})
    parameters["Wy"] = rng.standard_normal((n_y, 2 * n_a)) / np.sqrt(2 * n_a)
    parameters["by"] = np.zeros((n_y, 1))
    return parameters


def check_bidirectional_parameters(parameters):
    """Check the parameter dict; return the sizes it fixes (Wy's width must be 2 n_a)."""
    known = check_parameters(parameters, _SYMBOLS)
    n_a = known["n_a"][0]
    if known["2 n_a"][0] != 2 * n_a:
        raise ValueError(
            f"Wy must be (n_y, 2 n_a) with n_a={n_a} from Wax_f; got {parameters['Wy'].shape}"
        )
    return known


def direction_parameters(parameters, direction):
    """One direction's layer ("f" or "b") under the layer's own names Wax, Waa, ba."""
    return {name: parameters[f"{name}_{direction}"] for name in LAYER_PARAM_NAMES}


def check_lengths(lengths, m, T_x):
    """The lengths as an int array, all T_x when None; ValueError unless each is in 1..T_x."""
    if lengths is None:
        return np.full(m, T_x)
    lengths = np.asarray(lengths)
    if lengths.shape != (m,) or not np.issubdtype(lengths.dtype, np.integer):
        raise ValueError(f"lengths must be (m,) integers with m={m}; got {lengths!r}")
    if lengths.min() < 1 or lengths.max() > T_x:
        raise ValueError(f"lengths must lie in 1..T_x={T_x}; got {lengths.tolist()}")
    return lengths


def reverse_in_time(x, lengths):
    """Reverse each column's first lengths[j] steps; the padding after them stays where it is.

    Step t < L_j of column j becomes step L_j - 1 - t. Reversing twice gives x back.

    Arguments:
        x -- (n, m, T_x) array
        lengths -- (m,) integers in 1..T_x
    Returns:
        a new (n, m, T_x) array
    """
    T_x = x.shape[2]
    steps = np.arange(T_x)
    source = np.where(steps < lengths[:, None], lengths[:, None] - 1 - steps, steps)  # (m, T_x)
    return np.take_along_axis(x, source[None, :, :], axis=2)


class BidirectionalCache(NamedTuple):
    """What bidirectional_backward needs from bidirectional_forward."""

    forward: tuple  # the forward layer's LayerCache
    backward: tuple  # the backward layer's LayerCache (its inputs and states in reversed time)
    lengths: np.ndarray  # (m,) the length of each column


def bidirectional_forward(X, a0, parameters, lengths=None):
    """Run both directions and the output layer: y_hat<t> = softmax(Wy [a_f<t>; a_b<t>] + by).

    Arguments:
        X -- inputs, (n_x, m, T_x)
        a0 -- initial hidden state of both layers, (n_a, m)
        parameters -- dict of BIDIRECTIONAL_PARAM_NAMES
        lengths -- (m,) length of each column (its steps after that are padding); None: all T_x
    Returns:
        a -- the stacked states [a_f; a_b] in time order, (2 n_a, m, T_x)
        y_hat -- predicted distributions, (n_y, m, T_x)
        caches -- BidirectionalCache for bidirectional_backward
    """
    X, a0 = np.asarray(X), np.asarray(a0)
    check_sequence(X, a0, check_bidirectional_parameters(parameters))
    lengths = check_lengths(lengths, X.shape[1], X.shape[2])
    a_f, forward_cache = rnn_layer_forward(X, a0, direction_parameters(parameters, "f"))
    reversed_X = reverse_in_time(X, lengths)
    a_b_reversed, backward_cache = rnn_layer_forward(
        reversed_X, a0, direction_parameters(parameters, "b")
    )
    a = np.concatenate((a_f, reverse_in_time(a_b_reversed, lengths)))
    y_hat = output_layer_forward(a, parameters["Wy"], parameters["by"])
    return a, y_hat, BidirectionalCache(forward_cache, backward_cache, lengths)


def bidirectional_backward(da, caches):
    """Backpropagation through both directions, given the gradient of the stacked states.

    The top n_a rows of da go to the forward layer as they are; the bottom n_a rows are
    reversed in time (as the backward layer saw its steps), sent through rnn_layer_backward, and
    its dx is reversed back. dx and da0 add the two layers' shares.

    Arguments:
        da -- gradient of the loss with respect to [a_f; a_b], (2 n_a, m, T_x)
        caches -- the BidirectionalCache of bidirectional_forward
    Returns:
        dict of dWax_d, dWaa_d, dba_d for d = f, b, dx (n_x, m, T_x) and da0 (n_a, m)
    """
    n_a = caches.forward.a0.shape[0]
    da = np.asarray(da)
    forward = rnn_layer_backward(da[:n_a], caches.forward)
    backward = rnn_layer_backward(reverse_in_time(da[n_a:], caches.lengths), caches.backward)
    gradients = {}
    for d, layer_gradients in (("f", forward), ("b", backward)):
        gradients.update(
            {f"d{name}_{d}": layer_gradients[f"d{name}"] for name in LAYER_PARAM_NAMES}
        )
    gradients["dx"] = forward["dx"] + reverse_in_time(backward["dx"], caches.lengths)
    gradients["da0"] = forward["da0"] + backward["da0"]
    return gradients


def bidirectional_loss_and_gradients(X, Y, a0, parameters, lengths=None):
    """Summed cross-entropy of the bidirectional RNN's predictions and every gradient.

    Arguments:
        X, Y -- inputs and true distributions, (n_x, m, T_x) and (n_y, m, T_x); all-zero
            columns of Y add nothing
        a0 -- initial hidden state of both layers, (n_a, m)
        parameters -- dict of BIDIRECTIONAL_PARAM_NAMES
        lengths -- (m,) length of each column; None: all T_x
    Returns:
        loss -- a Python float
        gradients -- dict with "d" + name for every parameter, and dx, da0
    """

    def forward(X, a0, parameters):
        return bidirectional_forward(X, a0, parameters, lengths)

    return loss_and_gradients(forward, bidirectional_backward, X, Y, a0, parameters)
