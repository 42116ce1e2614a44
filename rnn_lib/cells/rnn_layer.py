"""A recurrent layer on its own: the vanilla RNN's state update, without an output layer.

    a<t> = tanh(Waa a<t-1> + Wax x<t> + ba)

rnn_forward and rnn_backward (cells/rnn.py) fuse this update with the output layer and return
no gradient for their inputs X. A layer that feeds another layer (stacked.py), that reads
embedded inputs (embedding.py) or that runs backwards in time (bidirectional.py) needs the
update alone: rnn_layer_backward takes the upstream gradient of every state, da (n_a, m, T_x),
as lstm_backward does, and returns the gradient of the inputs, dx, as well. The parameters are
named as the vanilla RNN's: Wax (n_a, n_x), Waa (n_a, n_a), ba (n_a, 1).
"""

from typing import NamedTuple

import numpy as np

from ..validation import check_integer, check_parameters, check_sequence, check_shape

#: The parameters of a recurrent layer, in a fixed order; the gradient of ``name`` is "d" + name.
LAYER_PARAM_NAMES = ("Wax", "Waa", "ba")

#: Each parameter's shape, in the symbols the notebooks use.
LAYER_PARAM_SYMBOLS = {"Wax": ("n_a", "n_x"), "Waa": ("n_a", "n_a"), "ba": ("n_a", "1")}


def initialize_rnn_layer(n_a, n_x, rng=None):
    """Random weights scaled by their fan-in and a zero bias: W ~ N(0, 1) / sqrt(fan-in), ba = 0.

    Wax ~ N(0, 1) / sqrt(n_x) and Waa ~ N(0, 1) / sqrt(n_a) keep every pre-activation's variance
    near 1 whatever the sizes, as the gated cells start. The one-layer RNN of cells/rnn.py starts
    at 0.01 N(0, 1) instead; in a stack, such small weights would shrink the signal by about 100
    at every layer (and the gradient on its way down), and the stack learns far more slowly.

    Arguments:
        n_a -- number of hidden units
        n_x -- size of an input vector (the vocabulary, or the units of the layer below)
        rng -- a numpy Generator, or a seed for one; None draws fresh entropy
    Returns:
        dict with Wax (n_a, n_x), Waa (n_a, n_a), ba (n_a, 1)
    """
    check_integer("n_a", n_a)
    check_integer("n_x", n_x)
    rng = np.random.default_rng(rng)
    return {
        "Wax": rng.standard_normal((n_a, n_x)) / np.sqrt(n_x),
        "Waa": rng.standard_normal((n_a, n_a)) / np.sqrt(n_a),
        "ba": np.zeros((n_a, 1)),
    }


def check_layer_parameters(parameters):
    """Check a layer's parameter dict; return the sizes it fixes, {symbol: (size, source)}."""
    return check_parameters(parameters, LAYER_PARAM_SYMBOLS)


# --- one step -------------------------------------------------------------------------------


class LayerStepCache(NamedTuple):
    """What rnn_layer_step_backward needs of a step: its new state, the old one, its input."""

    a_next: np.ndarray  # (n_a, m)
    a_prev: np.ndarray  # (n_a, m)
    xt: np.ndarray  # (n_x, m), or the layer below's state (n_a, m)


def rnn_layer_step_forward(xt, a_prev, parameters):
    """One step of the layer: a_next = tanh(Waa a_prev + Wax xt + ba).

    Arguments:
        xt -- input of this step, (n_x, m)
        a_prev -- hidden state of the previous step, (n_a, m)
        parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), ba (n_a, 1)
    Returns:
        a_next -- new hidden state, (n_a, m)
        cache -- LayerStepCache(a_next, a_prev, xt) for rnn_layer_step_backward
    """
    p = parameters
    a_next = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"])
    return a_next, LayerStepCache(a_next, a_prev, xt)


