"""The RNN unrolled over a sequence: forward pass and backpropagation through time (BPTT).

These are the library's fast versions of the loops the notebooks build from ``rnn_cell_forward``
and ``rnn_cell_backward``: the input projection (a row lookup when the inputs are one-hot), the
output projection and the softmax are done for all time steps at once, and only the recurrence
``a<t> = tanh(Waa a<t-1> + ...)`` stays in a Python loop.

Inside, the hidden states live in one buffer ``states`` of shape (T_x + 1, m, n_a): ``states[0]``
is a0 transposed and ``states[t + 1]`` is a<t> transposed, one row per example. Each step's states
are then one contiguous block, the loop never allocates, and the states a<t-1> of every step
(``states[:-1]``) and a<t> (``states[1:]``) are both plain reshapes to (T_x m, n_a) that BLAS reads
without copying. The public arrays keep the seed's (n_a, m, T_x) layout, as views.
"""

import math
import threading

import numpy as np

from .cell import CellCache
from .shapes import check_parameters, check_sequence, check_shape


class SequenceCache:
    """What ``rnn_backward`` needs from ``rnn_forward``. Indexing it gives the CellCache of step t.

    Attributes:
        x -- the inputs, (n_x, m, T_x)
        states -- a0 then the hidden states, stored (T_x + 1, m, n_a): states[t + 1] is a<t>^T
        y_hat -- the predicted distributions, stored (n_y, T_x, m)
        a0 -- the initial hidden state, (n_a, m): a view of states
        a -- the hidden states, (n_a, T_x, m): a view of states
    """

    __slots__ = ("x", "states", "y_hat")

    def __init__(self, x, a0, a, y_hat):
        """Cache of inputs x (n_x, m, T_x), a0 (n_a, m), states a (n_a, T_x, m), y_hat (n_y, T_x, m)."""
        a0, a = np.asarray(a0), np.asarray(a)
        states = np.concatenate([a0[:, np.newaxis, :], a], axis=1)  # (n_a, T_x + 1, m)
        self.x = x
        self.states = np.ascontiguousarray(states.transpose(1, 2, 0))
        self.y_hat = y_hat

    @classmethod
    def from_states(cls, x, states, y_hat):
        """Wrap a (T_x + 1, m, n_a) states buffer, as rnn_forward fills it, without copying."""
        cache = cls.__new__(cls)
        cache.x, cache.states, cache.y_hat = x, states, y_hat
        return cache

    @classmethod
    def from_steps(cls, x, steps):
        """Stack a list of per-step CellCaches (as the seed's rnn_forward returns) into one cache."""
        steps = list(steps)
        a = np.stack([step.a_next for step in steps], axis=1)
        y_hat = np.stack([step.y_hat_t for step in steps], axis=1)
        return cls(x, steps[0].a_prev, a, y_hat)

    @property
    def a0(self):
        return self.states[0].T

    @property
    def a(self):
        return self.states[1:].transpose(2, 0, 1)

    def __len__(self):
        return self.states.shape[0] - 1

    def __getitem__(self, t):
        t = range(len(self))[t]  # negative indices and bounds, as for a list
        s = self.states
        return CellCache(s[t + 1].T, s[t].T, self.x[:, :, t], self.y_hat[:, t, :])

    def __iter__(self):
        return (self[t] for t in range(len(self)))


def check_sequence_inputs(X, a0, parameters):
    """Check X (n_x, m, T_x), a0 (n_a, m) and the parameters; return the sizes they fix."""
    known = check_parameters(parameters)
    check_sequence(X, a0, known)
    return known


def _one_hot_rows(X):
    """Where the 1 of each input column sits, if every column of X is one-hot or all zero.

    Arguments:
        X -- inputs, (n_x, m, T_x)
    Returns:
        integer array (T_x m,), time-major (entry t m + i is x<t> of example i): the row of the
        1, or n_x for an all-zero (padding) column; None if X has any other column
    """
    n_x, m, T_x = X.shape
    columns = X.reshape(n_x, m * T_x)
    # Per column, the sum of its entries and the sum of their row indices times the entries.
    # A column whose sum is 1 holds at least one non-zero; if X holds no more non-zeros than
    # there are such columns, each of them holds exactly one, which is then 1 (its sum), and
    # every other column is all zero. NaN and inf break the count. For a column whose single
    # non-zero is a 1 in row k, the second sum is exactly k.
    with np.errstate(invalid="ignore", over="ignore"):  # inf * 0 and overflow fail the count
        weights = np.ones((2, n_x))  # row 0 sums the entries, row 1 weighs them by row index
        weights[1] = np.arange(n_x)
        sums, rows = weights @ columns
    is_one_hot = sums == 1
    if np.count_nonzero(columns != 0) != np.count_nonzero(is_one_hot):  # faster on booleans
        return None
    rows = np.where(is_one_hot, rows, n_x).astype(np.intp)
    return rows.reshape(m, T_x).T.ravel()


