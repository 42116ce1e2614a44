"""Checks for the exercises of notebook 06 (training the dinosaur-name model)."""

from types import SimpleNamespace

import numpy as np

from ...activations import softmax
from ...cells.rnn import PARAM_NAMES, rnn_backward, rnn_forward
from ...data.names import encode_names, index_maps
from ...loss import compute_loss
from ...training.optim import Adam, clip, clip_by_norm
from ...training.seed_recipe import optimize as reference_optimize
from .compare import (
    CheckFailed,
    call_twice,
    expect_array,
    expect_keys,
    expect_tuple,
    passed,
    plant,
    stretch,
)
from .fixtures import VOCABULARY, rnn_parameters
from .nb02_unrolling import SWAPPED_ARGUMENTS, _swapped_loss
from .outputs import expect_outputs

#: The batch loss_per_char is checked on: four names of different lengths, so that dividing by
#: the names (4), the steps (5), the padded grid (20), the letters (10) and the characters with
#: their end-of-name (14) all give different answers.
_NAMES = ["rex", "dino", "t", "ab"]


def _batch(seed=6):
    """y_hat, Y (27, 4, 5) of _NAMES: softmax of random scores, one-hot targets with padding."""
    char_to_ix, _ = index_maps(VOCABULARY)
    _, Y = encode_names(_NAMES, char_to_ix)
    scores = np.random.default_rng(seed).standard_normal(Y.shape) * 2.0
    return softmax(scores), Y


def _without_end(y_hat, Y):
    """The summed loss of the letters alone: the targets without the end-of-name row."""
    letters_only = Y.copy()
    letters_only[0] = 0.0
    return compute_loss(y_hat, letters_only)


#: Typical mistakes of loss_per_char(y_hat, Y), as (message, planted function of (y_hat, Y,
#: total loss, characters)); {m}, {T_x}, {chars}, {letters} and {size} describe the batch.
LOSS_PER_CHAR_MISTAKES = (
    (
        "it is divided by the number of names m={m}: that is the loss per name; divide the "
        "summed loss by the number of characters ({chars} here)",
        lambda y_hat, Y, total, chars: total / Y.shape[1],
    ),
    (
        "it is divided by m * T_x = {grid}, which counts the padded steps as characters: count "
        "only the columns of Y that hold a target ({chars} here)",
        lambda y_hat, Y, total, chars: total / (Y.shape[1] * Y.shape[2]),
    ),
    (
        "it is divided by the number of time steps T_x={T_x}: divide by the number of "
        "characters of the whole batch ({chars} here)",
        lambda y_hat, Y, total, chars: total / Y.shape[2],
    ),
    (
        "it is divided by the {letters} letters of the names: every name also predicts its "
        "end-of-name newline, so the batch has {chars} characters",
        lambda y_hat, Y, total, chars: total / (chars - Y.shape[1]),
    ),
    (
        "the end-of-name newlines are left out of the loss and the count: each name's "
        '"\\n" is a prediction too',
        lambda y_hat, Y, total, chars: _without_end(y_hat, Y) / (chars - Y.shape[1]),
    ),
    (
        "the logarithm has base 2 (bits): the loss is in nats, use the natural log np.log",
        lambda y_hat, Y, total, chars: total / chars / np.log(2),
    ),
    (
        "the logarithm has base 10: the loss is in nats, use the natural log np.log",
        lambda y_hat, Y, total, chars: total / chars / np.log(10),
    ),
    (
        "the sign is wrong: the cross-entropy is MINUS the mean log-probability, positive",
        lambda y_hat, Y, total, chars: -total / chars,
    ),
    (
        "it is the summed loss: divide it by the number of characters ({chars} here)",
        lambda y_hat, Y, total, chars: total,
    ),
    (
        "it is divided by every entry of Y, n_y * m * T_x = {size}: divide by the characters "
        "({chars} here), the columns of Y that hold a 1",
        lambda y_hat, Y, total, chars: total / Y.size,
    ),
)


