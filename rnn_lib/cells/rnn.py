"""The vanilla RNN: its parameters, one step forward and backward, and a whole sequence.

    a<t> = tanh(Waa a<t-1> + Wax x<t> + ba)        y_hat<t> = softmax(Wya a<t> + by)

Notebook 01 builds rnn_cell_forward, 02 rnn_forward, 03 rnn_cell_backward and rnn_backward.
The sequence functions here are the loops those notebooks write, over the cell functions. When
rnn_lib._fast.enabled is true (the default) they hand the same work to rnn_lib._fast.rnn, which
hoists the input and output projections out of the time loop; both give the same numbers up to
rounding (tests/test_fast_paths.py).
"""

from typing import NamedTuple

import numpy as np

from .. import _fast
from ..activations import softmax
from ..loss import compute_loss
from ..validation import (
    as_parameter_arrays,
    check_integer,
    check_parameters,
    check_sequence,
    check_shape,
)
from .shared import TimeMajorCache

#: The parameters of the RNN, in one fixed order. Update, clipping, gradient checks and
#: checkpoints all iterate over this tuple; the gradient of ``name`` is ``"d" + name``.
PARAM_NAMES = ("Wax", "Waa", "Wya", "ba", "by")

#: Each parameter's shape, in the symbols the notebooks use.
PARAM_SYMBOLS = {
    "Wax": ("n_a", "n_x"),
    "Waa": ("n_a", "n_a"),
    "Wya": ("n_y", "n_a"),
    "ba": ("n_a", "1"),
    "by": ("n_y", "1"),
}


def param_shapes(n_a, n_x, n_y):
    """Each parameter's shape for the given sizes, e.g. Wax -> (n_a, n_x)."""
    sizes = {"n_a": n_a, "n_x": n_x, "n_y": n_y, "1": 1}
    return {name: tuple(sizes[s] for s in PARAM_SYMBOLS[name]) for name in PARAM_NAMES}


def initialize_parameters(n_a, n_x, n_y, rng=None):
    """Small random weights and zero biases: W ~ 0.01 * N(0, 1), b = 0.

    Arguments:
        n_a -- number of hidden units
        n_x -- size of an input vector (the vocabulary, for characters)
        n_y -- size of an output distribution (the vocabulary, for characters)
        rng -- a numpy Generator, or a seed for one; None draws fresh entropy
    Returns:
        dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)
    """
    for name, value in (("n_a", n_a), ("n_x", n_x), ("n_y", n_y)):
        check_integer(name, value)
    rng = np.random.default_rng(rng)
    parameters = {}
    for name, shape in param_shapes(n_a, n_x, n_y).items():
        if name.startswith("W"):
            parameters[name] = rng.standard_normal(shape) * 0.01
        else:
            parameters[name] = np.zeros(shape)
    return parameters


def check_rnn_parameters(parameters):
    """Check the RNN's parameter dict; return the sizes it fixes, {symbol: (size, source)}."""
    return check_parameters(parameters, PARAM_SYMBOLS)


# --- one step -------------------------------------------------------------------------------


class CellCache(NamedTuple):
    """What the backward pass of one step needs from its forward pass."""

    a_next: np.ndarray  # (n_a, m)  hidden state this step produced
    a_prev: np.ndarray  # (n_a, m)  hidden state it started from
    xt: np.ndarray  # (n_x, m)  input of this step
    y_hat_t: np.ndarray  # (n_y, m)  predicted distribution of this step


def rnn_cell_forward(xt, a_prev, parameters):
    """One RNN step: a_next = tanh(Waa a_prev + Wax xt + ba), y_hat_t = softmax(Wya a_next + by).

    Arguments:
        xt -- input of this step, (n_x, m)
        a_prev -- hidden state of the previous step, (n_a, m)
        parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)
    Returns:
        a_next -- new hidden state, (n_a, m)
        y_hat_t -- predicted distribution over the n_y outputs, (n_y, m); each column sums to 1
        cache -- CellCache(a_next, a_prev, xt, y_hat_t) for rnn_cell_backward
    """
    known = check_rnn_parameters(parameters)
    check_shape("xt", xt, ("n_x", "m"), known)
    check_shape("a_prev", a_prev, ("n_a", "m"), known)
    p = parameters
    a_next = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"])
    y_hat_t = softmax(p["Wya"] @ a_next + p["by"])
    return a_next, y_hat_t, CellCache(a_next, a_prev, xt, y_hat_t)


def rnn_cell_backward(y, da_next, cache, parameters):
    """Gradients of one step's loss, plus the gradient arriving from later steps.

    With dz_y = y_hat_t - y (the softmax-cross-entropy gradient; zero for a padded step, whose
    y is all zeros) and dz = (1 - a_next^2) * (Wya^T dz_y + da_next):
        dWya = dz_y a_next^T    dby = sum over the batch of dz_y
        dWax = dz xt^T          dWaa = dz a_prev^T       dba = sum over the batch of dz
        da_prev = Waa^T dz

    Arguments:
        y -- true distribution of this step, (n_y, m): one-hot, or all zeros for padding
        da_next -- gradient of the later steps' loss with respect to a_next, (n_a, m)
        cache -- the CellCache from rnn_cell_forward
        parameters -- the dict given to rnn_cell_forward
    Returns:
        dict of dWax (n_a, n_x), dWaa (n_a, n_a), dWya (n_y, n_a), dba (n_a, 1), dby (n_y, 1)
        and da_prev (n_a, m)
    """
    parameters = as_parameter_arrays(parameters)
    known = check_rnn_parameters(parameters)
    y, da_next = np.asarray(y), np.asarray(da_next)
    a_next, a_prev, xt, y_hat_t = cache
    check_shape("cache.a_next", a_next, ("n_a", "m"), known)
    check_shape("y", y, ("n_y", "m"), known)
    check_shape("da_next", da_next, ("n_a", "m"), known)
    # sum(y) is 1 for a real step and 0 for padding, so padding contributes no gradient.
    dzy = y_hat_t * y.sum(axis=0, keepdims=True) - y
    dz = (1.0 - a_next**2) * (parameters["Wya"].T @ dzy + da_next)
    return step_gradients(dzy, dz, cache, parameters)


