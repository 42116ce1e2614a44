"""Checks for the exercises of notebook 08 (the LSTM cell forward and backward, the GRU cell)."""

from functools import partial

import numpy as np

from ...activations import sigmoid
from ...cells.gru import GRU_PARAM_NAMES, gru_cell_forward
from ...cells.lstm import LSTM_PARAM_NAMES, lstm_cell_backward, lstm_cell_forward
from .compare import (
    CheckFailed,
    call_twice,
    expect_array,
    expect_keys,
    expect_tuple,
    named_mistake,
    passed,
    plant,
    stretch,
)
from .diagnosis import altered
from .fixtures import expect_cache, expect_prediction
from .outputs import expect_outputs


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


#: The LSTM's parts, for diagnosis.altered: exchanging two gates exchanges their W and b.
LSTM_GATES = {
    "forget gate": ("Wf", "bf"),
    "input gate": ("Wi", "bi"),
    "candidate": ("Wc", "bc"),
    "output gate": ("Wo", "bo"),
}


def _lstm_step(named):
    """rnn_lib's LSTM step on a dict of xt, a_prev, c_prev and the parameters."""
    p = {name: named[name] for name in LSTM_PARAM_NAMES}
    return lstm_cell_forward(named["xt"], named["a_prev"], named["c_prev"], p)


def check_lstm_cell_forward(cell_forward):
    """Check lstm_cell_forward(xt, a_prev, c_prev, parameters) against rnn_lib's, cache included."""
    __tracebackhide__ = True
    xt, a_prev, c_prev, p = _gated_inputs(LSTM_PARAM_NAMES)
    result = call_twice("lstm_cell_forward", cell_forward, xt, a_prev, c_prev, p)
    expect_tuple("lstm_cell_forward", result, ("a_next", "c_next", "yt_pred", "cache"))
    a_next, c_next, yt_pred, cache = result
    expected_a, expected_c, expected_y, expected_cache = lstm_cell_forward(xt, a_prev, c_prev, p)
    named = {"xt": xt, "a_prev": a_prev, "c_prev": c_prev, **p}
    planted = plant(LSTM_MISTAKES, xt, a_prev, c_prev, p)
    planted += altered(lambda v: _lstm_step(v)[:2], named, LSTM_GATES)
    expect_array("c_next", c_next, expected_c, [(m, wrong[1]) for m, wrong in planted])
    expect_array("a_next", a_next, expected_a, [(m, wrong[0]) for m, wrong in planted])
    expect_prediction("yt_pred", yt_pred, expected_a, expected_y, p["Wy"], p["by"])
    expect_cache("lstm_cell_forward", cache, expected_cache)
    passed("lstm_cell_forward: a_next, c_next, yt_pred and the cache match the reference")


#: What lstm_cell_backward returns, in the order the check compares it.
LSTM_BACKWARD_GRADIENTS = (
    "dc_prev", "dWf", "dbf", "dWi", "dbi", "dWc", "dbc", "dWo", "dbo", "da_prev", "dxt",
)  # fmt: skip


def _through_the_weights(dz, dc_prev, cache):
    """The gradients of one LSTM step from its gates' pre-activation gradients dz.

    dz is a dict of f, i, c, o, each (n_a, m); this is what the notebook's gate_gradients does
    with the student's dz.
    """
    a_prev, xt, p = cache[2], cache[8], cache[9]
    stacked = np.concatenate((a_prev, xt))
    dstacked = sum(p[f"W{g}"].T @ dz[g] for g in "fico")
    n_a = a_prev.shape[0]
    gradients = {"dc_prev": dc_prev, "da_prev": dstacked[:n_a], "dxt": dstacked[n_a:]}
    for g in "fico":
        gradients[f"dW{g}"] = dz[g] @ stacked.T
        gradients[f"db{g}"] = dz[g].sum(axis=1, keepdims=True)
    return gradients


def _lstm_backward_variant(da_next, dc_next, cache, slip=None):
    """One LSTM step backward, with the planted slip (a key below) or none; all gradients."""
    _, c_next, _, c_prev, f, i, cc, o, _, _ = cache
    tanh_c = np.tanh(c_next)
    slope_at = {"cc": 1 - cc**2, "c_prev": 1 - np.tanh(c_prev) ** 2, "raw c": 1 - c_next**2}
    from_a = 0.0 if slip == "no a path" else da_next * o * slope_at.get(slip, 1 - tanh_c**2)
    dc = (0.0 if slip == "no dc_next" else dc_next) + from_a

    def gate_slope(g):
        return 1 - g**2 if slip == "tanh slope" else g * (1 - g)

    f_reads = cc if slip in ("f reads c~", "f and i read") else c_prev
    i_reads = c_prev if slip in ("i reads c_prev", "f and i read") else cc
    candidate = cc * (1 - cc) if slip == "sigmoid slope for c~" else 1 - cc**2
    o_gets = dc if slip == "o gets dc" else da_next
    dz = {
        "f": dc * f_reads * gate_slope(f),
        "i": dc * i_reads * gate_slope(i),
        "c": dc * (1.0 if slip == "no i in dz_c" else i) * candidate,
        "o": o_gets * (1.0 if slip == "no tanh in dz_o" else tanh_c) * gate_slope(o),
    }
    if slip == "dz_f and dz_i exchanged":
        dz["f"], dz["i"] = dz["i"], dz["f"]
    kept = {"no forget gate": 1.0, "input gate kept": i}.get(slip, f)
    return _through_the_weights(dz, dc * kept, cache)


