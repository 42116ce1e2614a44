"""A fuzz test of load_checkpoint: mutated checkpoints give a one-line ValueError or a valid model.

From valid checkpoints of the three cells, 1,200 mutants are made with a fixed seed: truncated
files, flipped bytes, extra and renamed entries, entries of other dtypes (pickled objects
included), .npy headers declaring huge shapes, zip records declaring huge sizes, other
compressions, metadata with wrong types, missing keys or deep nesting. Loading each must either
raise a ValueError whose message is one line naming the file, or return a Checkpoint whose
parameters are finite float64 arrays that fit its vocabulary; never another exception, never a
large allocation (tracemalloc's peak is bounded), never a hang (all of it runs in seconds).
"""

import io
import json
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest

from rnn_lib.cells.registry import get_cell
from rnn_lib.data.checkpoint import load_checkpoint, save_checkpoint

MUTANTS = 1200
CHARS = "\nabc"
#: No mutant may make the loader allocate more than this: the models are a few kilobytes, and an
#: LZMA decoder takes some 8 MiB of its own; a bomb would take hundreds.
MEMORY_LIMIT = 16 << 20


def valid_checkpoint(folder, cell, rng):
    path = folder / f"{cell}.npz"
    parameters = get_cell(cell).initialize(3, len(CHARS), len(CHARS), rng)
    save_checkpoint(path, parameters, CHARS, {"hidden": 3}, {"epoch": [1]}, cell)
    return path.read_bytes()


