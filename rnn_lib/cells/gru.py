"""The GRU: one step (the cell) and a whole sequence, forward and backward.

The gates read the stacked input [a_prev; xt] of shape (n_a + n_x, m):
    u = sigma(Wu [a_prev; xt] + bu)           update gate: how much of the candidate to take
    r = sigma(Wr [a_prev; xt] + br)           relevance (reset) gate: how much of a_prev the
                                              candidate may see
    c~ = tanh(Wc [r * a_prev; xt] + bc)       candidate hidden state (* is elementwise)
    a = u * c~ + (1 - u) * a_prev             the new hidden state
    y_hat = softmax(Wy a + by)
The relevance gate acts before the matrix product (PyTorch's GRU applies it after). Notebook 08
builds gru_cell_forward. gru_forward and gru_backward are the loops over the cell functions;
when rnn_lib._fast.enabled is true (the default) they hand the same work to rnn_lib._fast.gru,
which stacks the gates and hoists the input and output products out of the time loop.
"""

from typing import NamedTuple

import numpy as np

from .. import _fast
from ..activations import sigmoid
from ..validation import as_parameter_arrays, check_shape
from .gated import (
    check_gated_parameters,
    check_gated_sequence,
    gated_param_symbols,
    initialize_gated_parameters,
)
from .shared import TimeMajorCache, loss_and_gradients, output_layer_forward

#: Each parameter's shape in the notebooks' symbols: gate weights and biases, then Wy, by.
GRU_PARAM_SYMBOLS = gated_param_symbols(("u", "r", "c"))
#: The GRU's parameters in one fixed order (gates first, then the output layer).
GRU_PARAM_NAMES = tuple(GRU_PARAM_SYMBOLS)
#: The parameters gru_backward gives gradients for: the gates' (the output layer's are separate).
GRU_GATE_NAMES = GRU_PARAM_NAMES[:-2]


def initialize_gru_parameters(n_a, n_x, n_y, rng=None):
    """GRU parameters: W ~ N(0, 1) / sqrt(fan-in), bu = -1, the other biases 0.

    The update-gate bias starts at -1 so that u = sigma(-1 + ...) ~ 0.27: at first each step
    keeps most of the previous state, a = 0.73 a_prev + 0.27 c~, and the gradient through a
    decays slowly over time; the GRU's counterpart of the LSTM's forget-gate bias of 1.

    Arguments:
        n_a -- number of hidden units
        n_x -- size of an input vector
        n_y -- size of an output distribution
        rng -- a numpy Generator, or a seed for one; None draws fresh entropy
    Returns:
        dict with Wu, Wr, Wc (n_a, n_a + n_x), bu, br, bc (n_a, 1), Wy (n_y, n_a), by (n_y, 1)
    """
    return initialize_gated_parameters(("u", "r", "c"), {"u": -1.0}, n_a, n_x, n_y, rng)


class GRUCellCache(NamedTuple):
    """What gru_cell_backward needs from gru_cell_forward."""

    a_next: np.ndarray  # (n_a, m)  hidden state this step produced
    a_prev: np.ndarray  # (n_a, m)  hidden state it started from
    u: np.ndarray  # (n_a, m)  update gate
    r: np.ndarray  # (n_a, m)  relevance gate
    cc: np.ndarray  # (n_a, m)  candidate c~
    xt: np.ndarray  # (n_x, m)  input of this step
    parameters: dict  # the parameters of the forward pass


def gru_cell_forward(xt, a_prev, parameters):
    """One GRU step: a_next = u * c~ + (1 - u) * a_prev (see the module).

    Arguments:
        xt -- input of this step, (n_x, m)
        a_prev -- hidden state of the previous step, (n_a, m)
        parameters -- dict of GRU_PARAM_NAMES: Wu, Wr, Wc (n_a, n_a + n_x), bu, br, bc (n_a, 1),
            Wy (n_y, n_a), by (n_y, 1)
    Returns:
        a_next -- new hidden state, (n_a, m)
        yt_pred -- predicted distribution, (n_y, m); each column sums to 1
        cache -- GRUCellCache for gru_cell_backward
    """
    known = check_gated_parameters(parameters, GRU_PARAM_SYMBOLS)
    check_shape("xt", xt, ("n_x", "m"), known)
    check_shape("a_prev", a_prev, ("n_a", "m"), known)
    p = parameters
    stacked = np.concatenate((a_prev, xt))  # [a_prev; xt], (n_a + n_x, m)
    u = sigmoid(p["Wu"] @ stacked + p["bu"])
    r = sigmoid(p["Wr"] @ stacked + p["br"])
    cc = np.tanh(p["Wc"] @ np.concatenate((r * a_prev, xt)) + p["bc"])
    a_next = u * cc + (1.0 - u) * a_prev
    yt_pred = output_layer_forward(a_next, p["Wy"], p["by"])  # softmax(Wy a_next + by)
    return a_next, yt_pred, GRUCellCache(a_next, a_prev, u, r, cc, xt, parameters)


