"""Name a mistake from the answer itself: which transformation of the reference it equals.

The tables of the checks plant the mistakes students are known to make. Two families here name
the others, with no table:

- the reference computed on altered inputs (``altered``): an input or parameter left out (set
  to 0 as a term, to 1 as a factor), transposed, reversed or shifted by one step in time, with
  its sign flipped, two inputs (or two gates' weights) exchanged, one used in place of another;
  an answer that equals one of these is told which;
- transformations of the reference output itself (``transformed``): minus it, its transpose,
  reversed or shifted by one step along an axis, scaled by a constant (a wrong normaliser, named
  by the counts of the case when one fits), shifted by a constant, its absolute value, not
  summed over an axis, wrong only along one index of one axis.

The checks choose their inputs so that these results differ from each other and from the
reference (tests/test_checks_diagnosis.py keeps that true).
"""

from itertools import permutations

import numpy as np

_CONSTANTS = {2.0: "2", 0.5: "1/2", float(np.log(2)): "ln 2", float(1 / np.log(2)): "1/ln 2"}


def _close(a, b, rtol=1e-6, atol=1e-9):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


def _variants_of(named, groups):
    """(description, altered copy of named) for every single alteration of the inputs."""
    for name, value in named.items():
        value = np.asarray(value, dtype=float)
        yield f"{name} = 0 (is the term with {name} missing?)", {**named, name: 0 * value}
        yield f"{name} = 1 (is the factor {name} missing?)", {**named, name: 0 * value + 1}
        yield f"-{name} in place of {name} (a sign flipped)", {**named, name: -value}
        if value.ndim == 2 and value.shape[0] == value.shape[1] > 1:
            yield f"{name}.T in place of {name} (transposed)", {**named, name: value.T}
        if value.ndim == 3 and value.shape[2] > 2:
            yield from _in_time(name, value, named)
    for a, b in permutations(named, 2):
        if np.shape(named[a]) == np.shape(named[b]):
            if a < b:
                yield f"{a} and {b} exchanged", {**named, a: named[b], b: named[a]}
            yield f"{b} in place of {a}", {**named, a: named[b]}
    for g, h in permutations(groups, 2):
        if g < h:
            swapped = dict(named)
            for x, y in zip(groups[g], groups[h], strict=True):
                swapped[x], swapped[y] = named[y], named[x]
            parts = f"{', '.join(groups[g])} and {', '.join(groups[h])}"
            yield f"the {g} and the {h} exchanged ({parts})", swapped


def _in_time(name, value, named):
    """The alterations in time of a sequence (time last): reversed, one step late or early."""
    zero = np.zeros_like(value[:, :, :1])
    late = np.concatenate((zero, value[:, :, :-1]), axis=2)
    early = np.concatenate((value[:, :, 1:], zero), axis=2)
    yield f"{name} reversed in time ({name}[:, :, ::-1])", {**named, name: value[:, :, ::-1]}
    yield f"{name} one step late (step t reads {name}[:, :, t - 1]: off by one)", {
        **named, name: late
    }  # fmt: skip
    yield f"{name} one step early (step t reads {name}[:, :, t + 1]: off by one)", {
        **named, name: early
    }  # fmt: skip


def altered(run, named, groups=None):
    """The reference on altered inputs, as (message, result) pairs for compare.named_mistake.

    Arguments:
        run -- run(named) -> the reference's result for the inputs in the dict named
        named -- dict input name -> array, every input and parameter the answer reads
        groups -- dict part name -> names that belong together (e.g. "forget gate": ("Wf",
            "bf")); exchanging two parts exchanges all their arrays at once
    Returns:
        list of (message, result); alterations that the reference refuses (a shape error) or
        that change nothing are left out, and those with the same result share one message
    """
    with np.errstate(all="ignore"):
        reference = run(named)
    found = []  # [descriptions, result]: alterations with the same result share one entry
    for message, inputs in _variants_of(named, groups or {}):
        try:
            with np.errstate(all="ignore"):
                result = run(inputs)
        except (ValueError, IndexError, KeyError, TypeError):
            continue
        if _same_result(result, reference):
            continue  # the alteration changes nothing this answer returns
        same = next((entry for entry in found if _same_result(entry[1], result)), None)
        if same:
            same[0].append(message)
        else:
            found.append([[message], result])
    return [
        (f"it matches the reference computed with {', or the same here, with '.join(ways)}", result)
        for ways, result in found
    ]


def _same_result(first, second):
    """Whether two results of the reference are equal (arrays, or tuples of arrays)."""
    if isinstance(first, tuple) and isinstance(second, tuple):
        return len(first) == len(second) and all(map(_same_result, first, second))
    try:
        return _close(first, second, rtol=1e-12, atol=1e-15)
    except (TypeError, ValueError):
        return False


def _ratio_name(c, counts):
    """'1/14', '20/14 (m * T_x / the characters)' ...: a name for the factor c, or None."""
    named = dict(_CONSTANTS)
    for label, n in counts.items():
        named.setdefault(float(n), label)
        named.setdefault(1.0 / n, f"1/({label})" if " " in label else f"1/{label}")
    for label, n in counts.items():
        for other, k in counts.items():
            if other != label:
                named.setdefault(n / k, f"({label}) / ({other})")
    for value, label in named.items():
        if np.isclose(c, value, rtol=1e-9):
            return label
    return None


