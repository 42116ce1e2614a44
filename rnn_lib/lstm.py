"""The LSTM: one step (the cell) and a whole sequence, forward and backward.

Every gate reads the stacked input [a_prev; xt] of shape (n_a + n_x, m):
    f = sigma(Wf [a_prev; xt] + bf)        forget gate: how much of c_prev to keep
    i = sigma(Wi [a_prev; xt] + bi)        input (update) gate: how much of the candidate to add
    c~ = tanh(Wc [a_prev; xt] + bc)        candidate cell state
    c = f * c_prev + i * c~                the new cell state (* is elementwise)
    o = sigma(Wo [a_prev; xt] + bo)        output gate
    a = o * tanh(c)                        the new hidden state
    y_hat = softmax(Wy a + by)
The cell state starts at zero. The cell functions are the readable version; lstm_forward and
lstm_backward are the fast one: the four gates form one stacked weight, the input part of every
step's pre-activation is one matrix product before the loop, the output layer one after it, the
gates' local derivatives are computed for all steps before the backward loop, and per-step
arrays are stored step-major, (T_x, n, m), so that one step is one contiguous block.
"""

from typing import NamedTuple

import numpy as np

from .activations import sigmoid, softmax
from .gated import (
    check_gated_parameters,
    check_gated_sequence,
    gated_param_symbols,
    initialize_gated_parameters,
)
from .loss import compute_loss
from .output import output_layer_backward, output_layer_forward
from .shapes import check_shape

#: Each parameter's shape in the notebooks' symbols: gate weights and biases, then Wy, by.
LSTM_PARAM_SYMBOLS = gated_param_symbols(("f", "i", "c", "o"))
#: The LSTM's parameters in one fixed order (gates first, then the output layer).
LSTM_PARAM_NAMES = tuple(LSTM_PARAM_SYMBOLS)

#: The order of the gates in the stacked weight of the fast path: the three sigmoid gates first,
#: so that one sigmoid call covers them, and f, i, c~ adjacent, since their pre-activation
#: gradients are all dc times a local factor.
_STACK_ORDER = ("o", "f", "i", "c")


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
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
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


class LSTMCache(NamedTuple):
    """What lstm_backward needs from lstm_forward; ``step(t)`` gives step t's LSTMCellCache.

    States and gates are stored step-major, (T_x, n, m), so that one step is one contiguous
    block: elementwise operations on a step then run ~3x faster than on a strided slice.
    """

    x: np.ndarray  # (n_x, m, T_x)  the inputs
    a: np.ndarray  # (T_x + 1, n_a, m)  a[0] = a0, a[t + 1] = hidden state of step t
    c: np.ndarray  # (T_x + 1, n_a, m)  c[0] = 0, c[t + 1] = cell state of step t
    gates: np.ndarray  # (T_x, 4 n_a, m)  o, f, i, c~ of every step, stacked in this order
    tanh_c: np.ndarray  # (T_x, n_a, m)  tanh(c) of every step
    y_hat: np.ndarray  # (n_y, m, T_x)  predicted distributions
    parameters: dict  # the parameters of the forward pass

    def step(self, t):
        """The LSTMCellCache of step t, as lstm_cell_forward would have returned it."""
        t = range(self.x.shape[2])[t]  # negative indices and bounds, as for a list
        o, f, i, cc = np.split(self.gates[t], 4)
        a, c, xt = self.a, self.c, self.x[:, :, t]
        return LSTMCellCache(a[t + 1], c[t + 1], a[t], c[t], f, i, cc, o, xt, self.parameters)


def _stacked_weights(parameters, n_a):
    """The gate weights stacked in _STACK_ORDER and split into the a_prev and xt columns."""
    W = np.concatenate([parameters[f"W{g}"] for g in _STACK_ORDER])  # (4 n_a, n_a + n_x)
    b = np.concatenate([parameters[f"b{g}"] for g in _STACK_ORDER])  # (4 n_a, 1)
    return np.ascontiguousarray(W[:, :n_a]), np.ascontiguousarray(W[:, n_a:]), b


def lstm_forward(x, a0, parameters):
    """Run the LSTM over T_x steps from a0 and a zero cell state (equations in the module).

    Arguments:
        x -- inputs, (n_x, m, T_x); x[:, :, t] is step t
        a0 -- initial hidden state, (n_a, m)
        parameters -- dict of LSTM_PARAM_NAMES (see lstm_cell_forward)
    Returns:
        a -- hidden states, (n_a, m, T_x)
        y -- predicted distributions, (n_y, m, T_x)
        c -- cell states, (n_a, m, T_x)
        caches -- LSTMCache for lstm_backward
    """
    x = np.asarray(x)
    a0 = np.asarray(a0)
    check_gated_sequence(x, a0, parameters, LSTM_PARAM_SYMBOLS)
    T_x, n_a, m = x.shape[2], a0.shape[0], a0.shape[1]
    Wa, Wx, b = _stacked_weights(parameters, n_a)

    # The input part of every step's pre-activations at once, (T_x, 4 n_a, m). In the loop
    # each step's block becomes its gates, in place.
    gates = np.matmul(Wx, x.transpose(2, 0, 1)) + b
    a = np.empty((T_x + 1, n_a, m))
    c = np.empty((T_x + 1, n_a, m))
    tanh_c = np.empty((T_x, n_a, m))
    a[0] = a0
    c[0] = 0.0
    for t in range(T_x):
        z = gates[t]
        z += Wa @ a[t]
        z[: 3 * n_a] = sigmoid(z[: 3 * n_a])  # o, f, i
        np.tanh(z[3 * n_a :], out=z[3 * n_a :])  # c~
        o, f, i, cc = np.split(z, 4)
        np.multiply(f, c[t], out=c[t + 1])
        c[t + 1] += i * cc
        np.tanh(c[t + 1], out=tanh_c[t])
        np.multiply(o, tanh_c[t], out=a[t + 1])

    states = a[1:].transpose(1, 2, 0)  # (n_a, m, T_x), a view
    y_hat = output_layer_forward(states, parameters["Wy"], parameters["by"])
    caches = LSTMCache(x, a, c, gates, tanh_c, y_hat, parameters)
    return states, y_hat, c[1:].transpose(1, 2, 0), caches


