"""Hostile cases of issue 23 against the command line and the Python API.

Each test is one case (or one class of cases) that lost work, memory or the truth before the
fix: a path the file system cannot take, a run that cannot be saved, a summary line that cannot
be printed, forged files, control characters in paths, integer gradients, wrong shapes, bad
seeds, vocabularies and names, a run far worse than its start, stale temporary files, a full
disk. Cases that only a real process can show (a closed pipe, /dev/full) run in a subprocess.
"""

import errno
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import rnn_lib
import rnn_lib.cli as cli
import rnn_lib.data.checkpoint as checkpoint_module
from rnn_lib.cells.rnn import initialize_parameters
from rnn_lib.data.checkpoint import load_checkpoint, save_checkpoint
from rnn_lib.data.names import encode_names, split_names
from rnn_lib.training.decoding import name_log_probabilities
from rnn_lib.training.optim import Adam, clip_by_norm, global_norm, update_parameters
from rnn_lib.training.sampling import next_char_distribution, sample_names
from rnn_lib.training.trainer import evaluate, train
from rnn_lib.validation import quote_path

from .test_cli import CORPUS, FAST, assert_one_error_line, no_training, run

REPO = Path(__file__).resolve().parent.parent
CHARS = "\n" + "".join(sorted(set(CORPUS) - {"\n"}))
CHAR_TO_IX, IX_TO_CHAR = rnn_lib.index_maps(CHARS)
NAMES = CORPUS.split()


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """A corpus file and a small checkpoint trained on it by the CLI."""
    folder = tmp_path_factory.mktemp("hostile")
    data = folder / "names.txt"
    data.write_text(CORPUS)
    out = folder / "model.npz"
    assert cli.main(["train", "--data", str(data), "--out", str(out), *FAST]) == 0
    return data, out


def name_max(folder):
    return os.pathconf(folder, "PC_NAME_MAX")


# --- paths: lengths, quoting, links -------------------------------------------------------------


def test_an_out_name_over_name_max_is_refused_before_training(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "train", no_training)
    out = tmp_path / ("m" * (name_max(tmp_path) + 1) + ".npz")
    status, _, err = run(["train", "--out", out, *FAST], capsys)
    assert_one_error_line(status, err, "--out", "too long", str(name_max(tmp_path)))
    assert ".tmp-" not in err


def test_an_out_name_that_leaves_no_room_for_the_temporary_name_is_fine(tmp_path, capsys, model):
    data, _ = model
    out = tmp_path / ("m" * (name_max(tmp_path) - 4) + ".npz")  # exactly NAME_MAX bytes
    status, _, err = run(["train", "--data", data, "--out", out, *FAST], capsys)
    assert status == 0, err
    load_checkpoint(out)


@pytest.mark.parametrize("command", ["train", "sample", "evaluate"])
def test_a_path_over_path_max_is_too_long_not_missing(
    tmp_path, capsys, monkeypatch, model, command
):
    monkeypatch.setattr(cli, "train", no_training)
    deep = str(tmp_path) + "/a" * (os.pathconf(tmp_path, "PC_PATH_MAX") // 2 + 1) + "/m.npz"
    data, checkpoint = model
    argv = {
        "train": ["train", "--out", deep, *FAST],
        "sample": ["sample", "--checkpoint", deep],
        "evaluate": ["evaluate", "--checkpoint", checkpoint, "--data", deep],
    }[command]
    status, _, err = run(argv, capsys)
    assert_one_error_line(status, err, "too long")
    assert "does not exist" not in err


def test_a_component_over_name_max_in_an_input_path_is_too_long(tmp_path, capsys, model):
    data, _ = model
    checkpoint = tmp_path / ("c" * (name_max(tmp_path) + 1)) / "m.npz"
    status, _, err = run(["evaluate", "--checkpoint", checkpoint, "--data", data], capsys)
    assert_one_error_line(status, err, "too long")


@pytest.mark.parametrize("name", ["a\nb.npz", "a\rb.npz", "a\x1b[31mred.npz", "a\u2028b.npz"])
def test_control_characters_in_paths_are_escaped_in_the_one_line(tmp_path, capsys, name):
    absent = tmp_path / name
    status, _, err = run(["sample", "--checkpoint", absent], capsys)
    assert_one_error_line(status, err, quote_path(str(absent)))
    assert not any(c in err[:-1] for c in "\n\r\x1b\u2028")
    status, _, err = run(["train", "--out", tmp_path / "absent" / name, *FAST], capsys)
    assert_one_error_line(status, err, "does not exist")
    assert not any(c in err[:-1] for c in "\n\r\x1b\u2028")


def test_quote_path_escapes_what_a_terminal_would_obey():
    assert quote_path("m.npz") == "'m.npz'"
    assert quote_path("a\nb") == "'a\\nb'"
    assert quote_path("\x1b[2J") == "'\\x1b[2J'"
    assert quote_path(b"caf\xc3\xa9") == "'café'"
    assert quote_path(os.fsdecode(b"\xff.npz")) == "'\\udcff.npz'"


def test_a_symbolic_link_loop_as_out_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "train", no_training)
    (tmp_path / "a.npz").symlink_to(tmp_path / "b.npz")
    (tmp_path / "b.npz").symlink_to(tmp_path / "a.npz")
    status, _, err = run(["train", "--out", tmp_path / "a.npz", *FAST], capsys)
    assert_one_error_line(status, err, "symbolic link", "loop")
    assert sorted(os.listdir(tmp_path)) == ["a.npz", "b.npz"]
    assert (tmp_path / "a.npz").is_symlink()


