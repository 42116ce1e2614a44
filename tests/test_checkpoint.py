"""Tests of rnn_lib.data.checkpoint: round trip, atomic writes, permissions, the checks on reading
and writing (the same on both sides), and reading within the sizes a file declares."""

import io
import json
import math
import os
import re
import stat
import struct
import threading
import tracemalloc
import zipfile

import numpy as np
import pytest

import rnn_lib.data.checkpoint as checkpoint_module
from rnn_lib.cells.rnn import PARAM_NAMES, initialize_parameters
from rnn_lib.data import npz_reader
from rnn_lib.data.checkpoint import FORMAT_VERSION, load_checkpoint, save_checkpoint
from rnn_lib.validation import MAX_NESTING

CHARS = "\nabc"


def model(n_a=5, n=4):
    parameters = initialize_parameters(n_a, n, n, rng=0)
    parameters["by"] += 0.25
    return parameters


def save_valid(path):
    history = {"epoch": [1, 2], "dev_loss_per_char": [2.5, float("nan")]}
    save_checkpoint(path, model(), CHARS, {"hidden": 5, "optimizer": "adam"}, history)


def write_npz(path, meta_changes=None, **overrides):
    """An npz laid out like a checkpoint, with entries replaced or (value None) removed."""
    arrays = dict(model())
    meta = {"format_version": FORMAT_VERSION, "chars": CHARS, "hyperparameters": {}, "history": {}}
    meta.update(meta_changes or {})
    arrays["metadata"] = np.array(json.dumps(meta))
    arrays.update(overrides)
    np.savez(path, **{k: v for k, v in arrays.items() if v is not None})


def test_round_trip_keeps_everything_exactly(tmp_path):
    path = tmp_path / "m.npz"
    save_valid(path)
    loaded = load_checkpoint(path)
    for name, value in model().items():
        np.testing.assert_array_equal(loaded.parameters[name], value)
    assert loaded.chars == CHARS
    assert loaded.hyperparameters == {"hidden": 5, "optimizer": "adam"}
    assert loaded.history["epoch"] == [1, 2]
    assert math.isnan(loaded.history["dev_loss_per_char"][1])


def test_save_uses_the_name_as_given_and_leaves_no_temporary_file(tmp_path):
    save_valid(tmp_path / "model.ckpt")
    assert os.listdir(tmp_path) == ["model.ckpt"]


