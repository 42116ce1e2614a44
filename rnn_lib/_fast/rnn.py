"""The RNN's fast path: the forward pass and BPTT with the time loop reduced to the recurrence.

What rnn_lib.cells.rnn computes step by step, done here with every product that does not depend
on the previous state hoisted out of the time loop: the input projection Wax x<t> + ba of all
steps at once (a row lookup when the inputs are one-hot), the output projection and softmax of
all steps at once, and the weight gradients as one matrix product each over all steps and
examples. Only a<t> = tanh(Waa a<t-1> + ...) and its backward stay in Python loops.

Arrays are in the layout of rnn_lib.cells.shared.TimeMajorCache: the hidden states live in one
buffer ``states`` of shape (T_x + 1, m, n_a), ``states[0]`` is a0 transposed and
``states[t + 1]`` is a<t> transposed, one row per example. Each step's states are then one
contiguous block, the loop never allocates, and the states a<t-1> of every step
(``states[:-1]``) and a<t> (``states[1:]``) are both plain reshapes to (T_x m, n_a) that BLAS
reads without copying. The predictions are (n_y, T_x, m).
"""

import numpy as np

from ..loss import TINY
from .buffers import FreshArrays, ScratchBuffers
from .projections import input_projection, output_softmax, time_major_columns

#: The work arrays of training_step (rnn_lib.optimize), kept between training steps (a few MB at most).
TRAINING_SCRATCH = ScratchBuffers()


def forward(x, a0, parameters, scratch=FreshArrays):
    """rnn_forward without the shape checks; the hidden states in the internal layout.

    Arguments:
        x, a0, parameters -- as for rnn_forward, already checked
        scratch -- where the arrays come from: FreshArrays, or ScratchBuffers to reuse memory
    Returns:
        states -- a0 then a<0> .. a<T_x - 1>, transposed: (T_x + 1, m, n_a)
        y_hat -- predicted distributions, (n_y, T_x, m)
    """
    Waa, Wya = parameters["Waa"], parameters["Wya"]
    n_x, m, T_x = x.shape
    n_a, n_y = Waa.shape[0], Wya.shape[0]
    states = scratch.empty("states", (T_x + 1, m, n_a))
    states[0] = a0.T
    input_projection(x, parameters["Wax"], parameters["ba"], states[1:], scratch)
    # Row form of the recurrence: a<t>^T = tanh(a<t-1>^T Waa^T + (Wax x<t> + ba)^T), in place.
    Waa_T = np.ascontiguousarray(Waa.T)  # BLAS is faster on small matrices in this layout
    recurrent = np.empty((m, n_a))
    for t in range(1, T_x + 1):  # np.dot in the loops: the same BLAS call as np.matmul, sooner
        z = states[t]
        z += np.dot(states[t - 1], Waa_T, out=recurrent)
        np.tanh(z, out=z)

    y_hat = scratch.empty("y_hat", (n_y, T_x * m))
    output_softmax(states[1:].reshape(T_x * m, n_a), Wya, parameters["by"], y_hat)
    return states, y_hat.reshape(n_y, T_x, m)


def output_gradient(y_hat, Y, out):
    """dz_y<t> = y_hat<t> * sum(y<t>) - y<t> for every step: y_hat - y, or 0 for padding.

    Arguments:
        y_hat -- predicted distributions, (n_y, T_x, m), as forward returns them
        Y -- true distributions, (n_y, m, T_x)
        out -- where to write the result, (n_y, T_x, m); may be y_hat itself
    Returns:
        out
    """
    y_steps = Y.transpose(0, 2, 1)
    np.multiply(y_hat, y_steps.sum(axis=0), out=out)
    out -= y_steps
    return out