def test_a_dangling_link_into_a_missing_folder_names_the_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "train", no_training)
    (tmp_path / "m.npz").symlink_to(tmp_path / "gone" / "m.npz")
    status, _, err = run(["train", "--out", tmp_path / "m.npz", *FAST], capsys)
    assert_one_error_line(status, err, quote_path(str(tmp_path / "gone")), "does not exist")


def test_a_chain_of_links_is_written_at_its_last_target(tmp_path, model):
    _, good = model
    target = tmp_path / "real.npz"
    (tmp_path / "one.npz").symlink_to("two.npz")
    (tmp_path / "two.npz").symlink_to("real.npz")
    checkpoint = load_checkpoint(good)
    save_checkpoint(tmp_path / "one.npz", checkpoint.parameters, checkpoint.chars)
    assert (tmp_path / "one.npz").is_symlink() and (tmp_path / "two.npz").is_symlink()
    assert load_checkpoint(target).chars == checkpoint.chars


# --- what a replaced file keeps -----------------------------------------------------------------


def test_the_temporary_file_is_never_more_readable_than_the_file_it_replaces(
    tmp_path, model, monkeypatch
):
    _, good = model
    out = tmp_path / "private.npz"
    out.write_bytes(good.read_bytes())
    out.chmod(0o600)
    seen = []
    real_savez = np.savez

    def spying_savez(file, **arrays):
        seen.append(os.fstat(file.fileno()).st_mode & 0o777)
        real_savez(file, **arrays)

    monkeypatch.setattr(checkpoint_module.np, "savez", spying_savez)
    checkpoint = load_checkpoint(good)
    old_umask = os.umask(0o022)
    try:
        save_checkpoint(out, checkpoint.parameters, checkpoint.chars)
    finally:
        os.umask(old_umask)
    assert seen == [0o600]
    assert out.stat().st_mode & 0o777 == 0o600


def test_a_new_file_still_gets_the_umask_permissions(tmp_path, model):
    _, good = model
    checkpoint = load_checkpoint(good)
    old_umask = os.umask(0o027)
    try:
        save_checkpoint(tmp_path / "new.npz", checkpoint.parameters, checkpoint.chars)
    finally:
        os.umask(old_umask)
    assert (tmp_path / "new.npz").stat().st_mode & 0o777 == 0o640


# --- what cannot be saved is refused up front ---------------------------------------------------


def test_epochs_whose_history_cannot_be_saved_are_refused_before_training(
    tmp_path, capsys, monkeypatch, model
):
    data, _ = model
    monkeypatch.setattr(cli, "train", no_training)
    status, _, err = run(
        ["train", "--data", data, "--out", tmp_path / "m.npz", *FAST, "--epochs", "50000"], capsys
    )
    assert_one_error_line(status, err, "--epochs 50000", "at most")
    assert os.listdir(tmp_path) == []


