"""Checkpoints: a trained model in one .npz file, written atomically and checked when read.

The file holds one array per parameter (for the RNN Wax, Waa, Wya, ba, by; see rnn_lib.cells
for the LSTM's and the GRU's) and "metadata", a JSON string with the format version, the cell
("rnn", "lstm" or "gru"), the vocabulary, the hyperparameters and the training history. A file
without a cell in its metadata (written before the gated cells existed) holds an RNN.

Whatever save_checkpoint writes, load_checkpoint reads back: both apply the same checks (finite
parameters whose shapes fit the vocabulary, metadata of at most MAX_METADATA_CHARS characters
nested at most MAX_NESTING levels). Reading never runs code from the file (no pickles) and reads
only the entries it knows, each within the sizes its header declares (see npz_reader), so a
small file cannot make it allocate much more than the model it describes.
"""

import contextlib
import hashlib
import json
import os
import re
import secrets
import socket
import stat
from typing import NamedTuple

import numpy as np

from ..cells.registry import get_cell
from ..interrupts import deferred_signals
from ..validation import (
    MAX_NESTING,
    as_parameter_arrays,
    check_finite_parameters,
    check_input_file,
    check_nesting,
    check_output_file,
    quote_path,
)
from . import npz_reader
from .names import check_vocabulary

#: Bumped whenever the layout of the file changes; load_checkpoint refuses other versions.
FORMAT_VERSION = 1
#: The longest metadata, in characters of JSON (stored as 4 bytes each): a history of some
#: 30,000 epochs (see most_epochs). save_checkpoint refuses longer metadata, load_checkpoint
#: does not read it.
MAX_METADATA_CHARS = 4 << 20
#: The most characters of JSON one number of a history can take ("-1.7976931348623157e+308").
LONGEST_NUMBER = 24
#: The temporary files save_checkpoint writes: .tmp-<host>-<pid>-<random>.npz, host a hash of
#: the machine's name, pid the writing process; stale ones (their process gone) are removed.
TEMPORARY_PATTERN = re.compile(r"\.tmp-([0-9a-f]{8})-([0-9]{1,10})-[0-9a-f]{12}\.npz")


class Checkpoint(NamedTuple):
    """A model as load_checkpoint returns it."""

    parameters: dict  # for the RNN Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba, by
    chars: str  # the vocabulary, "\n" at index 0; n_x = n_y = len(chars)
    hyperparameters: dict  # the settings of the run that produced it
    history: dict  # its training history (lists per epoch)
    cell: str = "rnn"  # the architecture: "rnn", "lstm" or "gru"


def save_checkpoint(path, parameters, chars, hyperparameters=None, history=None, cell="rnn"):
    """Write a model to path atomically: a temporary file in the same folder, fsync, os.replace.

    Either the complete new file is at path afterwards or (after any error, or a SIGINT, SIGTERM
    or SIGHUP, which wait until the write is over) the previous content of path, if any, is
    untouched and no temporary file is left behind. A new file gets the permissions of any new
    file (0o666 less the umask); a file that is replaced keeps its permissions. A read-only path
    is refused, and a symbolic link is written through, as open(path, "w") would.

    Arguments:
        path -- where to write (the name is used as given; no ".npz" is appended)
        parameters -- the cell's parameter dict (for the RNN Wax, Waa, Wya, ba, by), finite;
            n_x and n_y must equal len(chars)
        chars -- the vocabulary string, "\\n" first
        hyperparameters -- JSON-serialisable dict, or None
        history -- JSON-serialisable dict, or None
        cell -- the architecture: "rnn", "lstm" or "gru"
    Raises:
        ValueError (before anything is written) for parameters that do not fit chars or are not
        finite, metadata that JSON cannot hold or that is too long or too deep, or a path that
        cannot be written; OSError if writing fails
    """
    architecture = get_cell(cell)
    parameters = as_parameter_arrays(parameters)
    _check_model(parameters, chars, architecture)
    check_finite_parameters(parameters, architecture.param_names)
    metadata = _metadata(cell, chars, hyperparameters, history)
    arrays = {
        "metadata": np.array(_metadata_text(metadata)),
        **{
            name: np.asarray(parameters[name], dtype=np.float64)
            for name in architecture.param_names
        },
    }
    target = check_output_file(path, "path")
    existed = os.path.exists(target)
    try:
        _write_atomically(target, arrays)
    except OSError as error:
        kept = "is unchanged" if existed else "was not written"
        raise OSError(
            f"could not write {quote_path(path)}: {error.strerror or error}; "
            f"{quote_path(path)} {kept}"
        ) from error