def gru_cell_backward(da_next, cache):
    """Gradients of one GRU step, given the gradient arriving at a_next.

    Write Wc = [Wca, Wcx] (the a_prev and xt columns). The pre-activation gradients are
        dz_u = da_next * (c~ - a_prev) * u (1 - u)      dz_c = da_next * u * (1 - c~^2)
        dz_r = (Wca^T dz_c) * a_prev * r (1 - r)
    then dWu = dz_u [a_prev; xt]^T, dWr = dz_r [a_prev; xt]^T, dWc = dz_c [r * a_prev; xt]^T,
    each db the sum over the batch of its dz, and
        [da_prev; dxt] = Wu^T dz_u + Wr^T dz_r + [r * (Wca^T dz_c) + (1 - u) * da_next; Wcx^T dz_c].

    Arguments:
        da_next -- gradient of the loss with respect to a_next, (n_a, m)
        cache -- the GRUCellCache from gru_cell_forward
    Returns:
        dict of dxt (n_x, m), da_prev (n_a, m), and dWu, dbu, dWr, dbr, dWc, dbc in the
        parameters' shapes
    """
    a_next, a_prev, u, r, cc, xt, p = cache
    known = check_gated_parameters(p, GRU_PARAM_SYMBOLS)
    check_shape("cache.a_next", a_next, ("n_a", "m"), known)
    check_shape("da_next", da_next, ("n_a", "m"), known)
    n_a = a_prev.shape[0]
    dz_u = da_next * (cc - a_prev) * u * (1.0 - u)
    dz_c = da_next * u * (1.0 - cc**2)
    d_stacked_c = p["Wc"].T @ dz_c  # gradient of [r * a_prev; xt]
    dz_r = d_stacked_c[:n_a] * a_prev * r * (1.0 - r)
    stacked = np.concatenate((a_prev, xt))
    d_stacked = p["Wu"].T @ dz_u + p["Wr"].T @ dz_r
    d_stacked[:n_a] += r * d_stacked_c[:n_a] + (1.0 - u) * da_next
    d_stacked[n_a:] += d_stacked_c[n_a:]
    return {
        "dxt": d_stacked[n_a:],
        "da_prev": d_stacked[:n_a],
        "dWu": dz_u @ stacked.T,
        "dbu": dz_u.sum(axis=1, keepdims=True),
        "dWr": dz_r @ stacked.T,
        "dbr": dz_r.sum(axis=1, keepdims=True),
        "dWc": dz_c @ np.concatenate((r * a_prev, xt)).T,
        "dbc": dz_c.sum(axis=1, keepdims=True),
    }


class GRUCache(TimeMajorCache):
    """What gru_backward needs from gru_forward, in the shared layout (see TimeMajorCache).

    Besides TimeMajorCache's x, states, y_hat and parameters:
        gates -- c~, u, r of every step side by side, time-major rows (T_x, m, 3 n_a)
        reset_states -- r * a_prev of every step, (T_x, m, n_a)
    ``step(t)`` (or ``caches[t]``) gives step t's GRUCellCache.
    """

    __slots__ = ("gates", "reset_states")
    cell_forward = staticmethod(gru_cell_forward)
    cell_backward = staticmethod(gru_cell_backward)
    fast = _fast.gru
    gate_names = GRU_GATE_NAMES

    def __init__(self, x, parameters, states, y_hat, gates, reset_states):
        super().__init__(x, parameters, states, y_hat)
        self.gates, self.reset_states = gates, reset_states

    @classmethod
    def from_steps(cls, x, steps, predictions, parameters):
        """One cache from what gru_cell_forward returned, step by step.

        steps are its GRUCellCaches, predictions its yt_pred, (n_y, m) each.
        """
        states = cls.rows([steps[0].a_prev] + [s.a_next for s in steps])
        gates = cls.rows([np.concatenate((s.cc, s.u, s.r)) for s in steps])
        reset_states = cls.rows([s.r * s.a_prev for s in steps])
        return cls(x, parameters, states, np.stack(predictions, axis=1), gates, reset_states)

    def step(self, t):
        """The GRUCellCache of step t, as gru_cell_forward would have returned it."""
        cc, u, r = np.split(self.gates[t].T, 3)
        a, xt = self.states, self.x[:, :, t]
        return GRUCellCache(a[t + 1].T, a[t].T, u, r, cc, xt, self.parameters)


def gru_forward(x, a0, parameters):
    """Run the GRU over T_x steps from a0 (equations in the module).

    Arguments:
        x -- the inputs, (n_x, m, T_x);  a0 -- the initial state, (n_a, m)
        parameters -- dict of GRU_PARAM_NAMES (see gru_cell_forward)
    Returns:
        a (n_a, m, T_x), y (n_y, m, T_x) -- the states and the predicted distributions
        caches -- the GRUCache gru_backward needs
    """
    x, a0, parameters = np.asarray(x), np.asarray(a0), as_parameter_arrays(parameters)
    check_gated_sequence(x, a0, parameters, GRU_PARAM_SYMBOLS)
    caches = GRUCache.unrolled(x, (a0,), parameters)
    return caches.a, caches.predictions, caches


def gru_backward(da, caches):
    """Backpropagation through time for the GRU, given the upstream gradient of every a<t>.

    Going backwards from t = T_x - 1 with da_next = 0, step t receives da<t> + da_next, and
    gru_cell_backward's equations give its gate pre-activation gradients and the next da_next
    (its da_prev). Each weight's gradient sums its per-step terms; dx<t> is the xt part of
    step t.

    Arguments:
        da -- gradient of the loss with respect to the hidden states, (n_a, m, T_x), for example
            the da of output_layer_backward
        caches -- the GRUCache from gru_forward
    Returns:
        dict of dx (n_x, m, T_x), da0 (n_a, m), and dWu, dbu, dWr, dbr, dWc, dbc in the
        parameters' shapes
    """
    known = check_gated_sequence(caches.x, caches.a0, caches.parameters, GRU_PARAM_SYMBOLS)
    check_shape("da", da, ("n_a", "m", "T_x"), known)
    return caches.backward(np.asarray(da))


def gru_loss_and_gradients(X, Y, a0, parameters):
    """The GRU's summed cross-entropy on X and Y from a0, and its gradients.

    The gradients are dx, da0 and one per name of GRU_PARAM_NAMES, computed as for the LSTM:
    shared.loss_and_gradients with gru_forward and gru_backward.
    """
    return loss_and_gradients(gru_forward, gru_backward, X, Y, a0, parameters)