def _time_major_columns(X, scratch, ones_row=False):
    """X as (n_x, T_x m): column t m + i is x<t> of example i, the order of the rows of states.

    With ones_row, a row of ones is appended, (n_x + 1, T_x m): the input of a bias.
    """
    n_x, m, T_x = X.shape
    columns = scratch.empty("x_columns", (n_x + ones_row, T_x, m))
    np.copyto(columns[:n_x], X.transpose(0, 2, 1))
    if ones_row:
        columns[n_x] = 1.0
    return columns.reshape(n_x + ones_row, T_x * m)


def _input_projection(X, Wax, ba, out, scratch):
    """Fill out (T_x, m, n_a) with (Wax x<t> + ba)^T for every step t, all steps at once."""
    rows = out.reshape(-1, out.shape[-1])  # (T_x m, n_a), a view
    one_hot = _one_hot_rows(X)
    if one_hot is None:
        np.matmul(_time_major_columns(X, scratch).T, Wax.T, out=rows)
        rows += ba.T
    else:
        # Wax times a column of the identity is exactly that column of Wax (the other terms
        # are zeros), so a lookup in the rows of [Wax^T + ba^T; ba^T] gives the same numbers.
        n_x, n_a = Wax.shape[1], Wax.shape[0]
        table = np.empty((n_x + 1, n_a))  # float64, whatever the parameters' type
        np.add(Wax.T, ba.T, out=table[:n_x], dtype=np.float64)
        table[n_x] = ba[:, 0]
        np.take(table, one_hot, axis=0, out=rows, mode="clip")


class FreshArrays:
    """Where forward_states and backward_states get their work arrays: here, always new ones."""

    @staticmethod
    def empty(name, shape):
        """A new uninitialised float64 array of the given shape (name is ignored)."""
        return np.empty(shape)


class ScratchBuffers(threading.local):
    """Work arrays reused from one call to the next: one per name, per thread, grown as needed.

    A new array larger than ~128 kB costs a page fault per 4 kB page when it is first written
    (the memory allocator hands large blocks back to the operating system when they are freed).
    At mid sizes that is a quarter of a training step, so optimize, whose work arrays die with
    the call, reuses them; the public functions, whose results outlive it, use FreshArrays.
    """

    def __init__(self):
        self.arrays = {}

    def empty(self, name, shape):
        """An uninitialised float64 array of the given shape, in the memory last used for name."""
        size = math.prod(shape)
        array = self.arrays.get(name)
        if array is None or array.size < size:
            array = self.arrays[name] = np.empty(size)
        return array[:size].reshape(shape)


#: The work arrays of optim.optimize, kept between training steps (a few MB at most).
TRAINING_SCRATCH = ScratchBuffers()


def forward_states(X, a0, parameters, scratch=FreshArrays):
    """rnn_forward without the shape checks; the hidden states in the internal layout.

    Arguments:
        X, a0, parameters -- as for rnn_forward, already checked
        scratch -- where the arrays come from: FreshArrays, or ScratchBuffers to reuse memory
    Returns:
        states -- a0 then a<0> .. a<T_x - 1>, transposed: (T_x + 1, m, n_a)
        y_hat -- predicted distributions, (n_y, T_x, m)
    """
    Waa, Wya = parameters["Waa"], parameters["Wya"]
    n_x, m, T_x = X.shape
    n_a, n_y = Waa.shape[0], Wya.shape[0]
    states = scratch.empty("states", (T_x + 1, m, n_a))
    states[0] = a0.T
    _input_projection(X, parameters["Wax"], parameters["ba"], states[1:], scratch)
    # Row form of the recurrence: a<t>^T = tanh(a<t-1>^T Waa^T + (Wax x<t> + ba)^T), in place.
    Waa_T = np.ascontiguousarray(Waa.T)  # BLAS is faster on small matrices in this layout
    recurrent = np.empty((m, n_a))
    for t in range(1, T_x + 1):  # np.dot in the loops: the same BLAS call as np.matmul, sooner
        z = states[t]
        z += np.dot(states[t - 1], Waa_T, out=recurrent)
        np.tanh(z, out=z)

    # Output projection and softmax of every step at once, in one buffer: the same operations
    # as activations.softmax, in place.
    y_hat = scratch.empty("y_hat", (n_y, T_x * m))
    np.matmul(Wya, states[1:].reshape(T_x * m, n_a).T, out=y_hat)
    y_hat += parameters["by"]
    y_hat -= y_hat.max(axis=0)
    np.exp(y_hat, out=y_hat)
    y_hat /= y_hat.sum(axis=0)
    return states, y_hat.reshape(n_y, T_x, m)


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
    check_sequence_inputs(X, a0, parameters)
    states, y_hat = forward_states(X, a0, parameters)
    caches = SequenceCache.from_states(X, states, y_hat)
    return states[1:].transpose(2, 1, 0), y_hat.transpose(0, 2, 1), caches