def _scaled(got, expected, counts):
    """'it is the reference times c' when got = c * expected for one constant c, else None."""
    denominator = float(np.sum(expected * expected))
    if denominator == 0:
        return None
    c = float(np.sum(got * expected)) / denominator
    if np.isclose(c, 1.0) or np.isclose(c, -1.0) or not _close(got, c * expected):
        return None
    label = _ratio_name(c, counts)
    if got.size == 1 and not label:
        return None
    which = f" = {label}" if label else ""
    return (
        f"it is the reference times {c:.6g}{which}: a missing or wrong factor (what did you "
        "divide or multiply by?)"
    )


def _shifted(got, expected, axis, what):
    """'one step late/early along axis' when got is expected shifted by one along it, else None."""
    if expected.shape[axis] < 3:
        return None
    head = [slice(None)] * expected.ndim
    tail = list(head)
    head[axis], tail[axis] = slice(1, None), slice(None, -1)
    if _close(got[tuple(head)], expected[tuple(tail)]):
        return f"it is one {what} late: entry t holds the reference's entry t - 1 (off by one)"
    if _close(got[tuple(tail)], expected[tuple(head)]):
        return f"it is one {what} early: entry t holds the reference's entry t + 1 (off by one)"
    return None


def _confined(got, expected, axis_names, rtol, atol):
    """'only index j along an axis is wrong' when every wrong entry shares it, else None."""
    wrong = ~np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    if wrong.all() or got.ndim == 0:
        return None
    if np.count_nonzero(wrong) == 1:
        return (
            "only one entry is wrong, the others match: look at what is special there (the "
            "first or last step, a boundary, a reset)"
        )
    for axis in range(got.ndim):
        if got.shape[axis] < 2:
            continue
        along = np.moveaxis(wrong, axis, 0).reshape(got.shape[axis], -1).any(axis=1)
        if np.count_nonzero(along) == 1:
            index = int(np.flatnonzero(along)[0])
            last = " (the last)" if index == got.shape[axis] - 1 else ""
            return (
                f"only {axis_names[axis].format(index)}{last} is wrong, the others match: "
                "look at what is special there (the first or last step, a boundary, a reset)"
            )
    return None


def _reshaped(got, expected):
    """A message when got has another shape that a missing sum or keepdims explains, else None."""
    for axis, size in enumerate(expected.shape):
        if size == 1 and got.shape == expected.shape[:axis] + expected.shape[axis + 1 :]:
            if _close(got, np.squeeze(expected, axis)):
                return f"axis {axis} of size 1 is missing: keep it (keepdims=True)"
        if size == 1 and got.ndim == expected.ndim and got.shape[axis] > 1:
            summed = np.sum(got, axis=axis, keepdims=True)
            if summed.shape == expected.shape and _close(summed, expected):
                return f"it is not summed over axis {axis}: sum it (axis={axis}, keepdims=True)"
    if got.ndim == 2 and got.shape == expected.shape[::-1] and _close(got.T, expected):
        return f"it is transposed: the shape is {got.shape}, expected {expected.shape}"
    return None


def transformed(got, expected, axis_names=None, counts=None, rtol=1e-6, atol=1e-9):
    """The message of the transformation of expected that got equals, or None.

    Arguments:
        got, expected -- the answer and the reference, arrays of numbers
        axis_names -- what an index along each axis of expected is, with {} for the index
            ("row {}", "batch column {}", "time step {}")
        counts -- dict label -> count of the case ("m": 4, "the characters": 14), to name a factor
    """
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        return _reshaped(got, expected)
    axis_names = axis_names or [f"entry {{}} along axis {axis}" for axis in range(got.ndim)]
    if not np.all(np.isfinite(got)) or not np.all(np.isfinite(expected)):
        return None
    if np.all(got == 0) and np.any(expected != 0):
        return "it is all zeros: the array was created but nothing was written into it?"
    simple = [
        ("it is minus the reference: a sign is flipped", -expected),
        ("the signs are lost: it is the absolute value of the reference", np.abs(expected)),
        ("it is the transpose of the reference", expected.T),
    ]
    for message, variant in simple:
        if _close(got, variant, rtol, atol) and not _close(expected, variant, rtol, atol):
            return message
    for axis in range(got.ndim):
        what = axis_names[axis].replace(" {}", "")
        flipped = np.flip(expected, axis)
        if _close(got, flipped, rtol, atol) and not _close(expected, flipped, rtol, atol):
            return f"it is the reference in reverse order along axis {axis} ({what})"
        message = _shifted(got, expected, axis, what)
        if message:
            return message
    offset = got - expected
    if np.allclose(offset, offset.flat[0], rtol=rtol, atol=atol) and got.size > 1:
        return f"it is the reference plus the constant {offset.flat[0]:.6g}"
    return _scaled(got, expected, counts or {}) or _confined(got, expected, axis_names, rtol, atol)


#: The ends of the messages after which the largest gap is worth showing too.
POINT_AT_WORST = ("what did you divide or multiply by?)", "a boundary, a reset)")
