"""The clipping checks pass the library's functions and name each typical mistake."""

import numpy as np
import pytest

import rnn_lib

from .unguarded import checks

PARAMS = tuple(f"d{name}" for name in rnn_lib.PARAM_NAMES)


# Wrong versions of clip (by value), one mistake each.


def clip_in_place(gradients, max_value):
    for key in PARAMS:
        np.clip(gradients[key], -max_value, max_value, out=gradients[key])
    return gradients


def clip_into_callers_dict(gradients, max_value):
    for key in PARAMS:
        gradients[key] = np.clip(gradients[key], -max_value, max_value)
    return gradients


def clip_dropping_da0(gradients, max_value):
    return {key: np.clip(gradients[key], -max_value, max_value) for key in PARAMS}


def clip_doing_nothing(gradients, max_value):
    for key in PARAMS:
        np.clip(gradients[key], -max_value, max_value)  # result thrown away
    return dict(gradients)


def clip_weights_only(gradients, max_value):
    result = dict(gradients)
    for key in ("dWax", "dWaa", "dWya"):
        result[key] = np.clip(gradients[key], -max_value, max_value)
    return result


def clip_lower_bound_positive(gradients, max_value):
    result = dict(gradients)
    for key in PARAMS:
        result[key] = np.minimum(np.maximum(gradients[key], max_value), max_value)
    return result


def clip_lower_bound_zero(gradients, max_value):
    result = dict(gradients)
    for key in PARAMS:
        result[key] = np.clip(gradients[key], 0, max_value)
    return result


def clip_upper_only(gradients, max_value):
    result = dict(gradients)
    for key in PARAMS:
        result[key] = np.minimum(gradients[key], max_value)
    return result


def clip_everything(gradients, max_value):
    return {key: np.clip(g, -max_value, max_value) for key, g in gradients.items()}


def clip_off_by_a_bit(gradients, max_value):
    result = rnn_lib.clip(gradients, max_value)
    result["dWya"] = result["dWya"] * 1.01
    return result


def test_library_clip_passes(capsys):
    checks.check_clip(rnn_lib.clip)
    assert "clip" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong, message",
    [
        (clip_dropping_da0, "lacks da0"),
        (clip_doing_nothing, "nothing was clipped"),
        (clip_weights_only, "dba and dby were not clipped"),
        (clip_lower_bound_positive, "the lower bound must be -max_value, not +max_value"),
        (clip_lower_bound_zero, "negative entries were cut at 0"),
        (clip_upper_only, "entries below -max_value were left"),
        (clip_everything, "da0 was clipped"),
        (clip_off_by_a_bit, "clip(...)['dWya'] is wrong: it is the reference times 1.01"),
    ],
)
def test_clip_mistakes_are_named(wrong, message):
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_clip(wrong)
    assert message in str(failure.value)


def test_clip_returning_a_list_is_rejected():
    with pytest.raises(checks.CheckFailed, match="should return a dict"):
        checks.check_clip(lambda gradients, max_value: list(gradients.values()))


# Wrong versions of clip_by_norm, one mistake each.


def total_norm(gradients, keys=PARAMS):
    return np.sqrt(sum(np.sum(gradients[key] ** 2) for key in keys))


def norm_clip_per_array(gradients, max_norm):
    result = dict(gradients)
    for key in PARAMS:
        norm = np.linalg.norm(gradients[key])
        if norm > max_norm:
            result[key] = gradients[key] * (max_norm / norm)
    return result


def norm_clip_scaling_up(gradients, max_norm):
    factor = max_norm / total_norm(gradients)
    return {key: g * factor if key in PARAMS else g for key, g in gradients.items()}


def norm_clip_without_sqrt(gradients, max_norm):
    squares = total_norm(gradients) ** 2
    factor = max_norm / squares if squares > max_norm else 1.0
    return {key: g * factor if key in PARAMS else g for key, g in gradients.items()}


def norm_clip_in_place(gradients, max_norm):
    norm = total_norm(gradients)
    if norm > max_norm:
        for key in PARAMS:
            gradients[key] *= max_norm / norm
    return dict(gradients)


def norm_clip_counting_da0(gradients, max_norm):
    norm = total_norm(gradients, PARAMS + ("da0",))
    factor = max_norm / norm if norm > max_norm else 1.0
    return {key: g * factor if key in PARAMS else g for key, g in gradients.items()}


def norm_clip_upside_down(gradients, max_norm):
    norm = total_norm(gradients)
    factor = norm / max_norm if norm > max_norm else 1.0
    return {key: g * factor if key in PARAMS else g for key, g in gradients.items()}


def norm_clip_to_unit(gradients, max_norm):
    norm = total_norm(gradients)
    factor = 1.0 / norm if norm > max_norm else 1.0
    return {key: g * factor if key in PARAMS else g for key, g in gradients.items()}


def norm_clip_doing_nothing(gradients, max_norm):
    return dict(gradients)


def norm_clip_scaling_da0(gradients, max_norm):
    norm = total_norm(gradients)
    factor = max_norm / norm if norm > max_norm else 1.0
    return {key: g * factor for key, g in gradients.items()}


def norm_clip_by_value(gradients, max_norm):
    return rnn_lib.clip(gradients, max_norm / 4)


def test_library_clip_by_norm_passes(capsys):
    checks.check_clip_by_norm(rnn_lib.clip_by_norm)
    assert "clip_by_norm" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong, message",
    [
        (norm_clip_per_array, "each gradient was rescaled by its own norm"),
        (norm_clip_scaling_up, "should not be rescaled up to max_norm"),
        (norm_clip_without_sqrt, "the square root is missing"),
        (norm_clip_counting_da0, "da0 was counted in the global norm"),
        (norm_clip_upside_down, "the factor is upside down"),
        (norm_clip_to_unit, "not multiplied by max_norm"),
        (norm_clip_doing_nothing, "nothing was rescaled"),
        (norm_clip_scaling_da0, "da0 was rescaled"),
        (norm_clip_by_value, "differs from the reference"),
    ],
)
def test_clip_by_norm_mistakes_are_named(wrong, message):
    with pytest.raises(checks.CheckFailed) as failure:
        checks.check_clip_by_norm(wrong)
    assert message in str(failure.value)