def check_loss_per_char(loss_per_char):
    """Check loss_per_char(y_hat, Y): the mean cross-entropy per predicted character, in nats."""
    __tracebackhide__ = True
    y_hat, Y = _batch()
    got = call_twice("loss_per_char", loss_per_char, y_hat, Y)
    try:
        got = float(got)
    except (TypeError, ValueError):
        raise CheckFailed(
            f"loss_per_char should return one number; got {type(got).__name__}"
        ) from None
    total, chars = compute_loss(y_hat, Y), int(Y.sum())  # each non-padding column holds one 1
    n_y, m, T_x = Y.shape
    batch = {"m": m, "T_x": T_x, "grid": m * T_x, "chars": chars, "letters": chars - m}
    mistakes = plant(LOSS_PER_CHAR_MISTAKES, y_hat, Y, total, chars, size=Y.size, **batch)
    with np.errstate(all="ignore"):
        swapped = [-np.sum(y_hat * np.log(Y)) / chars, _swapped_loss(y_hat, Y) / chars]
    mistakes += [(SWAPPED_ARGUMENTS.replace("Y_hat", "y_hat"), value) for value in swapped]
    counts = {"m": m, "T_x": T_x, "m * T_x": m * T_x, "the characters": chars}
    expect_array("loss_per_char", got, total / chars, mistakes, counts=counts)
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


def _reference_adam(w, dw, m, v, n, learning_rate, beta1, beta2, eps):
    """The library's Adam applied once, at update step n, from moments m and v.

    The step n is counted from 0 as rnn_lib.train counts its steps, so Adam's own counter
    becomes n + 1 (n updates made before this one).
    """
    adam = Adam(learning_rate, beta1, beta2, eps)
    adam.t = n
    adam.m = {"w": m.copy()}
    adam.v = {"w": v.copy()}
    parameters = {"w": w.copy()}
    adam.step(parameters, {"dw": dw})
    return parameters["w"], adam.m["w"], adam.v["w"]


#: Typical mistakes in Adam's first moment, as (message, planted function of (dw, m, beta1,
#: beta2)).
FIRST_MOMENT_MISTAKES = (
    (
        "the two weights are swapped: m <- beta1 m + (1 - beta1) dw",
        lambda dw, m, b1, b2: b1 * dw + (1 - b1) * m,
    ),
    ("m was not updated: it is the old m", lambda dw, m, b1, b2: m),
    (
        "m is the raw gradient dw: it must be the running average beta1 m + (1 - beta1) dw",
        lambda dw, m, b1, b2: dw,
    ),
    (
        "m uses beta2: the first moment decays with beta1",
        lambda dw, m, b1, b2: b2 * m + (1 - b2) * dw,
    ),
)

#: Typical mistakes in Adam's second moment, as (message, planted function of (dw, v, beta1,
#: beta2)).
SECOND_MOMENT_MISTAKES = (
    (
        "the gradient is not squared: v <- beta2 v + (1 - beta2) dw**2",
        lambda dw, v, b1, b2: b2 * v + (1 - b2) * dw,
    ),
    ("v averages |dw|, not dw**2", lambda dw, v, b1, b2: b2 * v + (1 - b2) * np.abs(dw)),
    (
        "the two weights are swapped: v <- beta2 v + (1 - beta2) dw**2",
        lambda dw, v, b1, b2: b2 * dw**2 + (1 - b2) * v,
    ),
    ("v was not updated: it is the old v", lambda dw, v, b1, b2: v),
    (
        "v uses beta1: the second moment decays with beta2",
        lambda dw, v, b1, b2: b1 * v + (1 - b1) * dw**2,
    ),
)


def _step(w, lr, m, v, eps):
    """w - lr m / (sqrt(v) + eps): Adam's step from (corrected) moments."""
    return w - lr * m / (np.sqrt(v) + eps)


