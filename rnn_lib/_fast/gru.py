"""The GRU's fast path: stacked gate weights, products hoisted out of the time loop.

What rnn_lib.cells.gru computes step by step, with the gates stacked as c~, u, r (u and r
adjacent for one sigmoid call, c~ and u adjacent for one product in the backward loop), the
input part of every step's pre-activations as one product before the loop, the gates' local
derivatives for all steps before the backward loop, and the weight gradients as one product
each over all steps and examples. Arrays are time-major rows, as in
rnn_lib.cells.shared.TimeMajorCache.
"""

import numpy as np

from ..activations import sigmoid
from .buffers import FreshArrays
from .projections import input_projection, output_softmax, time_major_columns

#: The order of the gates in the stacked weight and in the cache's gates array.
STACK_ORDER = ("c", "u", "r")


def split_weights(parameters):
    """The GRU's stacked weights, split as the fast loops use them.

    The stacked weights: a_prev columns of Wc transposed (n_a, n_a), those of [Wu; Wr]
    transposed (n_a, 2 n_a), the xt columns of [Wc; Wu; Wr] (3 n_a, n_x), the biases (3 n_a, 1).
    """
    n_a = parameters["Wu"].shape[0]
    W = np.concatenate([parameters[f"W{g}"] for g in STACK_ORDER])  # (3 n_a, n_a + n_x)
    b = np.concatenate([parameters[f"b{g}"] for g in STACK_ORDER])
    W_c_a_T = np.ascontiguousarray(W[:n_a, :n_a].T)
    W_ur_a_T = np.ascontiguousarray(W[n_a:, :n_a].T)
    return W_c_a_T, W_ur_a_T, np.ascontiguousarray(W[:, n_a:]), b


def forward(x, a0, parameters):
    """gru_forward's arrays, the inputs already checked.

    Returns:
        states -- a0 then the hidden states, (T_x + 1, m, n_a)
        y_hat -- predicted distributions, (n_y, T_x, m)
        gates -- c~, u, r of every step side by side, (T_x, m, 3 n_a)
        reset_states -- r * a_prev of every step, (T_x, m, n_a)
    """
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    W_c_a_T, W_ur_a_T, W_x, b = split_weights(parameters)
    gates = np.empty((T_x, m, 3 * n_a))
    input_projection(x, W_x, b, gates, FreshArrays)  # each step's block becomes its gates
    states = np.empty((T_x + 1, m, n_a))
    reset_states = np.empty((T_x, m, n_a))
    states[0] = a0.T
    for t in range(T_x):
        a_prev = states[t]
        cc, ur = gates[t, :, :n_a], gates[t, :, n_a:]
        ur += a_prev @ W_ur_a_T
        ur[...] = sigmoid(ur)
        u, r = np.split(ur, 2, axis=1)
        np.multiply(r, a_prev, out=reset_states[t])
        cc += reset_states[t] @ W_c_a_T
        np.tanh(cc, out=cc)
        # a = u * c~ + (1 - u) * a_prev, written as a_prev + u * (c~ - a_prev)
        np.subtract(cc, a_prev, out=states[t + 1])
        states[t + 1] *= u
        states[t + 1] += a_prev
    Wy, by = parameters["Wy"], parameters["by"]
    y_hat = output_softmax(states[1:].reshape(T_x * m, n_a), Wy, by, np.empty((len(by), T_x * m)))
    return states, y_hat.reshape(-1, T_x, m), gates, reset_states


def backward(da, caches):
    """gru_backward's gradients from a GRUCache; da is (n_a, m, T_x), already checked.

    Everything in the step equations that does not depend on da is computed for all steps
    before the loop:
        [dz_c, dz_u] = da<t> * [u (1 - c~^2), (c~ - a_prev) u (1 - u)]
        dz_r = d(r * a_prev) * a_prev r (1 - r)
        da_prev = da<t> * (1 - u) + d(r * a_prev) * r + [dz_u, dz_r] [Wu; Wr]
    """
    x, states, gates, reset_states = caches.x, caches.states, caches.gates, caches.reset_states
    T_x, m, n_a = states.shape[0] - 1, states.shape[1], states.shape[2]
    n_x = x.shape[0]
    W_c_a_T, W_ur_a_T, W_x, _ = split_weights(caches.parameters)
    cc, u, r = np.split(gates, 3, axis=2)
    a_prev = states[:-1]
    per_da = np.stack(
        (u * (1.0 - cc**2), (cc - a_prev) * u * (1.0 - u)), axis=2
    )  # (T_x, m, 2, n_a)
    per_dra = a_prev * r * (1.0 - r)
    one_minus_u = 1.0 - u

    da_rows = np.ascontiguousarray(np.transpose(da, (2, 1, 0)))  # (T_x, m, n_a)
    dz = np.empty_like(gates)  # gate pre-activation gradients, (T_x, m, 3 n_a)
    da_next = np.zeros((m, n_a))
    for t in range(T_x - 1, -1, -1):
        da_t = da_rows[t] + da_next
        np.multiply(da_t[:, np.newaxis], per_da[t], out=dz[t, :, : 2 * n_a].reshape(m, 2, n_a))
        d_ra = dz[t, :, :n_a] @ W_c_a_T.T  # gradient of r * a_prev
        np.multiply(d_ra, per_dra[t], out=dz[t, :, 2 * n_a :])
        da_next = da_t * one_minus_u[t]
        da_next += d_ra * r[t]
        da_next += dz[t, :, n_a:] @ W_ur_a_T.T

    dz_rows = dz.reshape(T_x * m, 3 * n_a)
    dW_a = np.concatenate(
        (
            dz_rows[:, :n_a].T @ reset_states.reshape(T_x * m, n_a),
            dz_rows[:, n_a:].T @ a_prev.reshape(T_x * m, n_a),
        )
    )  # (3 n_a, n_a): Wc acts on r * a_prev, Wu and Wr on a_prev
    dW = np.concatenate((dW_a, dz_rows.T @ time_major_columns(x, FreshArrays).T), axis=1)
    db = dz_rows.sum(axis=0)[:, None]
    dx = (dz_rows @ W_x).reshape(T_x, m, n_x).transpose(2, 1, 0)
    gradients = {"dx": dx, "da0": da_next.T.copy()}
    for g in ("u", "r", "c"):
        k = STACK_ORDER.index(g)
        rows = slice(k * n_a, (k + 1) * n_a)
        gradients[f"dW{g}"] = dW[rows]
        gradients[f"db{g}"] = db[rows]
    return gradients
