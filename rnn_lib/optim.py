"""Turning gradients into updates: clipping, the SGD update and one whole training step."""

import numpy as np

from .arguments import check_positive_number
from .loss import TINY
from .params import PARAM_NAMES
from .sequence import (
    TRAINING_SCRATCH,
    backward_states,
    check_sequence_inputs,
    forward_states,
)
from .shapes import check_shape

#: Gradients of the state rather than of a parameter. Clipping passes them through unchanged
#: and leaves them out of the global norm.
STATE_GRADIENTS = frozenset({"da0", "da_prev", "dc0", "dc_prev", "dx", "dxt"})


def clip(gradients, max_value):
    """Clip each parameter gradient entrywise to [-max_value, max_value].

    Returns a new dict with every key of ``gradients``: parameter gradients clipped, state
    gradients (da0, da_prev, ...) copied unchanged. The caller's arrays are not modified.
    Clipping by value can change the direction of the update; clip_by_norm cannot.

    Arguments:
        gradients -- dict of gradient arrays, e.g. dWax, dWaa, dWya, dba, dby, da0
        max_value -- positive threshold
    Returns:
        dict with the same keys and shapes
    """
    check_positive_number("max_value", max_value)
    return {
        key: g.copy() if key in STATE_GRADIENTS else np.clip(g, -max_value, max_value)
        for key, g in gradients.items()
    }


def global_norm(gradients):
    """sqrt(sum of squares) over all parameter gradients together (state gradients left out)."""
    return float(
        np.sqrt(
            sum(np.vdot(g, g).real for key, g in gradients.items() if key not in STATE_GRADIENTS)
        )
    )


def clip_by_norm(gradients, max_norm):
    """Rescale all parameter gradients together so that their global norm is at most max_norm.

    If ||g|| = sqrt(sum over parameters of sum(g^2)) exceeds max_norm, every parameter gradient
    is multiplied by max_norm / ||g||; the direction of the update is kept. State gradients are
    copied unchanged. The caller's arrays are not modified.

    Arguments:
        gradients -- dict of gradient arrays
        max_norm -- positive threshold
    Returns:
        dict with the same keys and shapes
    """
    check_positive_number("max_norm", max_norm)
    norm = global_norm(gradients)
    scale = max_norm / norm if norm > max_norm else 1.0
    return {key: g.copy() if key in STATE_GRADIENTS else g * scale for key, g in gradients.items()}


def update_parameters(parameters, gradients, learning_rate):
    """Gradient-descent step, in place: W <- W - learning_rate * dW for every parameter.

    Arguments:
        parameters -- dict of parameter arrays, updated in place
        gradients -- dict holding "d" + name for every name in parameters
        learning_rate -- step size
    Returns:
        parameters (the same dict, for convenience)
    """
    missing = [f"d{name}" for name in parameters if f"d{name}" not in gradients]
    if missing:
        raise ValueError(
            f"gradients lacks {', '.join(missing)}, needed to update {', '.join(parameters)}"
        )
    for name, value in parameters.items():
        grad = gradients[f"d{name}"]
        if np.shape(grad) != np.shape(value):
            raise ValueError(
                f"d{name} must have the shape of {name}, {np.shape(value)}; got {np.shape(grad)}"
            )
        value -= learning_rate * grad
    return parameters


