"""Tests of the command line, python -m rnn_lib train | sample | evaluate.

Most cases run main(argv) in-process; a few run the real `python -m rnn_lib` in a subprocess.
Every bad input must give exactly one stderr line "error: ..." naming the culprit, a non-zero
exit status and no traceback, and must leave an existing checkpoint byte-for-byte intact.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import rnn_lib.cli as cli
from rnn_lib.cells.rnn import initialize_parameters
from rnn_lib.data.checkpoint import load_checkpoint, save_checkpoint
from rnn_lib.data.names import index_maps, load_names
from rnn_lib.training.trainer import evaluate

REPO = Path(__file__).resolve().parent.parent
CORPUS = "\n".join(
    ["allosaurus", "ankylosaurus", "apatosaurus", "baryonyx", "brachiosaurus", "camarasaurus",
     "carnotaurus", "ceratosaurus", "coelophysis", "compsognathus", "deinonychus", "diplodocus",
     "edmontosaurus", "gallimimus", "iguanodon", "maiasaura", "megalosaurus", "microraptor",
     "oviraptor", "pachycephalosaurus", "parasaurolophus", "protoceratops", "spinosaurus",
     "stegosaurus", "styracosaurus", "triceratops", "troodon", "tyrannosaurus", "velociraptor"]
) + "\n"  # fmt: skip
FAST = ["--epochs", "2", "--hidden", "8", "--no-progress"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A corpus file and a checkpoint trained on it by the CLI."""
    folder = tmp_path_factory.mktemp("cli")
    data = folder / "names.txt"
    data.write_text(CORPUS)
    out = folder / "model.npz"
    assert cli.main(["train", "--data", str(data), "--out", str(out), *FAST]) == 0
    return data, out


def run(argv, capsys):
    status = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_error_line(status, err, *culprits):
    assert status != 0
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one stderr line, got {err!r}"
    assert lines[0].startswith("error: ")
    for culprit in culprits:
        assert culprit in lines[0], f"{culprit!r} not named in {lines[0]!r}"


# --- the commands work --------------------------------------------------------------------------


def test_train_writes_a_checkpoint_with_its_settings_and_history(trained, capsys):
    data, out = trained
    model = load_checkpoint(out)
    assert model.chars == "\n" + "".join(sorted(set(CORPUS) - {"\n"}))
    assert model.hyperparameters["hidden"] == 8 and model.hyperparameters["epochs"] == 2
    assert model.hyperparameters["dev_fraction"] == 0.1
    assert model.history["epoch"] == [1, 2]


def test_train_is_deterministic_given_the_seed(trained, tmp_path, capsys):
    data, out = trained
    again = tmp_path / "again.npz"
    assert run(["train", "--data", data, "--out", again, *FAST], capsys)[0] == 0
    assert (
        load_checkpoint(again).history["train_loss_per_char"]
        == load_checkpoint(out).history["train_loss_per_char"]
    )


def test_sample_prints_n_names(trained, capsys):
    _, out = trained
    status, stdout, err = run(["sample", "--checkpoint", out, "-n", 7, "--seed", 1], capsys)
    assert status == 0 and err == ""
    names = stdout.splitlines()
    assert len(names) == 7
    assert all(set(name) <= set(CORPUS) for name in names)
    assert run(["sample", "--checkpoint", out, "-n", 7, "--seed", 1], capsys)[1] == stdout


def test_evaluate_json_agrees_with_the_library(trained, capsys):
    data, out = trained
    status, stdout, _ = run(["evaluate", "--checkpoint", out, "--data", data, "--json"], capsys)
    assert status == 0
    report = json.loads(stdout)
    model = load_checkpoint(out)
    names = load_names(data)
    expected = evaluate(model.parameters, names, index_maps(model.chars)[0])
    assert report["loss_per_char"] == pytest.approx(expected.loss_per_char, rel=1e-12)
    assert report["perplexity"] == pytest.approx(math.exp(report["loss_per_char"]), rel=1e-12)
    assert report["names"] == 29
    assert report["chars"] == sum(len(n) + 1 for n in names)