#: Typical mistakes in Adam's step, as (message, planted function of (w, dw, moments, old
#: moments, hyperparameters)); the moments are (m, v) after the update, the old ones before.
STEP_MISTAKES = (
    (
        "no bias correction: divide m by (1 - beta1**(n + 1)) and v by (1 - beta2**(n + 1)) "
        "before the step (the moments start at zero, so early on they are too small)",
        lambda w, dw, new, old, h: _step(w, h["lr"], new[0], new[1], h["eps"]),
    ),
    (
        "the square root is missing: the step divides by sqrt(v_hat) + eps",
        lambda w, dw, new, old, h: w - h["lr"] * new[0] / h["c1"] / (new[1] / h["c2"] + h["eps"]),
    ),
    (
        "eps is inside the square root: rnn_lib adds it outside, sqrt(v_hat) + eps",
        lambda w, dw, new, old, h: (
            w - h["lr"] * new[0] / h["c1"] / np.sqrt(new[1] / h["c2"] + h["eps"])
        ),
    ),
    (
        "eps is added to sqrt(v) before the bias correction (the Adam paper's compact form "
        "lr sqrt(1 - beta2**(n + 1)) / (1 - beta1**(n + 1)) * m / (sqrt(v) + eps)); rnn_lib "
        "adds it after: m_hat / (sqrt(v_hat) + eps). The two differ by eps / "
        "sqrt(1 - beta2**(n + 1)) in the denominator, which matters early on",
        lambda w, dw, new, old, h: (
            w - h["lr"] * np.sqrt(h["c2"]) / h["c1"] * new[0] / (np.sqrt(new[1]) + h["eps"])
        ),
    ),
    (
        "eps is added to v inside the square root, before the bias correction: rnn_lib adds "
        "it outside and after, sqrt(v_hat) + eps",
        lambda w, dw, new, old, h: (
            w - h["lr"] * new[0] / h["c1"] / np.sqrt((new[1] + h["eps"]) / h["c2"])
        ),
    ),
    (
        "eps is missing from the denominator: rnn_lib divides by sqrt(v_hat) + eps",
        lambda w, dw, new, old, h: w - h["lr"] * new[0] / h["c1"] / np.sqrt(new[1] / h["c2"]),
    ),
    (
        "the step uses the raw gradient dw instead of the running average m_hat",
        lambda w, dw, new, old, h: _step(w, h["lr"], dw, new[1] / h["c2"], h["eps"]),
    ),
    (
        "the step uses m and v from before this step's update: update the moments first, "
        "then the parameter",
        lambda w, dw, new, old, h: _step(w, h["lr"], old[0] / h["c1"], old[1] / h["c2"], h["eps"]),
    ),
    (
        "the bias correction uses beta**n: steps count from 0, so step n is update number "
        "n + 1 and the correction is 1 - beta**(n + 1)",
        lambda w, dw, new, old, h: _step(
            w, h["lr"], new[0] / h["c1_before"], new[1] / h["c2_before"], h["eps"]
        ),
    ),
    (
        "the sign is wrong: the step goes against the gradient, w - learning_rate * ...",
        lambda w, dw, new, old, h: (
            2 * w - _step(w, h["lr"], new[0] / h["c1"], new[1] / h["c2"], h["eps"])
        ),
    ),
    (
        "the learning rate is missing from the step",
        lambda w, dw, new, old, h: _step(w, 1.0, new[0] / h["c1"], new[1] / h["c2"], h["eps"]),
    ),
)


#: What the message of an unrecognised step recalls: where every term and eps go.
_STEP_HINT = (
    "rnn_lib's step is w - learning_rate * m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - "
    "beta1**(n + 1)), v_hat = v / (1 - beta2**(n + 1)) from the updated m, v, and eps outside "
    "the root, after the bias correction"
)


