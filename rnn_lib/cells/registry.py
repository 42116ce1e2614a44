"""The registry of recurrent cells that training, sampling, evaluation and checkpoints know, by name.

"rnn" is the vanilla RNN, "lstm" and "gru" the gated cells. Each name maps to a Cell: the same
few functions for every architecture, so that the code that trains, samples, evaluates or saves
a model never asks which cell it holds. This module is the only place that picks them.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .gated import check_gated_parameters
from .gru import (
    GRU_PARAM_NAMES,
    GRU_PARAM_SYMBOLS,
    gru_cell_forward,
    gru_forward,
    gru_loss_and_gradients,
    initialize_gru_parameters,
)
from .lstm import (
    LSTM_PARAM_NAMES,
    LSTM_PARAM_SYMBOLS,
    initialize_lstm_parameters,
    lstm_cell_forward,
    lstm_forward,
    lstm_loss_and_gradients,
)
from .rnn import (
    PARAM_NAMES,
    check_rnn_parameters,
    initialize_parameters,
    rnn_forward,
    rnn_loss_and_gradients,
)


class Cell(NamedTuple):
    """What an architecture provides to training, sampling, evaluation and checkpoints."""

    param_names: tuple  # its parameters, in a fixed order
    initialize: Callable  # (n_a, n_x, n_y, rng) -> parameters
    sizes: Callable  # parameters -> {"n_a": (size, source), "n_x": ..., "n_y": ...}, checked
    predict: Callable  # (X, a0, parameters) -> y_hat (n_y, m, T_x)
    loss_and_gradients: Callable  # (X, Y, a0, parameters) -> (summed loss, "d" + name dict)
    step: Callable  # (indices, state, parameters) -> (state, scores Wy a + by), see below
    state_count: int  # arrays in the state: 1 (a), 2 (a and the LSTM's c), one per layer ...
    name: str  # what training records and checkpoints store: "rnn", "lstm", "gru", ...

    def hidden_size(self, parameters):
        """n_a, the size of the hidden state a0, from the parameters' shapes."""
        return self.sizes(parameters)["n_a"][0]


def _rnn_step(indices, state, parameters):
    """a = tanh(Waa a + Wax x + ba) for one-hot x given by its indices (None: x = 0)."""
    p = parameters
    (a,) = state
    x_term = 0.0 if indices is None else p["Wax"][:, indices]
    a = np.tanh(p["Waa"] @ a + x_term + p["ba"])
    return (a,), p["Wya"] @ a + p["by"]


def _one_hot(indices, n_x, m):
    """(n_x, m) columns with a 1 at each index; all zero when indices is None."""
    x = np.zeros((n_x, m))
    if indices is not None:
        x[indices, np.arange(m)] = 1.0
    return x


def _lstm_step(indices, state, parameters):
    """One LSTM step (lstm_cell_forward) for one-hot x given by its indices (None: x = 0)."""
    a, c = state
    xt = _one_hot(indices, parameters["Wf"].shape[1] - a.shape[0], a.shape[1])
    a, c, _, _ = lstm_cell_forward(xt, a, c, parameters)
    return (a, c), parameters["Wy"] @ a + parameters["by"]


def _gru_step(indices, state, parameters):
    """One GRU step (gru_cell_forward) for one-hot x given by its indices (None: x = 0)."""
    (a,) = state
    xt = _one_hot(indices, parameters["Wu"].shape[1] - a.shape[0], a.shape[1])
    a, _, _ = gru_cell_forward(xt, a, parameters)
    return (a,), parameters["Wy"] @ a + parameters["by"]


#: The architectures by name. ``step`` advances a batch of names by one character: ``indices``
#: are the previous characters (None at the start, where the input is the zero vector), the state
#: a tuple of (n_a, m) arrays starting at zeros; it returns the new state and the output scores.
CELLS = {
    "rnn": Cell(
        PARAM_NAMES,
        initialize_parameters,
        check_rnn_parameters,
        lambda X, a0, parameters: rnn_forward(X, a0, parameters)[1],
        rnn_loss_and_gradients,
        _rnn_step,
        1,
        "rnn",
    ),
    "lstm": Cell(
        LSTM_PARAM_NAMES,
        initialize_lstm_parameters,
        lambda parameters: check_gated_parameters(parameters, LSTM_PARAM_SYMBOLS),
        lambda X, a0, parameters: lstm_forward(X, a0, parameters)[1],
        lstm_loss_and_gradients,
        _lstm_step,
        2,
        "lstm",
    ),
    "gru": Cell(
        GRU_PARAM_NAMES,
        initialize_gru_parameters,
        lambda parameters: check_gated_parameters(parameters, GRU_PARAM_SYMBOLS),
        lambda X, a0, parameters: gru_forward(X, a0, parameters)[1],
        gru_loss_and_gradients,
        _gru_step,
        1,
        "gru",
    ),
}


def get_cell(name):
    """The Cell called name, or name itself if it is a Cell.

    The registered names are "rnn", "lstm" and "gru"; any Cell passes through unchanged (such as
    rnn_lib.stacked_cell(2)); another name raises a ValueError that lists the choices.
    """
    if isinstance(name, Cell):
        return name
    if not isinstance(name, str) or name not in CELLS:
        raise ValueError(f"cell must be one of {', '.join(CELLS)}; got {name!r}")
    return CELLS[name]


def count_parameters(parameters):
    """The number of scalars in a parameter dict: the model's size, whatever its cell."""
    return int(sum(np.size(value) for value in parameters.values()))