def _loss_and_output_gradient(y_hat, Y):
    """compute_loss and output_gradient of forward_states' y_hat in one go, bit for bit the same.

    Both need only the non-zero entries of Y (one per column, or none for padding), so they are
    found once and y_hat is read and changed only there, plus one product if some column of Y
    does not sum to 1. The loss terms are summed in the order compute_loss sums them (C order
    of Y), so the sum is the same to the last bit.

    Arguments:
        y_hat -- predicted distributions, (n_y, T_x, m), as forward_states returns them;
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


def optimize(X, Y, a_prev, parameters, learning_rate, clip_value=5.0):
    """One training step: forward, loss, backpropagation through time, clip by value, update.

    Arguments:
        X -- inputs, (n_x, m, T_x)
        Y -- true distributions, (n_y, m, T_x); all-zero columns are padding
        a_prev -- initial hidden state, (n_a, m)
        parameters -- dict of Wax, Waa, Wya, ba, by (other keys are left alone); updated in place
        learning_rate -- step size of the update
        clip_value -- gradients are clipped entrywise to [-clip_value, clip_value]
    Returns:
        loss -- summed cross-entropy of the batch before the update, a float
        gradients -- the clipped gradients (dWax, dWaa, dWya, dba, dby, da0)
        a_last -- hidden state after the last step, (n_a, m)
    """
    # The same steps as rnn_forward, compute_loss, rnn_backward, clip and update_parameters,
    # with the same numbers, but the shapes are checked once, the work arrays are reused from
    # one step to the next and the fresh gradients are clipped in place: at small and mid
    # sizes, checks, copies and new memory cost as much as the arithmetic.
    X, Y, a_prev = np.asarray(X), np.asarray(Y), np.asarray(a_prev)
    known = check_sequence_inputs(X, a_prev, parameters)
    check_shape("Y", Y, ("n_y", "m", "T_x"), known)
    check_positive_number("max_value", clip_value)
    states, y_hat = forward_states(X, a_prev, parameters, TRAINING_SCRATCH)
    loss, dzy = _loss_and_output_gradient(y_hat, Y)  # y_hat is not needed any more
    gradients = backward_states(X, parameters, states, dzy, TRAINING_SCRATCH)
    # clip and update_parameters in one pass, without their copies and checks. Only the RNN's
    # own parameters: a dict may carry more keys (notes, other arrays).
    for name in PARAM_NAMES:
        grad, value = gradients[f"d{name}"], parameters[name]
        np.clip(grad, -clip_value, clip_value, out=grad)
        value -= learning_rate * grad
    return loss, gradients, states[-1].T.copy()  # a copy: states is reused by the next step


class Adam:
    """The Adam optimiser: per-parameter steps scaled by running moments of the gradient.

    For every parameter W with gradient dW, at step t = 1, 2, ...:
        m <- beta1 m + (1 - beta1) dW              v <- beta2 v + (1 - beta2) dW^2
        m_hat = m / (1 - beta1^t)                  v_hat = v / (1 - beta2^t)
        W <- W - learning_rate * m_hat / (sqrt(v_hat) + eps)
    The moments start at zero; the bias corrections undo that start.

    Arguments:
        learning_rate -- step size
        beta1, beta2 -- decay rates of the first and second moments, in [0, 1)
        eps -- added to the denominator so it is never zero
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        check_positive_number("learning_rate", learning_rate)
        for name, beta in (("beta1", beta1), ("beta2", beta2)):
            if not 0 <= beta < 1:
                raise ValueError(f"{name} must be in [0, 1); got {beta!r}")
        self.learning_rate, self.beta1, self.beta2, self.eps = learning_rate, beta1, beta2, eps
        self.t = 0
        self.m = {}
        self.v = {}

    def step(self, parameters, gradients):
        """Update every parameter in place from its gradient "d" + name; returns parameters."""
        missing = [f"d{name}" for name in parameters if f"d{name}" not in gradients]
        if missing:
            raise ValueError(
                f"gradients lacks {', '.join(missing)}, needed to update {', '.join(parameters)}"
            )
        self.t += 1
        correction1 = 1.0 - self.beta1**self.t
        correction2 = 1.0 - self.beta2**self.t
        for name, value in parameters.items():
            grad = gradients[f"d{name}"]
            if name not in self.m:
                self.m[name] = np.zeros_like(value)
                self.v[name] = np.zeros_like(value)
            m, v = self.m[name], self.v[name]
            m *= self.beta1
            m += (1.0 - self.beta1) * grad
            v *= self.beta2
            v += (1.0 - self.beta2) * grad**2
            value -= self.learning_rate * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
        return parameters
