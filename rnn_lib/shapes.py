"""Shape checks for the public entry points, with errors that name the culprit.

Every message has the form ``x must be (n_x, m, T_x) with n_x=27 from Wax; got (26, 4, 9)``:
the array, its expected shape in the notebooks' symbols, where a fixed size came from, and
what arrived.
"""

from collections.abc import Mapping

import numpy as np

from .params import PARAM_NAMES, PARAM_SYMBOLS


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


def check_parameters(parameters, names=PARAM_NAMES, symbols=PARAM_SYMBOLS):
    """Check a parameter dict and return the sizes its shapes fix, as ``{symbol: (size, source)}``."""
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
