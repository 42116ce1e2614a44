"""The GRU: one step (the cell) and a whole sequence, forward and backward.

The gates read the stacked input [a_prev; xt] of shape (n_a + n_x, m):
    u = sigma(Wu [a_prev; xt] + bu)           update gate: how much of the candidate to take
    r = sigma(Wr [a_prev; xt] + br)           relevance (reset) gate: how much of a_prev the
                                              candidate may see
    c~ = tanh(Wc [r * a_prev; xt] + bc)       candidate hidden state (* is elementwise)
    a = u * c~ + (1 - u) * a_prev             the new hidden state
    y_hat = softmax(Wy a + by)
The relevance gate acts before the matrix product (PyTorch's GRU applies it after). The cell
functions are the readable version; gru_forward and gru_backward are the fast one: the input
part of every step's pre-activations is one matrix product before the loop, the output layer
one after it, the gates' local derivatives are computed for all steps before the backward
loop, and per-step arrays are stored step-major, (T_x, n, m), so that one step is one
contiguous block.
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
GRU_PARAM_SYMBOLS = gated_param_symbols(("u", "r", "c"))
#: The GRU's parameters in one fixed order (gates first, then the output layer).
GRU_PARAM_NAMES = tuple(GRU_PARAM_SYMBOLS)


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
    yt_pred = softmax(p["Wy"] @ a_next + p["by"])
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


class GRUCache(NamedTuple):
    """What gru_backward needs from gru_forward; ``step(t)`` gives step t's GRUCellCache.

    States and gates are stored step-major, (T_x, n, m), so that one step is one contiguous
    block: elementwise operations on a step then run ~3x faster than on a strided slice.
    """

    x: np.ndarray  # (n_x, m, T_x)  the inputs
    a: np.ndarray  # (T_x + 1, n_a, m)  a[0] = a0, a[t + 1] = hidden state of step t
    gates: np.ndarray  # (T_x, 3 n_a, m)  c~, u, r of every step, stacked in this order
    ra: np.ndarray  # (T_x, n_a, m)  r * a_prev of every step
    y_hat: np.ndarray  # (n_y, m, T_x)  predicted distributions
    parameters: dict  # the parameters of the forward pass

    def step(self, t):
        """The GRUCellCache of step t, as gru_cell_forward would have returned it."""
        t = range(self.x.shape[2])[t]  # negative indices and bounds, as for a list
        cc, u, r = np.split(self.gates[t], 3)
        return GRUCellCache(self.a[t + 1], self.a[t], u, r, cc, self.x[:, :, t], self.parameters)


def _split_weights(parameters, n_a):
    """The a_prev columns of Wc, those of [Wu; Wr], the xt columns of [Wc; Wu; Wr], the biases.

    The fast path stacks the gates as c~, u, r: u and r adjacent for one sigmoid call, c~ and u
    adjacent for one product in the backward loop.
    """
    W = np.concatenate([parameters["Wc"], parameters["Wu"], parameters["Wr"]])  # (3 n_a, ...)
    b = np.concatenate([parameters["bc"], parameters["bu"], parameters["br"]])  # (3 n_a, 1)
    W_c_a = np.ascontiguousarray(W[:n_a, :n_a])  # (n_a, n_a)
    W_ur_a = np.ascontiguousarray(W[n_a:, :n_a])  # (2 n_a, n_a)
    W_x = np.ascontiguousarray(W[:, n_a:])  # (3 n_a, n_x)
    return W_c_a, W_ur_a, W_x, b


def gru_forward(x, a0, parameters):
    """Run the GRU over T_x steps from a0 (equations in the module).

    Arguments:
        x -- inputs, (n_x, m, T_x); x[:, :, t] is step t
        a0 -- initial hidden state, (n_a, m)
        parameters -- dict of GRU_PARAM_NAMES (see gru_cell_forward)
    Returns:
        a -- hidden states, (n_a, m, T_x)
        y -- predicted distributions, (n_y, m, T_x)
        caches -- GRUCache for gru_backward
    """
    x = np.asarray(x)
    a0 = np.asarray(a0)
    check_gated_sequence(x, a0, parameters, GRU_PARAM_SYMBOLS)
    T_x, n_a, m = x.shape[2], a0.shape[0], a0.shape[1]
    W_c_a, W_ur_a, W_x, b = _split_weights(parameters, n_a)

    # The input part of every step's pre-activations at once, (T_x, 3 n_a, m). In the loop
    # each step's block becomes its gates, in place.
    gates = np.matmul(W_x, x.transpose(2, 0, 1)) + b
    a = np.empty((T_x + 1, n_a, m))
    ra = np.empty((T_x, n_a, m))
    a[0] = a0
    for t in range(T_x):
        a_prev = a[t]
        cc, ur = gates[t, :n_a], gates[t, n_a:]
        ur += W_ur_a @ a_prev
        ur[...] = sigmoid(ur)
        u, r = np.split(ur, 2)
        np.multiply(r, a_prev, out=ra[t])
        cc += W_c_a @ ra[t]
        np.tanh(cc, out=cc)
        # a = u * c~ + (1 - u) * a_prev, written as a_prev + u * (c~ - a_prev)
        np.subtract(cc, a_prev, out=a[t + 1])
        a[t + 1] *= u
        a[t + 1] += a_prev

    states = a[1:].transpose(1, 2, 0)  # (n_a, m, T_x), a view
    y_hat = output_layer_forward(states, parameters["Wy"], parameters["by"])
    caches = GRUCache(x, a, gates, ra, y_hat, parameters)
    return states, y_hat, caches


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
    x, a, gates, ra, _, parameters = caches
    known = check_gated_sequence(x, a[0], parameters, GRU_PARAM_SYMBOLS)
    check_shape("da", da, ("n_a", "m", "T_x"), known)
    T_x, n_a, m = gates.shape[0], a.shape[1], a.shape[2]
    W_c_a, W_ur_a, W_x, _ = _split_weights(parameters, n_a)

    # Everything in the step equations that does not depend on da, for all steps at once:
    #   [dz_c; dz_u] = da<t> * [u (1 - c~^2); (c~ - a_prev) u (1 - u)]
    #   dz_r = d(r * a_prev) * a_prev r (1 - r)
    #   da_prev = da<t> * (1 - u) + d(r * a_prev) * r + [Wu; Wr]^T [dz_u; dz_r]
    cc, u, r = np.split(gates, 3, axis=1)
    a_prev = a[:-1]
    per_da = np.stack((u * (1.0 - cc**2), (cc - a_prev) * u * (1.0 - u)), axis=1)
    per_dra = a_prev * r * (1.0 - r)
    one_minus_u = 1.0 - u

    da_steps = np.ascontiguousarray(np.transpose(da, (2, 0, 1)))  # (T_x, n_a, m)
    dz = np.empty_like(gates)  # gate pre-activation gradients, (T_x, 3 n_a, m)
    da_next = np.zeros((n_a, m))
    for t in range(T_x - 1, -1, -1):
        da_t = da_steps[t] + da_next
        np.multiply(da_t, per_da[t], out=dz[t, : 2 * n_a].reshape(2, n_a, m))
        d_ra = W_c_a.T @ dz[t, :n_a]  # gradient of r * a_prev
        np.multiply(d_ra, per_dra[t], out=dz[t, 2 * n_a :])
        da_next = da_t * one_minus_u[t]
        da_next += d_ra * r[t]
        da_next += W_ur_a.T @ dz[t, n_a:]

    # Weight gradients: sums over the steps and the examples, as one matrix product each over
    # the (step, example) columns; a[:-1] is a<t-1> for every step t.
    dz_columns = dz.transpose(1, 0, 2).reshape(3 * n_a, T_x * m)
    a_prev_columns = a_prev.transpose(1, 0, 2).reshape(n_a, T_x * m)
    ra_columns = ra.transpose(1, 0, 2).reshape(n_a, T_x * m)
    x_columns = x.transpose(0, 2, 1).reshape(-1, T_x * m)
    dW_x = dz_columns @ x_columns.T  # (3 n_a, n_x)
    dW_a = np.concatenate(
        (dz_columns[:n_a] @ ra_columns.T, dz_columns[n_a:] @ a_prev_columns.T)
    )  # (3 n_a, n_a)
    dW = np.concatenate((dW_a, dW_x), axis=1)
    db = dz.sum(axis=(0, 2))[:, None]
    gradients = {"dx": np.matmul(W_x.T, dz).transpose(1, 2, 0), "da0": da_next}
    for k, g in ((1, "u"), (2, "r"), (0, "c")):
        rows = slice(k * n_a, (k + 1) * n_a)
        gradients[f"dW{g}"] = dW[rows]
        gradients[f"db{g}"] = db[rows]
    return gradients


def gru_loss_and_gradients(X, Y, a0, parameters):
    """Summed cross-entropy of the GRU's predictions and its gradient for every parameter.

    Forward pass, L = -sum Y * log(y_hat) (padded, all-zero columns of Y add nothing), the
    output layer's gradients and da from output_layer_backward, then gru_backward.

    Arguments:
        X -- inputs, (n_x, m, T_x)
        Y -- true distributions, (n_y, m, T_x): one-hot columns, all-zero columns for padding
        a0 -- initial hidden state, (n_a, m)
        parameters -- dict of GRU_PARAM_NAMES
    Returns:
        loss -- a Python float
        gradients -- dict with "d" + name for every name in GRU_PARAM_NAMES, and dx, da0
    """
    a, y_hat, caches = gru_forward(X, a0, parameters)
    dWy, dby, da = output_layer_backward(np.asarray(Y), y_hat, a, parameters["Wy"])
    loss = compute_loss(y_hat, Y)
    gradients = gru_backward(da, caches)
    gradients["dWy"] = dWy
    gradients["dby"] = dby
    return loss, gradients
