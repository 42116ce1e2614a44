"""Checkpoints: a trained model in one .npz file, written atomically and checked when read.

The file holds one array per parameter (for the RNN Wax, Waa, Wya, ba, by; see rnn_lib.cells
for the LSTM's and the GRU's) and "metadata", a JSON string with the format version, the cell
("rnn", "lstm" or "gru"), the vocabulary, the hyperparameters and the training history. A file
without a cell in its metadata (written before the gated cells existed) holds an RNN. It is
read with allow_pickle=False, so loading a checkpoint never runs code from the file.
"""

import json
import os
import tempfile
import zipfile
from typing import NamedTuple

import numpy as np

from ..cells.registry import get_cell

#: Bumped whenever the layout of the file changes; load_checkpoint refuses other versions.
FORMAT_VERSION = 1


class Checkpoint(NamedTuple):
    """A model as load_checkpoint returns it."""

    parameters: dict  # for the RNN Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba, by
    chars: str  # the vocabulary, "\n" at index 0; n_x = n_y = len(chars)
    hyperparameters: dict  # the settings of the run that produced it
    history: dict  # its training history (lists per epoch)
    cell: str = "rnn"  # the architecture: "rnn", "lstm" or "gru"


def save_checkpoint(path, parameters, chars, hyperparameters=None, history=None, cell="rnn"):
    """Write a model to path atomically: a temporary file in the same folder, fsync, os.replace.

    Either the complete new file is at path afterwards or (after any error) the previous
    content of path, if any, is untouched and no temporary file is left behind.

    Arguments:
        path -- where to write (the name is used as given; no ".npz" is appended)
        parameters -- the cell's parameter dict (for the RNN Wax, Waa, Wya, ba, by); n_x and
            n_y must equal len(chars)
        chars -- the vocabulary string, "\\n" first
        hyperparameters -- JSON-serialisable dict, or None
        history -- JSON-serialisable dict, or None
        cell -- the architecture: "rnn", "lstm" or "gru"
    """
    architecture = get_cell(cell)
    _check_model(parameters, chars, architecture)
    metadata = json.dumps(
        {
            "format_version": FORMAT_VERSION,
            "cell": cell,
            "chars": chars,
            "hyperparameters": hyperparameters or {},
            "history": history or {},
        }
    )
    arrays = {
        name: np.asarray(parameters[name], dtype=np.float64) for name in architecture.param_names
    }
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, metadata=np.array(metadata), **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    _sync_folder(folder)


def _sync_folder(folder):
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_model(parameters, chars, architecture):
    """Check that chars is a vocabulary and the cell's parameters fit it: n_x = n_y = len(chars)."""
    if not isinstance(chars, str) or not chars.startswith("\n") or len(set(chars)) != len(chars):
        raise ValueError("chars must be a string of distinct characters starting with '\\n'")
    known = architecture.sizes(parameters)
    for symbol in ("n_x", "n_y"):
        if known[symbol][0] != len(chars):
            raise ValueError(
                f"{known[symbol][1]} has {symbol}={known[symbol][0]}, but the vocabulary "
                f"has {len(chars)} characters"
            )


def load_checkpoint(path):
    """Read and check a checkpoint written by save_checkpoint.

    Arguments:
        path -- the .npz file
    Returns:
        Checkpoint(parameters, chars, hyperparameters, history, cell)
    Raises:
        ValueError (one line naming the file) if it is missing, not an .npz, lacks an entry, has
        an unknown format version or cell, or holds parameters whose shapes do not fit the
        vocabulary or that are not finite
    """
    not_npz = f"checkpoint {path} is not an rnn_lib checkpoint (not a valid .npz file)"
    try:
        npz = np.load(path, allow_pickle=False)
        if not isinstance(npz, np.lib.npyio.NpzFile):
            raise ValueError(not_npz)
        with npz:
            contents = {key: npz[key] for key in npz.files}
    except FileNotFoundError:
        raise ValueError(f"checkpoint {path} does not exist") from None
    except IsADirectoryError:
        raise ValueError(f"checkpoint {path} is a folder, not a file") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        raise ValueError(not_npz) from None
    if "metadata" not in contents:
        raise ValueError(f"checkpoint {path} lacks its metadata entry")
    try:
        metadata = json.loads(str(contents["metadata"]))
    except json.JSONDecodeError:
        raise ValueError(f"checkpoint {path} has metadata that is not valid JSON") from None
    if not isinstance(metadata, dict):
        raise ValueError(f"checkpoint {path} has metadata that is not a JSON object")
    if metadata.get("format_version") != FORMAT_VERSION:
        raise ValueError(
            f"checkpoint {path} has format version {metadata.get('format_version')!r}; "
            f"this rnn_lib reads version {FORMAT_VERSION}"
        )
    for key, kind in (("chars", str), ("hyperparameters", dict), ("history", dict)):
        if not isinstance(metadata.get(key), kind):
            raise ValueError(f"checkpoint {path} lacks {key} ({kind.__name__}) in its metadata")
    cell = metadata.get("cell", "rnn")
    try:
        architecture = get_cell(cell)
    except ValueError as error:
        raise ValueError(f"checkpoint {path}: {error}") from None
    missing = [name for name in architecture.param_names if name not in contents]
    if missing:
        raise ValueError(
            f"checkpoint {path} lacks the parameters {', '.join(missing)} of its {cell} cell"
        )
    parameters = {}
    for name in architecture.param_names:
        array = contents[name]
        if array.dtype.kind != "f" or not np.all(np.isfinite(array)):
            raise ValueError(f"checkpoint {path}: {name} must hold finite floats")
        parameters[name] = array.astype(np.float64)
    try:
        _check_model(parameters, metadata["chars"], architecture)
    except ValueError as error:
        raise ValueError(f"checkpoint {path}: {error}") from None
    return Checkpoint(
        parameters, metadata["chars"], metadata["hyperparameters"], metadata["history"], cell
    )
