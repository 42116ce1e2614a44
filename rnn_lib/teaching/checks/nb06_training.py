"""Checks for the exercises of notebook 06 (training the dinosaur-name model)."""

import numpy as np

from ...activations import softmax
from ...data.names import encode_names, index_maps
from ...loss import compute_loss
from ...training.optim import Adam
from .compare import CheckFailed, expect_array, passed

#: The batch loss_per_char is checked on: four names of different lengths, so that dividing by
#: the names (4), the steps (5), the padded grid (20), the letters (10) and the characters with
#: their end-of-name (14) all give different answers.
_NAMES = ["rex", "dino", "t", "ab"]
_CHARS = "\nabcdefghijklmnopqrstuvwxyz"


def _batch(seed=6):
    """y_hat, Y (27, 4, 5) of _NAMES: softmax of random scores, one-hot targets with padding."""
    char_to_ix, _ = index_maps(_CHARS)
    _, Y = encode_names(_NAMES, char_to_ix)
    scores = np.random.default_rng(seed).standard_normal(Y.shape) * 2.0
    y_hat = softmax(scores)
    return y_hat, Y


def check_loss_per_char(loss_per_char):
    """Check loss_per_char(y_hat, Y): the mean cross-entropy per predicted character, in nats."""
    __tracebackhide__ = True
    y_hat, Y = _batch()
    y_hat_given, Y_given = y_hat.copy(), Y.copy()
    got = loss_per_char(y_hat_given, Y_given)
    if not (np.array_equal(y_hat_given, y_hat) and np.array_equal(Y_given, Y)):
        raise CheckFailed("loss_per_char changed the caller's y_hat or Y: compute new arrays")
    m, T_x = Y.shape[1:]
    total = compute_loss(y_hat, Y)
    chars = int(Y.sum())  # every target column that is not padding holds one 1
    letters = chars - m
    letters_only = Y.copy()
    letters_only[0] = 0.0  # the targets without the end-of-name rows
    total_without_end = compute_loss(y_hat, letters_only)
    mistakes = [
        (
            f"it is divided by the number of names m={m}: that is the loss per name; divide "
            f"the summed loss by the number of characters ({chars} here)",
            total / m,
        ),
        (
            f"it is divided by m * T_x = {m * T_x}, which counts the padded steps as characters: "
            f"count only the columns of Y that hold a target ({chars} here)",
            total / (m * T_x),
        ),
        (
            f"it is divided by the number of time steps T_x={T_x}: divide by the number of "
            f"characters of the whole batch ({chars} here)",
            total / T_x,
        ),
        (
            f"it is divided by the {letters} letters of the names: every name also predicts its "
            f"end-of-name newline, so the batch has {chars} characters",
            total / letters,
        ),
        (
            "the end-of-name newlines are left out of the loss and the count: each name's "
            '"\\n" is a prediction too',
            total_without_end / letters,
        ),
        (
            "the logarithm has base 2 (bits): the loss is in nats, use the natural log np.log",
            total / chars / np.log(2),
        ),
        (
            "the logarithm has base 10: the loss is in nats, use the natural log np.log",
            total / chars / np.log(10),
        ),
        (
            "the sign is wrong: the cross-entropy is MINUS the mean log-probability, positive",
            -total / chars,
        ),
        (
            f"it is the summed loss: divide it by the number of characters ({chars} here)",
            total,
        ),
        (
            f"it is divided by every entry of Y, n_y * m * T_x = {Y.size}: divide by the "
            f"characters ({chars} here), the columns of Y that hold a 1",
            total / Y.size,
        ),
    ]
    try:
        got = float(got)
    except (TypeError, ValueError):
        raise CheckFailed(
            f"loss_per_char should return one number; got {type(got).__name__}"
        ) from None
    expect_array("loss_per_char", got, total / chars, mistakes)
    passed(f"loss_per_char: {total / chars:.4f} nats per character over {chars} characters")


def _adam_inputs(seed=6):
    """w, dw, m, v (3, 4) of a parameter in the middle of training, with varied magnitudes."""
    rng = np.random.default_rng(seed)
    shape = (3, 4)
    w = rng.standard_normal(shape)
    dw = rng.standard_normal(shape) * np.array([0.1, 1.0, 3.0, 0.02])
    m = rng.standard_normal(shape) * 0.2
    v = rng.random(shape) * 0.5 + 0.01
    return w, dw, m, v


