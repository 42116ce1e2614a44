"""A stacked (deep) RNN: D = n_layers recurrent layers, each one's states the next one's inputs.

    a[1]<t> = tanh(Waa1 a[1]<t-1> + Wax1 x<t>    + ba1)
    a[l]<t> = tanh(Waal a[l]<t-1> + Waxl a[l-1]<t> + bal)      for l = 2 .. D
    y_hat<t> = softmax(Wy a[D]<t> + by)

Every layer has n_a units; layer 1 reads the inputs (Wax1 is (n_a, n_x)), layer l > 1 reads
the states of layer l - 1 (Waxl is (n_a, n_a)). The output layer reads the top layer only. The
parameters are one flat dict: the layer's names with its number appended (Wax1, Waa1, ba1, Wax2,
...), then Wy (n_y, n_a) and by (n_y, 1). Every layer starts from the same a0. With D = 1 this
computes the vanilla RNN of cells/rnn.py (the output layer named Wy, by instead of Wya, by),
though its weights start at another scale (see initialize_rnn_layer).

The backward pass runs the output layer's backward, then rnn_layer_backward from the top layer
down: each layer's dx is the da of the layer below it (notebook 10).
"""

from typing import NamedTuple

import numpy as np

from ..validation import check_integer, check_parameters, check_sequence
from .registry import Cell
from .rnn_layer import (
    LAYER_PARAM_NAMES,
    LAYER_PARAM_SYMBOLS,
    initialize_rnn_layer,
    rnn_layer_backward,
    rnn_layer_forward,
)
from .shared import loss_and_gradients, output_layer_forward


def stacked_param_names(n_layers):
    """The parameters of an n_layers-deep stack, in order: Wax1, Waa1, ba1, ..., Wy, by."""
    check_integer("n_layers", n_layers)
    names = [f"{name}{layer}" for layer in range(1, n_layers + 1) for name in LAYER_PARAM_NAMES]
    return (*names, "Wy", "by")


def count_layers(parameters):
    """How many layers a stacked parameter dict holds: the number of Wax<l> keys."""
    layers = 0
    while f"Wax{layers + 1}" in parameters:
        layers += 1
    if layers == 0:
        raise ValueError("parameters must hold a stacked RNN's Wax1, Waa1, ba1, ..., Wy, by")
    return layers


def check_stacked_parameters(parameters):
    """Check a stack's parameters; return the sizes they fix (n_x from Wax1, n_a, n_y)."""
    if not isinstance(parameters, dict):
        raise ValueError(f"parameters must be a dict; got {type(parameters).__name__}")
    symbols = {}
    for layer in range(1, count_layers(parameters) + 1):
        for name, shape in LAYER_PARAM_SYMBOLS.items():
            reads_below = layer > 1 and name == "Wax"
            symbols[f"{name}{layer}"] = ("n_a", "n_a") if reads_below else shape
    symbols["Wy"] = ("n_y", "n_a")
    symbols["by"] = ("n_y", "1")
    return check_parameters(parameters, symbols)


def initialize_stacked_parameters(n_a, n_x, n_y, n_layers=2, rng=None):
    """Parameters of an n_layers-deep stack, W ~ N(0, 1) / sqrt(fan-in) (see initialize_rnn_layer).

    Arguments:
        n_a -- hidden units of every layer
        n_x, n_y -- sizes of an input and of an output vector
        n_layers -- how many recurrent layers, D
        rng -- a numpy Generator, or a seed for one; None draws fresh entropy
    Returns:
        dict of stacked_param_names(n_layers): Wax1 (n_a, n_x), Waxl (n_a, n_a) for l > 1,
        Waal (n_a, n_a), bal (n_a, 1), Wy (n_y, n_a), by (n_y, 1)
    """
    check_integer("n_y", n_y)
    check_integer("n_layers", n_layers)
    rng = np.random.default_rng(rng)
    parameters = {}
    for layer in range(1, n_layers + 1):
        layer_parameters = initialize_rnn_layer(n_a, n_x if layer == 1 else n_a, rng)
        parameters.update({f"{name}{layer}": value for name, value in layer_parameters.items()})
    parameters["Wy"] = rng.standard_normal((n_y, n_a)) / np.sqrt(n_a)
    parameters["by"] = np.zeros((n_y, 1))
    return parameters