def test_the_largest_epoch_count_allowed_is_saved(tmp_path, capsys, monkeypatch, model):
    """The bound is honest: a history of the most epochs allowed fits in the metadata."""
    data, _ = model
    keys = rnn_lib.training.trainer.HISTORY_KEYS
    most = checkpoint_module.most_epochs(CHARS, {"data": str(data)}, keys)
    history = {k: [-1.7976931348623157e308] * most for k in keys}
    history["epoch"] = list(range(10**9, 10**9 + most))
    parameters = initialize_parameters(2, len(CHARS), len(CHARS), rng=0)
    save_checkpoint(tmp_path / "m.npz", parameters, CHARS, {"data": str(data)}, history)
    assert len(load_checkpoint(tmp_path / "m.npz").history["epoch"]) == most


def test_a_vocabulary_too_large_to_save_is_refused_before_training(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "train", no_training)
    monkeypatch.setattr(checkpoint_module, "MAX_METADATA_CHARS", 3000)
    data = tmp_path / "wide.txt"
    data.write_text("\n".join(chr(0x4E00 + i) * 2 for i in range(600)) + "\n")
    status, _, err = run(["train", "--data", data, "--out", tmp_path / "m.npz", *FAST], capsys)
    assert_one_error_line(status, err, "cannot be saved")


# --- the truth after the checkpoint was written -------------------------------------------------


def run_module(*argv, **keywords):
    return subprocess.run(
        [sys.executable, "-m", "rnn_lib", *map(str, argv)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **keywords.pop("env", {})},
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        **keywords,
    )


def assert_written_despite_the_summary(result, out):
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "was written" in lines[0] and "summary" in lines[0], lines
    load_checkpoint(out)


def test_stdout_on_dev_full_still_reports_the_written_checkpoint(tmp_path, model):
    data, _ = model
    out = tmp_path / "m.npz"
    with open("/dev/full", "w") as full:
        result = run_module("train", "--data", data, "--out", out, *FAST, stdout=full)
    assert_written_despite_the_summary(result, out)


def test_a_closed_pipe_still_reports_the_written_checkpoint(tmp_path, model):
    data, _ = model
    out = tmp_path / "m.npz"
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = run_module("train", "--data", data, "--out", out, *FAST, stdout=write_end)
    finally:
        os.close(write_end)
    assert_written_despite_the_summary(result, out)


