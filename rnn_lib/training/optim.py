"""Turning gradients into updates: clipping (by value, by global norm), SGD and Adam.

These work on any cell's gradients: a dict of arrays "d" + name. Notebook 04 builds clip and
clip_by_norm, notebook 06 one Adam step.
"""

import numpy as np

from ..validation import check_positive_number, check_updatable

#: Gradients of the state rather than of a parameter. Clipping passes them through unchanged
#: and leaves them out of the global norm.
STATE_GRADIENTS = frozenset({"da0", "da_prev", "dc0", "dc_prev", "dx", "dxt"})

#: Below this a sum of squares may have lost terms to underflow (each below the smallest normal
#: float, tiny, changes a sum this large by less than one rounding step, eps).
_NORMAL_SUM_OF_SQUARES = np.finfo(np.float64).tiny / np.finfo(np.float64).eps


def clip(gradients, max_value):
    """Clip each parameter gradient entrywise to [-max_value, max_value].

    Returns a new dict with every key of ``gradients``: parameter gradients clipped, state
    gradients (da0, da_prev, ...) copied unchanged. The caller's arrays are not modified.
    Clipping by value can change the direction of the update; clip_by_norm cannot.

    Arguments:
        gradients -- dict of gradient arrays, e.g. dWax, dWaa, dWya, dba, dby, da0
        max_value -- positive threshold
    Returns:
        dict with the same keys and shapes
    """
    check_positive_number("max_value", max_value)
    return {
        key: g.copy() if key in STATE_GRADIENTS else np.clip(g, -max_value, max_value)
        for key, g in gradients.items()
    }


def global_norm(gradients):
    """sqrt(sum of squares) over all parameter gradients together (state gradients left out).

    It is inf only if an entry is not finite or the norm exceeds the largest float; see
    _norm_factors for how it avoids overflow and underflow on the way.
    """
    factor, root = _norm_factors(gradients)
    return factor * root


def _norm_factors(gradients):
    """The global norm as factor * root, each a float that neither overflows nor underflows.

    Directly (1.0, sqrt(sum g^2)) when the sum of squares is a normal float; when it overflows
    (entries above ~1e154) or underflows (below ~1e-154), (largest, sqrt(sum (g / largest)^2))
    with largest = max |g|, so that no square is out of range. factor is 0 for all-zero
    gradients and inf or nan if an entry is.
    """
    parameter_gradients = [
        _as_float_gradient(key, g) for key, g in gradients.items() if key not in STATE_GRADIENTS
    ]
    total = sum(np.vdot(g, g).real for g in parameter_gradients)
    if _NORMAL_SUM_OF_SQUARES <= total < np.inf or not parameter_gradients:
        return 1.0, float(np.sqrt(total))
    largest = float(np.max([np.max(np.abs(g), initial=0.0) for g in parameter_gradients]))
    if not 0 < largest < np.inf:
        return largest, 1.0
    return largest, float(
        np.sqrt(sum(np.vdot(g / largest, g / largest).real for g in parameter_gradients))
    )


def _as_float_gradient(key, gradient):
    """A gradient as a float64 array (integers too, whose squares would wrap around).

    Raises:
        ValueError like "dWax must hold numbers (ints or floats); got an array of bool"
    """
    array = np.asarray(gradient)
    if array.dtype.kind not in "iuf":
        raise ValueError(f"{key} must hold numbers (ints or floats); got an array of {array.dtype}")
    return array.astype(np.float64, copy=False)


def clip_by_norm(gradients, max_norm):
    """Rescale all parameter gradients together so that their global norm is at most max_norm.

    If ||g|| = sqrt(sum over parameters of sum(g^2)) exceeds max_norm, every parameter gradient
    is multiplied by max_norm / ||g||; the direction of the update is kept. State gradients are
    copied unchanged. The caller's arrays are not modified. Gradients so large that ||g|| is no
    float (beyond ~1.8e308) are still scaled exactly, through _norm_factors.

    Arguments:
        gradients -- dict of gradient arrays, finite
        max_norm -- positive threshold
    Returns:
        dict with the same keys and shapes
    Raises:
        ValueError naming a gradient that holds nan or inf (no scale gives it a finite norm)
    """
    check_positive_number("max_norm", max_norm)
    factor, root = _norm_factors(gradients)
    if not np.isfinite(factor):
        bad = next(
            k for k, g in gradients.items() if k not in STATE_GRADIENTS and not np.isfinite(g).all()
        )
        raise ValueError(f"{bad} holds nan or inf; clip_by_norm needs finite gradients")
    norm = factor * root
    scale = 1.0
    if norm > max_norm:
        scale = max_norm / norm if np.isfinite(norm) else max_norm / factor / root
    return {key: g.copy() if key in STATE_GRADIENTS else g * scale for key, g in gradients.items()}


def update_parameters(parameters, gradients, learning_rate):
    """Gradient-descent step, in place: W <- W - learning_rate * dW for every parameter.

    Arguments:
        parameters -- dict of float arrays, updated in place
        gradients -- dict holding "d" + name for every name in parameters
        learning_rate -- step size, positive and finite
    Returns:
        parameters (the same dict, for convenience)
    """
    check_positive_number("learning_rate", learning_rate)
    check_update(parameters, gradients)
    for name, value in parameters.items():
        value -= learning_rate * gradients[f"d{name}"]
    return parameters


