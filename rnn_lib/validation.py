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

import errno
import os
import stat
from collections.abc import Mapping

import numpy as np

#: The deepest nesting of lists and dicts that metadata may have (a checkpoint's has 3).
MAX_NESTING = 64


def check_integer(name, value, smallest=1, largest=None):
    """Check that value is an integer from smallest to largest (a bool is not an integer here).

    Arguments:
        name -- the argument's name, as the caller knows it
        value -- what the caller passed
        smallest -- the least allowed value: 1 (a positive integer) or 0 (non-negative)
        largest -- the greatest allowed value, or None for no bound
    Raises:
        ValueError like "m must be a positive integer; got 0"
    """
    is_integer = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if not is_integer or value < smallest or (largest is not None and value > largest):
        if largest is not None:
            kind = f"an integer from {smallest} to {largest}"
        else:
            kind = {1: "a positive integer", 0: "a non-negative integer"}.get(
                smallest, f"an integer >= {smallest}"
            )
        raise ValueError(f"{name} must be {kind}; got {value!r}")


def check_seed(name, value, generator=True):
    """Check that value can seed numpy: None, a non-negative integer or (if allowed) a Generator.

    A bool, a float, a string or a list is refused (numpy would take some of them, silently).

    Raises:
        ValueError like "rng must be None, a non-negative integer or a numpy Generator; got 'x'"
    """
    if value is None or (generator and isinstance(value, np.random.Generator)):
        return
    is_integer = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    if not is_integer or value < 0:
        kinds = "None, a non-negative integer or a numpy Generator"
        raise ValueError(
            f"{name} must be {kinds if generator else 'None or a non-negative integer'}; "
            f"got {value!r}"
        )


def check_fraction(name, value):
    """Check that value is a real number strictly between 0 and 1 (a bool is not a number here).

    Raises:
        ValueError like "dev_fraction must be a number between 0 and 1; got '0.5'"
    """
    is_number = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )
    if not is_number or not 0 < value < 1:
        raise ValueError(f"{name} must be a number between 0 and 1; got {value!r}")


def check_flag(name, value):
    """Check that value is True or False (not a string such as "no", which would be true).

    Raises:
        ValueError like "progress must be True or False; got 'no'"
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False; got {value!r}")


def check_positive_number(name, value):
    """Check that value is a positive, finite real number (a bool is not a number here).

    Raises:
        ValueError like "max_value must be a positive, finite number; got -1"
    """
    is_number = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
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


def quote_path(path):
    """A path as messages show it: quoted like a Python string, control characters escaped.

    A newline, a carriage return or an escape sequence in a file name would otherwise split
    the one-line error or reach the terminal raw; a byte that is not UTF-8 shows as \\udcXX.
    """
    if isinstance(path, (str, bytes, os.PathLike)):
        path = os.fsdecode(path)
    return repr(path)


#: What the system allows when it cannot say: the longest path (with its closing NUL byte) and
#: the longest name of one folder entry, in bytes (Linux's PATH_MAX and NAME_MAX).
DEFAULT_PATH_MAX = 4096
DEFAULT_NAME_MAX = 255
#: Bytes kept free beside an output file's folder for the temporary file written next to it.
TEMPORARY_NAME_ROOM = 64


def _path_limit(path, which, default):
    """os.pathconf(which) of the deepest existing folder on path's way, or default."""
    folder = os.path.dirname(os.path.abspath(path))
    while not os.path.isdir(folder) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    try:
        return os.pathconf(folder, which)
    except (OSError, ValueError):
        return default


def check_path_length(path, what, room=0):
    """Check path against the file system's limits: PATH_MAX in all, NAME_MAX per component.

    Arguments:
        path -- the path as the user gave it (str)
        what -- how the user named it, for the message
        room -- bytes that must stay free beyond the path's folder (for a file beside it)
    Raises:
        ValueError like "--out '...' is too long: a name of 300 bytes; at most 255 here"
    """
    encoded = os.fsencode(path)
    name_max = _path_limit(path, "PC_NAME_MAX", DEFAULT_NAME_MAX)
    for component in encoded.split(b"/"):
        if len(component) > name_max:
            raise ValueError(
                f"{what} {quote_path(path)} is too long: a name of {len(component)} bytes; "
                f"the file system allows at most {name_max}"
            )
    path_max = _path_limit(path, "PC_PATH_MAX", DEFAULT_PATH_MAX)
    longest = len(encoded) if not room else len(os.fsencode(os.path.dirname(path))) + 1 + room
    if max(len(encoded), longest) >= path_max:
        raise ValueError(
            f"{what} {quote_path(path)} is too long: {len(encoded)} bytes; the system allows "
            f"paths of at most {path_max - 1 - room} bytes here"
        )