def lstm_backward(da, caches):
    """Backpropagation through time for the LSTM, given the upstream gradient of every a<t>.

    Going backwards from t = T_x - 1 with da_next = dc_next = 0, step t receives
    da<t> + da_next and dc_next, and lstm_cell_backward's equations give its gate
    pre-activation gradients, da_next (the a_prev part) and dc_next (dc * f). Each weight's
    gradient sums its per-step terms; dx<t> is the xt part of step t.

    Arguments:
        da -- gradient of the loss with respect to the hidden states, (n_a, m, T_x), for example
            the da of output_layer_backward
        caches -- the LSTMCache from lstm_forward
    Returns:
        dict of dx (n_x, m, T_x), da0 (n_a, m), dc0 (n_a, m) (the gradient of the initial cell
        state), and dWf, dbf, dWi, dbi, dWc, dbc, dWo, dbo in the parameters' shapes
    """
    x, a, c, gates, tanh_c, _, parameters = caches
    known = check_gated_sequence(x, a[0], parameters, LSTM_PARAM_SYMBOLS)
    check_shape("da", da, ("n_a", "m", "T_x"), known)
    T_x, n_a, m = gates.shape[0], a.shape[1], a.shape[2]
    Wa, Wx, _ = _stacked_weights(parameters, n_a)

    # Everything in the step equations that does not depend on da or dc, for all steps at once:
    #   dz_o = da<t> * tanh(c) o (1 - o)     dc = dc_next + da<t> * o (1 - tanh(c)^2)
    #   [dz_f; dz_i; dz_c] = dc * [c_prev f (1 - f); c~ i (1 - i); i (1 - c~^2)]
    o, f, i, cc = np.split(gates, 4, axis=1)
    per_da_o = tanh_c * o * (1.0 - o)
    per_da_c = o * (1.0 - tanh_c**2)
    per_dc = np.stack((c[:-1] * f * (1.0 - f), cc * i * (1.0 - i), i * (1.0 - cc**2)), axis=1)

    da_steps = np.ascontiguousarray(np.transpose(da, (2, 0, 1)))  # (T_x, n_a, m)
    dz = np.empty_like(gates)  # gate pre-activation gradients, (T_x, 4 n_a, m)
    da_next = np.zeros((n_a, m))
    dc_next = np.zeros((n_a, m))
    for t in range(T_x - 1, -1, -1):
        da_t = da_steps[t] + da_next
        dc = dc_next + da_t * per_da_c[t]
        np.multiply(da_t, per_da_o[t], out=dz[t, :n_a])
        np.multiply(dc, per_dc[t], out=dz[t, n_a:].reshape(3, n_a, m))
        dc_next = dc * f[t]
        da_next = Wa.T @ dz[t]

    # Weight gradients: sums over the steps and the examples, as one matrix product each over
    # the (step, example) columns; a[:-1] is a<t-1> for every step t.
    dz_columns = dz.transpose(1, 0, 2).reshape(4 * n_a, T_x * m)
    a_prev_columns = a[:-1].transpose(1, 0, 2).reshape(n_a, T_x * m)
    x_columns = x.transpose(0, 2, 1).reshape(-1, T_x * m)
    dW = np.concatenate((dz_columns @ a_prev_columns.T, dz_columns @ x_columns.T), axis=1)
    db = dz.sum(axis=(0, 2))[:, None]
    gradients = {"dx": np.matmul(Wx.T, dz).transpose(1, 2, 0), "da0": da_next, "dc0": dc_next}
    rows = dict(zip(_STACK_ORDER, np.split(np.arange(4 * n_a), 4), strict=True))
    for g in ("f", "i", "c", "o"):
        gradients[f"dW{g}"] = dW[rows[g]]
        gradients[f"db{g}"] = db[rows[g]]
    return gradients


def lstm_loss_and_gradients(X, Y, a0, parameters):
    """Summed cross-entropy of the LSTM's predictions and its gradient for every parameter.

    Forward pass, L = -sum Y * log(y_hat) (padded, all-zero columns of Y add nothing), the
    output layer's gradients and da from output_layer_backward, then lstm_backward.

    Arguments:
        X -- inputs, (n_x, m, T_x)
        Y -- true distributions, (n_y, m, T_x): one-hot columns, all-zero columns for padding
        a0 -- initial hidden state, (n_a, m)
        parameters -- dict of LSTM_PARAM_NAMES
    Returns:
        loss -- a Python float
        gradients -- dict with "d" + name for every name in LSTM_PARAM_NAMES, and dx, da0, dc0
    """
    a, y_hat, _, caches = lstm_forward(X, a0, parameters)
    dWy, dby, da = output_layer_backward(np.asarray(Y), y_hat, a, parameters["Wy"])
    loss = compute_loss(y_hat, Y)
    gradients = lstm_backward(da, caches)
    gradients["dWy"] = dWy
    gradients["dby"] = dby
    return loss, gradients
