"""Additive attention: a decoder state scores every encoder state, and reads their weighted mean.

At decoder step t, with the decoder's previous state s<t-1> (the query) and the encoder's states
h<1> .. h<T_x> (the keys and the values):

    e<t,i> = v^T tanh(Ws s<t-1> + Wh h<i>)                      the energies, i = 1 .. T_x
    alpha<t,i> = exp(e<t,i>) / sum over real steps i' of exp(e<t,i'>)    0 at padding
    context<t> = sum over i of alpha<t,i> h<i>

(Bahdanau, Cho and Bengio, 2015). Wh h<i> does not depend on t: attention_keys computes it once
per sequence, and its gradient is summed over the decoder steps before attention_keys_backward
turns it into dWh and a share of dH. The softmax runs over i within each example's own length:
padded steps get the energy -inf before the maximum is subtracted, so their weight is exactly 0
and no score, however large, overflows.

Shapes, in the series' letters: H (n_h, m, T_x) with n_h = 2 n_a for a bidirectional encoder,
s_prev (n_s, m), keys (n_v, m, T_x), the energies, the weights and the mask (m, T_x) (one row per
example, as the indices of an embedding), context (n_h, m). Parameters: Ws (n_v, n_s),
Wh (n_v, n_h), v (n_v, 1).
"""

from typing import NamedTuple

import numpy as np

#: The attention's parameters, in a fixed order.
ATTENTION_PARAM_NAMES = ("Ws", "Wh", "v")

#: Each parameter's shape, in the symbols of the notation page.
ATTENTION_PARAM_SYMBOLS = {"Ws": ("n_v", "n_s"), "Wh": ("n_v", "n_h"), "v": ("n_v", "1")}


def initialize_attention(n_v, n_s, n_h, rng=None):
    """Attention weights W ~ N(0, 1) / sqrt(fan-in): Ws (n_v, n_s), Wh (n_v, n_h), v (n_v, 1)."""
    rng = np.random.default_rng(rng)
    return {
        "Ws": rng.standard_normal((n_v, n_s)) / np.sqrt(n_s),
        "Wh": rng.standard_normal((n_v, n_h)) / np.sqrt(n_h),
        "v": rng.standard_normal((n_v, 1)) / np.sqrt(n_v),
    }


def masked_softmax(e, mask):
    """Softmax of each row over the steps i where mask is True; exactly 0 where it is False.

    alpha_i = exp(e_i - max) / sum over real i' of exp(e_i' - max), with the padded energies set
    to -inf first, so the maximum is a real step's, every exponent is <= 0 and nothing overflows.

    Arguments:
        e -- energies, (m, T_x)
        mask -- (m, T_x) booleans, True at a real step; every row needs at least one
    Returns:
        alpha -- (m, T_x), each row non-negative and summing to 1
    """
    e, mask = np.asarray(e, dtype=float), np.asarray(mask, dtype=bool)
    if e.shape != mask.shape:
        raise ValueError(f"mask must have the shape of the energies, {e.shape}; got {mask.shape}")
    if not mask.any(axis=1).all():
        empty = np.flatnonzero(~mask.any(axis=1)).tolist()
        raise ValueError(f"every row of mask needs a real step; rows {empty} have none")
    scores = np.where(mask, e, -np.inf)
    with np.errstate(over="ignore"):  # e - max below -1.8e308 is -inf, and its weight 0 exactly
        weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    return weights / weights.sum(axis=1, keepdims=True)


def masked_softmax_backward(dalpha, alpha):
    """Gradient of the energies from that of the weights: de_i = alpha_i (dalpha_i - sum_i' alpha_i' dalpha_i').

    Padded steps have alpha_i = 0, so their de_i is 0 too.

    Arguments:
        dalpha -- gradient of the loss with respect to alpha, (m, T_x)
        alpha -- the weights masked_softmax returned, (m, T_x)
    Returns:
        de -- (m, T_x)
    """
    return alpha * (dalpha - np.sum(alpha * dalpha, axis=1, keepdims=True))