def _os_problem(error):
    """The reason an OSError gives, in words for a message about a path."""
    reasons = {
        errno.ENAMETOOLONG: "is too long for the system",
        errno.ELOOP: "is a symbolic link that loops (or a chain of more than 40 links)",
        errno.ENOTDIR: "has a part that is not a folder",
    }
    return reasons.get(error.errno, f"cannot be read: {error.strerror}")


def check_input_file(path, what, allow_pipe=False):
    """Check that path names an existing regular file (or, with allow_pipe, a pipe) to read.

    A FIFO with no writer blocks whoever opens it, a device such as /dev/zero never ends: both
    are refused here, before anything opens them. So is a path too long for the system.

    Arguments:
        path -- the path as the user gave it
        what -- what the file is, for the message ("data file", "checkpoint")
        allow_pipe -- accept a FIFO too (names piped in: --data /dev/stdin)
    Returns:
        the os.stat_result of path
    Raises:
        ValueError like "checkpoint 'm.npz' is not a regular file (a FIFO, device or socket)"
    """
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
        raise ValueError(f"{what} must be a path to a file; got {path!r}")
    check_path_length(os.fsdecode(path), what)
    quoted = quote_path(path)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise ValueError(f"{what} {quoted} does not exist") from None
    except OSError as error:
        raise ValueError(f"{what} {quoted} {_os_problem(error)}") from None
    if stat.S_ISDIR(status.st_mode):
        raise ValueError(f"{what} {quoted} is a folder, not a file")
    if not (stat.S_ISREG(status.st_mode) or (allow_pipe and stat.S_ISFIFO(status.st_mode))):
        raise ValueError(f"{what} {quoted} is not a regular file (a FIFO, device or socket)")
    return status


#: How many symbolic links in a row are followed (Linux's own limit).
MAX_LINKS = 40


def link_target(path, what="output"):
    """Where writing to path lands: path itself, or the end of its chain of symbolic links.

    Raises:
        ValueError if the chain loops or is longer than MAX_LINKS
    """
    for _ in range(MAX_LINKS):
        if not os.path.islink(path):
            return path
        try:
            path = os.path.join(os.path.dirname(path), os.readlink(path))
        except OSError as error:
            raise ValueError(f"{what} {quote_path(path)} {_os_problem(error)}") from None
    if os.path.islink(path):
        raise ValueError(
            f"{what} {quote_path(path)} is a symbolic link that loops (or a chain of more "
            f"than {MAX_LINKS} links)"
        )
    return path


def check_output_file(path, what="output"):
    """Check that a file can be written at path and renamed into place, before any work.

    The path and its every name must fit the file system's limits (with room for the temporary
    file beside it), the folder must exist and be writable; path must not be a folder, a FIFO,
    a device or a read-only file (whose protection replacing it would silently undo). A
    symbolic link (or a chain of them) is checked, and later written, at its last target.

    Arguments:
        path -- the path as the user gave it
        what -- how the user named it, for the message ("--out", "path")
    Returns:
        the path to write: path itself, or the target of its symbolic links
    Raises:
        ValueError like "--out 'm.npz' is read-only; make it writable or choose another name"
    """
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
        raise ValueError(f"{what} must be a path to a file; got {path!r}")
    path = os.fsdecode(path)
    check_path_length(path, what, room=TEMPORARY_NAME_ROOM)
    target = link_target(path, what)
    if target != path:
        check_path_length(target, f"{what}'s link target", room=TEMPORARY_NAME_ROOM)
    folder = os.path.dirname(target) or "."
    quoted = quote_path(path)
    if os.path.isdir(target):
        example = quote_path(os.path.join(path, "model.npz"))
        raise ValueError(f"{what} {quoted} is a folder; give a file name such as {example}")
    if not os.path.isdir(folder):
        raise ValueError(f"output folder {quote_path(folder)} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"output folder {quote_path(folder)} is not writable")
    if os.path.exists(target):
        if not stat.S_ISREG(os.stat(target).st_mode):
            raise ValueError(f"{what} {quoted} is not a regular file (a FIFO, device or socket)")
        if not os.stat(target).st_mode & 0o222 or not os.access(target, os.W_OK):
            raise ValueError(
                f"{what} {quoted} is read-only; make it writable or choose another name"
            )
    return target