def _reference_adam(w, dw, m, v, t, learning_rate, beta1, beta2, eps):
    """The library's Adam, started at step t - 1 with moments m and v, applied once."""
    adam = Adam(learning_rate, beta1, beta2, eps)
    adam.t = t - 1
    adam.m = {"w": m.copy()}
    adam.v = {"w": v.copy()}
    parameters = {"w": w.copy()}
    adam.step(parameters, {"dw": dw})
    return parameters["w"], adam.m["w"], adam.v["w"]


def check_adam_update(adam_update):
    """Check adam_update(w, dw, m, v, t, learning_rate, beta1, beta2, eps) -> (w, m, v)."""
    __tracebackhide__ = True
    w, dw, m, v = _adam_inputs()
    t, learning_rate, beta1, beta2, eps = 3, 0.01, 0.9, 0.99, 0.05
    given = [array.copy() for array in (w, dw, m, v)]
    result = adam_update(*given, t, learning_rate, beta1=beta1, beta2=beta2, eps=eps)
    for name, original, array in zip(("w", "dw", "m", "v"), (w, dw, m, v), given, strict=True):
        if not np.array_equal(original, array):
            raise CheckFailed(
                f"adam_update changed the caller's {name} in place (+=, *= or [...] = write into "
                "it): compute new arrays and return them"
            )
    if not isinstance(result, tuple) or len(result) != 3:
        raise CheckFailed("adam_update should return a tuple of three arrays (w, m, v)")
    w_new, m_new, v_new = result
    w_ref, m_ref, v_ref = _reference_adam(w, dw, m, v, t, learning_rate, beta1, beta2, eps)

    expect_array(
        "m",
        m_new,
        m_ref,
        [
            (
                "the two weights are swapped: m <- beta1 m + (1 - beta1) dw",
                beta1 * dw + (1 - beta1) * m,
            ),
            ("m was not updated: it is the old m", m),
            (
                "m is the raw gradient dw: it must be the running average beta1 m + (1 - beta1) dw",
                dw,
            ),
            ("m uses beta2: the first moment decays with beta1", beta2 * m + (1 - beta2) * dw),
        ],
    )
    expect_array(
        "v",
        v_new,
        v_ref,
        [
            (
                "the gradient is not squared: v <- beta2 v + (1 - beta2) dw**2",
                beta2 * v + (1 - beta2) * dw,
            ),
            ("v averages |dw|, not dw**2", beta2 * v + (1 - beta2) * np.abs(dw)),
            (
                "the two weights are swapped: v <- beta2 v + (1 - beta2) dw**2",
                beta2 * dw**2 + (1 - beta2) * v,
            ),
            ("v was not updated: it is the old v", v),
            ("v uses beta1: the second moment decays with beta2", beta1 * v + (1 - beta1) * dw**2),
        ],
    )
    m_hat, v_hat = m_ref / (1 - beta1**t), v_ref / (1 - beta2**t)
    old_m_hat, old_v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    expect_array(
        "w",
        w_new,
        w_ref,
        [
            (
                "no bias correction: divide m by (1 - beta1**t) and v by (1 - beta2**t) before "
                "the step (the moments start at zero, so early on they are too small)",
                w - learning_rate * m_ref / (np.sqrt(v_ref) + eps),
            ),
            (
                "the square root is missing: the step divides by sqrt(v_hat) + eps",
                w - learning_rate * m_hat / (v_hat + eps),
            ),
            (
                "eps is inside the square root: rnn_lib adds it outside, sqrt(v_hat) + eps",
                w - learning_rate * m_hat / np.sqrt(v_hat + eps),
            ),
            (
                "the step uses the raw gradient dw instead of the running average m_hat",
                w - learning_rate * dw / (np.sqrt(v_hat) + eps),
            ),
            (
                "the step uses m and v from before this step's update: update the moments first, "
                "then the parameter",
                w - learning_rate * old_m_hat / (np.sqrt(old_v_hat) + eps),
            ),
            (
                "the bias correction uses step t - 1: at step t it is 1 - beta**t",
                w
                - learning_rate
                * (m_ref / (1 - beta1 ** (t - 1)))
                / (np.sqrt(v_ref / (1 - beta2 ** (t - 1))) + eps),
            ),
            (
                "the sign is wrong: the step goes against the gradient, w - learning_rate * ...",
                w + learning_rate * m_hat / (np.sqrt(v_hat) + eps),
            ),
            (
                "the learning rate is missing from the step",
                w - m_hat / (np.sqrt(v_hat) + eps),
            ),
        ],
    )
    passed("adam_update: moments, bias correction and step all match rnn_lib.optim.Adam")
