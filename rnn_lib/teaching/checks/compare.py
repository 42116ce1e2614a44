"""The machinery every check shares: compare an answer with the reference and say what is wrong.

A check runs the student's function on fixed inputs, compares each output with the reference
from rnn_lib, and, when they differ, tries the outputs that typical mistakes would produce (a
missing bias, a transposed matrix, softmax over the wrong axis ...). If the answer matches one of
them, the message names that mistake; otherwise it points at the worst entry.

Every check and comparison sets ``__tracebackhide__ = True``: IPython then leaves their frames
out of a failure's traceback, so a student sees the call in their own cell and the message,
not the checks' internals.
"""

import numpy as np


class CheckFailed(AssertionError):
    """An exercise's answer is wrong; the message says which output, where, and a likely cause."""


def passed(message):
    """Print the one line a check prints when everything matches."""
    print(f"\N{HEAVY CHECK MARK} {message}")


def expect_array(name, got, expected, mistakes=(), rtol=1e-6, atol=1e-9):
    """Raise CheckFailed unless ``got`` matches ``expected``, naming the most likely mistake.

    Arguments:
        name -- what the value is, as the student knows it ("a_next", "dWaa")
        got -- the student's value
        expected -- the reference value (ndarray)
        mistakes -- (description, value) pairs: what a typical mistake would have produced;
            the first one that ``got`` matches is named in the message
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
    for description, wrong in mistakes:
        wrong = np.asarray(wrong)
        if got.shape == wrong.shape and np.allclose(got, wrong, rtol=rtol, atol=atol):
            if not (
                wrong.shape == expected.shape and np.allclose(wrong, expected, rtol=rtol, atol=atol)
            ):
                raise CheckFailed(f"{name} is wrong: {description}")
    if got.shape != expected.shape:
        hint = " (transposed?)" if got.shape == expected.shape[::-1] else ""
        raise CheckFailed(f"{name} has shape {got.shape}; expected {expected.shape}{hint}")
    if not np.all(np.isfinite(got)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(got))[0])
        raise CheckFailed(f"{name}{list(bad)} is {got[bad]}: an overflow or a division by zero?")
    close = np.isclose(got, expected, rtol=rtol, atol=atol)
    if not close.all():
        worst = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape)
        worst = tuple(int(i) for i in worst)
        raise CheckFailed(
            f"{name} differs from the reference in {np.count_nonzero(~close)} of {got.size} entries; "
            f"the largest gap is at {name}{list(worst)}: got {got[worst]:.6g}, expected {expected[worst]:.6g}"
        )


def expect_keys(name, got, expected_keys):
    """Raise CheckFailed unless ``got`` is a dict holding every key in ``expected_keys``."""
    __tracebackhide__ = True
    if not isinstance(got, dict):
        raise CheckFailed(f"{name} should be a dict; got {type(got).__name__}")
    missing = [k for k in expected_keys if k not in got]
    if missing:
        raise CheckFailed(
            f"{name} lacks {', '.join(missing)}; expected the keys {', '.join(expected_keys)}"
        )