def test_failed_save_leaves_the_existing_file_byte_for_byte_intact(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    save_valid(path)
    before = path.read_bytes()

    def half_written(f, **arrays):
        f.write(b"PK\x03\x04 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(checkpoint_module.np, "savez", half_written)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(path, model(), CHARS)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.npz"]


def test_save_rejects_parameters_that_do_not_fit_the_vocabulary(tmp_path):
    with pytest.raises(ValueError, match="vocabulary has 3 characters"):
        save_checkpoint(tmp_path / "m.npz", model(), "\nab")
    assert not (tmp_path / "m.npz").exists()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: None, "does not exist"),
        (lambda p: p.write_text("allosaurus\n"), "not a valid .npz"),
        (lambda p: p.write_bytes(b""), "not a valid .npz"),
        (lambda p: np.save(p.open("wb"), np.zeros(3)), "not a valid .npz"),
        (lambda p: write_npz(p, Wax=None), "lacks the parameters Wax"),
        (lambda p: write_npz(p, metadata=None), "lacks its metadata"),
        (lambda p: write_npz(p, metadata=np.array("{not json")), "not valid JSON"),
        (lambda p: write_npz(p, {"format_version": 99}), "format version 99"),
        (lambda p: write_npz(p, {"chars": 5}), "lacks chars"),
        (lambda p: write_npz(p, {"chars": "\nab"}), "vocabulary has 3 characters"),
        (lambda p: write_npz(p, {"chars": "abc\n"}), "chars must have"),
        (lambda p: write_npz(p, Waa=np.zeros((5, 4))), "Waa must be"),
        (lambda p: write_npz(p, by=np.full((4, 1), np.nan)), "by must hold finite floats"),
        (
            lambda p: write_npz(p, ba=np.array(["x"] * 5).reshape(5, 1)),
            "ba must hold finite floats",
        ),
        (lambda p: write_npz(p, Wya=np.array([None], dtype=object)), "not a valid .npz"),
    ],
)
def test_load_rejects_bad_files_in_one_line_naming_the_file(tmp_path, make, expected):
    path = tmp_path / "bad.npz"
    make(path)
    with pytest.raises(ValueError) as error:
        load_checkpoint(path)
    message = str(error.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_load_rejects_a_folder(tmp_path):
    with pytest.raises(ValueError, match="is a folder"):
        load_checkpoint(tmp_path)


def test_checkpoint_stores_one_array_per_parameter_and_the_metadata(tmp_path):
    path = tmp_path / "m.npz"
    save_valid(path)
    with np.load(path, allow_pickle=False) as npz:
        assert sorted(npz.files) == sorted([*PARAM_NAMES, "metadata"])
        assert json.loads(str(npz["metadata"]))["format_version"] == FORMAT_VERSION


# --- what save refuses, load refuses too ----------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_save_refuses_non_finite_parameters_and_writes_nothing(tmp_path, bad):
    path = tmp_path / "m.npz"
    save_valid(path)
    before = path.read_bytes()
    parameters = model()
    parameters["Waa"][1, 2] = bad
    with pytest.raises(ValueError, match="^Waa must hold finite floats; got 1 non-finite value"):
        save_checkpoint(path, parameters, CHARS)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.npz"]


def deep(levels):
    value = []
    for _ in range(levels - 1):
        value = [value]
    return value


def test_metadata_nesting_is_bounded_alike_when_saving_and_loading(tmp_path):
    path = tmp_path / "m.npz"
    # metadata and hyperparameters are the first two levels
    save_checkpoint(path, model(), CHARS, {"deep": deep(MAX_NESTING - 2)})
    assert load_checkpoint(path).hyperparameters["deep"] == deep(MAX_NESTING - 2)
    with pytest.raises(ValueError, match=f"metadata is nested more than {MAX_NESTING} levels"):
        save_checkpoint(path, model(), CHARS, {"deep": deep(MAX_NESTING - 1)})
    for levels in (MAX_NESTING + 1, 100_000):  # checked by a walk, then by json's own limit
        text = json.dumps({"format_version": 1, "chars": CHARS, "history": {}})
        text = text[:-1] + ', "hyperparameters": ' + "[" * levels + "]" * levels + "}"
        write_npz(path, metadata=np.array(text))
        with pytest.raises(ValueError, match=f"{path}.*nested more than {MAX_NESTING} levels"):
            load_checkpoint(path)


def test_metadata_length_is_bounded_alike_when_saving_and_loading(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint_module, "MAX_METADATA_CHARS", 2000)
    path = tmp_path / "m.npz"
    save_checkpoint(path, model(), CHARS, {"note": "x" * 1800})
    assert load_checkpoint(path).hyperparameters["note"] == "x" * 1800
    with pytest.raises(ValueError, match="metadata must be at most 2000 characters"):
        save_checkpoint(path, model(), CHARS, {"note": "x" * 2000})
    write_npz(path, {"note": "x" * 2000})
    with pytest.raises(ValueError, match="has metadata of 8.* bytes; at most 8000"):
        load_checkpoint(path)


def test_save_refuses_metadata_json_cannot_hold(tmp_path):
    with pytest.raises(ValueError, match="JSON-serialisable"):
        save_checkpoint(tmp_path / "m.npz", model(), CHARS, {"when": object()})
    loop = {}
    loop["self"] = loop
    with pytest.raises(ValueError, match="nested more than"):
        save_checkpoint(tmp_path / "m.npz", model(), CHARS, loop)
    assert os.listdir(tmp_path) == []


def test_parameters_given_as_lists_are_saved_as_arrays(tmp_path):
    path = tmp_path / "m.npz"
    save_checkpoint(path, {k: v.tolist() for k, v in model().items()}, CHARS)
    for name, value in model().items():
        np.testing.assert_array_equal(load_checkpoint(path).parameters[name], value)


# --- loading is bounded ---------------------------------------------------------------------------


def npy(array):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def add_zeros(path, name, shape):
    """Add a compressed .npy entry of float64 zeros (64 MiB take about 64 KiB), in chunks."""
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(name, "w") as entry:
            header = {"descr": "<f8", "fortran_order": False, "shape": shape}
            np.lib.format.write_array_header_1_0(entry, header)
            chunk = bytes(1 << 20)
            for _ in range(math.prod(shape) * 8 >> 20):
                entry.write(chunk)


def peak_memory(function):
    """The peak of memory allocated while function runs (tracemalloc), and what it returned."""
    tracemalloc.start()
    try:
        result = function()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def test_entries_the_loader_does_not_know_are_never_unpacked(tmp_path):
    path = tmp_path / "m.npz"
    save_valid(path)
    add_zeros(path, "zeros.npy", (1 << 23,))
    assert path.stat().st_size < 200_000
    peak, loaded = peak_memory(lambda: load_checkpoint(path))
    assert loaded.chars == CHARS
    assert peak < 2_000_000, f"loading took {peak} bytes"


def test_a_compressed_bomb_where_a_parameter_belongs_is_refused_unread(tmp_path):
    path = tmp_path / "m.npz"
    save_valid(path)
    with zipfile.ZipFile(path) as archive:
        kept = {n: archive.read(n) for n in archive.namelist() if n != "Wax.npy"}
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in kept.items():
            archive.writestr(name, data)
    add_zeros(path, "Wax.npy", (5, 1 << 21))  # 80 MiB
    peak, message = peak_memory(lambda: refusal(path))
    assert "Wax declares" in message and "more than 100 times as many" in message
    assert peak < 2_000_000, f"refusing took {peak} bytes"


def rebuilt(path, replace, compression=zipfile.ZIP_STORED):
    """Rewrite the checkpoint at path with some entries' bytes replaced."""
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    entries.update(replace)
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        # a header declaring far more data than the entry holds
        (npy(np.zeros((5, 4)))[:-160].replace(b"(5, 4)", b"(50000, 40000)"), "declares (50000"),
        (npy(np.zeros((5, 4))).replace(b"(5, 4)", b"(5, 0)"), "empty dimension"),
        (npy(np.zeros((5, 4)))[:-8], "declares (5, 4)"),
        (b"\x93NUMPY\x03\x00" + npy(np.zeros(2))[8:], "format version (3, 0)"),
        (b"not an npy file", "no valid .npy header"),
    ],
)
def test_entries_are_checked_against_their_declared_sizes(tmp_path, entry, expected):
    path = tmp_path / "m.npz"
    save_valid(path)
    rebuilt(path, {"Wax.npy": entry}, zipfile.ZIP_DEFLATED)
    peak, message = peak_memory(lambda: refusal(path))
    assert message.startswith(f"checkpoint {str(path)!r} is not an rnn_lib checkpoint"), message
    assert expected in message
    assert peak < 2_000_000, f"refusing took {peak} bytes"


