"""Checks for the exercises of notebook 04 (exploding gradients and clipping)."""

import numpy as np

from ...cells.rnn import PARAM_NAMES, param_shapes
from ...training.optim import clip as reference_clip
from ...training.optim import clip_by_norm as reference_clip_by_norm
from .compare import (
    CheckFailed,
    arrays_match,
    call_twice,
    expect_array,
    expect_keys,
    named_mistake,
    passed,
    plant,
    stretch,
)

PARAM_GRADIENTS = tuple(f"d{name}" for name in PARAM_NAMES)
WEIGHT_GRADIENTS = ("dWax", "dWaa", "dWya")
BIAS_GRADIENTS = ("dba", "dby")


def _gradients(scale, seed=4):
    """Gradients of a small RNN (n_a=4, n_x=3, n_y=3) plus da0 (m=2), entries ~ N(0, scale^2).

    Entries are set on both sides of +-2.5 * scale/3 in every array, so that clipping at that
    value changes every array, the biases' too.
    """
    rng = np.random.default_rng(seed)
    shapes = param_shapes(n_a=4, n_x=3, n_y=3)
    gradients = {f"d{name}": rng.standard_normal(shape) * scale for name, shape in shapes.items()}
    gradients["da0"] = rng.standard_normal((4, 2)) * scale
    for g in gradients.values():
        g.flat[0] = 2.5 * scale
        g.flat[-1] = -2.5 * scale
        g.flat[1] = 0.1 * scale
    return gradients


def _copy(gradients):
    return {key: np.array(g) for key, g in gradients.items()}


def _call(name, function, gradients, threshold):
    """Run the student's function (the guard fails it if it changes the caller's gradients)."""
    result = call_twice(name, function, gradients, threshold)
    if not isinstance(result, dict):
        raise CheckFailed(f"{name} should return a dict of gradients; got {type(result).__name__}")
    hint = "return every key you were given (copy unchanged the ones you do not clip)"
    expect_keys(f"the result of {name}", result, list(gradients), hint)
    return result


def _dicts_match(got, wrong):
    """Whether every array of the partial dict ``wrong`` matches got's array under its key."""
    return all(arrays_match(got.get(key), value) for key, value in wrong.items())


def _expect_gradients(name, got, expected, mistakes):
    """Name the first mistake (message, partial dict) ``got`` matches, else the worst entry."""
    __tracebackhide__ = True
    mistake = named_mistake(got, expected, mistakes, same=_dicts_match)
    if mistake:
        raise CheckFailed(f"{name} is wrong: {mistake}")
    for key, value in expected.items():
        expect_array(f"{name}(...)[{key!r}]", got[key], value)


def _each_parameter(transform):
    """A planted function of (raw, threshold): transform(g, threshold) of every parameter gradient."""
    return lambda raw, c: {key: transform(raw[key], c) for key in PARAM_GRADIENTS}


#: Typical mistakes of clip(gradients, max_value), as (message, planted function of
#: (raw gradients, max_value)) returning the gradients the mistake gives (some only a few).
CLIP_MISTAKES = (
    (
        "nothing was clipped: every parameter gradient came back unchanged. np.clip returns "
        "a new array; keep its result",
        _each_parameter(lambda g, c: g),
    ),
    (
        "the biases' gradients dba and dby were not clipped: clip every parameter gradient "
        "('d' + name for name in PARAM_NAMES), not only the weights'",
        lambda raw, c: (
            {key: np.clip(raw[key], -c, c) for key in WEIGHT_GRADIENTS}
            | {key: raw[key] for key in BIAS_GRADIENTS}
        ),
    ),
    (
        "every entry became max_value: the lower bound must be -max_value, not +max_value",
        _each_parameter(lambda g, c: np.full_like(g, c)),
    ),
    (
        "negative entries were cut at 0: the lower bound is -max_value",
        _each_parameter(lambda g, c: np.clip(g, 0, c)),
    ),
    (
        "entries below -max_value were left as they were: clip both sides, "
        "to [-max_value, max_value]",
        _each_parameter(lambda g, c: np.minimum(g, c)),
    ),
    (
        "da0 was clipped: it is the gradient of the initial state, not of a parameter; "
        "copy it unchanged",
        lambda raw, c: {"da0": np.clip(raw["da0"], -c, c)},
    ),
)