def _slip(name):
    return partial(_lstm_backward_variant, slip=name)


#: Typical mistakes of lstm_cell_backward, as (message, planted function of (da_next, dc_next,
#: cache)) returning every gradient.
LSTM_BACKWARD_MISTAKES = (
    (
        "the forget gate is missing from dc_prev: c_prev reaches c_next as f * c_prev, so "
        "dc_prev = dc * f",
        _slip("no forget gate"),
    ),
    (
        "dc_prev uses the input gate i; c_prev is scaled by the forget gate: dc_prev = dc * f",
        _slip("input gate kept"),
    ),
    (
        "dc leaves out dc_next, the gradient arriving along the cell state from the later "
        "steps: dc = dc_next + da_next * o * (1 - tanh(c_next)**2)",
        _slip("no dc_next"),
    ),
    (
        "dc leaves out the path through a_next = o * tanh(c_next): "
        "dc = dc_next + da_next * o * (1 - tanh(c_next)**2)",
        _slip("no a path"),
    ),
    (
        "tanh' is taken at c~ (1 - c~**2); a_next = o * tanh(c_next), so the path through "
        "a_next has 1 - tanh(c_next)**2",
        _slip("cc"),
    ),
    (
        "tanh' is taken at c_prev; a_next = o * tanh(c_next), so the path through a_next has "
        "1 - tanh(c_next)**2",
        _slip("c_prev"),
    ),
    (
        "1 - c_next**2 is not tanh's slope at c_next (c_next is no tanh output, c~ is): "
        "use 1 - tanh(c_next)**2",
        _slip("raw c"),
    ),
    (
        "f and i multiply the wrong states: f scales c_prev, so dz_f = dc * c_prev * f (1 - f); "
        "i scales c~, so dz_i = dc * c~ * i (1 - i)",
        _slip("f and i read"),
    ),
    (
        "dz_f and dz_i are exchanged: dz_f = dc * c_prev * f (1 - f) belongs to the forget "
        "gate, dz_i = dc * c~ * i (1 - i) to the input gate",
        _slip("dz_f and dz_i exchanged"),
    ),
    ("dz_f uses c~; f scales c_prev: dz_f = dc * c_prev * f (1 - f)", _slip("f reads c~")),
    ("dz_i uses c_prev; i scales c~: dz_i = dc * c~ * i (1 - i)", _slip("i reads c_prev")),
    (
        "the gates' slope is written 1 - g**2, tanh's; a sigmoid gate g has the slope g (1 - g)",
        _slip("tanh slope"),
    ),
    (
        "dz_c uses c~ (1 - c~), the sigmoid's slope; the candidate is a tanh: "
        "dz_c = dc * i * (1 - c~**2)",
        _slip("sigmoid slope for c~"),
    ),
    (
        "dz_c lacks i: c~ enters c_next as i * c~, so dz_c = dc * i * (1 - c~**2)",
        _slip("no i in dz_c"),
    ),
    (
        "dz_o uses dc; the output gate reaches the loss only through a_next: "
        "dz_o = da_next * tanh(c_next) * o (1 - o)",
        _slip("o gets dc"),
    ),
    (
        "dz_o lacks tanh(c_next): a_next = o * tanh(c_next), so "
        "dz_o = da_next * tanh(c_next) * o (1 - o)",
        _slip("no tanh in dz_o"),
    ),
)


#: The arrays of an LSTM step's backward pass that diagnosis.altered exchanges or leaves out.
_BACKWARD_INPUTS = ("da_next", "dc_next", "c_next", "c_prev", "f", "i", "cc", "o")


def _lstm_backward_on(cache):
    """rnn_lib's LSTM backward on a dict of da_next, dc_next and the cache's gates and states."""

    def run(named):
        altered_cache = cache._replace(**{k: named[k] for k in _BACKWARD_INPUTS[2:]})
        gradients = lstm_cell_backward(named["da_next"], named["dc_next"], altered_cache)
        return {name: gradients[name] for name in LSTM_BACKWARD_GRADIENTS}

    return run


