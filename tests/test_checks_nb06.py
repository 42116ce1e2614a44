"""The training checks pass correct answers and name each typical mistake."""

import numpy as np
import pytest

import rnn_lib
from rnn_lib.loss import compute_loss

from .unguarded import checks


def loss_per_char(y_hat, Y, *, divide_by="chars", log=np.log, sign=1.0, drop_end=False):
    """A student's answer, written independently of the library; the keywords plant one mistake."""
    targets = Y.copy() if drop_end else Y
    if drop_end:
        targets[0] = 0.0
    total = -sign * np.sum(targets * log(np.where(targets > 0, y_hat, 1.0)))
    m, T_x = Y.shape[1:]
    counts = {
        "chars": Y.sum(),
        "names": m,
        "grid": m * T_x,
        "steps": T_x,
        "letters": Y[1:].sum(),
        "nothing": 1.0,
        "entries": Y.size,
    }
    return total / counts[divide_by]


def loss_with(**planted):
    return lambda y_hat, Y: loss_per_char(y_hat, Y, **planted)


def test_library_based_answer_passes(capsys):
    checks.check_loss_per_char(lambda y_hat, Y: compute_loss(y_hat, Y) / np.count_nonzero(Y))
    assert "loss_per_char" in capsys.readouterr().out


def test_an_independent_correct_answer_passes():
    checks.check_loss_per_char(loss_per_char)


def in_place_loss(y_hat, Y):
    np.log(y_hat, out=y_hat)
    return -np.sum(Y * y_hat) / Y.sum()


@pytest.mark.parametrize(
    "wrong, message",
    [
        (loss_with(divide_by="names"), "divided by the number of names m=4"),
        (loss_with(divide_by="grid"), "counts the padded steps"),
        (loss_with(divide_by="steps"), "number of time steps T_x=5"),
        (loss_with(divide_by="letters"), "divided by the 10 letters"),
        (loss_with(divide_by="letters", drop_end=True), "newlines are left out"),
        (loss_with(log=np.log2), "base 2"),
        (loss_with(log=np.log10), "base 10"),
        (loss_with(sign=-1.0), "the sign is wrong"),
        (loss_with(divide_by="nothing"), "it is the summed loss"),
        (loss_with(divide_by="entries"), "divided by every entry of Y"),
        (
            lambda y_hat, Y: loss_per_char(y_hat, Y) * 1.01,
            "loss_per_char is 5.24476; expected 5.19283",
        ),
        (lambda y_hat, Y: "2.5 nats", "should return one number"),
    ],
)
def test_loss_mistakes_are_named(wrong, message):
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_loss_per_char(wrong)
    assert message in str(failure.value)


# Adam: a correct answer, and a copy with one mistake planted per keyword.


def adam_update(
    w,
    dw,
    m,
    v,
    n,
    learning_rate,
    beta1=0.9,
    beta2=0.999,
    eps=1e-8,
    *,
    correct=True,
    root=np.sqrt,
    eps_inside=False,
    use_gradient=False,
    old_moments=False,
    square=True,
    swap_betas=False,
    in_place=False,
    eps_where="after",
):
    """A student's Adam step for one parameter; the keywords plant one mistake each.

    eps_where: "after" the bias correction (right), "compact" (the paper's form with eps on the
    uncorrected sqrt(v)), "v" (added to v before the correction, inside the root), "none".
    """
    b1, b2 = (beta2, beta1) if swap_betas else (beta1, beta2)
    m_new = b1 * m + (1 - b1) * dw
    v_new = b2 * v + (1 - b2) * (dw * dw if square else dw)
    m_use, v_use = (m, v) if old_moments else (m_new, v_new)
    if correct:
        m_use, v_use = m_use / (1 - beta1 ** (n + 1)), v_use / (1 - beta2 ** (n + 1))
    numerator = dw if use_gradient else m_use
    denominator = root(v_use + eps) if eps_inside else root(v_use) + eps
    c1, c2 = 1 - beta1 ** (n + 1), 1 - beta2 ** (n + 1)
    if eps_where == "compact":
        step = learning_rate * np.sqrt(c2) / c1 * m_new / (np.sqrt(v_new) + eps)
        return w - step, m_new, v_new
    if eps_where == "v":
        denominator = np.sqrt((v_new + eps) / c2)
    if eps_where == "none":
        denominator = np.sqrt(v_use)
    if in_place:
        w -= learning_rate * numerator / denominator
        return w, m_new, v_new
    return w - learning_rate * numerator / denominator, m_new, v_new


