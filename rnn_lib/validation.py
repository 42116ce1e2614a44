"""Input checks for the public entry points, with one-line errors that name the culprit.

The kinds of check that live here, and every other module takes its checks from this one:
- scalar arguments (sizes, counts, rates, thresholds): ``n_a must be a positive integer; got 0``;
- array shapes in the notebooks' symbols:
  ``x must be (n_x, m, T_x) with n_x=27 from Wax; got (26, 4, 9)``: the array, its expected
  shape, where a fixed size came from, and what arrived;
- array values (parameters must be finite) and parameters given as nested lists;
- files named by the user: an input must be a regular file (a FIFO or a device would block or
  never end), an output must be a writable file name in an existing folder;
- nesting of JSON-like metadata, bounded so that neither writing nor reading it can recurse
  without end.
This module imports nothing from rnn_lib, so every other module may use it.
"""

import os
import stat
from collections.abc import Mapping

import numpy as np

#: The deepest nesting of lists and dicts that metadata may have (a checkpoint's has 3).
MAX_NESTING = 64


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


def as_parameter_arrays(parameters):
    """The parameter dict with every list or tuple value turned into a float array.

    Public functions that only read the parameters call this first, so that parameters given as
    nested lists work everywhere as they do in rnn_cell_forward. Arrays are passed through
    unchanged (not copied), other values are left alone for the shape checks to name.
    """
    if not isinstance(parameters, Mapping):
        return parameters
    return {
        name: np.asarray(value, dtype=float) if isinstance(value, (list, tuple)) else value
        for name, value in parameters.items()
    }


def check_finite_parameters(parameters, names):
    """Check that each named parameter holds only finite numbers.

    Raises:
        ValueError like "Waa must hold finite floats; got 3 non-finite values (nan or inf)"
    """
    for name in names:
        bad = np.size(parameters[name]) - np.count_nonzero(np.isfinite(parameters[name]))
        if bad:
            raise ValueError(
                f"{name} must hold finite floats; got {bad} non-finite values (nan or inf)"
            )


def check_updatable(parameters):
    """Check that every parameter is a float numpy array, which an in-place update can change.

    A list would be silently replaced by a new array instead of updated (W -= ... rebinds it).

    Raises:
        ValueError like "parameters['Wax'] must be a float numpy array, updated in place; got list"
    """
    for name, value in parameters.items():
        if not (isinstance(value, np.ndarray) and value.dtype.kind == "f"):
            kind = type(value).__name__
            if isinstance(value, np.ndarray):
                kind = f"an array of {value.dtype}"
            raise ValueError(
                f"parameters[{name!r}] must be a float numpy array, updated in place; got {kind}"
            )


def check_nesting(value, name, limit=MAX_NESTING):
    """Check that lists and dicts inside value are nested at most limit levels deep.

    Walks value with an explicit stack, so a deep or self-referencing structure cannot exhaust
    Python's recursion limit here (json.dumps and json.loads would).

    Raises:
        ValueError like "metadata is nested more than 64 levels deep"
    """
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        if depth >= limit:
            raise ValueError(f"{name} is nested more than {limit} levels deep")
        stack.extend((child, depth + 1) for child in children)


def check_input_file(path, what, allow_pipe=False):
    """Check that path names an existing regular file (or, with allow_pipe, a pipe) to read.

    A FIFO with no writer blocks whoever opens it, a device such as /dev/zero never ends: both
    are refused here, before anything opens them.

    Arguments:
        path -- the path as the user gave it
        what -- what the file is, for the message ("data file", "checkpoint")
        allow_pipe -- accept a FIFO too (names piped in: --data /dev/stdin)
    Returns:
        the os.stat_result of path
    Raises:
        ValueError like "checkpoint m.npz is not a regular file (a FIFO, device or socket)"
    """
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
        raise ValueError(f"{what} must be a path to a file; got {path!r}")
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise ValueError(f"{what} {path} does not exist") from None
    except OSError as error:
        raise ValueError(f"{what} {path} cannot be read: {error.strerror}") from None
    if stat.S_ISDIR(status.st_mode):
        raise ValueError(f"{what} {path} is a folder, not a file")
    if not (stat.S_ISREG(status.st_mode) or (allow_pipe and stat.S_ISFIFO(status.st_mode))):
        raise ValueError(f"{what} {path} is not a regular file (a FIFO, device or socket)")
    return status


def check_output_file(path, what="output"):
    """Check that a file can be written at path and renamed into place, before any work.

    The folder must exist and be writable; path must not be a folder, a FIFO, a device or a
    read-only file (whose protection replacing it would silently undo). A symbolic link is
    checked, and later written, at its target.

    Arguments:
        path -- the path as the user gave it
        what -- how the user named it, for the message ("--out", "path")
    Returns:
        the path to write: path itself, or the target of a symbolic link
    Raises:
        ValueError like "--out m.npz is read-only; make it writable or choose another name"
    """
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
        raise ValueError(f"{what} must be a path to a file; got {path!r}")
    path = os.fspath(path)
    target = os.path.realpath(path) if os.path.islink(path) else path
    folder = os.path.dirname(target) or "."
    if not os.path.isdir(folder):
        raise ValueError(f"output folder {folder} does not exist")
    if os.path.isdir(target):
        raise ValueError(
            f"{what} {path} is a folder; give a file name such as {os.path.join(path, 'model.npz')}"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"output folder {folder} is not writable")
    if os.path.exists(target):
        if not stat.S_ISREG(os.stat(target).st_mode):
            raise ValueError(f"{what} {path} is not a regular file (a FIFO, device or socket)")
        if not os.stat(target).st_mode & 0o222 or not os.access(target, os.W_OK):
            raise ValueError(f"{what} {path} is read-only; make it writable or choose another name")
    return target
