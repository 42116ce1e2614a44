"""The machinery every check shares: compare an answer with the reference and name the mistake.

A check runs the student's function on fixed inputs and compares each output with the reference
from rnn_lib. When they differ, it goes through a table of typical mistakes: rows of
(message, planted function), where the planted function computes, from the check's inputs, what
code with that mistake (a missing bias, a transposed matrix, softmax over the wrong axis ...)
would have returned. The first row the answer matches is named in the message; if none does, the
message points at the worst entry.

When none matches, diagnosis.transformed tries transformations of the reference itself (its sign,
transpose, a shift in time, a constant factor ...), and the message says which, or what was
compared and where the largest gap is.

A failure is one clean message: CheckFailed defines IPython's ``_render_traceback_`` hook, so
IPython (and what nbclient and nbgrader store of a cell's error) shows "CheckFailed: message" and
no frames. Every check also sets ``__tracebackhide__ = True``, which IPython and pytest honour
for any other error raised through a check (the student's own IndexError, say). A stretch exercise's check is wrapped in ``stretch``: an answer that is not written
yet (the student edition's ``raise NotImplementedError()``) is reported as skipped, so that
"Run All" goes on; a core exercise's check lets the error through and stops the run.
"""

import copy
import functools

import numpy as np

from .diagnosis import POINT_AT_WORST, transformed


class CheckFailed(AssertionError):
    """An exercise's answer is wrong; the message says which output, where, and a likely cause."""

    def _render_traceback_(self):
        """The lines IPython shows instead of a traceback: the message alone, no frames."""
        return [f"\x1b[1;31m{type(self).__name__}\x1b[0m: {self}"]


def passed(message):
    """Print the one line a check prints when everything matches."""
    print(f"\N{HEAVY CHECK MARK} {message}")


def plant(mistakes, *inputs, **details):
    """Evaluate a table of typical mistakes on the check's inputs.

    Arguments:
        mistakes -- rows of (message, planted function); planted(*inputs) returns what code
            with that mistake would have returned
        inputs -- the check's inputs
        details -- values for the {placeholders} of the messages, e.g. chars=14
    Returns:
        list of (message, planted result)
    """
    return [(message.format(**details), planted(*inputs)) for message, planted in mistakes]