def attention_keys(H, Wh):
    """Wh h<i> for every step i and example at once: keys (n_v, m, T_x) from H (n_h, m, T_x)."""
    return np.einsum("vh,hmi->vmi", Wh, H)


def attention_keys_backward(dkeys, H, Wh):
    """Gradients of the keys' inputs: dWh = sum over m, i of dkeys h^T (n_v, n_h), dH = Wh^T dkeys.

    Arguments:
        dkeys -- gradient of the loss with respect to the keys, summed over the decoder steps,
            (n_v, m, T_x)
        H -- the encoder states, (n_h, m, T_x)
        Wh -- (n_v, n_h)
    Returns:
        dWh -- (n_v, n_h)
        dH -- this path's share of the gradient of H, (n_h, m, T_x)
    """
    return np.einsum("vmi,hmi->vh", dkeys, H), np.einsum("vh,vmi->hmi", Wh, dkeys)


class AttentionCache(NamedTuple):
    """What attention_step_backward needs from attention_step_forward."""

    s_prev: np.ndarray  # (n_s, m)  the query s<t-1>
    H: np.ndarray  # (n_h, m, T_x)  the encoder states
    u: np.ndarray  # (n_v, m, T_x)  tanh(Ws s<t-1> + Wh h<i>)
    alpha: np.ndarray  # (m, T_x)  the weights


def attention_step_forward(s_prev, H, keys, mask, parameters):
    """One decoder step's attention: the weights alpha<t> over the encoder states and the context.

    e<t,i> = v^T tanh(Ws s<t-1> + Wh h<i>);  alpha<t> = masked softmax of e<t> over i;
    context<t> = sum over i of alpha<t,i> h<i>.

    Arguments:
        s_prev -- the decoder's previous state s<t-1>, the query, (n_s, m)
        H -- the encoder states h<1> .. h<T_x>, (n_h, m, T_x)
        keys -- Wh h<i> for every i, (n_v, m, T_x), from attention_keys
        mask -- (m, T_x) booleans, True at a real input step
        parameters -- dict with Ws (n_v, n_s) and v (n_v, 1) (and Wh, used by attention_keys)
    Returns:
        context -- (n_h, m)
        alpha -- (m, T_x)
        cache -- AttentionCache for attention_step_backward
    """
    u = np.tanh(keys + (parameters["Ws"] @ s_prev)[:, :, None])
    e = np.einsum("v,vmi->mi", parameters["v"][:, 0], u)
    alpha = masked_softmax(e, mask)
    context = np.einsum("hmi,mi->hm", H, alpha)
    return context, alpha, AttentionCache(s_prev, H, u, alpha)


def attention_step_backward(dcontext, cache, parameters):
    """Backward pass of one step's attention, given the gradient of its context.

    dalpha_i = h<i>^T dcontext;  de = masked softmax backward;  dz = (1 - u^2) (v de), the
    gradient of Ws s<t-1> + Wh h<i> for every i;  then
        dv = sum over m, i of u de          dWs = (sum over i of dz) s<t-1>^T
        ds_prev = Ws^T sum over i of dz     dkeys = dz          dH = alpha dcontext (per i)

    Arguments:
        dcontext -- gradient of the loss with respect to context<t>, (n_h, m)
        cache -- the AttentionCache of attention_step_forward
        parameters -- the dict given to attention_step_forward
    Returns:
        dict of ds_prev (n_s, m), dH (n_h, m, T_x) through the context (the path through the
        keys comes back later, by attention_keys_backward), dkeys (n_v, m, T_x), dWs (n_v, n_s)
        and dv (n_v, 1)
    """
    s_prev, H, u, alpha = cache
    dalpha = np.einsum("hmi,hm->mi", H, dcontext)
    de = masked_softmax_backward(dalpha, alpha)
    dz = (1.0 - u**2) * (parameters["v"][:, :, None] * de[None])
    dquery = dz.sum(axis=2)
    return {
        "ds_prev": parameters["Ws"].T @ dquery,
        "dH": dcontext[:, :, None] * alpha[None],
        "dkeys": dz,
        "dWs": dquery @ s_prev.T,
        "dv": np.einsum("vmi,mi->v", u, de)[:, None],
    }