def test_every_option_has_help():
    parser = cli.build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert set(commands) == {"train", "sample", "evaluate"}
    for name, command in commands.items():
        for action in command._actions:
            assert action.help, f"{name} {action.option_strings} has no help"


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "culprit"),
    [
        (None, "does not exist"),
        (b"", "is empty"),
        (b"\n \n", "only blank lines"),
        (b"abc\x00\x01\x02", "binary"),
        (b"abel\n\xff\xfe\n", "not UTF-8"),
        (b"solo\n", "at least 2 names"),
    ],
)
def test_train_rejects_bad_data_files(tmp_path, capsys, content, culprit):
    data = tmp_path / "names.txt"
    if content is not None:
        data.write_bytes(content)
    out = tmp_path / "model.npz"
    status, _, err = run(["train", "--data", data, "--out", out, *FAST], capsys)
    assert_one_error_line(status, err, culprit)
    if content is not None and culprit != "at least 2 names":
        assert str(data) in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--hidden", "0"),
        ("--hidden", "ten"),
        ("--hidden", "100000"),
        ("--seed", "-1"),
        ("--schedule", "cosine"),
        ("--epochs", "-1"),
        ("--batch-size", "2.5"),
        ("--learning-rate", "0"),
        ("--learning-rate", "nan"),
        ("--learning-rate", "-0.1"),
        ("--clip-threshold", "inf"),
        ("--dev-fraction", "1.5"),
        ("--optimizer", "rmsprop"),
    ],
)
def test_train_rejects_nonsense_sizes_and_rates(tmp_path, capsys, option, value):
    status, _, err = run(["train", "--out", tmp_path / "m.npz", option, value], capsys)
    assert_one_error_line(status, err, option, value)


def test_missing_output_folder_is_caught_before_training(tmp_path, capsys, monkeypatch):
    def no_training(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr(cli, "train", no_training)
    out = tmp_path / "absent" / "model.npz"
    status, _, err = run(["train", "--out", out, *FAST], capsys)
    assert_one_error_line(status, err, "output folder", str(tmp_path / "absent"), "does not exist")


def test_output_that_is_a_folder_is_rejected(tmp_path, capsys):
    status, _, err = run(["train", "--out", tmp_path, *FAST], capsys)
    assert_one_error_line(status, err, str(tmp_path), "is a folder")


@pytest.mark.parametrize("failure", ["bad data", "error in training", "interrupt"])
def test_a_failed_run_leaves_the_existing_checkpoint_intact(
    trained, tmp_path, capsys, monkeypatch, failure
):
    data, out = trained
    target = tmp_path / "model.npz"
    target.write_bytes(out.read_bytes())
    before = target.read_bytes()
    argv = ["train", "--data", data, "--out", target, *FAST]
    if failure == "bad data":
        bad = tmp_path / "bad.txt"
        bad.write_bytes(b"\x00")
        argv[2] = bad
    else:
        error = (
            ValueError("planted failure") if failure == "error in training" else KeyboardInterrupt()
        )

        def failing_train(*args, **kwargs):
            raise error

        monkeypatch.setattr(cli, "train", failing_train)
    status, _, err = run(argv, capsys)
    assert_one_error_line(status, err)
    assert target.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["model.npz"] + (["bad.txt"] if failure == "bad data" else [])
    )


@pytest.mark.parametrize("command", ["sample", "evaluate"])
def test_missing_and_corrupt_checkpoints_are_named(trained, tmp_path, capsys, command):
    data, _ = trained
    extra = ["--data", data] if command == "evaluate" else []
    missing = tmp_path / "absent.npz"
    status, _, err = run([command, "--checkpoint", missing, *extra], capsys)
    assert_one_error_line(status, err, str(missing), "does not exist")
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(b"PK\x03\x04 not really a zip")
    status, _, err = run([command, "--checkpoint", corrupt, *extra], capsys)
    assert_one_error_line(status, err, str(corrupt), "not a valid .npz")


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("-n", "0"),
        ("-n", "10000000"),
        ("--max-length", "1000000"),
        ("--seed", "x"),
        ("--temperature", "0"),
        ("--temperature", "-2"),
        ("--top-k", "0"),
        ("--top-k", "99"),
    ],
)
def test_sample_rejects_nonsense_options(trained, capsys, option, value):
    _, out = trained
    status, _, err = run(["sample", "--checkpoint", out, option, value], capsys)
    assert_one_error_line(status, err, option, value)


