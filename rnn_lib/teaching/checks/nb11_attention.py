"""Checks for the exercises of notebook 11 (additive attention: its forward and backward pass).

The reference values come from cells/attention.py and are computed before the answer runs; the
typical mistakes are planted in a private copy of the equations below, one switch per mistake.
"""

from functools import partial

import numpy as np

from ...cells.attention import (
    attention_keys,
    attention_keys_backward,
    attention_step_backward,
    attention_step_forward,
)
from .compare import CheckFailed, expect_array, expect_keys, expect_tuple, passed, plant
from .outputs import expect_outputs

N_S, N_H, N_V, M, T_X, T_Y = 4, 6, 6, 3, 5, 4  # n_v = n_h, so that keys can pass for states
LENGTHS = np.array([5, 3, 2])


def _inputs(seed=11, huge=False):
    """Decoder states S (n_s, m, T_y + 1), encoder states H, the mask and the parameters."""
    rng = np.random.default_rng(seed)
    p = {
        "Ws": rng.standard_normal((N_V, N_S)),
        "Wh": rng.standard_normal((N_V, N_H)),
        "v": rng.standard_normal((N_V, 1)) * (400.0 if huge else 1.0),
    }
    S = np.tanh(rng.standard_normal((N_S, M, T_Y + 1)))
    H = np.tanh(rng.standard_normal((N_H, M, T_X)))
    mask = np.arange(T_X) < LENGTHS[:, None]
    return S, H, mask, p


def _softmax(e, mask, masked=True, axis=-1, subtract_max=True):
    """A softmax of the energies with the planted mistakes: no mask, another axis, no maximum."""
    scores = np.where(mask, e, -np.inf) if masked else e
    with np.errstate(over="ignore", invalid="ignore"):
        if subtract_max:
            scores = scores - scores.max(axis=axis, keepdims=True)
        weights = np.exp(scores)
        return weights / weights.sum(axis=axis, keepdims=True)


def _attend(S, H, mask, p, query=0, values="H", tanh=True, **softmax):
    """Contexts (n_h, m, T_y) and weights (m, T_y, T_x) of every step, with planted mistakes.

    query -- 0: step t reads s<t-1> (right); 1: it reads s<t>
    values -- "H": the context weighs the states (right); "keys": it weighs Wh h<i>
    """
    keys = np.einsum("vh,hmi->vmi", p["Wh"], H)
    queries = np.einsum("vs,smt->vmt", p["Ws"], S[:, :, query : query + T_Y])
    z = keys[:, :, None, :] + queries[:, :, :, None]  # (n_v, m, T_y, T_x)
    e = np.einsum("v,vmti->mti", p["v"][:, 0], np.tanh(z) if tanh else z)
    alphas = _softmax(e, np.broadcast_to(mask[:, None], e.shape), **softmax)
    contexts = np.einsum("hmi,mti->hmt", keys if values == "keys" else H, alphas)
    return contexts, alphas


#: Typical mistakes of attend, as (message, planted function of (S, H, mask, parameters))
#: returning (contexts, alphas).
ATTEND_MISTAKES = (
    (
        "the query of step t is s<t>; it must be s<t-1>, the state before the step (S[:, :, t] "
        "for the step t + 1 of the code's count), since s<t> is computed from the context",
        partial(_attend, query=1),
    ),
    (
        "the mask is not applied: padded steps get weight; set their energies to -inf before "
        "the softmax, so that their weight is exactly 0",
        partial(_attend, masked=False),
    ),
    (
        "the softmax runs over the wrong axis (the decoder steps t); it runs over the encoder "
        "steps i, the last axis: each alpha<t> sums to 1 over i",
        partial(_attend, axis=1),
    ),
    (
        "the softmax runs over the wrong axis (the batch); it runs over the encoder steps i, "
        "the last axis: each alpha<t> sums to 1 over i",
        partial(_attend, axis=0),
    ),
    (
        "the context is a weighted sum of the keys Wh h<i>; it weighs the encoder states h<i>",
        partial(_attend, values="keys"),
    ),
    (
        "the tanh is missing: e<t,i> = v^T tanh(Ws s<t-1> + Wh h<i>)",
        partial(_attend, tanh=False),
    ),
)


def _nan_mistake(got, mistakes):
    """The message of the planted mistake whose inf and nan entries and values got shares."""
    for message, planted in mistakes:
        if all(
            np.shape(got[name]) == np.shape(planted[name])
            and np.allclose(np.asarray(got[name], dtype=float), planted[name], equal_nan=True)
            for name in planted
        ):
            return message
    return None


def _expect_finite(got, mistakes, huge):
    """Raise CheckFailed if an output holds inf or nan, naming the mistake that explains it."""
    __tracebackhide__ = True
    if all(np.all(np.isfinite(np.asarray(value, dtype=float))) for value in got.values()):
        return
    mistake = _nan_mistake(got, mistakes)
    if mistake:
        raise CheckFailed(f"alphas and contexts hold inf or nan: {mistake}")
    if huge:
        raise CheckFailed(
            "alphas or contexts hold inf or nan for energies near 1000: exp overflowed. Subtract "
            "each row's maximum (over the real steps) from the energies before exp"
        )
    raise CheckFailed(
        "alphas or contexts hold inf or nan: is a softmax taken over padded steps only "
        "(-inf - (-inf) is nan), or an exp of a large energy without the maximum subtracted?"
    )


