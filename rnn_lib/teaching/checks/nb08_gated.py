"""Checks for the exercises of notebook 08 (the LSTM and GRU cells, forward)."""

from functools import partial

import numpy as np

from ...activations import sigmoid
from ...cells.gru import GRU_PARAM_NAMES, gru_cell_forward
from ...cells.lstm import LSTM_PARAM_NAMES, lstm_cell_forward
from .compare import expect_array, expect_tuple, passed, plant, stretch
from .fixtures import OUTPUT_MISTAKES


def _gated_inputs(names, n_x=3, n_a=5, n_y=4, m=2, seed=8):
    """Inputs and parameters with every entry non-zero (biases too), so that no mistake hides."""
    rng = np.random.default_rng(seed)
    shapes = {"Wy": (n_y, n_a), "by": (n_y, 1)}
    parameters = {}
    for name in names:
        default = (n_a, n_a + n_x) if name.startswith("W") else (n_a, 1)
        parameters[name] = rng.standard_normal(shapes.get(name, default))
    xt = rng.standard_normal((n_x, m))
    a_prev = rng.standard_normal((n_a, m))
    c_prev = rng.standard_normal((n_a, m))
    return xt, a_prev, c_prev, parameters


def _lstm_variant(
    xt, a_prev, c_prev, p, tanh_gate=None, swap_f_i=False, tanh_c=True, x_first=False
):
    """One LSTM step with at most one planted mistake; returns a_next, c_next."""
    stacked = np.concatenate((xt, a_prev) if x_first else (a_prev, xt))
    gate = {
        g: (np.tanh if g == tanh_gate else sigmoid)(p[f"W{g}"] @ stacked + p[f"b{g}"])
        for g in ("f", "i", "o")
    }
    cc = np.tanh(p["Wc"] @ stacked + p["bc"])
    f, i = (gate["i"], gate["f"]) if swap_f_i else (gate["f"], gate["i"])
    c_next = f * c_prev + i * cc
    return gate["o"] * (np.tanh(c_next) if tanh_c else c_next), c_next


#: Typical mistakes of lstm_cell_forward, as (message, planted function of (xt, a_prev, c_prev,
#: parameters)) returning (a_next, c_next).
LSTM_MISTAKES = (
    (
        "the forget and input gates are swapped: c_next = f * c_prev + i * c~",
        partial(_lstm_variant, swap_f_i=True),
    ),
    (
        "the forget gate f uses tanh; a gate is a sigmoid, in (0, 1)",
        partial(_lstm_variant, tanh_gate="f"),
    ),
    (
        "the input gate i uses tanh; a gate is a sigmoid, in (0, 1)",
        partial(_lstm_variant, tanh_gate="i"),
    ),
    (
        "the output gate o uses tanh; a gate is a sigmoid, in (0, 1)",
        partial(_lstm_variant, tanh_gate="o"),
    ),
    (
        "the tanh on the cell state is missing: a_next = o * tanh(c_next)",
        partial(_lstm_variant, tanh_c=False),
    ),
    (
        "the gates read [xt; a_prev]; stack the previous state first, [a_prev; xt]",
        partial(_lstm_variant, x_first=True),
    ),
    (
        "a_next and c_next are swapped: return a_next first, then c_next",
        lambda xt, a_prev, c_prev, p: _lstm_variant(xt, a_prev, c_prev, p)[::-1],
    ),
)