def backward_states(x, parameters, states, dzy, scratch=FreshArrays):
    """rnn_backward without the shape checks, from forward's states and output_gradient.

    Arguments:
        x, parameters -- as for rnn_backward, already checked
        states -- (T_x + 1, m, n_a), as forward returns them
        dzy -- gradient of the loss with respect to the output logits, (n_y, T_x, m)
        scratch -- where the work arrays come from: FreshArrays, or ScratchBuffers
    Returns:
        the dict rnn_backward returns (always new arrays)
    """
    Waa, Wya = parameters["Waa"], parameters["Wya"]
    n_x, m, T_x = x.shape
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
    dWax_dba = (time_major_columns(x, scratch, ones_row=True) @ dz).T
    return {
        "dWax": dWax_dba[:, :n_x].copy(),
        "dWaa": dz.T @ previous,
        "dWya": dzy @ hidden,
        "dba": dWax_dba[:, n_x:].copy(),
        "dby": dzy.sum(axis=1, keepdims=True),
        "da0": np.ascontiguousarray(da.T),
    }


def backward(x, Y, parameters, states, y_hat):
    """rnn_backward, from forward's states and y_hat; the shapes are already checked.

    Returns:
        dict of dWax, dWaa, dWya, dba, dby and da0, as rnn_backward returns it (new arrays)
    """
    dzy = output_gradient(y_hat, Y, out=np.empty_like(y_hat))
    return backward_states(x, parameters, states, dzy)


def _loss_and_output_gradient(y_hat, Y):
    """compute_loss and output_gradient of forward's y_hat in one go, bit for bit the same.

    Both need only the non-zero entries of Y (one per column, or none for padding), so they are
    found once and y_hat is read and changed only there, plus one product if some column of Y
    does not sum to 1. The loss terms are summed in the order compute_loss sums them (C order
    of Y), so the sum is the same to the last bit.

    Arguments:
        y_hat -- predicted distributions, (n_y, T_x, m), as forward returns them;
            overwritten with the output gradient y_hat * sum(y<t>) - y<t>
        Y -- true distributions, (n_y, m, T_x)
    Returns:
        loss -- summed cross-entropy, a float
        y_hat -- the output gradient, (n_y, T_x, m)
    """
    n_y, T_x, m = y_hat.shape
    Y = Y.reshape(-1)  # C order of (n_y, m, T_x): entry (k, i, t) is at k m T_x + i T_x + t
    target = np.flatnonzero(Y != 0)
    y = Y[target]
    row, example_step = np.divmod(target, m * T_x)
    example, step = np.divmod(example_step, T_x)
    column = step * m + example  # the same entry in y_hat's (n_y, T_x m) columns
    position = row * (T_x * m) + column
    flat = y_hat.reshape(-1)
    loss = float(-np.sum(y * np.log(np.maximum(flat[position], TINY))))
    # sum(y<t>) of every column, added in the order Y.sum(axis=0) adds them (rows ascending)
    column_sums = np.bincount(column, weights=y, minlength=T_x * m)
    if not np.all(column_sums == 1.0):  # padding or soft targets; y_hat * 1 would change nothing
        y_hat *= column_sums.reshape(T_x, m)
    flat[position] -= y
    return loss, y_hat


def training_step(x, Y, a_prev, parameters, learning_rate, clip_value, names):
    """optimize's work, fused: forward, loss, BPTT, clip by value and SGD, on reused buffers.

    The same numbers as rnn_forward, compute_loss, rnn_backward, clip and update_parameters
    composed, to the last bit, but the fresh gradients are clipped in place and the work arrays
    are reused from one step to the next: at small and mid sizes, copies and new memory cost as
    much as the arithmetic. The inputs are already checked.

    Arguments:
        x, Y, a_prev, parameters, learning_rate, clip_value -- as for rnn_lib.optimize
        names -- the parameter names to update (the RNN's; other keys are left alone)
    Returns:
        loss, gradients (clipped), a_last (n_a, m), as optimize returns them
    """
    states, y_hat = forward(x, a_prev, parameters, TRAINING_SCRATCH)
    loss, dzy = _loss_and_output_gradient(y_hat, Y)  # y_hat is not needed any more
    gradients = backward_states(x, parameters, states, dzy, TRAINING_SCRATCH)
    for name in names:
        grad, value = gradients[f"d{name}"], parameters[name]
        np.clip(grad, -clip_value, clip_value, out=grad)
        value -= learning_rate * grad
    return loss, gradients, states[-1].T.copy()  # a copy: states is reused by the next step
