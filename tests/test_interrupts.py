"""Stop signals: SIGINT, SIGTERM and SIGHUP at any moment leave the old checkpoint or the new one.

Three layers: rnn_lib.interrupts on its own; the command line in-process with real signals sent
at each point of the write (a deterministic hook in the write window); and the real
`python -m rnn_lib train` in a subprocess, signalled at random moments and the moment its
temporary file appears. After every run the folder holds no temporary file, the checkpoint is
the old one byte for byte or a complete new one, and one stderr line says which.
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import rnn_lib.cli as cli
import rnn_lib.data.checkpoint as checkpoint_module
from rnn_lib.data.checkpoint import load_checkpoint
from rnn_lib.interrupts import Interrupted, deferred_signals, raising_on_signals

REPO = Path(__file__).resolve().parent.parent
STOPS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM, "SIGHUP": signal.SIGHUP}
CORPUS = "allosaurus\nbaryonyx\ncoelophysis\ndiplodocus\nedmontosaurus\ngallimimus\n"


# --- rnn_lib.interrupts -----------------------------------------------------------------------


def test_deferred_signals_are_delivered_after_the_block():
    done = []
    with pytest.raises(KeyboardInterrupt):
        with deferred_signals():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.01)  # the handler would run here, between bytecodes
            done.append("the block ran to its end")
    assert done == ["the block ran to its end"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_deferred_signals_nest_and_follow_an_exception():
    with pytest.raises(KeyboardInterrupt) as caught:
        with deferred_signals():
            with deferred_signals():
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.01)
            time.sleep(0.01)  # still held by the outer block
            raise OSError("disk full")
    assert isinstance(caught.value.__context__, OSError)


def test_raising_on_signals_turns_the_first_stop_into_interrupted_and_restores_handlers():
    before = {s: signal.getsignal(s) for s in STOPS.values()}
    with pytest.raises(Interrupted) as caught:
        with raising_on_signals():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
    assert caught.value.signum == signal.SIGTERM
    assert {s: signal.getsignal(s) for s in STOPS.values()} == before
    with raising_on_signals():  # a second signal while the first is being handled is ignored
        try:
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(1)
        except Interrupted:
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(0.01)


def test_an_ignored_signal_stays_ignored():
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with raising_on_signals(), deferred_signals():
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(0.01)
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)


# --- the command line, in-process: a real signal at each point of the run --------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "names.txt").write_text(CORPUS)
    old = folder / "old.npz"
    argv = ["train", "--data", folder / "names.txt", "--out", old, "--epochs", "1"]
    assert cli.main([str(a) for a in [*argv, "--hidden", "3", "--no-progress"]]) == 0
    return folder / "names.txt", old.read_bytes()


def signal_when_called(function, signum, after=False):
    """function, wrapped to send signum to this process before (or after) it runs."""

    def wrapped(*args, **kwargs):
        if not after:
            os.kill(os.getpid(), signum)
        result = function(*args, **kwargs)
        if after:
            os.kill(os.getpid(), signum)
        return result

    return wrapped


POINTS = {
    # where the signal arrives: (object, attribute, after the call?, is the new model written?)
    "during training": (cli, "train", False, False),
    "before the temporary file": (checkpoint_module, "_create_temporary", False, True),
    "while writing": (checkpoint_module.np, "savez", False, True),
    "before fsync": (checkpoint_module.os, "fsync", False, True),
    "just after the rename": (checkpoint_module.os, "replace", True, True),
    "while syncing the folder": (checkpoint_module, "_sync_folder", False, True),
}


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("name", STOPS)
def test_a_signal_at_any_point_leaves_the_old_or_the_new_checkpoint(
    corpus, tmp_path, capsys, monkeypatch, point, name
):
    data, old = corpus
    out = tmp_path / "m.npz"
    out.write_bytes(old)
    owner, attribute, after, written = POINTS[point]
    hooked = signal_when_called(getattr(owner, attribute), STOPS[name], after)
    monkeypatch.setattr(owner, attribute, hooked)
    argv = ["train", "--data", data, "--out", out, "--epochs", "1", "--hidden", "4", "--seed", "1"]
    status = cli.main([str(a) for a in [*argv, "--no-progress"]])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert status == 128 + STOPS[name]
    assert os.listdir(tmp_path) == ["m.npz"], "a temporary file was left behind"
    if written:
        assert (
            err
            == f"error: interrupted by {name} after {str(out)!r} was written (it holds the new model)\n"
        )
        assert out.read_bytes() != old
        assert load_checkpoint(out).hyperparameters["seed"] == 1
    else:
        assert err == (
            f"error: interrupted by {name} before the checkpoint was written; {str(out)!r} is unchanged\n"
        )
        assert out.read_bytes() == old


def test_an_interrupted_first_run_says_nothing_was_written(corpus, tmp_path, capsys, monkeypatch):
    data, _ = corpus
    out = tmp_path / "m.npz"
    monkeypatch.setattr(cli, "train", signal_when_called(cli.train, signal.SIGINT))
    assert cli.main(["train", "--data", str(data), "--out", str(out), "--no-progress"]) == 130
    assert capsys.readouterr().err.endswith(f"; {str(out)!r} was not written\n")
    assert os.listdir(tmp_path) == []


def test_sample_and_evaluate_report_the_signal(corpus, tmp_path, capsys, monkeypatch):
    data, old = corpus
    model = tmp_path / "m.npz"
    model.write_bytes(old)
    monkeypatch.setattr(cli, "evaluate", signal_when_called(cli.evaluate, signal.SIGTERM))
    assert cli.main(["evaluate", "--checkpoint", str(model), "--data", str(data)]) == 143
    assert capsys.readouterr().err == "error: interrupted by SIGTERM\n"


# --- the real program, in a subprocess ----------------------------------------------------------


def start_training(folder, hidden, epochs):
    """python -m rnn_lib train in folder, onto the existing m.npz; the Popen.

    With --force: a large model trained for one epoch may end worse than guessing, and the
    tests here are about signals, not about the rule that keeps such a model from replacing.
    """
    env = dict(os.environ, PYTHONPATH=str(REPO), OPENBLAS_NUM_THREADS="1")
    argv = ["train", "--data", "names.txt", "--out", "m.npz", "--hidden", str(hidden)]
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rnn_lib",
            *argv,
            "--epochs",
            str(epochs),
            "--no-progress",
            "--force",
        ],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_handlers(process):
    """Wait until the process handles SIGTERM itself: the command has started its work (before,
    Python is still importing numpy, and a signal has Python's default effect)."""
    status = Path(f"/proc/{process.pid}/status")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        caught = re.search(r"^SigCgt:\s*([0-9a-f]+)$", status.read_text(), re.MULTILINE)
        if caught and int(caught.group(1), 16) >> (signal.SIGTERM - 1) & 1:
            return True
        time.sleep(0.002)
    return False


def check_outcome(folder, process, old, name):
    """The run ended with the old file intact or a new valid one, and said which, in one line."""
    out, err = process.communicate(timeout=60)
    assert [f for f in os.listdir(folder) if f.startswith(".tmp")] == [], "temporary file left"
    assert "Traceback" not in err
    new = (folder / "m.npz").read_bytes()
    if process.returncode == 0:
        assert err == "" and "wrote 'm.npz'" in out
        assert new != old and load_checkpoint(folder / "m.npz").chars
        return "finished"
    assert process.returncode == 128 + STOPS[name], err
    if "after 'm.npz' was written" in err:
        assert (
            err
            == f"error: interrupted by {name} after 'm.npz' was written (it holds the new model)\n"
        )
        assert new != old and load_checkpoint(folder / "m.npz").chars
        return "after"
    assert (
        err
        == f"error: interrupted by {name} before the checkpoint was written; 'm.npz' is unchanged\n"
    )
    assert new == old
    return "before"


@pytest.fixture
def folder(tmp_path, corpus):
    _, old = corpus
    (tmp_path / "names.txt").write_text(CORPUS)
    (tmp_path / "m.npz").write_bytes(old)
    return tmp_path


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_signals_at_random_moments_of_a_real_run(folder, corpus):
    _, old = corpus
    # A run lasts about 0.1 s here once started: the delays fall before, in and after the write
    # (which outcomes come depends on the machine's speed; each must hold up).
    rng = np.random.default_rng(7)
    for run in range(6):
        (folder / "m.npz").write_bytes(old)
        name = list(STOPS)[run % 3]
        process = start_training(folder, hidden=300, epochs=2)
        assert wait_for_handlers(process)
        time.sleep(rng.uniform(0, 0.2))
        process.send_signal(STOPS[name])
        check_outcome(folder, process, old, name)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT"])
def test_a_signal_the_moment_the_temporary_file_appears(folder, corpus, name):
    # The hostile test of the issue: without deferral this left the temporary file every time.
    _, old = corpus
    process = start_training(folder, hidden=1200, epochs=1)  # Waa alone is 11 MB to write
    while process.poll() is None and not any(f.startswith(".tmp") for f in os.listdir(folder)):
        time.sleep(0.0005)
    process.send_signal(STOPS[name])
    assert check_outcome(folder, process, old, name) in ("after", "finished")


def test_a_library_save_killed_by_sigterm_completes_the_write_first(tmp_path):
    # Without the command line SIGTERM keeps its default action, ending the process: it must
    # come after the rename, never between the temporary file and the rename.
    script = (
        "import os, signal, numpy as np, rnn_lib\n"
        "import rnn_lib.data.checkpoint as c\n"
        "savez = np.savez\n"
        "def savez_and_signal(*a, **k):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    savez(*a, **k)\n"
        "c.np.savez = savez_and_signal\n"
        "p = rnn_lib.initialize_parameters(3, 4, 4, 0)\n"
        "rnn_lib.save_checkpoint('m.npz', p, '\\nabc')\n"
        "print('returned')\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, timeout=60
    )
    assert result.returncode == -signal.SIGTERM
    assert result.stdout == b""  # it ended right after the write, before returning
    assert os.listdir(tmp_path) == ["m.npz"]
    assert load_checkpoint(tmp_path / "m.npz").chars == "\nabc"