def check_clip(clip):
    """Check an implementation of clip(gradients, max_value), clipping by value, against rnn_lib."""
    __tracebackhide__ = True
    max_value = 2.5
    gradients = _gradients(scale=3.0)
    raw = _copy(gradients)
    result = _call("clip", clip, gradients, max_value)
    expected = reference_clip(raw, max_value)
    _expect_gradients("clip", result, expected, plant(CLIP_MISTAKES, raw, max_value))
    passed(
        "clip: parameter gradients clipped to [-max_value, max_value], da0 kept, input untouched"
    )


def _squares(raw):
    return sum(np.sum(raw[key] ** 2) for key in PARAM_GRADIENTS)


def _scaled(factor_of):
    """A planted function of (raw, max_norm): every parameter gradient times factor_of(...)."""
    return lambda raw, c: {key: raw[key] * factor_of(raw, c) for key in PARAM_GRADIENTS}


def _norm(raw):
    return np.sqrt(_squares(raw))


#: Typical mistakes of clip_by_norm(gradients, max_norm), as (message, planted function of
#: (raw gradients, max_norm)); {norm}, {situation} and {max_norm} describe the case checked.
CLIP_BY_NORM_MISTAKES = (
    (
        "the global norm is {norm:.4g}, {situation} max_norm={max_norm}, and the gradients "
        "should not be rescaled up to max_norm: multiply by max_norm / norm only when "
        "norm > max_norm",
        _scaled(lambda raw, c: c / _norm(raw)),
    ),
    (
        "each gradient was rescaled by its own norm: the threshold applies to ONE global "
        "norm, sqrt of the sum of squares of all parameter gradients together (per-array "
        "scaling changes the direction of the update)",
        _each_parameter(lambda g, c: g * min(1.0, c / np.linalg.norm(g))),
    ),
    (
        "the square root is missing: the global norm is sqrt(sum of squares), "
        "not the sum of squares",
        _scaled(lambda raw, c: min(1.0, c / _squares(raw))),
    ),
    (
        "da0 was counted in the global norm: only the parameter gradients dWax, dWaa, "
        "dWya, dba, dby enter it",
        _scaled(lambda raw, c: min(1.0, c / np.sqrt(_squares(raw) + np.sum(raw["da0"] ** 2)))),
    ),
    (
        "the factor is upside down: multiply by max_norm / norm, not norm / max_norm",
        _scaled(lambda raw, c: _norm(raw) / c),
    ),
    (
        "the gradients were divided by their norm but not multiplied by max_norm",
        _scaled(lambda raw, c: 1.0 / _norm(raw)),
    ),
    (
        "nothing was rescaled, though the global norm {norm:.4g} exceeds max_norm={max_norm}",
        _scaled(lambda raw, c: 1.0),
    ),
    (
        "da0 was rescaled: it is the gradient of the initial state; copy it unchanged",
        lambda raw, c: {"da0": raw["da0"] * min(1.0, c / _norm(raw))},
    ),
)


@stretch("rnn_lib.clip_by_norm")
def check_clip_by_norm(clip_by_norm):
    """Check an implementation of clip_by_norm(gradients, max_norm) against rnn_lib's."""
    __tracebackhide__ = True
    max_norm = 5.0
    for scale, situation in ((3.0, "above"), (0.05, "below")):
        gradients = _gradients(scale=scale)
        raw = _copy(gradients)
        result = _call("clip_by_norm", clip_by_norm, gradients, max_norm)
        expected = reference_clip_by_norm(raw, max_norm)
        details = {"norm": _norm(raw), "situation": situation, "max_norm": max_norm}
        mistakes = plant(CLIP_BY_NORM_MISTAKES, raw, max_norm, **details)
        _expect_gradients("clip_by_norm", result, expected, mistakes)
    passed("clip_by_norm: rescaled to the global norm max_norm when above it, untouched below")
