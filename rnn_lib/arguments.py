"""Checks of scalar arguments (sizes, counts, rates, thresholds), with one-line errors.

Every message has the form ``n_a must be a positive integer; got 0``: the argument, what was
expected and what came. This module imports nothing from rnn_lib, so every other module may use it.
"""

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
