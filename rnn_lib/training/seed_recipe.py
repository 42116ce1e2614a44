"""The seed notebook's training recipe, its bugs fixed: optimize (one step) and rnn_model (the loop).

The seed trains the RNN one name at a time with plain SGD, clipping every gradient entry to
[-5, 5]. ``optimize`` is that step, in the seed's signature; ``rnn_model`` is its loop, which
now shuffles, starts every name from a zero state and reports its losses. Notebook 06 builds
optimize as an exercise and compares this recipe with rnn_lib.train's.
"""

import numpy as np

from .. import _fast
from ..cells.rnn import (
    PARAM_NAMES,
    check_sequence_inputs,
    initialize_parameters,
    rnn_backward,
    rnn_forward,
)
from ..data.names import check_known_characters, encode_names, index_maps
from ..loss import compute_loss
from ..validation import check_integer, check_positive_number, check_shape, check_updatable
from .optim import clip, update_parameters

#: The seed's vocabulary: end of name, then a-z.
SEED_CHARS = "\nabcdefghijklmnopqrstuvwxyz"


def optimize(X, Y, a_prev, parameters, learning_rate, clip_value=5.0):
    """One training step: forward, loss, backpropagation through time, clip by value, update.

    Arguments:
        X -- inputs, (n_x, m, T_x)
        Y -- true distributions, (n_y, m, T_x); all-zero columns are padding
        a_prev -- initial hidden state, (n_a, m)
        parameters -- dict of Wax, Waa, Wya, ba, by as float arrays (other keys are left alone);
            updated in place
        learning_rate -- step size of the update, positive and finite
        clip_value -- gradients are clipped entrywise to [-clip_value, clip_value]
    Returns:
        loss -- summed cross-entropy of the batch before the update, a float
        gradients -- the clipped gradients (dWax, dWaa, dWya, dba, dby, da0)
        a_last -- hidden state after the last step, (n_a, m)
    """
    X, Y, a_prev = np.asarray(X), np.asarray(Y), np.asarray(a_prev)
    known = check_sequence_inputs(X, a_prev, parameters)
    check_shape("Y", Y, ("n_y", "m", "T_x"), known)
    check_positive_number("learning_rate", learning_rate)
    check_positive_number("clip_value", clip_value)
    check_updatable({name: parameters[name] for name in PARAM_NAMES})
    if _fast.enabled:
        return _fast.rnn.training_step(
            X, Y, a_prev, parameters, learning_rate, clip_value, PARAM_NAMES
        )
    a, y_hat, caches = rnn_forward(X, a_prev, parameters)
    loss = compute_loss(y_hat, Y)
    gradients = clip(rnn_backward(X, Y, parameters, caches), clip_value)
    rnn_parameters = {name: parameters[name] for name in PARAM_NAMES}  # other keys left alone
    update_parameters(rnn_parameters, gradients, learning_rate)
    return loss, gradients, a[:, :, -1].copy()


def rnn_model(
    inputs, num_iterations, learning_rate, n_a=50, clip_value=5.0, chars=SEED_CHARS, rng=None
):
    """The seed's training loop, fixed: one name per SGD step, clipped by value, losses reported.

    Each step takes the next name of a freshly shuffled pass over inputs, runs it from a zero
    hidden state (names are independent), and calls rnn_lib.optimize (forward, loss, BPTT,
    clip to [-clip_value, clip_value], W <- W - learning_rate dW). Names are encoded by
    data.encode_names, which treats index 0 like any other (the seed's `if idx:` did not).

    Arguments:
        inputs -- list of names
        num_iterations -- number of SGD steps (the seed uses 22001)
        learning_rate -- step size (the seed uses 0.01)
        n_a -- hidden units (the seed's 50)
        clip_value -- gradient clipping threshold (the seed's 5)
        chars -- the vocabulary, "\\n" first (the seed's 27 symbols by default)
        rng -- a numpy Generator or a seed, for the initial weights and the shuffling
    Returns:
        parameters -- the trained dict of Wax, Waa, Wya, ba, by
        losses -- (num_iterations,) array: losses[j] is the cross-entropy per character of the
            name of step j, before its update
    """
    if not inputs:
        raise ValueError("inputs must hold at least one name; got none")
    check_integer("num_iterations", num_iterations)
    check_integer("n_a", n_a)
    check_positive_number("learning_rate", learning_rate)
    check_positive_number("clip_value", clip_value)
    char_to_ix, _ = index_maps(chars)
    check_known_characters(inputs, char_to_ix, "training")
    rng = np.random.default_rng(rng)
    parameters = initialize_parameters(n_a, len(chars), len(chars), rng)
    encoded = [encode_names([name], char_to_ix) for name in inputs]
    a0 = np.zeros((n_a, 1))
    losses = np.empty(num_iterations)
    order = []
    for j in range(num_iterations):
        if not order:
            order = list(rng.permutation(len(inputs)))
        X, Y = encoded[order.pop()]
        loss, _, _ = optimize(X, Y, a0, parameters, learning_rate, clip_value)
        losses[j] = loss / X.shape[2]
    return parameters, losses