def layer_parameters(parameters, layer):
    """The parameters of one layer (1 = the bottom one), under the layer's own names Wax, Waa, ba."""
    return {name: parameters[f"{name}{layer}"] for name in LAYER_PARAM_NAMES}


class StackedCache(NamedTuple):
    """What stacked_backward needs from stacked_forward: each layer's LayerCache, bottom first."""

    layers: tuple  # of LayerCache, one per layer


def stacked_forward(X, a0, parameters):
    """Run the stack over T_x steps (equations in the module); every layer starts from a0.

    Arguments:
        X -- inputs, (n_x, m, T_x)
        a0 -- initial hidden state of every layer, (n_a, m)
        parameters -- dict of stacked_param_names(n_layers)
    Returns:
        a -- hidden states of the top layer, (n_a, m, T_x)
        y_hat -- predicted distributions, (n_y, m, T_x)
        caches -- StackedCache for stacked_backward
    """
    X, a0 = np.asarray(X), np.asarray(a0)
    check_sequence(X, a0, check_stacked_parameters(parameters))
    inputs, layers = X, []
    for layer in range(1, count_layers(parameters) + 1):
        inputs, cache = rnn_layer_forward(inputs, a0, layer_parameters(parameters, layer))
        layers.append(cache)
    y_hat = output_layer_forward(inputs, parameters["Wy"], parameters["by"])
    return inputs, y_hat, StackedCache(tuple(layers))


def stacked_backward(da, caches):
    """Backpropagation through the stack, given the gradient of the top layer's states.

    From the top layer down: rnn_layer_backward(da, layer's cache); its dx becomes the da of
    the layer below. Every layer starts from a0, so da0 is the sum of the layers' da0.

    Arguments:
        da -- gradient of the loss with respect to the top layer's states, (n_a, m, T_x), e.g.
            the da of output_layer_backward
        caches -- the StackedCache of stacked_forward
    Returns:
        dict of dWaxl, dWaal, dbal for every layer l, dx (n_x, m, T_x) and da0 (n_a, m)
    """
    gradients, da0 = {}, 0.0
    for layer in range(len(caches.layers), 0, -1):
        layer_gradients = rnn_layer_backward(da, caches.layers[layer - 1])
        da = layer_gradients.pop("dx")
        da0 = da0 + layer_gradients.pop("da0")
        gradients.update({f"{key}{layer}": value for key, value in layer_gradients.items()})
    return {**gradients, "dx": da, "da0": da0}


def stacked_loss_and_gradients(X, Y, a0, parameters):
    """Summed cross-entropy of the stack's predictions and its gradient for every parameter.

    Arguments:
        X, Y -- inputs and true distributions, (n_x, m, T_x) and (n_y, m, T_x); all-zero
            columns of Y are padding
        a0 -- initial hidden state of every layer, (n_a, m)
        parameters -- dict of stacked_param_names(n_layers)
    Returns:
        loss -- a Python float
        gradients -- dict with "d" + name for every parameter, and dx, da0
    """
    return loss_and_gradients(stacked_forward, stacked_backward, X, Y, a0, parameters)


def _stacked_step(indices, state, parameters):
    """One character for a batch of names, every layer advanced (see registry.Cell.step)."""
    new_state, below = [], None
    for layer, a in enumerate(state, start=1):
        p = layer_parameters(parameters, layer)
        if layer > 1:
            x_term = p["Wax"] @ below
        else:  # one-hot inputs given by their indices; None: the zero vector
            x_term = 0.0 if indices is None else p["Wax"][:, indices]
        below = np.tanh(p["Waa"] @ a + x_term + p["ba"])
        new_state.append(below)
    return tuple(new_state), parameters["Wy"] @ below + parameters["by"]


def stacked_cell(n_layers):
    """The stack of n_layers layers as a Cell, for train, evaluate, sampling and decoding.

    For example rnn_lib.train(names, cell=stacked_cell(2), hidden=63); rnn_lib.evaluate,
    sample_names and the decoders take the same Cell.
    """
    check_integer("n_layers", n_layers)
    return Cell(
        stacked_param_names(n_layers),
        lambda n_a, n_x, n_y, rng=None: initialize_stacked_parameters(n_a, n_x, n_y, n_layers, rng),
        check_stacked_parameters,
        lambda X, a0, parameters: stacked_forward(X, a0, parameters)[1],
        stacked_loss_and_gradients,
        _stacked_step,
        n_layers,
        f"stacked{n_layers}",
    )
