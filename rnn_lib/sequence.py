"""The RNN unrolled over a sequence: forward pass and backpropagation through time (BPTT).

These are the library's fast versions of the loops the notebooks build from ``rnn_cell_forward``
and ``rnn_cell_backward``: the input projection, the output projection and the softmax are done
for all time steps at once, and only the recurrence ``a<t> = tanh(Waa a<t-1> + ...)`` stays in a
Python loop. Inside, states are stored as (n_a, T_x, m), so that the states of one step are a
block of contiguous rows that BLAS reads without copying; the public arrays keep the seed's
(n_a, m, T_x) layout as views.
"""

import numpy as np

from .activations import softmax
from .cell import CellCache
from .shapes import check_parameters, check_shape


class SequenceCache:
    """What ``rnn_backward`` needs from ``rnn_forward``. Indexing it gives the CellCache of step t.

    Attributes:
        x -- the inputs, (n_x, m, T_x)
        a0 -- the initial hidden state, (n_a, m)
        a -- the hidden states, stored (n_a, T_x, m)
        y_hat -- the predicted distributions, stored (n_y, T_x, m)
    """

    __slots__ = ("x", "a0", "a", "y_hat")

    def __init__(self, x, a0, a, y_hat):
        self.x, self.a0, self.a, self.y_hat = x, a0, a, y_hat

    @classmethod
    def from_steps(cls, x, steps):
        """Stack a list of per-step CellCaches (as the seed's rnn_forward returns) into one cache."""
        steps = list(steps)
        a = np.stack([step.a_next for step in steps], axis=1)
        y_hat = np.stack([step.y_hat_t for step in steps], axis=1)
        return cls(x, steps[0].a_prev, a, y_hat)

    def __len__(self):
        return self.a.shape[1]

    def __getitem__(self, t):
        t = range(len(self))[t]  # negative indices and bounds, as for a list
        a_prev = self.a0 if t == 0 else self.a[:, t - 1, :]
        return CellCache(self.a[:, t, :], a_prev, self.x[:, :, t], self.y_hat[:, t, :])

    def __iter__(self):
        return (self[t] for t in range(len(self)))


def _check_sequence_inputs(X, a0, parameters):
    known = check_parameters(parameters)
    check_shape("X", X, ("n_x", "m", "T_x"), known)
    check_shape("a0", a0, ("n_a", "m"), known)
    if X.shape[2] < 1:
        raise ValueError(f"X must have at least one time step (T_x >= 1); got {X.shape}")
    return known


def rnn_forward(X, a0, parameters):
    """Run the RNN over T_x steps: a<t> = tanh(Waa a<t-1> + Wax x<t> + ba), y_hat<t> = softmax(Wya a<t> + by).

    Arguments:
        X -- inputs, (n_x, m, T_x); X[:, :, t] is step t
        a0 -- initial hidden state, (n_a, m)
        parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)
    Returns:
        a -- hidden states, (n_a, m, T_x)
        y_hat -- predicted distributions, (n_y, m, T_x)
        caches -- SequenceCache for rnn_backward; caches[t] is step t's CellCache
    """
    X = np.asarray(X)
    a0 = np.asarray(a0)
    _check_sequence_inputs(X, a0, parameters)
    Wax, Waa, Wya, ba, by = (parameters[n] for n in ("Wax", "Waa", "Wya", "ba", "by"))
    n_x, m, T_x = X.shape
    n_a, n_y = Waa.shape[0], Wya.shape[0]

    # Input projection of every step at once: z[:, t, :] = Wax x<t> + ba, stored (n_a, T_x, m).
    x_steps = X.transpose(0, 2, 1).reshape(n_x, T_x * m)
    z = (Wax @ x_steps + ba).reshape(n_a, T_x, m)
    a = np.empty_like(z)
    a_prev = a0
    for t in range(T_x):
        zt = z[:, t, :]
        zt += Waa @ a_prev
        a_prev = np.tanh(zt, out=a[:, t, :])

    # Output projection and softmax of every step at once.
    y_hat = softmax(Wya @ a.reshape(n_a, T_x * m) + by).reshape(n_y, T_x, m)
    caches = SequenceCache(X, a0, a, y_hat)
    return a.transpose(0, 2, 1), y_hat.transpose(0, 2, 1), caches


def rnn_backward(X, Y, parameters, caches):
    """Backpropagation through time: the gradient of the summed loss of all steps.

    Going backwards from t = T_x - 1, with dz_y<t> = y_hat<t> - y<t> (zero for a padded step,
    whose y<t> is all zeros) and da<T_x> = 0:
        dz<t> = (1 - a<t>^2) * (Wya^T dz_y<t> + da<t+1>),   da<t> = Waa^T dz<t>
    and each weight's gradient sums its per-step terms (dWaa = sum_t dz<t> a<t-1>^T, ...).
    da0 is the gradient of the initial state alone: Waa^T dz<0>.

    Arguments:
        X -- inputs, (n_x, m, T_x)
        Y -- true distributions, (n_y, m, T_x): one-hot columns, all-zero columns for padding
        parameters -- the dict given to rnn_forward
        caches -- rnn_forward's SequenceCache (or a list of per-step CellCaches)
    Returns:
        dict of dWax (n_a, n_x), dWaa (n_a, n_a), dWya (n_y, n_a), dba (n_a, 1), dby (n_y, 1)
        and da0 (n_a, m)
    """
    X = np.asarray(X)
    Y = np.asarray(Y)
    if not isinstance(caches, SequenceCache):
        caches = SequenceCache.from_steps(X, caches)
    known = _check_sequence_inputs(X, caches.a0, parameters)
    check_shape("Y", Y, ("n_y", "m", "T_x"), known)
    check_shape("caches.a (stored time-major)", caches.a, ("n_a", "T_x", "m"), known)
    Waa, Wya = parameters["Waa"], parameters["Wya"]
    n_x, m, T_x = X.shape
    n_a, n_y = Waa.shape[0], Wya.shape[0]
    a, y_hat, a0 = caches.a, caches.y_hat, caches.a0

    # Output layer, every step at once. sum(y) is 1 for a real step and 0 for padding.
    y_steps = Y.transpose(0, 2, 1)
    dzy = y_hat * y_steps.sum(axis=0) - y_steps  # (n_y, T_x, m)
    dzy_flat = dzy.reshape(n_y, T_x * m)
    a_flat = a.reshape(n_a, T_x * m)
    dWya = dzy_flat @ a_flat.T
    dby = dzy_flat.sum(axis=1, keepdims=True)

    # The recurrence, backwards. dz starts as Wya^T dz_y and becomes dz<t> in place.
    dz = (Wya.T @ dzy_flat).reshape(n_a, T_x, m)
    da_next = np.zeros_like(a0, dtype=dz.dtype)
    for t in range(T_x - 1, -1, -1):
        dzt = dz[:, t, :]
        dzt += da_next
        dzt *= 1.0 - a[:, t, :] ** 2
        da_next = Waa.T @ dzt

    dz_flat = dz.reshape(n_a, T_x * m)
    x_steps = X.transpose(0, 2, 1).reshape(n_x, T_x * m)
    # a<t-1> for every step: a0, then a<0> .. a<T_x-2>.
    dWaa = dz[:, 0, :] @ a0.T + dz[:, 1:, :].reshape(n_a, -1) @ a[:, :-1, :].reshape(n_a, -1).T
    return {
        "dWax": dz_flat @ x_steps.T,
        "dWaa": dWaa,
        "dWya": dWya,
        "dba": dz_flat.sum(axis=1, keepdims=True),
        "dby": dby,
        "da0": da_next,
    }
