"""The LSTM: one step (the cell) and a whole sequence, forward and backward.

Every gate reads the stacked input [a_prev; xt] of shape (n_a + n_x, m):
    f = sigma(Wf [a_prev; xt] + bf)        forget gate: how much of c_prev to keep
    i = sigma(Wi [a_prev; xt] + bi)        input (update) gate: how much of the candidate to add
    c~ = tanh(Wc [a_prev; xt] + bc)        candidate cell state
    c = f * c_prev + i * c~                the new cell state (* is elementwise)
    o = sigma(Wo [a_prev; xt] + bo)        output gate
    a = o * tanh(c)                        the new hidden state
    y_hat = softmax(Wy a + by)
The cell state starts at zero. Notebook 08 builds lstm_cell_forward. lstm_forward and
lstm_backward are the loops over the cell functions; when rnn_lib._fast.enabled is true (the
default) they hand the same work to rnn_lib._fast.lstm, which stacks the four gates into one
weight and hoists the input and output products out of the time loop.
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
LSTM_PARAM_SYMBOLS = gated_param_symbols(("f", "i", "c", "o"))
#: The LSTM's parameters in one fixed order (gates first, then the output layer).
LSTM_PARAM_NAMES = tuple(LSTM_PARAM_SYMBOLS)
#: The parameters lstm_backward gives gradients for: the gates' (the output layer's are separate).
LSTM_GATE_NAMES = LSTM_PARAM_NAMES[:-2]


def initialize_lstm_parameters(n_a, n_x, n_y, rng=None):
    """LSTM parameters: W ~ N(0, 1) / sqrt(fan-in), bf = 1, the other biases 0.

    The forget-gate bias starts at 1 so that f = sigma(1 + ...) ~ 0.73 instead of ~0.5: at first
    the cell keeps most of its state from one step to the next, and the gradient flowing back
    through c = f * c_prev + ... is multiplied by f per step, so over 20 steps it keeps
    0.73^20 ~ 2e-3 of its size instead of 0.5^20 ~ 1e-6. The network can then learn long
    dependencies from the start instead of first having to discover that remembering helps.

    Arguments:
        n_a -- number of hidden units
        n_x -- size of an input vector
        n_y -- size of an output distribution
        rng -- a numpy Generator, or a seed for one; None draws fresh entropy
    Returns:
        dict with Wf, Wi, Wc, Wo (n_a, n_a + n_x), bf, bi, bc, bo (n_a, 1), Wy (n_y, n_a),
        by (n_y, 1)
    """
    return initialize_gated_parameters(("f", "i", "c", "o"), {"f": 1.0}, n_a, n_x, n_y, rng)


class LSTMCellCache(NamedTuple):
    """What lstm_cell_backward needs from lstm_cell_forward."""

    a_next: np.ndarray  # (n_a, m)  hidden state this step produced
    c_next: np.ndarray  # (n_a, m)  cell state this step produced
    a_prev: np.ndarray  # (n_a, m)  hidden state it started from
    c_prev: np.ndarray  # (n_a, m)  cell state it started from
    f: np.ndarray  # (n_a, m)  forget gate
    i: np.ndarray  # (n_a, m)  input gate
    cc: np.ndarray  # (n_a, m)  candidate cell state c~
    o: np.ndarray  # (n_a, m)  output gate
    xt: np.ndarray  # (n_x, m)  input of this step
    parameters: dict  # the parameters of the forward pass


def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One LSTM step: c_next = f * c_prev + i * c~, a_next = o * tanh(c_next) (see the module).

    Arguments:
        xt -- input of this step, (n_x, m)
        a_prev -- hidden state of the previous step, (n_a, m)
        c_prev -- cell state of the previous step, (n_a, m)
        parameters -- dict of LSTM_PARAM_NAMES: Wf, Wi, Wc, Wo (n_a, n_a + n_x),
            bf, bi, bc, bo (n_a, 1), Wy (n_y, n_a), by (n_y, 1)
    Returns:
        a_next -- new hidden state, (n_a, m)
        c_next -- new cell state, (n_a, m)
        yt_pred -- predicted distribution, (n_y, m); each column sums to 1
        cache -- LSTMCellCache for lstm_cell_backward
    """
    known = check_gated_parameters(parameters, LSTM_PARAM_SYMBOLS)
    check_shape("xt", xt, ("n_x", "m"), known)
    check_shape("a_prev", a_prev, ("n_a", "m"), known)
    check_shape("c_prev", c_prev, ("n_a", "m"), known)
    p = parameters
    stacked = np.concatenate((a_prev, xt))  # [a_prev; xt], (n_a + n_x, m)
    f = sigmoid(p["Wf"] @ stacked + p["bf"])
    i = sigmoid(p["Wi"] @ stacked + p["bi"])
    cc = np.tanh(p["Wc"] @ stacked + p["bc"])
    c_next = f * c_prev + i * cc
    o = sigmoid(p["Wo"] @ stacked + p["bo"])
    a_next = o * np.tanh(c_next)
    yt_pred = output_layer_forward(a_next, p["Wy"], p["by"])  # softmax(Wy a_next + by)
    cache = LSTMCellCache(a_next, c_next, a_prev, c_prev, f, i, cc, o, xt, parameters)
    return a_next, c_next, yt_pred, cache


