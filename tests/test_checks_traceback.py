"""A failing check shows one clean message in a notebook: "CheckFailed: ...", no frames.

The cell's error output is what JupyterLab shows, what nbclient and nbval read and what nbgrader
puts in its feedback. IPython builds it from CheckFailed._render_traceback_ when the exception
defines it; without the hook it lists every frame of the checks (compare.py, nb01_rnn_cell.py).
An error raised by the student's own code inside a check keeps its traceback (the student needs
the line of their code), and a passing check prints its one line.
"""

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO_ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;]*m")

SET_UP = "import numpy as np\nfrom rnn_lib.teaching import checks"
WRONG_SOFTMAX = (
    "def stable_softmax(z):\n"
    "    e = np.exp(z - z.max(axis=1, keepdims=True))\n"
    "    return e / e.sum(axis=1, keepdims=True)\n"
    "\n"
    "checks.check_softmax(stable_softmax)"
)
BROKEN_SOFTMAX = "def broken(z):\n    return z[99]\n\nchecks.check_softmax(broken)"
RIGHT_SOFTMAX = (
    "def right(z):\n"
    "    e = np.exp(z - z.max(axis=0, keepdims=True))\n"
    "    return e / e.sum(axis=0, keepdims=True)\n"
    "\n"
    "checks.check_softmax(right)"
)


@pytest.fixture(scope="module")
def executed():
    """The error (or stream) output of each cell of a small notebook, run in a real kernel."""
    notebook = nbformat.v4.new_notebook()
    sources = (SET_UP, WRONG_SOFTMAX, BROKEN_SOFTMAX, RIGHT_SOFTMAX)
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    paths = [str(REPO_ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(paths)
    try:
        NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True).execute()
    finally:
        if saved is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = saved
    return [cell.outputs for cell in notebook.cells]


def error_of(outputs):
    (error,) = [output for output in outputs if output.output_type == "error"]
    return error


def test_a_failing_check_is_one_line_with_no_frames(executed):
    error = error_of(executed[1])
    lines = [ANSI.sub("", line) for line in "\n".join(error.traceback).splitlines()]
    assert error.ename == "CheckFailed"
    assert lines == [f"CheckFailed: {error.evalue}"]
    assert "normalise over axis 0" in error.evalue


def test_the_students_own_error_keeps_their_line_and_hides_the_checks(executed):
    text = ANSI.sub("", "\n".join(error_of(executed[2]).traceback))
    assert "IndexError" in text and "return z[99]" in text
    assert "compare.py" not in text and "nb01_rnn_cell.py" not in text


def test_a_passing_check_prints_its_line(executed):
    assert not [output for output in executed[3] if output.output_type == "error"]
    assert "\N{HEAVY CHECK MARK} softmax" in "".join(output.text for output in executed[3])
