"""The LSTM's fast path: the four gates as one stacked weight, products hoisted out of the loop.

What rnn_lib.cells.lstm computes step by step, done with one stacked gate weight (order o, f, i,
c~: the three sigmoid gates first, so that one sigmoid call covers them, and f, i, c~ adjacent,
since their pre-activation gradients are all dc times a local factor), the input part of every
step's pre-activations as one product before the loop, the gates' local derivatives for all
steps before the backward loop, and the weight gradients as one product each over all steps and
examples. Arrays are time-major rows, as in rnn_lib.cells.shared.TimeMajorCache.
"""

import numpy as np

from ..activations import sigmoid
from .buffers import FreshArrays
from .projections import input_projection, output_softmax, time_major_columns

#: The order of the gates in the stacked weight and in the cache's gates array.
STACK_ORDER = ("o", "f", "i", "c")


def stacked_weights(parameters):
    """The LSTM's gate weights stacked in STACK_ORDER, split as the loops use them.

    Returns the a_prev columns transposed, (n_a, 4 n_a), the xt columns, (4 n_a, n_x), and the
    biases, (4 n_a, 1).
    """
    n_a = parameters["Wf"].shape[0]
    W = np.concatenate([parameters[f"W{g}"] for g in STACK_ORDER])  # (4 n_a, n_a + n_x)
    b = np.concatenate([parameters[f"b{g}"] for g in STACK_ORDER])
    return np.ascontiguousarray(W[:, :n_a].T), np.ascontiguousarray(W[:, n_a:]), b


def forward(x, a0, parameters):
    """lstm_forward's arrays, the inputs already checked.

    Returns:
        states -- a0 then the hidden states, (T_x + 1, m, n_a)
        y_hat -- predicted distributions, (n_y, T_x, m)
        cells -- 0 then the cell states, (T_x + 1, m, n_a)
        gates -- o, f, i, c~ of every step side by side, (T_x, m, 4 n_a)
    """
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    Wa_T, Wx, b = stacked_weights(parameters)
    gates = np.empty((T_x, m, 4 * n_a))
    input_projection(x, Wx, b, gates, FreshArrays)  # each step's block becomes its gates
    states = np.empty((T_x + 1, m, n_a))
    cells = np.empty((T_x + 1, m, n_a))
    states[0] = a0.T
    cells[0] = 0.0
    for t in range(T_x):
        z = gates[t]
        z += states[t] @ Wa_T
        z[:, : 3 * n_a] = sigmoid(z[:, : 3 * n_a])  # o, f, i
        np.tanh(z[:, 3 * n_a :], out=z[:, 3 * n_a :])  # c~
        o, f, i, cc = np.split(z, 4, axis=1)
        np.multiply(f, cells[t], out=cells[t + 1])
        cells[t + 1] += i * cc
        np.multiply(o, np.tanh(cells[t + 1]), out=states[t + 1])
    y_hat = output_softmax(
        states[1:].reshape(T_x * m, n_a),
        parameters["Wy"],
        parameters["by"],
        np.empty((len(parameters["by"]), T_x * m)),
    )
    return states, y_hat.reshape(-1, T_x, m), cells, gates


def backward(da, caches):
    """lstm_backward's gradients from an LSTMCache; da is (n_a, m, T_x), already checked.

    Everything in the step equations that does not depend on da or dc is computed for all steps
    before the loop:
        dz_o = da<t> * tanh(c) o (1 - o)     dc = dc_next + da<t> * o (1 - tanh(c)^2)
        [dz_f, dz_i, dz_c] = dc * [c_prev f (1 - f), c~ i (1 - i), i (1 - c~^2)]
    """
    x, states, cells, gates = caches.x, caches.states, caches.cells, caches.gates
    T_x, m, n_a = states.shape[0] - 1, states.shape[1], states.shape[2]
    n_x = x.shape[0]
    Wa_T, Wx, _ = stacked_weights(caches.parameters)
    o, f, i, cc = np.split(gates, 4, axis=2)
    tanh_c = np.tanh(cells[1:])
    per_da_o = tanh_c * o * (1.0 - o)
    per_da_c = o * (1.0 - tanh_c**2)
    per_dc = np.stack(
        (cells[:-1] * f * (1.0 - f), cc * i * (1.0 - i), i * (1.0 - cc**2)), axis=2
    )  # (T_x, m, 3, n_a)

    da_rows = np.ascontiguousarray(np.transpose(da, (2, 1, 0)))  # (T_x, m, n_a)
    dz = np.empty_like(gates)  # gate pre-activation gradients, (T_x, m, 4 n_a)
    da_next = np.zeros((m, n_a))
    dc_next = np.zeros((m, n_a))
    for t in range(T_x - 1, -1, -1):
        da_t = da_rows[t] + da_next
        dc = dc_next + da_t * per_da_c[t]
        np.multiply(da_t, per_da_o[t], out=dz[t, :, :n_a])
        np.multiply(dc[:, np.newaxis], per_dc[t], out=dz[t, :, n_a:].reshape(m, 3, n_a))
        dc_next = dc * f[t]
        da_next = dz[t] @ Wa_T.T

    dz_rows = dz.reshape(T_x * m, 4 * n_a)
    dW = np.concatenate(
        (
            dz_rows.T @ states[:-1].reshape(T_x * m, n_a),
            dz_rows.T @ time_major_columns(x, FreshArrays).T,
        ),
        axis=1,
    )
    db = dz_rows.sum(axis=0)[:, None]
    dx = (dz_rows @ Wx).reshape(T_x, m, n_x).transpose(2, 1, 0)
    gradients = {"dx": dx, "da0": da_next.T.copy(), "dc0": dc_next.T.copy()}
    for g in ("f", "i", "c", "o"):
        k = STACK_ORDER.index(g)
        rows = slice(k * n_a, (k + 1) * n_a)
        gradients[f"dW{g}"] = dW[rows]
        gradients[f"db{g}"] = db[rows]
    return gradients
