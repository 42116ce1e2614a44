"""Input checks for the public entry points, with one-line errors that name the culprit.

Two kinds of check live here, and every other module takes its checks from this one:
- scalar arguments (sizes, counts, rates, thresholds): ``n_a must be a positive integer; got 0``;
- array shapes in the notebooks' symbols:
  ``x must be (n_x, m, T_x) with n_x=27 from Wax; got (26, 4, 9)``: the array, its expected
  shape, where a fixed size came from, and what arrived.
This module imports nothing from rnn_lib, so every other module may use it.
"""

from collections.abc import Mapping

import numpy as np


def check_integer(name, value, smallest=1):
    """Check that value is an integer >= smallest (a bool is not an integer here).

    Arguments:
        name -- the argument's name, as the caller knows it
        value -- what the caller passed
        smallest -- the least allowed value: 1 (a positive integer) or 0 (non-negative)
    Raises:
        ValueError like "m must be a positive integer; got 0"
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < smallest:
        kind = {1: "a positive integer", 0: "a non-negative integer"}.get(
            smallest, f"an integer >= {smallest}"
        )
        raise ValueError(f"{name} must be {kind}; got {value!r}")


def check_positive_number(name, value):
    """Check that value is a positive, finite real number (a bool is not a number here).

    Raises:
        ValueError like "max_value must be a positive, finite number; got -1"
    """
    is_number = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, bool
    )
    if not is_number or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive, finite number; got {value!r}")


def check_shape(name, array, symbols, known):
    """Check that ``array`` has the shape ``symbols`` and record the sizes it fixes.

    Arguments:
        name -- the array's name, as the caller knows it ("x", "a0", ...)
        array -- the array to check
        symbols -- its expected shape as symbols, e.g. ("n_x", "m", "T_x"); "1" means size 1
        known -- dict symbol -> (size, source) of the sizes fixed so far; updated in place
    Raises:
        ValueError naming the array, the expected shape, the conflicting size and its source
    """
    shape = np.shape(array)
    expected = "(" + ", ".join(symbols) + ")"
    if len(shape) != len(symbols):
        raise ValueError(f"{name} must be {expected}, {len(symbols)}-dimensional; got {shape}")
    for symbol, size in zip(symbols, shape):
        if symbol == "1" and size != 1:
            raise ValueError(f"{name} must be {expected}, a column; got {shape}")
        if symbol in known and known[symbol][0] != size:
            fixed, source = known[symbol]
            raise ValueError(
                f"{name} must be {expected} with {symbol}={fixed} from {source}; got {shape}"
            )
    for symbol, size in zip(symbols, shape):
        known.setdefault(symbol, (size, name))


def check_sequence(X, a0, known):
    """Check X (n_x, m, T_x) with T_x >= 1 and a0 (n_a, m) against the sizes known so far.

    Arguments:
        X -- inputs of a sequence forward pass
        a0 -- its initial hidden state
        known -- dict symbol -> (size, source), as check_parameters returns it; updated in place
    Raises:
        ValueError naming the array, as check_shape does, or an X with no time step
    """
    check_shape("X", X, ("n_x", "m", "T_x"), known)
    check_shape("a0", a0, ("n_a", "m"), known)
    if X.shape[2] < 1:
        raise ValueError(f"X must have at least one time step (T_x >= 1); got {X.shape}")


def check_parameters(parameters, symbols):
    """Check a parameter dict against its symbolic shapes; return the sizes they fix.

    Arguments:
        parameters -- the dict to check
        symbols -- dict name -> symbolic shape, e.g. {"Wax": ("n_a", "n_x"), ...}, in order
    Returns:
        dict symbol -> (size, source), e.g. {"n_a": (50, "Wax"), ...}; "1" -> (1, "")
    Raises:
        ValueError if parameters is not a dict, lacks a name, or has a shape that disagrees
    """
    names = tuple(symbols)
    if not isinstance(parameters, Mapping):
        raise ValueError(
            f"parameters must be a dict of {', '.join(names)}; got {type(parameters).__name__}"
        )
    missing = [n for n in names if n not in parameters]
    if missing:
        raise ValueError(
            f"parameters lacks {', '.join(missing)}; expected the keys {', '.join(names)}"
        )
    known = {"1": (1, "")}
    for name in names:
        check_shape(name, parameters[name], symbols[name], known)
    return known