def check_attend(attend):
    """Check attend(S, H, mask, parameters) -> (contexts, alphas) against rnn_lib's attention."""
    __tracebackhide__ = True
    cases = [_inputs(), _inputs(seed=12, huge=True)]
    expected = [_reference_attend(*case) for case in cases]
    for huge, case, (contexts, alphas) in zip((False, True), cases, expected):
        result = attend(*(np.array(a) for a in case[:3]), {k: v.copy() for k, v in case[3].items()})
        expect_tuple("attend", result, ("contexts", "alphas"))
        got = {"alphas": result[1], "contexts": result[0]}
        mistakes = [
            (message, {"alphas": a, "contexts": c})
            for message, (c, a) in plant(ATTEND_MISTAKES, *case)
        ]
        _expect_finite(got, mistakes, huge)
        expect_outputs(got, {"alphas": alphas, "contexts": contexts}, mistakes)
    passed("attend: the weights and contexts of every step match rnn_lib, huge energies too")


def _reference_attend(S, H, mask, p):
    """rnn_lib's contexts (n_h, m, T_y) and weights (m, T_y, T_x), one step at a time."""
    keys = attention_keys(H, p["Wh"])
    steps = [attention_step_forward(S[:, :, t], H, keys, mask, p) for t in range(T_Y)]
    return np.stack([c for c, _, _ in steps], axis=2), np.stack([a for _, a, _ in steps], axis=1)


# --- the backward pass ------------------------------------------------------------------------

#: The gradients attention_backward returns.
BACKWARD_GRADIENTS = ("ds_prev", "dH", "dWs", "dWh", "dv")


def _backward(dcontext, s_prev, H, mask, p, jacobian=True, tanh=True, keys=True, context=True):
    """One step's gradients by the equations, with planted mistakes (each switch off is one)."""
    u = np.tanh(np.einsum("vh,hmi->vmi", p["Wh"], H) + (p["Ws"] @ s_prev)[:, :, None])
    alpha = _softmax(np.einsum("v,vmi->mi", p["v"][:, 0], u), mask)
    dalpha = np.einsum("hmi,hm->mi", H, dcontext)
    de = alpha * (dalpha - (np.sum(alpha * dalpha, axis=1, keepdims=True) if jacobian else 0))
    dz = (1 - u**2 if tanh else 1.0) * p["v"][:, :, None] * de[None]
    dH = (dcontext[:, :, None] * alpha[None] if context else 0.0) + (
        np.einsum("vh,vmi->hmi", p["Wh"], dz) if keys else 0.0
    )
    return {
        "ds_prev": p["Ws"].T @ dz.sum(axis=2),
        "dH": dH,
        "dWs": dz.sum(axis=2) @ s_prev.T,
        "dWh": np.einsum("vmi,hmi->vh", dz, H),
        "dv": np.einsum("vmi,mi->v", u, de)[:, None],
    }


#: Typical mistakes of attention_backward, as (message, planted function of (dcontext, s_prev,
#: H, mask, parameters)) returning its dict of gradients.
BACKWARD_MISTAKES = (
    (
        "the softmax's Jacobian lost its second term: de_i = alpha_i (dalpha_i - sum_j "
        "alpha_j dalpha_j), not alpha_i dalpha_i",
        partial(_backward, jacobian=False),
    ),
    (
        "the derivative of tanh is missing: dz = (1 - u^2) * v de",
        partial(_backward, tanh=False),
    ),
    (
        "dH lacks the path through the keys: h<i> also enters e<t,i> through Wh h<i>, so add "
        "Wh^T dz to alpha dcontext",
        partial(_backward, keys=False),
    ),
    (
        "dH lacks the path through the context: context = sum alpha_i h<i> gives alpha_i "
        "dcontext to every h<i>, on top of the path through the keys",
        partial(_backward, context=False),
    ),
)


def check_attention_backward(attention_backward):
    """Check attention_backward(dcontext, s_prev, H, mask, parameters) -> dict of gradients."""
    __tracebackhide__ = True
    S, H, mask, p = _inputs(seed=13)
    s_prev = S[:, :, 0]
    dcontext = np.random.default_rng(14).standard_normal((N_H, M))
    expected = _reference_backward(dcontext, s_prev, H, mask, p)
    result = attention_backward(
        dcontext.copy(), s_prev.copy(), H.copy(), mask.copy(), {k: v.copy() for k, v in p.items()}
    )
    expect_keys("the result of attention_backward", result, BACKWARD_GRADIENTS)
    for name in BACKWARD_GRADIENTS:
        if np.shape(result[name]) != expected[name].shape:
            expect_array(name, result[name], expected[name])  # names the shape
    padded = np.asarray(result["dH"], dtype=float)[:, ~mask]
    if np.any(padded != 0):
        raise CheckFailed(
            "dH is not 0 at the padded steps: the mask is not applied in the forward pass, so "
            "padding got weight; set the padded energies to -inf before the softmax"
        )
    expect_outputs(
        {name: result[name] for name in BACKWARD_GRADIENTS},
        expected,
        plant(BACKWARD_MISTAKES, dcontext, s_prev, H, mask, p),
    )
    passed("attention_backward: ds_prev, dH (both paths), dWs, dWh and dv match rnn_lib")


def _reference_backward(dcontext, s_prev, H, mask, p):
    """rnn_lib's gradients of one step, the keys' path included."""
    keys = attention_keys(H, p["Wh"])
    _, _, cache = attention_step_forward(s_prev, H, keys, mask, p)
    step = attention_step_backward(dcontext, cache, p)
    dWh, dH_keys = attention_keys_backward(step["dkeys"], H, p["Wh"])
    return {
        "ds_prev": step["ds_prev"],
        "dH": step["dH"] + dH_keys,
        "dWs": step["dWs"],
        "dWh": dWh,
        "dv": step["dv"],
    }