def _metadata_text(metadata, check=True):
    """The metadata as JSON text, checked (its length too, unless not check) as load will."""
    check_nesting(metadata, "metadata")
    try:
        text = json.dumps(metadata)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"hyperparameters and history must be JSON-serialisable: {error}"
        ) from None
    if check and len(text) > MAX_METADATA_CHARS:
        raise ValueError(
            f"metadata must be at most {MAX_METADATA_CHARS} characters of JSON; got {len(text)}"
        )
    return text


def most_epochs(chars, hyperparameters, history_keys, cell="rnn"):
    """The most epochs whose history (len(history_keys) numbers each) a checkpoint can hold.

    Every number is counted at its longest in JSON (LONGEST_NUMBER characters), so a run of
    at most this many epochs can always be saved; 0 or less if even the vocabulary and the
    hyperparameters leave no room (a vocabulary of hundreds of thousands of characters).
    """
    empty = {key: [] for key in history_keys}
    base = len(_metadata_text(_metadata(cell, chars, hyperparameters, empty), check=False))
    per_epoch = len(history_keys) * (LONGEST_NUMBER + 2)  # each number and its ", "
    return (MAX_METADATA_CHARS - base) // per_epoch


def _metadata(cell, chars, hyperparameters, history):
    """The metadata dict a checkpoint stores."""
    return {
        "format_version": FORMAT_VERSION,
        "cell": cell,
        "chars": chars,
        "hyperparameters": hyperparameters or {},
        "history": history or {},
    }


def _write_atomically(path, arrays):
    """np.savez(arrays) to a new temporary file beside path, fsync it, rename it onto path.

    Stop signals wait until this is over (rnn_lib.interrupts.deferred_signals), so the
    temporary file is always either renamed or removed; one left by a process that was killed
    (SIGKILL, a power cut) is removed by the next write into the folder. The temporary file is
    readable by its owner only until it is complete; then it gets its final permissions (and,
    where allowed, the group of the file it replaces). Syncing the folder afterwards makes
    the rename durable where the system allows it; it is best effort, since the new file is
    already in place.
    """
    folder = os.path.dirname(path) or "."
    old = os.stat(path) if os.path.exists(path) else None
    _remove_stale_temporaries(folder)
    with deferred_signals():
        temporary, fd = _create_temporary(folder)
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **arrays)
                f.flush()
                os.fsync(f.fileno())
                _give_final_permissions(f.fileno(), old)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        _sync_folder(folder)


def _give_final_permissions(fd, old):
    """The mode (and group) of the replaced file old, or 0o666 less the umask for a new file."""
    if old is None:
        umask = os.umask(0o077)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        return
    os.fchmod(fd, old.st_mode & 0o777)
    if hasattr(os, "fchown") and os.fstat(fd).st_gid != old.st_gid:
        with contextlib.suppress(OSError):
            os.fchown(fd, -1, old.st_gid)


def _host_tag():
    """Eight hex digits naming this machine, so that a temporary file's pid can be trusted."""
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def temporary_name(pid=None):
    """A new name .tmp-<host>-<pid>-<random>.npz for the temporary file of process pid."""
    pid = os.getpid() if pid is None else pid
    return f".tmp-{_host_tag()}-{pid}-{secrets.token_hex(6)}.npz"


def _create_temporary(folder):
    """A new file named by temporary_name in folder, 0o600: (its path, a descriptor to write)."""
    while True:
        temporary = os.path.join(folder, temporary_name())
        try:
            return temporary, os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue


def _remove_stale_temporaries(folder):
    """Remove the temporary files in folder that a process of this machine left when it died.

    Only a regular file owned by this user whose name says it was written on this machine by
    a process that no longer runs is removed; anything else, another machine's file on a shared
    folder included, is left alone. Best effort: errors are ignored.
    """
    host = _host_tag()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            match = TEMPORARY_PATTERN.fullmatch(entry.name)
            if not match or match[1] != host or _is_running(int(match[2])):
                continue
            with contextlib.suppress(OSError):
                status = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(status.st_mode) and status.st_uid == os.getuid():
                    os.unlink(entry.path)