def test_an_ascii_terminal_and_a_non_ascii_out(tmp_path, model):
    data, _ = model
    out = tmp_path / "modèle.npz"
    result = run_module(
        "train", "--data", data, "--out", out, *FAST, stdout=subprocess.PIPE,
        env={"PYTHONIOENCODING": "ascii"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    load_checkpoint(out)


def test_sample_on_a_closed_pipe_ends_quietly(model):
    _, checkpoint = model
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = run_module("sample", "--checkpoint", checkpoint, "-n", 50, stdout=write_end)
    finally:
        os.close(write_end)
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert len(result.stderr.splitlines()) <= 1


# --- a full disk --------------------------------------------------------------------------------


@pytest.mark.parametrize("existing", [True, False])
def test_a_full_disk_names_the_file_and_what_became_of_it(
    tmp_path, capsys, monkeypatch, model, existing
):
    data, good = model
    out = tmp_path / "m.npz"
    if existing:
        out.write_bytes(good.read_bytes())

    def full_disk(file, **arrays):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(checkpoint_module.np, "savez", full_disk)
    status, _, err = run(["train", "--data", data, "--out", out, *FAST], capsys)
    unchanged = "is unchanged" if existing else "was not written"
    assert_one_error_line(status, err, quote_path(str(out)), "No space left", unchanged)
    assert os.listdir(tmp_path) == (["m.npz"] if existing else [])
    if existing:
        assert out.read_bytes() == good.read_bytes()


# --- stale temporary files ----------------------------------------------------------------------


def dead_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporary_files_of_dead_runs_are_removed(tmp_path, model):
    _, good = model
    ours = checkpoint_module.temporary_name(dead_pid())
    alive = checkpoint_module.temporary_name(os.getppid())
    other_host = ours.replace(checkpoint_module._host_tag(), "0" * 8)
    foreign = ".tmp-0123456789ab.npz"
    for name in (ours, alive, other_host, foreign):
        (tmp_path / name).write_bytes(b"partial")
    checkpoint = load_checkpoint(good)
    save_checkpoint(tmp_path / "m.npz", checkpoint.parameters, checkpoint.chars)
    assert sorted(os.listdir(tmp_path)) == sorted(["m.npz", alive, other_host, foreign])


def test_a_sigkilled_write_leaves_a_file_the_next_run_removes(tmp_path, model):
    data, _ = model
    script = (
        "import os, signal, numpy as np, rnn_lib.data.checkpoint as c\n"
        "def die(*a, **k): os.kill(os.getpid(), signal.SIGKILL)\n"
        "np.savez = die\n"
        "import rnn_lib.cli as cli\n"
        f"cli.main(['train', '--data', {str(data)!r}, '--out', {str(tmp_path / 'm.npz')!r},"
        " '--epochs', '1', '--hidden', '4', '--no-progress'])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    killed = subprocess.run([sys.executable, "-c", script], env=env, timeout=120)
    assert killed.returncode == -9
    assert [n for n in os.listdir(tmp_path) if n.startswith(".tmp-")]
    result = run_module("train", "--data", data, "--out", tmp_path / "m.npz", *FAST)
    assert result.returncode == 0, result.stderr
    assert os.listdir(tmp_path) == ["m.npz"]


# --- forged checkpoints -------------------------------------------------------------------------


def forged(path, good, name, header_dict):
    """A copy of good whose entry name has the given .npy header dict (data unchanged)."""
    with zipfile.ZipFile(good) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    raw = entries[f"{name}.npy"]
    data = raw[-int(np.prod([int(s) for s in header_dict["shape"]]) * 8) :]
    header = repr(header_dict).encode("latin1")
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    entries[f"{name}.npy"] = (
        b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + data
    )
    with zipfile.ZipFile(path, "w") as target:
        for entry, content in entries.items():
            target.writestr(entry, content)
    return path


@pytest.mark.parametrize("shape", [(8, True), (True, 8), (8, np.int64(1)), (8, 1.0)])
@pytest.mark.parametrize("command", ["sample", "evaluate"])
def test_a_forged_shape_of_bools_or_floats_gives_one_line(tmp_path, capsys, model, shape, command):
    data, good = model
    n_a = load_checkpoint(good).parameters["ba"].shape[0]
    shape = tuple(n_a if s == 8 else s for s in shape)
    bad = forged(
        tmp_path / "bad.npz", good, "ba", {"descr": "<f8", "fortran_order": False, "shape": shape}
    )
    extra = ["--data", data] if command == "evaluate" else []
    status, _, err = run([command, "--checkpoint", bad, *extra], capsys)
    assert_one_error_line(status, err, "ba")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("cell", ["rnn"]),
        ("cell", {"a": 1}),
        ("cell", 3),
        ("format_version", True),
        ("format_version", 1.0),
        ("chars", "ab\n"),
        ("hyperparameters", []),
    ],
)
def test_forged_metadata_values_give_one_line(tmp_path, capsys, model, key, value):
    _, good = model
    checkpoint = load_checkpoint(good)
    metadata = {
        "format_version": 1, "cell": "rnn", "chars": checkpoint.chars,
        "hyperparameters": {}, "history": {}, key: value,
    }  # fmt: skip
    arrays = {name: checkpoint.parameters[name] for name in checkpoint.parameters}
    path = tmp_path / "forged.npz"
    np.savez(path, metadata=np.array(__import__("json").dumps(metadata)), **arrays)
    status, _, err = run(["sample", "--checkpoint", path], capsys)
    assert_one_error_line(status, err, quote_path(str(path)))


# --- the Python API's input checks --------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8, np.int16])
def test_integer_gradients_get_a_float64_norm(dtype):
    gradients = {
        "dWax": np.full((7, 7), 200, dtype=dtype),
        "dba": np.full((7, 1), 100, dtype=dtype),
    }
    expected = np.sqrt(49 * 200.0**2 + 7 * 100.0**2)
    assert global_norm(gradients) == pytest.approx(expected, rel=1e-15)
    clipped = clip_by_norm(gradients, 5.0)
    assert global_norm(clipped) == pytest.approx(5.0, rel=1e-12)


def test_large_integer_gradients_do_not_wrap():
    gradients = {"dWax": np.full(3, 40_000, dtype=np.int32)}
    assert global_norm(gradients) == pytest.approx(69_282.032302755, rel=1e-12)


@pytest.mark.parametrize("bad", [np.array([True, False]), np.array(["a", "b"]), np.array([None])])
def test_gradients_that_are_not_numbers_are_refused(bad):
    with pytest.raises(ValueError, match="^dWax must hold numbers"):
        global_norm({"dWax": bad})


@pytest.mark.parametrize("update", ["sgd", "adam"])
@pytest.mark.parametrize("shape", [(1, 3), (3,), (3, 3)])
def test_every_update_refuses_a_gradient_of_the_wrong_shape(update, shape):
    parameters = {"W": np.zeros((3, 1))}
    gradients = {"dW": np.ones(shape)}
    step = {
        "sgd": lambda: update_parameters(parameters, gradients, 0.1),
        "adam": lambda: Adam(0.1).step(parameters, gradients),
    }[update]
    with pytest.raises(ValueError, match=r"^dW must have the shape of W, \(3, 1\); got"):
        step()
    assert (parameters["W"] == 0).all()


def test_adam_refuses_a_model_whose_shapes_changed_between_steps():
    adam = Adam(0.1)
    adam.step({"W": np.zeros((3, 2))}, {"dW": np.ones((3, 2))})
    with pytest.raises(ValueError, match="^Adam's moments of W"):
        adam.step({"W": np.zeros((3, 1))}, {"dW": np.ones((3, 1))})


@pytest.mark.parametrize("top_k", [0, -1, True, 1.5, "2", 4])
def test_next_char_distribution_checks_top_k(top_k):
    with pytest.raises(ValueError, match="^top_k must be None or an integer from 1 to n_y=3; got"):
        next_char_distribution(np.zeros((3, 2)), top_k=top_k)


PARAMETERS = initialize_parameters(4, len(CHARS), len(CHARS), rng=0)


@pytest.mark.parametrize(
    ("call", "culprit"),
    [
        (lambda seed: train(NAMES, seed=seed, epochs=1, hidden=2, progress=False), "seed"),
        (lambda seed: split_names(NAMES, 0.1, seed), "rng"),
        (lambda seed: sample_names(PARAMETERS, CHAR_TO_IX, IX_TO_CHAR, 2, rng=seed), "rng"),
        (lambda seed: rnn_lib.sample(PARAMETERS, CHAR_TO_IX, IX_TO_CHAR, rng=seed), "rng"),
    ],
)
@pytest.mark.parametrize("seed", ["x", 1.5, -1, True, [1, 2]])
def test_seeds_are_checked_alike_everywhere(call, culprit, seed):
    with pytest.raises(ValueError, match=f"^{culprit} must be None(,| or) a non-negative integer"):
        call(seed)


@pytest.mark.parametrize(
    "arguments",
    [
        dict(epochs=True), dict(hidden=2.0), dict(batch_size="8"), dict(learning_rate=True),
        dict(clip_threshold="1"), dict(progress="no"), dict(epochs=np.float64(2)),
    ],
)  # fmt: skip
def test_train_checks_each_scalar_with_the_shared_checks(arguments):
    name = next(iter(arguments))
    with pytest.raises(ValueError, match=f"^{name} must be "):
        train(NAMES, **{"epochs": 1, "hidden": 2, "progress": False, **arguments})


@pytest.mark.parametrize("fraction", ["0.5", None, np.nan, True, 1])
def test_split_names_checks_the_dev_fraction(fraction):
    with pytest.raises(ValueError, match="^dev_fraction must be a number between 0 and 1; got"):
        split_names(NAMES, fraction)


@pytest.mark.parametrize(
    ("chars", "culprit"),
    [
        ("abc\n" + CHARS[1:].replace("a", "").replace("b", "").replace("c", ""), "'\\n' first"),
        (CHARS + "a", "twice"),
        (list(CHARS), "a string"),
        (CHARS + "\ud800", "valid Unicode"),
    ],
)
def test_train_checks_the_vocabulary(chars, culprit):
    with pytest.raises(ValueError, match="^chars must ") as caught:
        train(NAMES, chars=chars, epochs=1, hidden=2, progress=False)
    assert culprit in str(caught.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda names: evaluate(PARAMETERS, names, CHAR_TO_IX),
        lambda names: train(names, epochs=1, hidden=2, progress=False),
        lambda names: train(NAMES, names, epochs=1, hidden=2, progress=False),
        lambda names: split_names(names),
        lambda names: encode_names(names, CHAR_TO_IX),
        lambda names: name_log_probabilities(PARAMETERS, names, CHAR_TO_IX),
        lambda names: rnn_lib.build_vocabulary(names),
    ],
)
@pytest.mark.parametrize("names", ["allosaurus", b"allosaurus", ["allosaurus", 3]])
def test_a_string_where_names_are_expected_is_refused(call, names):
    with pytest.raises(ValueError, match="must be a list of names") as caught:
        call(names)
    assert "\n" not in str(caught.value)


