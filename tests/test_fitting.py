"""Tests of rnn_lib.training.fitting: with the vanilla RNN's functions, fit_names is rnn_lib.train
step for step (the same parameters to the last bit), evaluate_names is rnn_lib.evaluate, and a
stacked model trains."""

import numpy as np
import pytest

from rnn_lib import (
    build_vocabulary,
    evaluate,
    index_maps,
    initialize_parameters,
    load_dinosaur_names,
    rnn_forward,
    rnn_loss_and_gradients,
    split_names,
    train,
)
from rnn_lib.cells.stacked import (
    initialize_stacked_parameters,
    stacked_forward,
    stacked_loss_and_gradients,
)
from rnn_lib.training.fitting import Model, evaluate_names, fit_names

RNN = Model(
    initialize_parameters, rnn_loss_and_gradients, lambda X, a0, p: rnn_forward(X, a0, p)[1]
)


@pytest.fixture(scope="module")
def data():
    names = load_dinosaur_names()
    train_names, dev_names = split_names(names[:400], 0.2, rng=0)
    return train_names, dev_names, build_vocabulary(names)


def test_fit_names_is_train_step_for_step(data):
    train_names, dev_names, chars = data
    settings = dict(hidden=12, epochs=2, batch_size=32, learning_rate=0.03, seed=5)
    expected = train(train_names, dev_names, chars=chars, progress=False, **settings)
    fitted = fit_names(RNN, train_names, dev_names, chars, **settings)
    for name, value in expected.parameters.items():
        np.testing.assert_array_equal(fitted.parameters[name], value)
    assert fitted.dev_loss_per_char == expected.history["dev_loss_per_char"]
    assert fitted.train_loss_per_char == expected.history["train_loss_per_char"]


def test_evaluate_names_is_evaluate(data):
    train_names, dev_names, chars = data
    parameters = initialize_parameters(9, len(chars), len(chars), rng=1)
    char_to_ix, _ = index_maps(chars)
    expected = evaluate(parameters, dev_names, char_to_ix).loss_per_char
    assert evaluate_names(RNN, parameters, dev_names, char_to_ix, 9) == pytest.approx(
        expected, rel=1e-12
    )


def test_a_stack_learns(data):
    train_names, dev_names, chars = data
    stack = Model(
        lambda n_a, n_x, n_y, rng: initialize_stacked_parameters(n_a, n_x, n_y, 2, rng),
        stacked_loss_and_gradients,
        lambda X, a0, p: stacked_forward(X, a0, p)[1],
    )
    fitted = fit_names(
        stack, train_names, dev_names, chars, hidden=16, epochs=3, learning_rate=0.02
    )
    assert fitted.dev_loss_per_char[-1] < 0.85 * np.log(len(chars))  # well below uniform guessing
    assert fitted.train_loss_per_char[-1] < fitted.train_loss_per_char[0]
