"""The training recipe of rnn_lib.train for any model given by its functions, not by a cell name.

rnn_lib.train knows the cells of the registry ("rnn", "lstm", "gru"). A model built from layers
(cells/stacked.py, say) is given here as a Model: how to initialise it, how to get its loss and
gradients, how to predict. fit_names trains it with train's recipe, step for step: length-grouped
minibatches, Adam with a learning rate falling linearly to 0, gradients of the mean loss per
character clipped by global norm, the same random stream; with the vanilla RNN's functions it
returns train's parameters exactly (tests/test_fitting.py). evaluate_names measures the mean
loss per character as rnn_lib.evaluate does.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ..data.names import count_chars, encode_names, index_maps, length_grouped_batches
from ..loss import compute_loss
from ..validation import check_integer, check_positive_number
from .optim import Adam, clip_by_norm


class Model(NamedTuple):
    """A model as fit_names trains it: three functions in the shapes of the series."""

    initialize: Callable  # (n_a, n_x, n_y, rng) -> parameters
    loss_and_gradients: Callable  # (X, Y, a0, parameters) -> (summed loss, "d" + name dict)
    predict: Callable  # (X, a0, parameters) -> y_hat (n_y, m, T_x)


class FitResult(NamedTuple):
    """What fit_names returns."""

    parameters: dict  # the trained parameters
    train_loss_per_char: list  # per epoch, over its batches, each before its update
    dev_loss_per_char: list  # per epoch, after it; empty without dev names


def evaluate_names(model, parameters, names, char_to_ix, n_a, batch_size=512):
    """Mean cross-entropy per character of the model on names, each from a zero state.

    loss_per_char = -(1 / chars) * sum over names and steps of log p(true next character),
    chars counting every predicted character including each name's "\\n".

    Arguments:
        model -- a Model
        parameters -- its parameters
        names -- list of names, every character in char_to_ix
        char_to_ix -- dict character -> index, "\\n" -> 0
        n_a -- the size of the zero initial state a0
        batch_size -- names per forward pass (the result does not depend on it)
    Returns:
        the loss per character, a float
    """
    if not names:
        raise ValueError("names must hold at least one name to evaluate; got none")
    by_length = sorted(names, key=len)
    total = 0.0
    for start in range(0, len(by_length), batch_size):
        X, Y = encode_names(by_length[start : start + batch_size], char_to_ix)
        total += compute_loss(model.predict(X, np.zeros((n_a, X.shape[1])), parameters), Y)
    return total / count_chars(names)


def fit_names(
    model, train_names, dev_names, chars, *, hidden, epochs=10, batch_size=64,
    learning_rate=0.05, clip_threshold=1.0, seed=0,
):  # fmt: skip
    """Train a model on names with rnn_lib.train's recipe (see the module); deterministic given seed.

    Arguments:
        model -- a Model
        train_names, dev_names -- lists of names (dev_names may be empty)
        chars -- the vocabulary, "\\n" first (rnn_lib.build_vocabulary)
        hidden -- n_a, passed to model.initialize
        epochs, batch_size, learning_rate, clip_threshold, seed -- as for rnn_lib.train
    Returns:
        FitResult(parameters, train_loss_per_char, dev_loss_per_char)
    """
    for name, value in (("hidden", hidden), ("epochs", epochs), ("batch_size", batch_size)):
        check_integer(name, value)
    check_positive_number("learning_rate", learning_rate)
    check_positive_number("clip_threshold", clip_threshold)
    char_to_ix, _ = index_maps(chars)
    rng = np.random.default_rng(seed)
    parameters = model.initialize(hidden, len(chars), len(chars), rng)
    adam, history = Adam(learning_rate), FitResult(parameters, [], [])
    batches = length_grouped_batches(train_names, batch_size, rng)
    total_steps, step = epochs * len(batches), 0
    for epoch in range(epochs):
        if epoch > 0:
            batches = length_grouped_batches(train_names, batch_size, rng)
        loss_sum = 0.0
        for batch in batches:
            X, Y = encode_names(batch, char_to_ix)
            loss, gradients = model.loss_and_gradients(
                X, Y, np.zeros((hidden, len(batch))), parameters
            )
            n_chars = count_chars(batch)
            mean = {f"d{name}": gradients[f"d{name}"] / n_chars for name in parameters}
            adam.learning_rate = learning_rate * (1.0 - step / total_steps)
            adam.step(parameters, clip_by_norm(mean, clip_threshold))
            loss_sum, step = loss_sum + loss, step + 1
        history.train_loss_per_char.append(loss_sum / count_chars(train_names))
        if dev_names:
            loss = evaluate_names(model, parameters, dev_names, char_to_ix, hidden)
            history.dev_loss_per_char.append(loss)
    return history
