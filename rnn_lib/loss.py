"""The cross-entropy loss of a sequence of predicted distributions, and its perplexity."""

import numpy as np

#: Smallest positive normal float64. A probability that underflowed to 0 is read as this,
#: so its loss term is -log(tiny) ~ 708 nats instead of inf.
TINY = np.finfo(np.float64).tiny


def compute_loss(Y_hat, Y):
    """Summed cross-entropy: L = -sum over outputs, examples and steps of Y * log(Y_hat).

    Padded steps (all-zero columns of Y) add nothing. Probabilities are floored at the smallest
    positive normal float, so an underflowed prediction costs a large but finite loss.

    Arguments:
        Y_hat -- predicted distributions, (n_y, m, T_x) (or any shape matching Y)
        Y -- true distributions, same shape: one-hot columns, all-zero columns for padding
    Returns:
        the loss in nats, a Python float
    """
    Y_hat = np.asarray(Y_hat)
    Y = np.asarray(Y)
    if Y_hat.shape != Y.shape:
        raise ValueError(f"Y_hat must have the shape of Y, {Y.shape}; got {Y_hat.shape}")
    # Only the target entries count: find them once (in C order), then read both arrays there.
    # Cheaper than two boolean masks when Y_hat is a strided view, as rnn_forward returns it.
    Y_hat, Y = np.atleast_1d(Y_hat, Y)  # so that a scalar has a position to index, too
    target = np.unravel_index(np.flatnonzero(Y != 0), Y.shape)
    return float(-np.sum(Y[target] * np.log(np.maximum(Y_hat[target], TINY))))


def perplexity(loss_per_char):
    """exp(mean cross-entropy per character in nats): the effective number of equally likely choices."""
    return float(np.exp(loss_per_char))