def check_update(parameters, gradients):
    """Check what every update rule needs before it changes anything.

    The parameters are float numpy arrays (updated in place), and gradients holds "d" + name
    for each, an array of numbers of exactly the parameter's shape (never broadcast).

    Raises:
        ValueError naming the missing gradients, or the first of the wrong shape or kind
    """
    check_updatable(parameters)
    missing = [f"d{name}" for name in parameters if f"d{name}" not in gradients]
    if missing:
        raise ValueError(
            f"gradients lacks {', '.join(missing)}, needed to update {', '.join(parameters)}"
        )
    for name, value in parameters.items():
        grad = gradients[f"d{name}"]
        if np.shape(grad) != np.shape(value):
            raise ValueError(
                f"d{name} must have the shape of {name}, {np.shape(value)}; got {np.shape(grad)}"
            )
        _as_float_gradient(f"d{name}", grad)


class Adam:
    """The Adam optimiser: per-parameter steps scaled by running moments of the gradient.

    For every parameter W with gradient dW, at update step n = 0, 1, ... (notebook 06):
        m <- beta1 m + (1 - beta1) dW              v <- beta2 v + (1 - beta2) dW^2
        m_hat = m / (1 - beta1^(n+1))              v_hat = v / (1 - beta2^(n+1))
        W <- W - learning_rate * m_hat / (sqrt(v_hat) + eps)
    The moments start at zero; the bias corrections undo that start. self.t counts the updates
    taken so far, n + 1 after step n.

    Arguments:
        learning_rate -- step size
        beta1, beta2 -- decay rates of the first and second moments, in [0, 1)
        eps -- added to the denominator so it is never zero
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        check_positive_number("learning_rate", learning_rate)
        check_positive_number("eps", eps)
        for name, beta in (("beta1", beta1), ("beta2", beta2)):
            is_number = isinstance(beta, (int, float, np.integer, np.floating))
            if isinstance(beta, (bool, np.bool_)) or not is_number or not 0 <= beta < 1:
                raise ValueError(f"{name} must be in [0, 1); got {beta!r}")
        self.learning_rate, self.beta1, self.beta2, self.eps = learning_rate, beta1, beta2, eps
        self.t = 0
        self.m = {}
        self.v = {}

    def step(self, parameters, gradients):
        """Update every parameter in place from its gradient "d" + name; returns parameters."""
        check_positive_number("learning_rate", self.learning_rate)
        check_update(parameters, gradients)
        for name, value in parameters.items():
            if name in self.m and self.m[name].shape != value.shape:
                raise ValueError(
                    f"Adam's moments of {name} are {self.m[name].shape} from its earlier steps; "
                    f"got {name} of {value.shape} (use a new Adam for another model)"
                )
        self.t += 1
        correction1 = 1.0 - self.beta1**self.t
        correction2 = 1.0 - self.beta2**self.t
        for name, value in parameters.items():
            grad = gradients[f"d{name}"]
            if name not in self.m:
                self.m[name] = np.zeros_like(value)
                self.v[name] = np.zeros_like(value)
            m, v = self.m[name], self.v[name]
            m *= self.beta1
            m += (1.0 - self.beta1) * grad
            v *= self.beta2
            v += (1.0 - self.beta2) * grad**2
            value -= self.learning_rate * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
        return parameters


#: The rules make_update combines, by name.
UPDATE_CHOICES = {
    "optimizer": ("adam", "sgd"),
    "clip": ("norm", "value", "none"),
    "schedule": ("linear", "constant"),
}


def check_update_choices(**choices):
    """Check optimizer=, clip=, schedule= against UPDATE_CHOICES: one ValueError naming the first."""
    for name, value in choices.items():
        allowed = UPDATE_CHOICES[name]
        if value not in allowed:
            quoted = [repr(choice) for choice in allowed]
            raise ValueError(
                f"{name} must be {', '.join(quoted[:-1])} or {quoted[-1]}; got {value!r}"
            )


def make_update(
    optimizer, clipping, clip_threshold, learning_rate, schedule="constant", total_steps=1
):
    """The update of step n = 0, 1, ...: a function (parameters, gradients, n=0), in place.

    It clips the gradients (clipping "norm": clip_by_norm, "value": clip, "none": as they
    are, with the threshold clip_threshold), then takes a step of Adam or of SGD
    (update_parameters) with the learning rate of step n: learning_rate ("constant"), or
    learning_rate (1 - n / total_steps) ("linear": falling towards 0 over total_steps steps).

    Arguments:
        optimizer -- "adam" or "sgd";  clipping -- "norm", "value" or "none"
        clip_threshold, learning_rate -- positive numbers
        schedule -- "constant" or "linear";  total_steps -- the run's steps, for "linear"
    Returns:
        update(parameters, gradients, n=0) -> None
    """
    check_update_choices(optimizer=optimizer, clip=clipping, schedule=schedule)
    check_positive_number("clip_threshold", clip_threshold)
    check_positive_number("learning_rate", learning_rate)
    clippers = {
        "norm": lambda gradients: clip_by_norm(gradients, clip_threshold),
        "value": lambda gradients: clip(gradients, clip_threshold),
        "none": lambda gradients: gradients,
    }
    schedules = {
        "constant": lambda n: learning_rate,
        "linear": lambda n: learning_rate * (1.0 - n / total_steps),
    }
    adam = Adam(learning_rate)

    def adam_step(parameters, gradients, rate):
        adam.learning_rate = rate
        adam.step(parameters, gradients)

    rule = {"adam": adam_step, "sgd": update_parameters}[optimizer]
    clipper, rate = clippers[clipping], schedules[schedule]
    return lambda parameters, gradients, n=0: rule(parameters, clipper(gradients), rate(n))