def _is_running(pid):
    """Whether a process pid exists on this machine (this one included)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


def _sync_folder(folder):
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened or synced."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _check_model(parameters, chars, architecture):
    """Check that chars is a vocabulary and the cell's parameters fit it: n_x = n_y = len(chars).

    parameters may be arrays or anything with a .shape (the headers of a file being read).
    """
    check_vocabulary(chars)
    known = architecture.sizes(parameters)
    for symbol in ("n_x", "n_y"):
        if known[symbol][0] != len(chars):
            raise ValueError(
                f"{known[symbol][1]} has {symbol}={known[symbol][0]}, but the vocabulary "
                f"has {len(chars)} characters"
            )


def load_checkpoint(path):
    """Read and check a checkpoint written by save_checkpoint.

    Only the metadata and the cell's parameters are read, each after its declared size has been
    checked against the model the metadata describes and against the file (see npz_reader).

    Arguments:
        path -- the .npz file
    Returns:
        Checkpoint(parameters, chars, hyperparameters, history, cell)
    Raises:
        ValueError (one line naming the file) if it is missing, not a regular file, not an
        .npz, lacks an entry, has an unknown format version or cell, has metadata that is not a
        JSON object of the expected fields, or holds parameters whose shapes do not fit the
        vocabulary or that are not finite floats
    """
    check_input_file(path, "checkpoint")
    try:
        with npz_reader.open_archive(path) as (archive, size):
            metadata, architecture = _read_metadata(archive, size)
            headers = _parameter_headers(archive, size, metadata, architecture)
            parameters = {
                name: npz_reader.read_array(archive, header, name).astype(np.float64)
                for name, header in headers.items()
            }
        check_finite_parameters(parameters, architecture.param_names)
    except npz_reader.EntryError as error:
        raise ValueError(
            f"checkpoint {quote_path(path)} is not an rnn_lib checkpoint (not a valid .npz "
            f"file: {error})"
        ) from None
    except _Refused as error:
        raise ValueError(f"checkpoint {quote_path(path)} {error}") from None
    except (ValueError, OSError) as error:
        raise ValueError(f"checkpoint {quote_path(path)}: {_reason(error)}") from None
    return Checkpoint(
        parameters,
        metadata["chars"],
        metadata["hyperparameters"],
        metadata["history"],
        metadata.get("cell", "rnn"),
    )


def _reason(error):
    """The text of an error, without the errno prefix of an OSError."""
    return error.strerror or str(error) if isinstance(error, OSError) else str(error)


class _Refused(ValueError):
    """A checkpoint's content is refused; the message continues "checkpoint <path> ..."."""


def _read_metadata(archive, size):
    """The metadata entry, parsed and checked: (metadata dict, the Cell it names)."""
    header = npz_reader.read_header(archive, size, "metadata")
    if header is None:
        raise _Refused("lacks its metadata entry")
    if header.nbytes > 4 * MAX_METADATA_CHARS:
        raise _Refused(f"has metadata of {header.nbytes} bytes; at most {4 * MAX_METADATA_CHARS}")
    text = npz_reader.read_text(archive, header, "metadata")
    try:
        metadata = json.loads(text)
    except json.JSONDecodeError:
        raise _Refused("has metadata that is not valid JSON") from None
    except RecursionError:
        raise _Refused(f"has metadata nested more than {MAX_NESTING} levels deep") from None
    if not isinstance(metadata, dict):
        raise _Refused("has metadata that is not a JSON object")
    try:
        check_nesting(metadata, "metadata")
    except ValueError:
        raise _Refused(f"has metadata nested more than {MAX_NESTING} levels deep") from None
    version = metadata.get("format_version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise _Refused(
            f"has format version {version!r}; this rnn_lib reads version {FORMAT_VERSION}"
        )
    for key, kind in (("chars", str), ("hyperparameters", dict), ("history", dict)):
        if not isinstance(metadata.get(key), kind):
            raise _Refused(f"lacks {key} ({kind.__name__}) in its metadata")
    return metadata, get_cell(metadata.get("cell", "rnn"))


def _parameter_headers(archive, size, metadata, architecture):
    """The .npy headers of the cell's parameters, checked: floats, shapes that fit chars."""
    headers = {
        name: npz_reader.read_header(archive, size, name) for name in architecture.param_names
    }
    missing = [name for name, header in headers.items() if header is None]
    if missing:
        raise _Refused(
            f"lacks the parameters {', '.join(missing)} of its {metadata.get('cell', 'rnn')} cell"
        )
    for name, header in headers.items():
        if header.dtype.kind != "f":
            raise ValueError(f"{name} must hold finite floats; got {header.dtype}")
    _check_model(headers, metadata["chars"], architecture)
    return headers