@stretch("rnn_lib.Adam")
def check_adam_update(adam_update):
    """Check adam_update(w, dw, m, v, n, learning_rate, beta1, beta2, eps) -> (w, m, v).

    n is the update step, counted from 0.
    """
    __tracebackhide__ = True
    w, dw, m, v = _adam_inputs()
    n, learning_rate, beta1, beta2, eps = 2, 0.01, 0.9, 0.99, 0.05
    result = call_twice(
        "adam_update", adam_update, w, dw, m, v, n, learning_rate, beta1=beta1, beta2=beta2, eps=eps
    )
    expect_tuple("adam_update", result, ("w", "m", "v"))
    w_ref, m_ref, v_ref = _reference_adam(w, dw, m, v, n, learning_rate, beta1, beta2, eps)
    expect_array("m", result[1], m_ref, plant(FIRST_MOMENT_MISTAKES, dw, m, beta1, beta2))
    expect_array("v", result[2], v_ref, plant(SECOND_MOMENT_MISTAKES, dw, v, beta1, beta2))
    corrections = {
        "lr": learning_rate,
        "eps": eps,
        "c1": 1 - beta1 ** (n + 1),
        "c2": 1 - beta2 ** (n + 1),
        "c1_before": 1 - beta1**n,
        "c2_before": 1 - beta2**n,
    }
    mistakes = plant(STEP_MISTAKES, w, dw, (m_ref, v_ref), (m, v), corrections)
    expect_array("w", result[0], w_ref, mistakes, hint=_STEP_HINT)
    passed("adam_update: moments, bias correction and step all match rnn_lib.Adam")


# optimize: one step of the seed's recipe, built from the functions of notebooks 01-04.

SEQUENCE_GRADIENTS = tuple(f"d{name}" for name in PARAM_NAMES) + ("da0",)


def _optimize_inputs(seed=6):
    """The inputs check_optimize feeds the answer: three padded names and a small RNN.

    X, Y (27, 3, 5) of three padded names, a_prev (7, 3), parameters whose gradients lie beyond
    the clip value 0.5 in about a third of their entries, and the learning rate 0.1.
    """
    char_to_ix, _ = index_maps(VOCABULARY)
    X, Y = encode_names(["rex", "dino", "t"], char_to_ix)
    rng = np.random.default_rng(seed)
    parameters = rnn_parameters(rng, len(VOCABULARY), 7, len(VOCABULARY))
    a_prev = rng.standard_normal((7, 3))
    return X, Y, a_prev, parameters, 0.1, 0.5


def _pieces(X, Y, a_prev, parameters, clip_value):
    """What a correct step computes on the way: states, loss, raw and clipped gradients."""
    a, y_hat, caches = rnn_forward(X, a_prev, parameters)
    raw = rnn_backward(X, Y, parameters, caches)
    return SimpleNamespace(
        a=a, a_prev=a_prev, loss=compute_loss(y_hat, Y), raw=raw, clipped=clip(raw, clip_value),
        by_norm=clip_by_norm(raw, clip_value), parameters=parameters, chars=int(Y.sum()),
        clip_value=clip_value,
    )  # fmt: skip


def _named(loss, gradients, a_last, parameters_after):
    """A step's outputs by the names the check reports.

    loss, a_last, dWax ... da0 and parameters['Wax'] after the step ...
    """
    outputs = {"loss": loss, "a_last": a_last}
    outputs.update({name: gradients[name] for name in SEQUENCE_GRADIENTS})
    for name in PARAM_NAMES:
        outputs[f"parameters[{name!r}] after the step"] = parameters_after[name]
    return outputs


def _outputs(s, learning_rate, gradients=None, step=None, a_last=None, loss=None, moved=True):
    """What a step with (at most) one mistake returns, by default the right outputs.

    gradients -- the returned gradients (default: the clipped ones)
    step -- the gradients the update used (default: the returned ones)
    a_last, loss -- the returned state and loss (default: a[:, :, -1] and the summed loss)
    moved -- False: the caller's parameters stay where they were
    """
    gradients = s.clipped if gradients is None else gradients
    step = gradients if step is None else step
    after = {
        name: value - learning_rate * step[f"d{name}"] if moved else value
        for name, value in s.parameters.items()
    }
    a_last = s.a[:, :, -1] if a_last is None else a_last
    return _named(s.loss if loss is None else loss, gradients, a_last, after)


def _clipped_state_gradient(s):
    """The clipped gradients with da0 clipped too (np.clip applied to every key)."""
    return {**s.clipped, "da0": np.clip(s.raw["da0"], -s.clip_value, s.clip_value)}


