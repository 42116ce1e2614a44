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
import json
import os
import secrets
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
)
from . import npz_reader

#: Bumped whenever the layout of the file changes; load_checkpoint refuses other versions.
FORMAT_VERSION = 1
#: The longest metadata, in characters of JSON (stored as 4 bytes each): a history of some
#: 100,000 epochs. save_checkpoint refuses longer metadata, load_checkpoint does not read it.
MAX_METADATA_CHARS = 4 << 20


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
    metadata = {
        "format_version": FORMAT_VERSION,
        "cell": cell,
        "chars": chars,
        "hyperparameters": hyperparameters or {},
        "history": history or {},
    }
    arrays = {
        "metadata": np.array(_metadata_text(metadata)),
        **{
            name: np.asarray(parameters[name], dtype=np.float64)
            for name in architecture.param_names
        },
    }
    _write_atomically(check_output_file(path, "path"), arrays)


def _metadata_text(metadata):
    """The metadata as JSON text, checked as load_checkpoint will check it."""
    check_nesting(metadata, "metadata")
    try:
        text = json.dumps(metadata)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"hyperparameters and history must be JSON-serialisable: {error}"
        ) from None
    if len(text) > MAX_METADATA_CHARS:
        raise ValueError(
            f"metadata must be at most {MAX_METADATA_CHARS} characters of JSON; got {len(text)}"
        )
    return text


def _write_atomically(path, arrays):
    """np.savez(arrays) to a new temporary file beside path, fsync it, rename it onto path.

    Stop signals wait until this is over (rnn_lib.interrupts.deferred_signals), so the
    temporary file is always either renamed or removed. Syncing the folder afterwards makes
    the rename durable where the system allows it; it is best effort, since the new file is
    already in place.
    """
    folder = os.path.dirname(path) or "."
    mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else None
    with deferred_signals():
        temporary, fd = _create_temporary(folder, mode)
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **arrays)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        _sync_folder(folder)


def _create_temporary(folder, mode):
    """A new file .tmp-<random>.npz in folder: (its path, a descriptor open for writing).

    It is created with permissions 0o666, which the umask reduces as for any new file, or gets
    mode (the permissions of the file it will replace).
    """
    while True:
        temporary = os.path.join(folder, f".tmp-{secrets.token_hex(6)}.npz")
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    if mode is not None:
        try:
            os.fchmod(fd, mode)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    return temporary, fd


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
    if (
        not isinstance(chars, str)
        or not chars.startswith("\n")
        or len(set(chars)) != len(chars)
        or not _encodable(chars)
    ):
        raise ValueError(
            "chars must be a string of distinct characters starting with '\\n', valid Unicode"
        )
    known = architecture.sizes(parameters)
    for symbol in ("n_x", "n_y"):
        if known[symbol][0] != len(chars):
            raise ValueError(
                f"{known[symbol][1]} has {symbol}={known[symbol][0]}, but the vocabulary "
                f"has {len(chars)} characters"
            )


def _encodable(text):
    """Whether text can be written as UTF-8 (it holds no lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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
            f"checkpoint {path} is not an rnn_lib checkpoint (not a valid .npz file: {error})"
        ) from None
    except _Refused as error:
        raise ValueError(f"checkpoint {path} {error}") from None
    except (ValueError, OSError) as error:
        raise ValueError(f"checkpoint {path}: {_reason(error)}") from None
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
    if metadata.get("format_version") != FORMAT_VERSION:
        raise _Refused(
            f"has format version {metadata.get('format_version')!r}; "
            f"this rnn_lib reads version {FORMAT_VERSION}"
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
