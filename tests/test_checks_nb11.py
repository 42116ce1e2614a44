"""Tests of the checks of notebook 11: answers written as a student would, right and with each
typical mistake planted; every mistake gets its own hint, and an unfinished exercise's
NotImplementedError reaches the student."""

import re

import numpy as np
import pytest

from rnn_lib.teaching import checks


def student_attend(
    query_now=False, no_mask=False, axis=-1, no_max=False, keys_as_values=False, no_tanh=False,
    mask_after=False,
):  # fmt: skip
    """attend(S, H, mask, parameters) written with a loop over the decoder steps."""

    def attend(S, H, mask, parameters):
        Ws, Wh, v = parameters["Ws"], parameters["Wh"], parameters["v"]
        T_y = S.shape[2] - 1
        keys = np.einsum("vh,hmi->vmi", Wh, H)
        energies = []
        for t in range(T_y):
            query = Ws @ S[:, :, t + 1 if query_now else t]
            z = keys + query[:, :, None]
            energies.append(np.einsum("v,vmi->mi", v[:, 0], z if no_tanh else np.tanh(z)))
        e = np.stack(energies, axis=1)  # (m, T_y, T_x)
        if not (no_mask or mask_after):
            e = np.where(mask[:, None, :], e, -np.inf)
        if not no_max:
            e = e - e.max(axis=axis, keepdims=True)
        w = np.exp(e)
        if mask_after:  # a right answer too: zero the padding after exp
            w = w * mask[:, None, :]
        alphas = w / w.sum(axis=axis, keepdims=True)
        values = keys if keys_as_values else H
        contexts = np.einsum("hmi,mti->hmt", values, alphas)
        return contexts, alphas

    return attend


def test_attend_right_answers_pass(capsys):
    checks.check_attend(student_attend())
    checks.check_attend(student_attend(mask_after=True))
    assert capsys.readouterr().out.count("✔") == 2


@pytest.mark.parametrize(
    ("mistake", "message"),
    [
        ({"query_now": True}, "the query of step t is s<t>; it must be s<t-1>"),
        ({"no_mask": True}, "the mask is not applied"),
        ({"axis": 1}, "the softmax runs over the wrong axis (the decoder steps t)"),
        ({"axis": 0}, "the softmax runs over the wrong axis (the batch)"),
        ({"no_max": True}, "exp overflowed. Subtract each row's maximum"),
        ({"keys_as_values": True}, "the context is a weighted sum of the keys"),
        ({"no_tanh": True}, "the tanh is missing"),
    ],
)
def test_attend_mistakes_get_their_hints(mistake, message):
    with pytest.raises(checks.CheckFailed, match=re.escape(message)):
        checks.check_attend(student_attend(**mistake))


def test_attend_unfinished_or_malformed_answers_are_named():
    def unfinished(S, H, mask, parameters):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        checks.check_attend(unfinished)
    with pytest.raises(checks.CheckFailed, match=re.escape("should return a tuple")):
        checks.check_attend(lambda S, H, mask, p: student_attend()(S, H, mask, p)[1])
    with pytest.raises(
        checks.CheckFailed, match=re.escape("alphas is wrong: it is the reference times 1.01")
    ):
        checks.check_attend(
            lambda S, H, mask, p: tuple(1.01 * x for x in student_attend()(S, H, mask, p))
        )


def student_backward(
    no_jacobian_term=False, no_tanh=False, no_keys=False, no_context=False, no_mask=False,
    transposed_dWs=False,
):  # fmt: skip
    """attention_backward(dcontext, s_prev, H, mask, parameters), forward recomputed inside."""

    def attention_backward(dcontext, s_prev, H, mask, parameters):
        Ws, Wh, v = parameters["Ws"], parameters["Wh"], parameters["v"]
        u = np.tanh(np.einsum("vh,hmi->vmi", Wh, H) + (Ws @ s_prev)[:, :, None])
        e = np.einsum("v,vmi->mi", v[:, 0], u)
        if not no_mask:
            e = np.where(mask, e, -np.inf)
        w = np.exp(e - e.max(axis=1, keepdims=True))
        alpha = w / w.sum(axis=1, keepdims=True)
        dalpha = np.einsum("hmi,hm->mi", H, dcontext)
        de = alpha * dalpha
        if not no_jacobian_term:
            de = de - alpha * np.sum(alpha * dalpha, axis=1, keepdims=True)
        dz = v[:, :, None] * de[None]
        if not no_tanh:
            dz = dz * (1 - u**2)
        dH = np.zeros_like(H)
        if not no_context:
            dH += dcontext[:, :, None] * alpha[None]
        if not no_keys:
            dH += np.einsum("vh,vmi->hmi", Wh, dz)
        dq = dz.sum(axis=2)
        dWs = dq @ s_prev.T
        return {
            "ds_prev": Ws.T @ dq,
            "dH": dH,
            "dWs": dWs.T if transposed_dWs else dWs,
            "dWh": np.einsum("vmi,hmi->vh", dz, H),
            "dv": np.einsum("vmi,mi->v", u, de)[:, None],
        }

    return attention_backward


def test_attention_backward_right_answer_passes(capsys):
    checks.check_attention_backward(student_backward())
    assert capsys.readouterr().out.count("✔") == 1


@pytest.mark.parametrize(
    ("mistake", "message"),
    [
        ("no_jacobian_term", "the softmax's Jacobian lost its second term"),
        ("no_tanh", "the derivative of tanh is missing"),
        ("no_keys", "dH lacks the path through the keys"),
        ("no_context", "dH lacks the path through the context"),
        ("no_mask", "dH is not 0 at the padded steps: the mask is not applied"),
        ("transposed_dWs", "dWs is wrong: it is transposed: the shape is (4, 6), expected (6, 4)"),
    ],
)
def test_attention_backward_mistakes_get_their_hints(mistake, message):
    with pytest.raises(checks.CheckFailed, match=re.escape(message)):
        checks.check_attention_backward(student_backward(**{mistake: True}))


def test_attention_backward_missing_keys_and_unfinished_answers_are_named():
    def partial_answer(dcontext, s_prev, H, mask, parameters):
        gradients = student_backward()(dcontext, s_prev, H, mask, parameters)
        del gradients["dWh"]
        return gradients

    with pytest.raises(checks.CheckFailed, match=re.escape("lacks dWh")):
        checks.check_attention_backward(partial_answer)

    def unfinished(dcontext, s_prev, H, mask, parameters):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        checks.check_attention_backward(unfinished)