def test_zip_sizes_that_point_beyond_the_file_are_refused(tmp_path):
    path = tmp_path / "m.npz"
    save_valid(path)
    data = bytearray(path.read_bytes())
    directory = data.index(b"PK\x01\x02")  # the first central directory record
    data[directory + 20 : directory + 28] = struct.pack("<II", 1 << 31, 1 << 31)
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="beyond the end of the file"):
        load_checkpoint(path)


def test_compressed_float32_and_fortran_order_checkpoints_load(tmp_path):
    path = tmp_path / "m.npz"
    save_valid(path)
    replace = {f"{name}.npy": npy(np.asfortranarray(value)) for name, value in model().items()}
    replace["Waa.npy"] = npy(model()["Waa"].astype(np.float32))
    rebuilt(path, replace, zipfile.ZIP_DEFLATED)
    loaded = load_checkpoint(path)
    for name, value in model().items():
        expected = value.astype(np.float32) if name == "Waa" else value
        np.testing.assert_array_equal(loaded.parameters[name], expected)
        assert loaded.parameters[name].dtype == np.float64


def test_text_that_is_not_unicode_is_refused(tmp_path):
    path = tmp_path / "m.npz"
    save_valid(path)
    entry = npy(np.array("ab")).replace(b"b\x00\x00\x00", b"\x00\x00\x11\x00")  # > U+10FFFF
    rebuilt(path, {"metadata.npy": entry})
    with pytest.raises(ValueError, match="not valid Unicode"):
        load_checkpoint(path)