def rnn_layer_step_backward(da_next, cache, parameters):
    """Gradients of one step, given the whole gradient arriving at its state a_next.

    With dz = (1 - a_next^2) * da_next (the gradient of Waa a_prev + Wax xt + ba):
        dWax = dz xt^T    dWaa = dz a_prev^T    dba = sum over the batch of dz
        dxt = Wax^T dz    da_prev = Waa^T dz

    Arguments:
        da_next -- gradient of the loss with respect to a_next, (n_a, m): from the layer's own
            output (or the layer above) plus what came back from the next step
        cache -- the LayerStepCache of rnn_layer_step_forward
        parameters -- the dict given to rnn_layer_step_forward
    Returns:
        dict of dxt (n_x, m), da_prev (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1)
    """
    a_next, a_prev, xt = cache
    dz = (1.0 - a_next**2) * da_next
    return {
        "dxt": parameters["Wax"].T @ dz,
        "da_prev": parameters["Waa"].T @ dz,
        "dWax": dz @ xt.T,
        "dWaa": dz @ a_prev.T,
        "dba": dz.sum(axis=1, keepdims=True),
    }


# --- a sequence -----------------------------------------------------------------------------


class LayerCache(NamedTuple):
    """What rnn_layer_backward needs from rnn_layer_forward."""

    x: np.ndarray  # (n_x, m, T_x)  the inputs
    a0: np.ndarray  # (n_a, m)  the initial state
    a: np.ndarray  # (n_a, m, T_x)  the states it produced
    parameters: dict  # the parameters of the forward pass

    def step(self, t):
        """The LayerStepCache of step t, as rnn_layer_step_forward returned it."""
        a_prev = self.a0 if t == 0 else self.a[:, :, t - 1]
        return LayerStepCache(self.a[:, :, t], a_prev, self.x[:, :, t])


def rnn_layer_forward(x, a0, parameters):
    """Run the layer over T_x steps: a<t> = tanh(Waa a<t-1> + Wax x<t> + ba), from a<0> = a0.

    Arguments:
        x -- inputs, (n_x, m, T_x); x[:, :, t] is step t
        a0 -- initial hidden state, (n_a, m)
        parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), ba (n_a, 1)
    Returns:
        a -- hidden states, (n_a, m, T_x)
        cache -- LayerCache for rnn_layer_backward
    """
    x, a0 = np.asarray(x), np.asarray(a0)
    check_sequence(x, a0, check_layer_parameters(parameters))
    a = np.empty((a0.shape[0], x.shape[1], x.shape[2]))
    a_prev = a0
    for t in range(x.shape[2]):
        a_prev, _ = rnn_layer_step_forward(x[:, :, t], a_prev, parameters)
        a[:, :, t] = a_prev
    return a, LayerCache(x, a0, a, parameters)


def rnn_layer_backward(da, cache):
    """Backpropagation through time for the layer, given the upstream gradient of every a<t>.

    Going backwards from t = T_x - 1 with da_next = 0, step t receives da<t> + da_next, and
    rnn_layer_step_backward gives its gradients and the da_next of step t - 1. Each weight's
    gradient sums its per-step terms; dx<t> is step t's dxt; da0 is what reaches a<0>.

    Arguments:
        da -- gradient of the loss with respect to the states, (n_a, m, T_x): from an output
            layer (output_layer_backward's da) or from the layer above (its dx)
        cache -- the LayerCache of rnn_layer_forward
    Returns:
        dict of dx (n_x, m, T_x), da0 (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1)
    """
    p = cache.parameters
    known = check_layer_parameters(p)
    check_sequence(cache.x, cache.a0, known)
    check_shape("da", da, ("n_a", "m", "T_x"), known)
    gradients = {f"d{name}": np.zeros_like(p[name], dtype=float) for name in LAYER_PARAM_NAMES}
    dx = np.empty(cache.x.shape)
    da_next = np.zeros(cache.a0.shape)
    for t in reversed(range(cache.x.shape[2])):
        step = rnn_layer_step_backward(da[:, :, t] + da_next, cache.step(t), p)
        dx[:, :, t] = step.pop("dxt")
        da_next = step.pop("da_prev")
        for key, value in step.items():
            gradients[key] += value
    return {"dx": dx, "da0": da_next, **gradients}