def arrays_match(got, wrong, rtol=1e-6, atol=1e-9):
    """Whether got has wrong's shape and values (np.allclose); False for anything not numeric."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    wrong = np.asarray(wrong)
    return got.shape == wrong.shape and bool(
        np.allclose(got, wrong, rtol=rtol, atol=atol, equal_nan=True)
    )


def named_mistake(got, expected, mistakes, same=arrays_match):
    """The message of the first mistake whose result ``got`` matches and ``expected`` does not.

    Arguments:
        got, expected -- the answer and the reference
        mistakes -- (message, planted result) pairs, as plant returns them
        same -- same(answer, planted result) -> bool
    Returns:
        the message, or None
    """
    for message, wrong in mistakes:
        if same(got, wrong) and not same(expected, wrong):
            return message
    return None


def distinct(got, expected):
    """got and expected as text with the fewest digits (at least 6) that tell them apart."""
    for digits in range(6, 18):
        shown = f"{got:.{digits}g}", f"{expected:.{digits}g}"
        if shown[0] != shown[1]:
            return shown
    return repr(float(got)), repr(float(expected))


def _not_finite(name, got, expected):
    """The message for an answer with inf or nan where the reference is finite."""
    bad = tuple(int(i) for i in np.argwhere(~np.isfinite(got))[0])
    where = f"{name}{list(bad)}" if got.ndim else name
    value = got[bad]
    if np.isnan(value):
        cause = "nan comes from 0/0, inf - inf, 0 * inf or the log of a negative number"
    else:
        cause = "inf comes from log(0) = -inf, a division by zero or an overflow of exp"
    return f"{where} is {value}, the reference {expected[bad]:.6g}: {cause}"


def _largest_gap(name, got, expected):
    """'the largest gap is at name[i, j]: got ..., expected ...' ('name is ...' for a scalar)."""
    if got.size == 1:
        shown = distinct(got.item(), expected.item())
        return f"{name} is {shown[0]}; expected {shown[1]}"
    worst = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(got - expected)), got.shape))
    shown = distinct(got[worst], expected[worst])
    return f"the largest gap is at {name}{list(worst)}: got {shown[0]}, expected {shown[1]}"


def _difference(name, got, expected, rtol, atol, hint=None):
    """The message for an answer that matches no mistake: what was compared, the largest gap."""
    if hint:
        return f"{_difference(name, got, expected, rtol, atol)}. {hint}"
    if got.size == 1:
        return _largest_gap(name, got, expected)
    close = np.isclose(got, expected, rtol=rtol, atol=atol)
    return (
        f"{name} differs from the reference in {np.count_nonzero(~close)} of {got.size} "
        f"entries, and matches none of the likely mistakes tried (the typical ones of this "
        f"exercise, each input left out, transposed, negated or exchanged, and the reference's "
        f"sign, transpose, order, shift in time and scale); {_largest_gap(name, got, expected)}"
    )


def expect_array(
    name, got, expected, mistakes=(), rtol=1e-6, atol=1e-9, axis_names=None, counts=None,
    hint=None,
):  # fmt: skip
    """Raise CheckFailed unless ``got`` matches ``expected``, naming the most likely mistake.

    Arguments:
        name -- what the value is, as the student knows it ("a_next", "dWaa")
        got -- the student's value
        expected -- the reference value (ndarray)
        mistakes -- (message, planted result) pairs, as plant returns them
        rtol, atol -- tolerances of np.allclose
        axis_names, counts -- for diagnosis.transformed: what each axis holds ("time step {}"),
            and the counts of the case that a wrong factor may be
        hint -- what the message of an answer that matches no mistake adds (the formula)
    """
    __tracebackhide__ = True
    expected = np.asarray(expected, dtype=float)
    if got is None:
        raise CheckFailed(f"{name} is None: does your function return it?")
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(
            f"{name} should be an array of numbers; got {type(got).__name__}"
        ) from None
    if arrays_match(got, expected, rtol, atol):
        return
    mistake = named_mistake(got, expected, mistakes, lambda a, b: arrays_match(a, b, rtol, atol))
    if mistake:
        raise CheckFailed(f"{name} is wrong: {mistake}")
    mistake = transformed(got, expected, axis_names, counts, rtol, atol)
    if mistake and mistake.endswith(POINT_AT_WORST):
        mistake += f"; {_largest_gap(name, got, expected)}"
    if mistake:
        raise CheckFailed(f"{name} is wrong: {mistake}")
    if got.shape != expected.shape:
        raise CheckFailed(f"{name} has shape {got.shape}; expected {expected.shape}")
    if not np.all(np.isfinite(got)):
        raise CheckFailed(_not_finite(name, got, expected))
    raise CheckFailed(_difference(name, got, expected, rtol, atol, hint))


def expect_keys(name, got, expected_keys, hint=None):
    """Raise CheckFailed unless ``got`` is a dict holding every key in ``expected_keys``.

    The message names the missing keys and ends in hint, or else in the keys expected.
    """
    __tracebackhide__ = True
    if not isinstance(got, dict):
        raise CheckFailed(f"{name} should be a dict; got {type(got).__name__}")
    missing = [k for k in expected_keys if k not in got]
    if missing:
        advice = hint or f"expected the keys {', '.join(expected_keys)}"
        raise CheckFailed(f"{name} lacks {', '.join(missing)}; {advice}")


def expect_tuple(name, result, fields):
    """Raise CheckFailed unless ``result`` is a tuple of len(fields) values, named in the message."""
    __tracebackhide__ = True
    if not isinstance(result, tuple) or len(result) != len(fields):
        raise CheckFailed(f"{name} should return a tuple ({', '.join(fields)})")


def _same_result(first, second):
    """Whether two results of the same call are equal: arrays, numbers, tuples, lists, dicts."""
    if isinstance(first, dict) and isinstance(second, dict):
        return first.keys() == second.keys() and all(
            _same_result(first[k], second[k]) for k in first
        )
    if isinstance(first, (tuple, list)) and isinstance(second, (tuple, list)):
        return len(first) == len(second) and all(map(_same_result, first, second))
    if isinstance(first, str) or isinstance(second, str):
        return first == second
    numbers = []
    for value in (first, second):
        try:
            numbers.append(np.asarray(value, dtype=float))
        except (TypeError, ValueError):
            numbers.append(None)
    if numbers[0] is None or numbers[1] is None:
        return numbers[0] is numbers[1]  # objects of other kinds (a cache class) are not compared
    return numbers[0].shape == numbers[1].shape and bool(
        np.allclose(numbers[0], numbers[1], rtol=1e-12, atol=0, equal_nan=True)
    )


def call_twice(name, function, *args, **kwargs):
    """The answer's result for args; CheckFailed if a second call on copies of them differs.

    An answer that keeps something from one call to the next (a dict or array defined outside
    the function and updated with +=, a mutable default argument) is right on its first call
    and wrong on every later one. The first call gets args themselves (the guard fails an answer
    that changes them; optimize's parameters it must change), the second deep copies made before.
    """
    __tracebackhide__ = True
    copies, keywords = copy.deepcopy(args), copy.deepcopy(kwargs)
    first = function(*args, **kwargs)
    second = function(*copies, **keywords)
    if not _same_result(first, second):
        raise CheckFailed(
            f"{name} gave a different result when called a second time on the same inputs: "
            "something carries over from one call to the next (an accumulator such as a dict "
            "or array made outside the function and updated with +=, or a mutable default "
            "argument). Create every accumulator inside the function, at each call"
        )
    return first


def stretch(replacement):
    """Mark a check as a stretch exercise's: an answer not written yet is skipped, not failed.

    Arguments:
        replacement -- what the notebook uses instead, e.g. "rnn_lib.tanh"
    Returns:
        a decorator for the check; when the student's function raises NotImplementedError, the
        check prints that the exercise was skipped and returns instead of raising
    """

    def decorate(check):
        @functools.wraps(check)
        def stretch_check(answer, *args, **kwargs):
            __tracebackhide__ = True
            try:
                return check(answer, *args, **kwargs)
            except NotImplementedError:
                print(
                    f"\N{BLACK RIGHT-POINTING TRIANGLE} skipped: this stretch exercise is not "
                    f"done yet ({answer.__name__} raises NotImplementedError); the notebook goes "
                    f"on with {replacement}"
                )

        stretch_check.is_stretch = True
        return stretch_check

    return decorate