def lstm_cell_backward(da_next, dc_next, cache):
    """Gradients of one LSTM step, given the gradients arriving at a_next and c_next.

    With dc = dc_next + da_next * o * (1 - tanh(c_next)^2), the pre-activation gradients are
        dz_o = da_next * tanh(c_next) * o (1 - o)     dz_c = dc * i * (1 - c~^2)
        dz_i = dc * c~ * i (1 - i)                    dz_f = dc * c_prev * f (1 - f)
    and for each gate g: dWg = dz_g [a_prev; xt]^T, dbg = sum over the batch of dz_g.
    [da_prev; dxt] = sum over the gates of Wg^T dz_g, and dc_prev = dc * f.

    Arguments:
        da_next -- gradient of the loss with respect to a_next, (n_a, m)
        dc_next -- gradient of the loss with respect to c_next, (n_a, m)
        cache -- the LSTMCellCache from lstm_cell_forward
    Returns:
        dict of dxt (n_x, m), da_prev (n_a, m), dc_prev (n_a, m), and dWf, dbf, dWi, dbi, dWc,
        dbc, dWo, dbo in the parameters' shapes
    """
    a_next, c_next, a_prev, c_prev, f, i, cc, o, xt, p = cache
    known = check_gated_parameters(p, LSTM_PARAM_SYMBOLS)
    check_shape("cache.a_next", a_next, ("n_a", "m"), known)
    check_shape("da_next", da_next, ("n_a", "m"), known)
    check_shape("dc_next", dc_next, ("n_a", "m"), known)
    n_a = a_prev.shape[0]
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * o * (1.0 - tanh_c**2)
    dz = {
        "f": dc * c_prev * f * (1.0 - f),
        "i": dc * cc * i * (1.0 - i),
        "c": dc * i * (1.0 - cc**2),
        "o": da_next * tanh_c * o * (1.0 - o),
    }
    stacked = np.concatenate((a_prev, xt))
    dstacked = sum(p[f"W{g}"].T @ dz[g] for g in dz)
    gradients = {"dxt": dstacked[n_a:], "da_prev": dstacked[:n_a], "dc_prev": dc * f}
    for g in ("f", "i", "c", "o"):
        gradients[f"dW{g}"] = dz[g] @ stacked.T
        gradients[f"db{g}"] = dz[g].sum(axis=1, keepdims=True)
    return gradients