def output_gradient(y_hat, Y, out):
    """dz_y<t> = y_hat<t> * sum(y<t>) - y<t> for every step: y_hat - y, or 0 for padding.

    Arguments:
        y_hat -- predicted distributions, (n_y, T_x, m), as forward_states returns them
        Y -- true distributions, (n_y, m, T_x)
        out -- where to write the result, (n_y, T_x, m); may be y_hat itself
    Returns:
        out
    """
    y_steps = Y.transpose(0, 2, 1)
    np.multiply(y_hat, y_steps.sum(axis=0), out=out)
    out -= y_steps
    return out


def backward_states(X, parameters, states, dzy, scratch=FreshArrays):
    """rnn_backward without the shape checks, from forward_states' states and output_gradient.

    Arguments:
        X, parameters -- as for rnn_backward, already checked
        states -- (T_x + 1, m, n_a), as forward_states returns them
        dzy -- gradient of the loss with respect to the output logits, (n_y, T_x, m)
        scratch -- where the work arrays come from: FreshArrays, or ScratchBuffers
    Returns:
        the dict rnn_backward returns (always new arrays)
    """
    Waa, Wya = parameters["Waa"], parameters["Wya"]
    n_x, m, T_x = X.shape
    n_a, n_y = Waa.shape[0], Wya.shape[0]
    hidden = states[1:].reshape(T_x * m, n_a)  # a<t>^T, one row per step and example
    previous = states[:-1].reshape(T_x * m, n_a)  # a<t-1>^T, the same rows one step earlier
    dzy = dzy.reshape(n_y, T_x * m)

    # The recurrence, backwards, in row form. dz starts as (Wya^T dz_y)^T and becomes dz<t>^T in
    # place; tanh'(z) = 1 - a^2 is computed step by step, while a<t> is still in the cache.
    dz = scratch.empty("dz", (T_x * m, n_a))
    np.matmul(dzy.T, Wya, out=dz)
    dz_steps = dz.reshape(T_x, m, n_a)
    tanh_slope = np.empty((m, n_a))
    da = np.zeros((m, n_a))  # gradient of the loss after step t with respect to a<t>, transposed
    for t in range(T_x - 1, -1, -1):
        dz_t = dz_steps[t]
        dz_t += da
        np.square(states[t + 1], out=tanh_slope)
        np.subtract(1.0, tanh_slope, out=tanh_slope)
        dz_t *= tanh_slope
        np.dot(dz_t, Waa, out=da)  # (Waa^T dz<t>)^T

    # dWax and dba in one product: ba is the weight of an input that is always 1. Computed as
    # (x dz)^T rather than dz^T x^T: the same sums, faster in BLAS for these shapes.
    dWax_dba = (_time_major_columns(X, scratch, ones_row=True) @ dz).T
    return {
        "dWax": dWax_dba[:, :n_x].copy(),
        "dWaa": dz.T @ previous,
        "dWya": dzy @ hidden,
        "dba": dWax_dba[:, n_x:].copy(),
        "dby": dzy.sum(axis=1, keepdims=True),
        "da0": np.ascontiguousarray(da.T),
    }


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
    known = check_sequence_inputs(X, caches.a0, parameters)
    check_shape("Y", Y, ("n_y", "m", "T_x"), known)
    check_shape("caches.a (stored time-major)", caches.a, ("n_a", "T_x", "m"), known)
    dzy = output_gradient(caches.y_hat, Y, out=np.empty_like(caches.y_hat))
    return backward_states(X, parameters, caches.states, dzy)