# --- a run far worse than its start -------------------------------------------------------------


def test_a_run_far_worse_than_its_start_does_not_replace_a_checkpoint(tmp_path, capsys, model):
    data, good = model
    out = tmp_path / "m.npz"
    out.write_bytes(good.read_bytes())
    argv = ["train", "--data", data, "--out", out, *FAST, "--optimizer", "sgd", "--clip", "none",
            "--schedule", "constant", "--learning-rate", "1e100"]  # fmt: skip
    status, _, err = run(argv, capsys)
    assert_one_error_line(status, err, "--force", "is unchanged")
    assert out.read_bytes() == good.read_bytes()
    assert os.listdir(tmp_path) == ["m.npz"]
    status, stdout, err = run([*argv, "--force"], capsys)
    assert status == 0, err
    assert load_checkpoint(out).history["dev_loss_per_char"][-1] > 10


def test_a_run_that_learns_replaces_the_checkpoint_without_force(tmp_path, capsys, model):
    data, good = model
    out = tmp_path / "m.npz"
    out.write_bytes(good.read_bytes())
    status, _, err = run(["train", "--data", data, "--out", out, *FAST, "--seed", "3"], capsys)
    assert status == 0, err
    assert out.read_bytes() != good.read_bytes()


# --- sample --min-length ------------------------------------------------------------------------