def test_a_fifo_is_refused_without_opening_it(tmp_path):
    fifo = tmp_path / "m.npz"
    os.mkfifo(fifo)
    outcome = []
    worker = threading.Thread(target=lambda: outcome.append(refusal(fifo)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert outcome and "is not a regular file" in outcome[0], "load_checkpoint blocked on a FIFO"


def refusal(path):
    try:
        load_checkpoint(path)
    except ValueError as error:
        return str(error)
    return "loaded"


def test_devices_are_refused():
    with pytest.raises(ValueError, match="is not a regular file"):
        load_checkpoint("/dev/zero")


# --- permissions and links ------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_checkpoint_gets_the_permissions_of_any_new_file(tmp_path, umask):
    old = os.umask(umask)
    try:
        save_valid(tmp_path / "m.npz")
        (tmp_path / "plain").write_bytes(b"")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "m.npz").stat().st_mode) == 0o666 & ~umask
    assert (tmp_path / "m.npz").stat().st_mode == (tmp_path / "plain").stat().st_mode


def test_a_replaced_checkpoint_keeps_its_permissions(tmp_path):
    path = tmp_path / "m.npz"
    save_valid(path)
    path.chmod(0o640)
    save_checkpoint(path, model(), CHARS, {"run": 2})
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert load_checkpoint(path).hyperparameters == {"run": 2}


def test_a_read_only_checkpoint_is_refused_and_kept(tmp_path):
    path = tmp_path / "m.npz"
    save_valid(path)
    path.chmod(0o444)
    before = path.read_bytes()
    with pytest.raises(ValueError, match=f"^path {re.escape(repr(str(path)))} is read-only"):
        save_checkpoint(path, model(), CHARS)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.npz"]


def test_a_symbolic_link_is_written_through(tmp_path):
    (tmp_path / "runs").mkdir()
    target = tmp_path / "runs" / "m.npz"
    save_valid(target)
    link = tmp_path / "latest.npz"
    link.symlink_to(target)
    save_checkpoint(link, model(), CHARS, {"run": 2})
    assert link.is_symlink()
    assert load_checkpoint(target).hyperparameters == {"run": 2}
    assert os.listdir(tmp_path / "runs") == ["m.npz"]


def test_the_reader_checks_what_it_opened_and_never_blocks_on_a_fifo(tmp_path):
    # A FIFO swapped in after the path was checked: the open does not wait for a writer, and
    # the kind of what was opened is checked on the descriptor.
    fifo = tmp_path / "m.npz"
    os.mkfifo(fifo)
    outcome = []

    def open_it():
        try:
            with npz_reader.open_archive(fifo):
                outcome.append("opened")
        except npz_reader.EntryError as error:
            outcome.append(str(error))

    worker = threading.Thread(target=open_it, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert outcome == ["it is not a regular file"], "open_archive blocked on a FIFO"