def check_lstm_cell_backward(cell_backward):
    """Check lstm_cell_backward(da_next, dc_next, cache) against rnn_lib's."""
    __tracebackhide__ = True
    xt, a_prev, c_prev, p = _gated_inputs(LSTM_PARAM_NAMES)
    cache = lstm_cell_forward(xt, a_prev, c_prev, p)[3]
    da_next, dc_next = np.random.default_rng(9).standard_normal((2, *a_prev.shape))
    result = call_twice("lstm_cell_backward", cell_backward, da_next.copy(), dc_next.copy(), cache)
    expect_keys("the result of lstm_cell_backward", result, LSTM_BACKWARD_GRADIENTS)
    expected = lstm_cell_backward(da_next, dc_next, cache)
    mistakes = plant(LSTM_BACKWARD_MISTAKES, da_next, dc_next, cache)
    named = {"da_next": da_next, "dc_next": dc_next}
    named |= {k: getattr(cache, k) for k in _BACKWARD_INPUTS[2:]}
    mistakes += altered(_lstm_backward_on(cache), named)
    expect_outputs(
        {name: result[name] for name in LSTM_BACKWARD_GRADIENTS},
        {name: expected[name] for name in LSTM_BACKWARD_GRADIENTS},
        mistakes,
    )
    passed("lstm_cell_backward: dc_prev, da_prev, dxt and every gate's dW and db match rnn_lib")


def stop_if_gradient_check_fails(errors, tolerance=1e-7):
    """Stop unless every relative error of a gradient check is below tolerance.

    Arguments:
        errors -- dict name -> relative error, as rnn_lib.gradient_check returns it
        tolerance -- the largest error of a right gradient (round-off)
    """
    __tracebackhide__ = True
    bad = {name: error for name, error in errors.items() if not error < tolerance}
    if bad:
        listed = ", ".join(f"d{name} ({error:.1e})" for name, error in bad.items())
        raise CheckFailed(
            f"the gradient check fails for {listed}: your backward step and the centred "
            f"differences disagree by more than {tolerance:g}, so those gradients are wrong "
            "(a right one errs by round-off only)"
        )
    passed(f"gradient check: every relative error is below {tolerance:g}")


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


#: Other conventions of the GRU, not mistakes, as (message, planted function of (xt, a_prev,
#: parameters)) returning a_next: an answer that follows one is told so, and how to convert.
GRU_CONVENTIONS = (
    (
        "a_next = (1 - u) * c~ + u * a_prev is PyTorch's and d2l's convention, in which the "
        "update gate weighs the old state; this series uses a_next = u * c~ + (1 - u) * a_prev, "
        "in which u weighs the candidate (exchange u and 1 - u)",
        partial(_gru_variant, swap_u=True),
    ),
    (
        "r acts after the matrix product, r * (Wc[:, :n_a] @ a_prev): that is PyTorch's "
        "convention; this series (like d2l) applies r to a_prev before the product, "
        "Wc [r * a_prev; xt]",
        partial(_gru_variant, relevance="after"),
    ),
)

#: Typical mistakes of gru_cell_forward, the same way.
GRU_MISTAKES = (
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


#: The GRU's parts, for diagnosis.altered.
GRU_GATES = {"update gate": ("Wu", "bu"), "relevance gate": ("Wr", "br"), "candidate": ("Wc", "bc")}


def _gru_step(named):
    """rnn_lib's GRU step on a dict of xt, a_prev and the parameters."""
    return gru_cell_forward(named["xt"], named["a_prev"], {k: named[k] for k in GRU_PARAM_NAMES})


@stretch("rnn_lib.gru_cell_forward")
def check_gru_cell_forward(cell_forward):
    """Check gru_cell_forward(xt, a_prev, parameters) against rnn_lib's."""
    __tracebackhide__ = True
    xt, a_prev, _, p = _gated_inputs(GRU_PARAM_NAMES)
    result = call_twice("gru_cell_forward", cell_forward, xt, a_prev, p)
    expect_tuple("gru_cell_forward", result, ("a_next", "yt_pred", "cache"))
    a_next, yt_pred, _ = result
    expected_a, expected_y, _ = gru_cell_forward(xt, a_prev, p)
    convention = named_mistake(a_next, expected_a, plant(GRU_CONVENTIONS, xt, a_prev, p))
    if convention:
        raise CheckFailed(f"a_next follows another convention of the GRU: {convention}")
    mistakes = plant(GRU_MISTAKES, xt, a_prev, p)
    mistakes += altered(lambda v: _gru_step(v)[0], {"xt": xt, "a_prev": a_prev, **p}, GRU_GATES)
    expect_array("a_next", a_next, expected_a, mistakes)
    expect_prediction("yt_pred", yt_pred, expected_a, expected_y, p["Wy"], p["by"])
    passed("gru_cell_forward: a_next and yt_pred match the reference")