def adam_with(**planted):
    def answer(w, dw, m, v, n, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
        return adam_update(w, dw, m, v, n, learning_rate, beta1, beta2, eps, **planted)

    return answer


def adam_uphill(w, dw, m, v, n, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    w_new, m_new, v_new = adam_update(w, dw, m, v, n, learning_rate, beta1, beta2, eps)
    return 2 * w - w_new, m_new, v_new


def test_an_independent_adam_passes(capsys):
    checks.check_adam_update(adam_update)
    assert "adam_update" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong, message",
    [
        (adam_with(correct=False), "no bias correction"),
        (adam_with(root=lambda x: x), "the square root is missing"),
        (adam_with(eps_inside=True), "eps is inside the square root"),
        (adam_with(eps_where="compact"), "eps is added to sqrt(v) before the bias correction"),
        (adam_with(eps_where="v"), "eps is added to v inside the square root, before"),
        (adam_with(eps_where="none"), "eps is missing from the denominator"),
        (adam_with(use_gradient=True), "the raw gradient dw instead of the running average"),
        (adam_with(old_moments=True), "from before this step's update"),
        (adam_with(square=False), "the gradient is not squared"),
        (adam_with(swap_betas=True), "m uses beta2"),
        (
            lambda w, dw, m, v, n, lr, beta1=0.9, beta2=0.999, eps=1e-8: adam_update(
                w, dw, m, v, n + 1, lr, beta1, beta2, eps
            ),
            "eps outside the root, after the bias correction",
        ),
        (
            lambda w, dw, m, v, n, lr, beta1=0.9, beta2=0.999, eps=1e-8: adam_update(
                w, dw, m, v, n - 1, lr, beta1, beta2, eps
            ),
            "the bias correction uses beta**n",
        ),
        (adam_uphill, "the sign is wrong"),
        (
            lambda w, dw, m, v, n, lr, beta1=0.9, beta2=0.999, eps=1e-8: (w, m, v),
            "m was not updated",
        ),
        (
            lambda *args, **kwargs: adam_update(*args, **kwargs)[:2],
            "should return a tuple (w, m, v)",
        ),
    ],
)
def test_adam_mistakes_are_named(wrong, message):
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_adam_update(wrong)
    assert message in str(failure.value)


# optimize: a student's step from the functions of notebooks 01-04; keywords plant one mistake.


def optimize(
    X,
    Y,
    a_prev,
    parameters,
    learning_rate,
    clip_value,
    *,
    clip_after=False,
    keep_unclipped=False,
    return_unclipped=False,
    by_norm=False,
    clip_everything=False,
    last=-1,
    start_state=False,
    sign=1.0,
    rate=True,
    new_dict=False,
    per="batch",
):
    a, y_hat, caches = rnn_lib.rnn_forward(X, a_prev, parameters)
    loss = rnn_lib.compute_loss(y_hat, Y)
    raw = rnn_lib.rnn_backward(X, Y, parameters, caches)
    if clip_everything:
        clipped = {key: np.clip(g, -clip_value, clip_value) for key, g in raw.items()}
    elif by_norm:
        clipped = rnn_lib.clip_by_norm(raw, clip_value)
    else:
        clipped = rnn_lib.clip(raw, clip_value)
    step = raw if (clip_after or keep_unclipped) else clipped
    factor = sign * (learning_rate if rate else 1.0)
    if new_dict:
        parameters = {name: value - factor * step[f"d{name}"] for name, value in parameters.items()}
    else:
        for name in rnn_lib.PARAM_NAMES:
            parameters[name] -= factor * step[f"d{name}"]
    returned = raw if (keep_unclipped or return_unclipped) else clipped
    divide = {"batch": 1.0, "char": Y.sum(), "name": Y.shape[1]}[per]
    a_last = a_prev if start_state else a[:, :, last]
    return loss / divide, returned, a_last


def optimize_with(**planted):
    return lambda X, Y, a_prev, p, lr, c: optimize(X, Y, a_prev, p, lr, c, **planted)


def test_the_library_and_a_student_step_pass(capsys):
    checks.check_optimize(rnn_lib.optimize)
    checks.check_optimize(optimize)
    assert capsys.readouterr().out.count("✔ optimize") == 2


@pytest.mark.parametrize(
    "wrong, message",
    [
        (optimize_with(clip_after=True), "moved by the UNCLIPPED gradients, yet the clipped"),
        (optimize_with(keep_unclipped=True), "the clipped gradients are never used"),
        (optimize_with(return_unclipped=True), "the returned gradients are the unclipped ones"),
        (optimize_with(by_norm=True), "clipped by global norm"),
        (optimize_with(clip_everything=True), "da0 is clipped too"),
        (optimize_with(start_state=True), "a_last is a_prev"),
        (optimize_with(last=0), "a_last is the state after the FIRST step"),
        (optimize_with(sign=-1.0), "the update goes up the gradient"),
        (optimize_with(rate=False), "the learning rate is missing"),
        (optimize_with(new_dict=True), "the caller's parameters did not change"),
        (optimize_with(per="char"), "the loss is per character (11 here)"),
        (optimize_with(per="name"), "divided by the m=3 names"),
        (optimize_with(last=-2), "a_last differs from the reference"),
        (lambda *args: optimize(*args)[:2], "should return a tuple (loss, gradients, a_last)"),
        (
            lambda *args: (0.0, {"dWax": 0}, None),
            "gradients lacks dWaa, dWya, dba, dby, da0",
        ),
    ],
)
def test_optimize_mistakes_are_named(wrong, message):
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_optimize(wrong)
    assert message in str(failure.value)


def test_a_named_optimize_mistake_says_which_outputs_are_wrong():
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_optimize(optimize_with(start_state=True))
    assert str(failure.value).startswith("a_last is wrong: a_last is a_prev")
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_optimize(optimize_with(sign=-1.0))
    assert str(failure.value).startswith("parameters['Wax'] after the step, parameters['Waa']")


def test_an_unsolved_optimize_stops_the_notebook():
    def unsolved(X, Y, a_prev, parameters, learning_rate, clip_value):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        checks.check_optimize(unsolved)


@pytest.mark.parametrize(
    "wrong",
    [
        lambda y_hat, Y: -np.sum(y_hat * np.log(Y)) / Y.sum(),
        lambda y_hat, Y: rnn_lib.compute_loss(Y, y_hat) / Y.sum(),
    ],
)
def test_swapped_cross_entropy_arguments_are_named_not_called_an_overflow(wrong):
    with np.errstate(all="ignore"), pytest.raises(checks.CheckFailed) as failure:
        checks.check_loss_per_char(wrong)
    assert "the arguments of the cross-entropy are swapped" in str(failure.value)
    assert "overflow" not in str(failure.value)


def test_a_loss_per_char_over_the_padded_grid_names_the_counts():
    with pytest.raises(checks.CheckFailed, match="divided by m \\* T_x = 20"):
        checks.check_loss_per_char(lambda y_hat, Y: rnn_lib.compute_loss(y_hat, Y) / Y[0].size)
