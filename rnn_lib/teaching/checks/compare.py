"""The machinery every check shares: compare an answer with the reference and name the mistake.

A check runs the student's function on fixed inputs and compares each output with the reference
from rnn_lib. When they differ, it goes through a table of typical mistakes: rows of
(message, planted function), where the planted function computes, from the check's inputs, what
code with that mistake (a missing bias, a transposed matrix, softmax over the wrong axis ...)
would have returned. The first row the answer matches is named in the message; if none does, the
message points at the worst entry.

Every check sets ``__tracebackhide__ = True``: IPython then leaves its frames out of a failure's
traceback, so a student sees the call in their own cell and the message, not the checks'
internals. A stretch exercise's check is wrapped in ``stretch``: an answer that is not written
yet (the student edition's ``raise NotImplementedError()``) is reported as skipped, so that
"Run All" goes on; a core exercise's check lets the error through and stops the run.
"""

import functools

import numpy as np


class CheckFailed(AssertionError):
    """An exercise's answer is wrong; the message says which output, where, and a likely cause."""


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
    return got.shape == wrong.shape and bool(np.allclose(got, wrong, rtol=rtol, atol=atol))


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


def expect_array(name, got, expected, mistakes=(), rtol=1e-6, atol=1e-9):
    """Raise CheckFailed unless ``got`` matches ``expected``, naming the most likely mistake.

    Arguments:
        name -- what the value is, as the student knows it ("a_next", "dWaa")
        got -- the student's value
        expected -- the reference value (ndarray)
        mistakes -- (message, planted result) pairs, as plant returns them
        rtol, atol -- tolerances of np.allclose
    """
    __tracebackhide__ = True
    expected = np.asarray(expected)
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
    if got.shape != expected.shape:
        hint = " (transposed?)" if got.shape == expected.shape[::-1] else ""
        raise CheckFailed(f"{name} has shape {got.shape}; expected {expected.shape}{hint}")
    if not np.all(np.isfinite(got)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(got))[0])
        raise CheckFailed(f"{name}{list(bad)} is {got[bad]}: an overflow or a division by zero?")
    close = np.isclose(got, expected, rtol=rtol, atol=atol)
    worst = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(got - expected)), got.shape))
    raise CheckFailed(
        f"{name} differs from the reference in {np.count_nonzero(~close)} of {got.size} entries; "
        f"the largest gap is at {name}{list(worst)}: got {got[worst]:.6g}, expected {expected[worst]:.6g}"
    )


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