def test_sample_prints_no_empty_names_by_default(model, capsys):
    _, checkpoint = model
    status, stdout, err = run(
        ["sample", "--checkpoint", checkpoint, "-n", 3000, "--temperature", "3", "--seed", 0],
        capsys,
    )
    assert status == 0, err
    names = stdout.split("\n")[:-1]
    assert len(names) == 3000 and min(map(len, names)) >= 1


def test_min_length_keeps_the_other_names_as_they_were_drawn():
    names = sample_names(PARAMETERS, CHAR_TO_IX, IX_TO_CHAR, 400, temperature=2.0, rng=5)
    kept = sample_names(
        PARAMETERS, CHAR_TO_IX, IX_TO_CHAR, 400, temperature=2.0, rng=5, min_length=3
    )
    assert min(len(name) for name in kept) >= 4  # 3 characters and the "\n"
    assert sum(len(name) < 4 for name in names) > 0
    assert [a for a in names if len(a) >= 4] == [b for a, b in zip(names, kept) if len(a) >= 4]


@pytest.mark.parametrize(("minimum", "maximum"), [("-1", "5"), ("6", "5"), ("x", "5")])
def test_sample_checks_min_length(model, capsys, minimum, maximum):
    _, checkpoint = model
    argv = ["sample", "--checkpoint", checkpoint, "--min-length", minimum, "--max-length", maximum]
    status, _, err = run(argv, capsys)
    assert_one_error_line(status, err, "--min-length")


def test_a_model_that_never_draws_long_enough_names_is_reported(capsys, tmp_path):
    parameters = initialize_parameters(2, len(CHARS), len(CHARS), rng=0)
    parameters["by"][0] = 50.0  # "\n" almost surely first
    with pytest.raises(ValueError, match="min_length"):
        sample_names(parameters, CHAR_TO_IX, IX_TO_CHAR, 5, rng=0, min_length=2)