#: Typical mistakes of optimize, as (message, planted function of (the pieces of a correct
#: step, learning_rate)) returning every output, named as _outputs names them.
OPTIMIZE_MISTAKES = (
    (
        "the parameters moved by the UNCLIPPED gradients, yet the clipped ones are returned: "
        "clip comes after the update, or the update was given the dict from before clip; clip "
        "first and update with what clip returned",
        lambda s, lr: _outputs(s, lr, step=s.raw),
    ),
    (
        "the clipped gradients are never used: the update and the return both have the "
        "unclipped ones. rnn_lib.clip returns a new dict and leaves its argument as it was: "
        "gradients = clip(gradients, clip_value)",
        lambda s, lr: _outputs(s, lr, gradients=s.raw),
    ),
    (
        "the returned gradients are the unclipped ones (the update used the clipped): return "
        "the dict clip returned",
        lambda s, lr: _outputs(s, lr, gradients=s.raw, step=s.clipped),
    ),
    (
        "the gradients are clipped by global norm (clip_by_norm); the seed's step clips every "
        "entry to [-clip_value, clip_value] with rnn_lib.clip",
        lambda s, lr: _outputs(s, lr, gradients=s.by_norm),
    ),
    (
        "da0 is clipped too: clipping is for the parameters' gradients; rnn_lib.clip passes "
        "the state's gradient da0 through unchanged",
        lambda s, lr: _outputs(s, lr, gradients=_clipped_state_gradient(s)),
    ),
    (
        "a_last is a_prev, the state the step started from: return the state after the last "
        "step, a[:, :, -1], which the next call can carry on from",
        lambda s, lr: _outputs(s, lr, a_last=s.a_prev),
    ),
    (
        "a_last is the state after the FIRST step, a[:, :, 0]; the last step's is a[:, :, -1]",
        lambda s, lr: _outputs(s, lr, a_last=s.a[:, :, 0]),
    ),
    (
        "the update goes up the gradient: W <- W - learning_rate * dW",
        lambda s, lr: _outputs(s, -lr),
    ),
    (
        "the learning rate is missing from the update: W <- W - learning_rate * dW",
        lambda s, lr: _outputs(s, 1.0),
    ),
    (
        "the caller's parameters did not change: update them in place (rnn_lib.update_parameters "
        "does); a new dict made inside optimize is lost when it returns",
        lambda s, lr: _outputs(s, lr, moved=False),
    ),
    (
        "the loss is per character ({chars} here): optimize returns the summed cross-entropy "
        "of the batch, as compute_loss gives it",
        lambda s, lr: _outputs(s, lr, loss=s.loss / s.chars),
    ),
    (
        "the loss is divided by the m={m} names: optimize returns the summed cross-entropy of "
        "the batch, as compute_loss gives it",
        lambda s, lr: _outputs(s, lr, loss=s.loss / s.a.shape[1]),
    ),
)


def check_optimize(optimize):
    """Check optimize(X, Y, a_prev, parameters, learning_rate, clip_value) against rnn_lib's.

    The student's optimize returns (loss, gradients, a_last) and updates parameters in place.
    """
    __tracebackhide__ = True
    X, Y, a_prev, parameters, learning_rate, clip_value = _optimize_inputs()
    theirs = {name: value.copy() for name, value in parameters.items()}
    given = (X.copy(), Y.copy(), a_prev.copy(), theirs, learning_rate, clip_value)
    result = call_twice("optimize", optimize, *given)
    expect_tuple("optimize", result, ("loss", "gradients", "a_last"))
    expect_keys("gradients", result[1], SEQUENCE_GRADIENTS)
    ours = {name: value.copy() for name, value in parameters.items()}
    loss, gradients, a_last = reference_optimize(X, Y, a_prev, ours, learning_rate, clip_value)
    s = _pieces(X, Y, a_prev, parameters, clip_value)
    mistakes = plant(OPTIMIZE_MISTAKES, s, learning_rate, chars=s.chars, m=X.shape[1])
    expected = _named(loss, gradients, a_last, ours)
    expect_outputs(_named(*result, theirs), expected, mistakes)
    passed(
        f"optimize: the loss {loss:.4f}, the clipped gradients, the last state and the updated "
        "parameters match rnn_lib.optimize"
    )