def entries_of(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zipped(entries, compression=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def npy(array, allow_pickle=False):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=allow_pickle)
    return buffer.getvalue()


# --- the mutations: each takes (valid file bytes, rng) and returns the mutant's bytes --------------


def truncate(data, rng):
    return data[: rng.integers(0, len(data))]


def flip_bytes(data, rng):
    mutant = bytearray(data)
    for position in rng.integers(0, len(data), size=rng.integers(1, 9)):
        mutant[position] ^= int(rng.integers(1, 256))
    return bytes(mutant)


def extra_entry(data, rng):
    entries = entries_of(data)
    name = ["extra.npy", "Wax2.npy", "metadata.json", "x", "../evil.npy"][rng.integers(0, 5)]
    entries[name] = npy(np.zeros(int(rng.integers(1, 1 << 16))))  # up to 512 KiB, compressed
    return zipped(entries, zipfile.ZIP_DEFLATED)


def rename_entry(data, rng):
    entries = entries_of(data)
    old = str(rng.choice(sorted(entries)))
    new = str(rng.choice(["wax.npy", old.removesuffix(".npy"), old + ".npy", "metadata.npy"]))
    entries[new] = entries.pop(old)
    return zipped(entries)


def other_dtype(data, rng):
    entries = entries_of(data)
    name = str(rng.choice(sorted(entries)))
    array = np.load(io.BytesIO(entries[name]))
    kind = rng.integers(0, 6)
    if kind == 0:
        entries[name] = npy(array.astype(object), allow_pickle=True)  # a pickle: never unpickled
    elif kind == 1 and array.dtype.kind == "f":
        entries[name] = npy(array.astype(str(rng.choice(["i4", "c16", "f2", "u1", "?"]))))
    elif kind == 2 and array.dtype.kind == "f":
        entries[name] = npy(array.astype(">f8"))  # big-endian: still a valid model
    elif kind == 3:
        entries[name] = npy(np.array([str(array)]))  # text where numbers belong, or a list
    elif kind == 4:
        entries[name] = npy(np.array(b"bytes"))
    else:
        entries[name] = npy(array.reshape(-1))  # right values, wrong shape
    return zipped(entries)


def huge_declared_shape(data, rng):
    entries = entries_of(data)
    name = str(rng.choice(sorted(entries)))
    entry = entries[name]
    header_end = entry.index(b"\n") + 1
    header = entry[:header_end].decode("latin1")
    start, end = header.index("'shape': (") + 10, header.index(")", header.index("'shape'"))
    shape = ", ".join(str(int(x)) for x in rng.choice([0, -1, 3, 4, 10**6, 2**40, 2**62], 2))
    header = (header[:start] + shape + header[end:]).rstrip("\n ").ljust(header_end - 1) + "\n"
    if len(header) != header_end:  # the length field counts what follows the 10-byte prefix
        length = struct.pack("<H", len(header) - 10)
        header = header[:8] + length.decode("latin1") + header[10:]
    entries[name] = header.encode("latin1") + entry[header_end:]
    return zipped(entries, (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)[rng.integers(0, 2)])


def huge_declared_zip_size(data, rng):
    mutant = bytearray(data)
    records = ((b"PK\x01\x02", (20, 24)), (b"PK\x03\x04", (18, 22)))  # central, local
    signature, offsets = records[rng.integers(0, 2)]
    records = [i for i in range(len(data)) if data.startswith(signature, i)]
    record = int(rng.choice(records))
    for offset in offsets:
        if rng.random() < 0.7:
            value = int(rng.choice([0, 1, 2**31, 2**32 - 1, int(rng.integers(0, 2**32))]))
            mutant[record + offset : record + offset + 4] = struct.pack("<I", value)
    return bytes(mutant)


def recompressed(data, rng):
    # LZMA's compressor takes milliseconds to set up: 1 in 6
    methods = (zipfile.ZIP_DEFLATED,) * 3 + (zipfile.ZIP_BZIP2,) * 2 + (zipfile.ZIP_LZMA,)
    method = methods[rng.integers(0, len(methods))]
    return zipped(entries_of(data), method)  # still a valid checkpoint


def bad_metadata(data, rng):
    entries = entries_of(data)
    metadata = json.loads(str(np.load(io.BytesIO(entries["metadata.npy"]))))
    key = str(rng.choice(["format_version", "cell", "chars", "hyperparameters", "history"]))
    choice = rng.integers(0, 5)
    if choice == 0:
        del metadata[key]
    elif choice == 1:
        metadata[key] = [None, 1.5, "x", {"a": []}, -1, "\nabcd"][rng.integers(0, 6)]
    elif choice == 2:
        depth = int(rng.choice([10, 63, 64, 65, 3000, 100_000]))
        metadata[key] = "DEEP"
        text = json.dumps(metadata).replace('"DEEP"', "[" * depth + "]" * depth)
        entries["metadata.npy"] = npy(np.array(text))
        return zipped(entries)
    elif choice == 3:
        entries["metadata.npy"] = npy(np.array(json.dumps(metadata)[: rng.integers(0, 60)]))
        return zipped(entries)
    else:
        metadata = [metadata]
    entries["metadata.npy"] = npy(np.array(json.dumps(metadata)))
    return zipped(entries)


MUTATIONS = (
    truncate,
    flip_bytes,
    extra_entry,
    rename_entry,
    other_dtype,
    huge_declared_shape,
    huge_declared_zip_size,
    recompressed,
    bad_metadata,
)


def check_outcome(path, description):
    """Load path: a one-line ValueError naming it, or a model that holds up."""
    try:
        model = load_checkpoint(path)
    except ValueError as error:
        message = str(error)
        assert "\n" not in message and str(path) in message, f"{description}: {message!r}"
        return "refused"
    except BaseException as error:
        pytest.fail(f"{description}: {type(error).__name__}: {error}")
    architecture = get_cell(model.cell)
    assert sorted(model.parameters) == sorted(architecture.param_names), description
    for name, value in model.parameters.items():
        assert value.dtype == np.float64 and np.isfinite(value).all(), f"{description}: {name}"
    sizes = architecture.sizes(model.parameters)
    assert sizes["n_x"][0] == sizes["n_y"][0] == len(model.chars), description
    return "loaded"


def peak_memory_of(function, *args):
    """The peak of memory allocated while function(*args) runs (tracemalloc), and its result."""
    tracemalloc.start()
    try:
        return function(*args), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_mutated_checkpoints_are_refused_in_one_line_or_load_as_valid_models(tmp_path):
    rng = np.random.default_rng(20240611)
    originals = [valid_checkpoint(tmp_path, cell, rng) for cell in ("rnn", "lstm", "gru")]
    path = tmp_path / "mutant.npz"
    outcomes = {mutation.__name__: {"refused": 0, "loaded": 0} for mutation in MUTATIONS}
    for number in range(MUTANTS):
        mutation = MUTATIONS[number % len(MUTATIONS)]
        original = originals[rng.integers(0, len(originals))]
        path.unlink(missing_ok=True)  # a new file: truncating one in place costs milliseconds here
        path.write_bytes(mutation(original, rng))
        description = f"mutant {number} ({mutation.__name__})"
        if number % 8 == 0:  # tracing is slow: 1 in 8, each of the 9 mutations in turn
            outcome, peak = peak_memory_of(check_outcome, path, description)
            assert peak < MEMORY_LIMIT, f"{description} made the loader allocate {peak} bytes"
        else:
            outcome = check_outcome(path, description)
        outcomes[mutation.__name__][outcome] += 1
    # The fuzzing reaches both outcomes, and the mutations that keep a file valid keep it loadable.
    assert outcomes["recompressed"]["refused"] == 0
    assert outcomes["truncate"]["loaded"] == 0
    assert sum(counts["refused"] for counts in outcomes.values()) > MUTANTS // 2
    assert sum(counts["loaded"] for counts in outcomes.values()) > MUTANTS // 20
