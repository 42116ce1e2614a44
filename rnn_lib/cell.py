"""One time step of the vanilla RNN: the cell's forward pass and its backward pass."""

from typing import NamedTuple

import numpy as np

from .activations import softmax
from .shapes import check_parameters, check_shape


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
    known = check_parameters(parameters)
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
    known = check_parameters(parameters)
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
