"""Tests of rnn_lib.data.checkpoint: round trip, atomic writes, and the checks on reading."""

import json
import math
import os

import numpy as np
import pytest

import rnn_lib.data.checkpoint as checkpoint_module
from rnn_lib.cells.rnn import PARAM_NAMES, initialize_parameters
from rnn_lib.data.checkpoint import FORMAT_VERSION, load_checkpoint, save_checkpoint

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
        (lambda p: write_npz(p, {"chars": "abc\n"}), "chars must be"),
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