def step_gradients(dzy, dz, cache, parameters):
    """One step's gradients from its output-logit gradient dz_y and pre-activation gradient dz.

        dWya = dz_y a_next^T    dby = sum over the batch of dz_y
        dWax = dz xt^T          dWaa = dz a_prev^T       dba = sum over the batch of dz
        da_prev = Waa^T dz

    Arguments:
        dzy -- gradient of the loss with respect to Wya a_next + by, (n_y, m)
        dz -- gradient with respect to Waa a_prev + Wax xt + ba, (n_a, m)
        cache -- the step's CellCache
        parameters -- dict with Waa (n_a, n_a)
    Returns:
        dict of dWax, dWaa, dWya, dba, dby and da_prev, as rnn_cell_backward returns them
    """
    a_next, a_prev, xt, _ = cache
    return {
        "dWax": dz @ xt.T,
        "dWaa": dz @ a_prev.T,
        "dWya": dzy @ a_next.T,
        "dba": dz.sum(axis=1, keepdims=True),
        "dby": dzy.sum(axis=1, keepdims=True),
        "da_prev": parameters["Waa"].T @ dz,
    }


# --- a sequence -----------------------------------------------------------------------------


class SequenceCache(TimeMajorCache):
    """What rnn_backward needs from rnn_forward, in the shared layout (see TimeMajorCache).

    Indexing it gives the CellCache of step t, so the seed's list-of-caches idiom still works.
    """

    __slots__ = ()
    cell_forward = staticmethod(rnn_cell_forward)
    fast = _fast.rnn

    @classmethod
    def from_steps(cls, x, steps, predictions=None, parameters=None):
        """Stack per-step CellCaches (as the seed's rnn_forward returns them) into one cache.

        The predictions, (n_y, m) each, default to the caches' own y_hat_t.
        """
        steps = list(steps)
        if predictions is None:
            predictions = [step.y_hat_t for step in steps]
        states = cls.rows([steps[0].a_prev] + [step.a_next for step in steps])
        return cls(x, parameters, states, np.stack(predictions, axis=1))

    def step(self, t):
        """The CellCache of step t, as rnn_cell_forward returned it."""
        s = self.states
        return CellCache(s[t + 1].T, s[t].T, self.x[:, :, t], self.y_hat[:, t, :])


def check_sequence_inputs(X, a0, parameters):
    """Check X (n_x, m, T_x), a0 (n_a, m) and the parameters; return the sizes they fix."""
    known = check_rnn_parameters(parameters)
    check_sequence(X, a0, known)
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
    X, a0, parameters = np.asarray(X), np.asarray(a0), as_parameter_arrays(parameters)
    check_sequence_inputs(X, a0, parameters)
    caches = SequenceCache.unrolled(X, (a0,), parameters)
    return caches.a, caches.predictions, caches


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
    X, Y, parameters = np.asarray(X), np.asarray(Y), as_parameter_arrays(parameters)
    if not isinstance(caches, SequenceCache):
        caches = SequenceCache.from_steps(X, caches, parameters=parameters)
    known = check_sequence_inputs(X, caches.a0, parameters)
    check_shape("Y", Y, ("n_y", "m", "T_x"), known)
    check_shape("caches.a", caches.a, ("n_a", "m", "T_x"), known)
    if _fast.enabled:
        return _fast.rnn.backward(X, Y, parameters, caches.states, caches.y_hat)
    gradients = {f"d{name}": np.zeros_like(parameters[name], dtype=float) for name in PARAM_NAMES}
    da_next = np.zeros(caches.a0.shape)
    for t in reversed(range(X.shape[2])):
        step = rnn_cell_backward(Y[:, :, t], da_next, caches[t], parameters)
        da_next = step.pop("da_prev")
        for key, value in step.items():
            gradients[key] += value
    gradients["da0"] = da_next
    return gradients


def rnn_loss_and_gradients(X, Y, a0, parameters):
    """Summed cross-entropy of the RNN's predictions, and rnn_backward's gradients.

    Arguments:
        X, Y -- inputs and true distributions, (n_x, m, T_x) and (n_y, m, T_x)
        a0 -- initial hidden state, (n_a, m)
        parameters -- dict of PARAM_NAMES
    Returns:
        loss -- a Python float
        gradients -- dict of dWax, dWaa, dWya, dba, dby and da0
    """
    _, y_hat, caches = rnn_forward(X, a0, parameters)
    return compute_loss(y_hat, Y), rnn_backward(X, Y, parameters, caches)