def check_lstm_cell_forward(cell_forward):
    """Check lstm_cell_forward(xt, a_prev, c_prev, parameters) against rnn_lib's."""
    __tracebackhide__ = True
    xt, a_prev, c_prev, p = _gated_inputs(LSTM_PARAM_NAMES)
    result = cell_forward(xt, a_prev, c_prev, p)
    expect_tuple("lstm_cell_forward", result, ("a_next", "c_next", "yt_pred", "cache"))
    a_next, c_next, yt_pred, _ = result
    expected_a, expected_c, expected_y, _ = lstm_cell_forward(xt, a_prev, c_prev, p)
    mistakes = plant(LSTM_MISTAKES, xt, a_prev, c_prev, p)
    expect_array("c_next", c_next, expected_c, [(m, wrong[1]) for m, wrong in mistakes])
    expect_array("a_next", a_next, expected_a, [(m, wrong[0]) for m, wrong in mistakes])
    output_mistakes = plant(OUTPUT_MISTAKES, expected_a, p["Wy"], p["by"])
    expect_array("yt_pred", yt_pred, expected_y, output_mistakes)
    passed("lstm_cell_forward: a_next, c_next and yt_pred match the reference")


def _gru_variant(xt, a_prev, p, tanh_gate=None, relevance="before", swap_u=False, x_first=False):
    """One GRU step with at most one planted mistake; returns a_next."""
    n_a = a_prev.shape[0]
    stacked = np.concatenate((xt, a_prev) if x_first else (a_prev, xt))
    gate = {
        g: (np.tanh if g == tanh_gate else sigmoid)(p[f"W{g}"] @ stacked + p[f"b{g}"])
        for g in ("u", "r")
    }
    u, r = gate["u"], gate["r"]
    if relevance == "before":
        seen = np.concatenate((xt, r * a_prev) if x_first else (r * a_prev, xt))
        z_c = p["Wc"] @ seen
    elif relevance == "after":  # r scales Wc's a_prev part after the product
        z_c = r * (p["Wc"][:, :n_a] @ a_prev) + p["Wc"][:, n_a:] @ xt
    else:  # no relevance gate at all
        z_c = p["Wc"] @ stacked
    cc = np.tanh(z_c + p["bc"])
    return (1 - u) * cc + u * a_prev if swap_u else u * cc + (1 - u) * a_prev


#: Typical mistakes of gru_cell_forward, as (message, planted function of (xt, a_prev,
#: parameters)) returning a_next.
GRU_MISTAKES = (
    (
        "u and 1 - u are swapped: a_next = u * c~ + (1 - u) * a_prev, the update gate "
        "weighs the candidate",
        partial(_gru_variant, swap_u=True),
    ),
    (
        "r is applied after the matrix product; it scales a_prev before: Wc [r * a_prev; xt]",
        partial(_gru_variant, relevance="after"),
    ),
    (
        "the relevance gate r is missing: the candidate reads [r * a_prev; xt]",
        partial(_gru_variant, relevance="none"),
    ),
    (
        "the update gate u uses tanh; a gate is a sigmoid, in (0, 1)",
        partial(_gru_variant, tanh_gate="u"),
    ),
    (
        "the relevance gate r uses tanh; a gate is a sigmoid, in (0, 1)",
        partial(_gru_variant, tanh_gate="r"),
    ),
    (
        "the gates read [xt; a_prev]; stack the previous state first, [a_prev; xt]",
        partial(_gru_variant, x_first=True),
    ),
)


@stretch("rnn_lib.gru_cell_forward")
def check_gru_cell_forward(cell_forward):
    """Check gru_cell_forward(xt, a_prev, parameters) against rnn_lib's."""
    __tracebackhide__ = True
    xt, a_prev, _, p = _gated_inputs(GRU_PARAM_NAMES)
    result = cell_forward(xt, a_prev, p)
    expect_tuple("gru_cell_forward", result, ("a_next", "yt_pred", "cache"))
    a_next, yt_pred, _ = result
    expected_a, expected_y, _ = gru_cell_forward(xt, a_prev, p)
    expect_array("a_next", a_next, expected_a, plant(GRU_MISTAKES, xt, a_prev, p))
    output_mistakes = plant(OUTPUT_MISTAKES, expected_a, p["Wy"], p["by"])
    expect_array("yt_pred", yt_pred, expected_y, output_mistakes)
    passed("gru_cell_forward: a_next and yt_pred match the reference")