def test_evaluate_names_an_unknown_character_and_its_line(trained, tmp_path, capsys):
    _, out = trained
    data = tmp_path / "other.txt"
    data.write_text("allosaurus\n\nbaryonyë\n", encoding="utf-8")
    status, _, err = run(["evaluate", "--checkpoint", out, "--data", data], capsys)
    assert_one_error_line(status, err, str(data), "line 3", "'ë'")


def test_evaluate_rejects_bad_data_files(trained, tmp_path, capsys):
    _, out = trained
    data = tmp_path / "latin1.txt"
    data.write_bytes("zoé\n".encode("latin-1"))
    status, _, err = run(["evaluate", "--checkpoint", out, "--data", data], capsys)
    assert_one_error_line(status, err, str(data), "not UTF-8", "line 1")


def test_missing_command_or_required_option(capsys):
    assert_one_error_line(*run([], capsys)[::2], "required")
    assert_one_error_line(*run(["sample"], capsys)[::2], "--checkpoint")


# --- the real program, in a subprocess ----------------------------------------------------------


def run_module(*argv, cwd):
    env = dict(os.environ, PYTHONPATH=str(REPO), OPENBLAS_NUM_THREADS="1")
    return subprocess.run(
        [sys.executable, "-m", "rnn_lib", *map(str, argv)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
    )


def test_subprocess_bad_input_gives_one_line_and_no_traceback(tmp_path):
    result = run_module("train", "--data", "missing.txt", "--no-progress", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "error: data file 'missing.txt' does not exist\n"
    result = run_module("sample", "--checkpoint", "x.npz", "--temperature", "hot", cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "--temperature" in result.stderr
    assert "Traceback" not in result.stderr


def test_subprocess_train_sample_evaluate(trained, tmp_path):
    data, _ = trained
    trained_run = run_module("train", "--data", data, "--out", "m.npz", *FAST, cwd=tmp_path)
    assert trained_run.returncode == 0, trained_run.stderr
    assert "wrote 'm.npz'" in trained_run.stdout
    sampled = run_module("sample", "--checkpoint", "m.npz", "-n", "3", "--seed", "0", cwd=tmp_path)
    assert sampled.returncode == 0 and len(sampled.stdout.splitlines()) == 3
    evaluated = run_module(
        "evaluate", "--checkpoint", "m.npz", "--data", data, "--json", cwd=tmp_path
    )
    assert set(json.loads(evaluated.stdout)) >= {"loss_per_char", "perplexity", "names", "chars"}


def test_subprocess_help_explains_each_command(tmp_path):
    for command, options in {
        "train": ["--data", "--out", "--hidden", "--epochs", "--batch-size", "--learning-rate",
                  "--schedule", "--optimizer", "--clip", "--clip-threshold", "--dev-fraction", "--seed"],
        "sample": ["--checkpoint", "-n", "--temperature", "--top-k", "--max-length", "--seed"],
        "evaluate": ["--checkpoint", "--data", "--json"],
    }.items():  # fmt: skip
        result = run_module(command, "--help", cwd=tmp_path)
        assert result.returncode == 0
        for option in options:
            assert option in result.stdout, f"{command} --help does not mention {option}"


# --- nothing a user types or loads loses a checkpoint, exhausts memory or shows a traceback ----


def no_training(*args, **kwargs):
    raise AssertionError("training started")


@pytest.mark.parametrize("existing", [True, False])
def test_a_diverging_run_ends_in_one_line_and_writes_nothing(trained, tmp_path, capsys, existing):
    data, good = trained
    out = tmp_path / "m.npz"
    if existing:
        out.write_bytes(good.read_bytes())
    argv = ["train", "--data", data, "--out", out, "--learning-rate", "1e308", "--epochs", "2"]
    status, stdout, err = run([*argv, "--hidden", "8", "--no-progress"], capsys)
    unchanged = "is unchanged" if existing else "was not written"
    assert_one_error_line(status, err, "training diverged in epoch 1", "1e+308", unchanged)
    assert stdout == ""
    assert os.listdir(tmp_path) == (["m.npz"] if existing else [])
    if existing:
        assert out.read_bytes() == good.read_bytes()


@pytest.mark.parametrize(
    ("make_out", "culprit"),
    [
        (lambda folder: "", "--out must be a path to a file; got ''"),
        (lambda folder: os.path.join(folder, "sub", ""), "is a folder"),
        (lambda folder: read_only(folder / "m.npz"), "is read-only"),
        (lambda folder: fifo(folder / "m.npz"), "is not a regular file"),
    ],
)
def test_a_bad_output_is_refused_before_training(tmp_path, capsys, monkeypatch, make_out, culprit):
    (tmp_path / "sub").mkdir()
    out = make_out(tmp_path)
    before = sorted(os.listdir(tmp_path))
    monkeypatch.setattr(cli, "train", no_training)
    status, _, err = run(["train", "--out", out, *FAST], capsys)
    assert_one_error_line(status, err, culprit)
    assert sorted(os.listdir(tmp_path)) == before


def read_only(path):
    path.write_bytes(b"a model")
    path.chmod(0o444)
    return path


def fifo(path):
    os.mkfifo(path)
    return path


def test_the_output_may_not_be_the_data_file(trained, tmp_path, capsys, monkeypatch):
    data = tmp_path / "names.txt"
    data.write_text(CORPUS)
    monkeypatch.setattr(cli, "train", no_training)
    status, _, err = run(["train", "--data", data, "--out", data, *FAST], capsys)
    assert_one_error_line(status, err, "is the --data file")
    assert data.read_text() == CORPUS


def test_a_bom_and_unicode_line_breaks_in_a_corpus(tmp_path, capsys):
    data = tmp_path / "names.txt"
    data.write_bytes("\ufeffabel\r\nzoe\u2028x\nbob\x85y\nann\n".encode())
    out = tmp_path / "m.npz"
    assert run(["train", "--data", data, "--out", out, *FAST], capsys)[0] == 0
    assert load_checkpoint(out).chars == "\nabelnoxyz\x85\u2028"  # no BOM; the breaks are letters
    other = tmp_path / "other.txt"
    other.write_bytes("abel\u2028\u2028\nzoe\nq\n".encode())
    status, _, err = run(["evaluate", "--checkpoint", out, "--data", other], capsys)
    assert_one_error_line(status, err, "line 3", "'q'")


def test_a_vanishing_temperature_draws_the_likeliest_names(trained, capsys):
    _, out = trained
    argv = ["sample", "--checkpoint", out, "-n", 3, "--seed", 0]
    status, cold, err = run([*argv, "--temperature", "1e-320"], capsys)
    assert status == 0 and err == ""  # no overflow warnings
    assert cold == run([*argv, "--top-k", 1], capsys)[1]  # top-1 is the likeliest character
    assert all(len(name) > 0 for name in cold.splitlines())


def test_a_huge_perplexity_is_printed_in_four_significant_digits(tmp_path, capsys):
    # by makes "\n" all but certain: every other character costs -log(tiny) = 708.4 nats.
    parameters = initialize_parameters(4, 3, 3, rng=0)
    parameters["by"] = np.array([[800.0], [0.0], [0.0]])
    model = tmp_path / "m.npz"
    save_checkpoint(model, parameters, "\nab")
    data = tmp_path / "names.txt"
    data.write_text("ab\n")
    status, stdout, _ = run(["evaluate", "--checkpoint", model, "--data", data], capsys)
    assert status == 0
    expected = math.exp((2 * -math.log(np.finfo(float).tiny)) / 3)
    assert f"perplexity {expected:.4g} (" in stdout and len(stdout) < 100
    status, stdout, _ = run(["evaluate", "--checkpoint", model, "--data", data, "--json"], capsys)
    assert json.loads(stdout)["perplexity"] == pytest.approx(expected, rel=1e-9)


def test_a_checkpoint_nested_deep_gives_one_line(trained, tmp_path, capsys):
    _, out = trained
    model = load_checkpoint(out)
    text = json.dumps({"format_version": 1, "chars": model.chars, "history": {}})
    text = text[:-1] + ', "hyperparameters": ' + "[" * 100_000 + "]" * 100_000 + "}"
    deep = tmp_path / "deep.npz"
    np.savez(deep, metadata=np.array(text), **model.parameters)
    status, _, err = run(["sample", "--checkpoint", deep], capsys)
    assert_one_error_line(status, err, str(deep), "nested more than")


def test_subprocess_a_fifo_checkpoint_is_refused_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "m.npz")
    result = run_module("sample", "--checkpoint", "m.npz", cwd=tmp_path)  # times out if it hangs
    assert result.returncode == 1
    assert (
        result.stderr
        == "error: checkpoint 'm.npz' is not a regular file (a FIFO, device or socket)\n"
    )