class LSTMCache(TimeMajorCache):
    """What lstm_backward needs from lstm_forward, in the shared layout (see TimeMajorCache).

    Besides TimeMajorCache's x, states, y_hat and parameters:
        cells -- 0 then the cell states, time-major rows (T_x + 1, m, n_a)
        gates -- o, f, i, c~ of every step side by side, (T_x, m, 4 n_a)
    ``step(t)`` (or ``caches[t]``) gives step t's LSTMCellCache.
    """

    __slots__ = ("cells", "gates")
    cell_forward = staticmethod(lstm_cell_forward)
    cell_backward = staticmethod(lstm_cell_backward)
    fast = _fast.lstm
    carried = ("da_prev", "dc_prev")
    gate_names = LSTM_GATE_NAMES

    def __init__(self, x, parameters, states, y_hat, cells, gates):
        super().__init__(x, parameters, states, y_hat)
        self.cells, self.gates = cells, gates

    @classmethod
    def from_steps(cls, x, steps, predictions, parameters):
        """One cache from what lstm_cell_forward returned, step by step.

        steps are its LSTMCellCaches, predictions its yt_pred, (n_y, m) each.
        """
        states = cls.rows([steps[0].a_prev] + [s.a_next for s in steps])
        cells = cls.rows([steps[0].c_prev] + [s.c_next for s in steps])
        gates = cls.rows([np.concatenate((s.o, s.f, s.i, s.cc)) for s in steps])
        return cls(x, parameters, states, np.stack(predictions, axis=1), cells, gates)

    @property
    def c(self):
        """The cell states, (n_a, m, T_x), a view."""
        return self.cells[1:].transpose(2, 1, 0)

    def step(self, t):
        """The LSTMCellCache of step t, as lstm_cell_forward would have returned it."""
        o, f, i, cc = np.split(self.gates[t].T, 4)
        a, c = self.states, self.cells
        xt = self.x[:, :, t]
        return LSTMCellCache(
            a[t + 1].T, c[t + 1].T, a[t].T, c[t].T, f, i, cc, o, xt, self.parameters
        )


def lstm_forward(x, a0, parameters):
    """Run the LSTM over T_x steps from a0 and a zero cell state (equations in the module).

    Arguments:
        x, a0 -- the inputs (n_x, m, T_x), x[:, :, t] step t, and the initial hidden state
            (n_a, m); the cell state starts at zero
        parameters -- dict of LSTM_PARAM_NAMES (see lstm_cell_forward)
    Returns:
        a, y, c -- the hidden states (n_a, m, T_x), the predicted distributions (n_y, m, T_x)
            and the cell states (n_a, m, T_x)
        caches -- the LSTMCache lstm_backward needs
    """
    x, a0, parameters = np.asarray(x), np.asarray(a0), as_parameter_arrays(parameters)
    check_gated_sequence(x, a0, parameters, LSTM_PARAM_SYMBOLS)
    caches = LSTMCache.unrolled(x, (a0, np.zeros(a0.shape)), parameters)  # c<0> = 0
    return caches.a, caches.predictions, caches.c, caches


def lstm_backward(da, caches):
    """Backpropagation through time for the LSTM, given the upstream gradient of every a<t>.

    Going backwards from t = T_x - 1 with da_next = dc_next = 0, step t receives
    da<t> + da_next and dc_next, and lstm_cell_backward's equations give its gate
    pre-activation gradients, da_next (the a_prev part) and dc_next (dc * f). Each weight's
    gradient sums its per-step terms; dx<t> is the xt part of step t.

    Arguments:
        da -- the gradient reaching each hidden state from outside the recurrence (from the
            output layer: output_layer_backward's da), (n_a, m, T_x)
        caches -- lstm_forward's LSTMCache
    Returns:
        dict of dx (n_x, m, T_x), da0 and dc0 (the initial hidden and cell states' gradients,
        (n_a, m)), and dWf, dbf, dWi, dbi, dWc, dbc, dWo, dbo in the parameters' shapes
    """
    known = check_gated_sequence(caches.x, caches.a0, caches.parameters, LSTM_PARAM_SYMBOLS)
    check_shape("da", da, ("n_a", "m", "T_x"), known)
    return caches.backward(np.asarray(da))


def lstm_loss_and_gradients(X, Y, a0, parameters):
    """The LSTM's summed cross-entropy on X and Y from a0, and its gradients.

    X is (n_x, m, T_x), Y (n_y, m, T_x) and a0 (n_a, m); the gradients are those of every one
    of LSTM_PARAM_NAMES, with dx, da0 and dc0.

    lstm_forward, the output layer's backward, then lstm_backward: shared.loss_and_gradients.
    """
    return loss_and_gradients(lstm_forward, lstm_backward, X, Y, a0, parameters)
