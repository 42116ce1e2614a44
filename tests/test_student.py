"""Tests of tools/make_student.py, the generator of the student edition.

The edition must keep no line of any solution, stay a valid jupytext pair, refuse malformed
regions without touching an existing edition, and give notebooks that run from the top until the
first exercise, where NotImplementedError stops them. Each property is tested on a small fixture
notebook written here and on every real notebooks/NN_topic.py, so new notebooks are covered as
they land. The solution regions are read here independently of the generator's own parser.
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from jupytext.cli import jupytext as jupytext_cli
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRIPT = REPO_ROOT / "tools" / "make_student.py"
REAL_NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
STUB_RAISE = "raise NotImplementedError()"

_spec = importlib.util.spec_from_file_location("make_student", SCRIPT)
make_student = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_student)

HEADER = """\
# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---
"""

SETUP = """
# %% [markdown]
# # 01 · A fixture
#
# Prose may speak of solution regions, and of the stub that replaces them, without effect.

# %%
import numpy as np

import rnn_lib
from rnn_lib.teaching import checks
"""

# Exercise one: a whole function, checked by the library's real check.
CELL_EXERCISE = '''
# %% [markdown]
# :::{exercise} The cell
# :label: ex-01-fixture-cell
# :::

# %% nbgrader={"grade": false, "grade_id": "fixture-answer-1", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def rnn_cell_forward(xt, a_prev, parameters):
    """One step of the RNN cell, as in the fixture."""
    ### BEGIN SOLUTION
    pre_activation = parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"]
    a_next = np.tanh(pre_activation)
    y_hat_t = rnn_lib.softmax(parameters["Wya"] @ a_next + parameters["by"])
    cache = (a_next, a_prev, xt, y_hat_t)
    ### END SOLUTION
    return a_next, y_hat_t, cache


# %%
checks.check_rnn_cell_forward(rnn_cell_forward)
'''

# Exercise two: a region at top level, nested in a loop, checked by an assert.
LOOP_EXERCISE = """
# %% nbgrader={"grade": false, "grade_id": "fixture-answer-2", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
squares = 0
for k in range(4):
    ### BEGIN SOLUTION
    squares += k * k
    ### END SOLUTION

# %%
assert squares == 14, f"squares is {squares}; expected 0 + 1 + 4 + 9 = 14"
"""

FIXTURE = HEADER + SETUP + CELL_EXERCISE + LOOP_EXERCISE

# What the student sees in place of exercise one's solution cell.
CELL_STUB = '''def rnn_cell_forward(xt, a_prev, parameters):
    """One step of the RNN cell, as in the fixture."""
    # YOUR CODE HERE
    raise NotImplementedError()
    return a_next, y_hat_t, cache
'''


# ---------------------------------------------------------------- the test's own reading


def split_lines(source):
    """The stripped lines of a notebook's source: (inside the solution regions, outside them)."""
    inside, outside, in_region = set(), set(), False
    for line in source.splitlines():
        text = line.strip()
        if text in ("### BEGIN SOLUTION", "### END SOLUTION"):
            in_region = text == "### BEGIN SOLUTION"
        else:
            (inside if in_region else outside).add(text)
    return inside, outside


def secret_lines(source):
    """The solution lines to look for: non-blank, non-comment, and only inside the regions.

    A line the notebook also shows outside every region (a lone "}", or a loop header that a
    later cell repeats) is the author's to show, not the generator's to hide.
    """
    inside, outside = split_lines(source)
    return {line for line in inside - outside if line and not line.startswith("#")}


def region_count(source):
    return sum(line.strip() == "### BEGIN SOLUTION" for line in source.splitlines())


def json_strings(value):
    """Every string anywhere in a JSON document: sources, outputs, metadata."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)


def leaks(original, student_py, student_ipynb):
    """(file kind, line) for each secret line of ``original`` found in a student file."""
    secrets = secret_lines(original)
    assert secrets, "the notebook has no solution line of its own: a leak could not be seen"
    found = []
    ipynb_text = "\n".join(json_strings(json.loads(student_ipynb)))
    for kind, text in (("py", student_py), ("ipynb", ipynb_text)):
        present = {line.strip() for line in text.splitlines()}
        found += [(kind, line) for line in sorted(secrets & present)]
    return found


def run_student_notebook(path, monkeypatch):
    """Execute a notebook top to bottom, stopping at the first error; return the executed cells.

    The kernel's cwd is the notebook's folder and rnn_lib is imported from this repository.
    """
    paths = [str(REPO_ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError:
        pass  # the cell that raised holds the error output, looked at by the caller
    return notebook.cells


def assert_stops_at_first_exercise(path, monkeypatch):
    """The notebook raises NotImplementedError in its first core exercise (solution or check
    cell); every stretch exercise before it says, in its check cell, that it was skipped."""
    cells = run_student_notebook(path, monkeypatch)
    code = [i for i, cell in enumerate(cells) if cell.cell_type == "code"]
    stubs = [i for i in code if "# YOUR CODE HERE" in cells[i].source]
    errors = [
        (i, output)
        for i, cell in enumerate(cells)
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    assert errors, f"{path.name} ran to the end: its core exercises pass with no solution"
    where, error = errors[0]
    assert error.ename == "NotImplementedError", (
        f"{path.name}: cell {where} fails with {error.ename}: {error.evalue}, "
        "not NotImplementedError (does the check swallow it?)"
    )
    stopped_in = max((s for s in stubs if s <= where), default=None)
    assert stopped_in is not None and where <= next(i for i in code if i > stopped_in), (
        f"{path.name} fails in cell {where}, outside an exercise:\n{cells[where].source}"
    )
    for stub in (s for s in stubs if s < stopped_in):
        check = next(i for i in code if i > stub)
        printed = "".join(o.get("text", "") for o in cells[check].get("outputs", []))
        assert "skipped" in printed, (
            f"{path.name}: the exercise of cell {stub} neither stopped the notebook nor "
            f"said it was skipped; its check printed {printed!r}"
        )


# ---------------------------------------------------------------- the fixture notebook


def write_fixture(folder, text=FIXTURE, name="01_fixture.py"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def run_cli(notebooks, out):
    """Run the script as `make student` does, in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--notebooks", str(notebooks), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )


def run_main(notebooks, out, capsys):
    """Run the command line in this process (faster); return (exit status, stdout, stderr)."""
    status = make_student.main(["--notebooks", str(notebooks), "--out", str(out)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def fixture_edition(tmp_path_factory):
    """The student edition of the fixture notebook, written by the command line."""
    root = tmp_path_factory.mktemp("fixture")
    notebooks = write_fixture(root / "notebooks")
    result = run_cli(notebooks, root / "student")
    assert result.returncode == 0, result.stderr
    assert "01_fixture" in result.stdout
    return root / "student"


def test_fixture_edition_replaces_each_region_by_the_stub(fixture_edition):
    student_py = (fixture_edition / "01_fixture.py").read_text()
    assert CELL_STUB in student_py
    assert (
        "for k in range(4):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n" in student_py
    )
    assert student_py.count(STUB_RAISE) == region_count(FIXTURE) == 2
    assert "# Prose may speak of solution regions" in student_py  # prose is untouched


def test_fixture_edition_leaks_nothing(fixture_edition):
    student_py = (fixture_edition / "01_fixture.py").read_text()
    student_ipynb = (fixture_edition / "01_fixture.ipynb").read_text()
    assert len(secret_lines(FIXTURE)) == 5
    assert leaks(FIXTURE, student_py, student_ipynb) == []


def test_the_leak_finder_sees_a_line_left_behind(fixture_edition):
    """Plant the classic bug, keeping the line before END SOLUTION: the leak test goes red."""
    student_py = (fixture_edition / "01_fixture.py").read_text()
    student_ipynb = (fixture_edition / "01_fixture.ipynb").read_text()
    kept = "    cache = (a_next, a_prev, xt, y_hat_t)\n"
    buggy_py = student_py.replace("    return a_next, y_hat_t", kept + "    return a_next, y_hat_t")
    buggy_ipynb = student_ipynb.replace(
        '"    return a_next, y_hat_t', json.dumps(kept)[:-1] + '",\n    "    return a_next, y_hat_t'
    )
    assert leaks(FIXTURE, buggy_py, student_ipynb) == [("py", kept.strip())]
    assert leaks(FIXTURE, student_py, buggy_ipynb) == [("ipynb", kept.strip())]


def test_fixture_edition_is_a_clean_jupytext_pair(fixture_edition):
    from_py = jupytext.read(fixture_edition / "01_fixture.py")
    from_ipynb = nbformat.read(fixture_edition / "01_fixture.ipynb", as_version=4)
    assert [(c.cell_type, c.source) for c in from_py.cells] == [
        (c.cell_type, c.source) for c in from_ipynb.cells
    ]
    assert from_ipynb.metadata.jupytext.formats == "ipynb,py:percent"
    assert from_ipynb.metadata.kernelspec.name == "python3"
    for cell in from_ipynb.cells:
        assert "hide-input" not in cell.metadata.get("tags", [])
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    solution_tagged = [c for c in from_ipynb.cells if "solution" in c.metadata.get("tags", [])]
    assert len(solution_tagged) == 2
    # Jupyter complains about a pair whose .ipynb is newer than its .py.
    py_time = (fixture_edition / "01_fixture.py").stat().st_mtime
    assert (fixture_edition / "01_fixture.ipynb").stat().st_mtime <= py_time


def test_jupytext_sync_finds_the_pair_in_step(fixture_edition, tmp_path):
    copy = shutil.copytree(fixture_edition, tmp_path / "copy")
    before = {p.name: p.read_bytes() for p in copy.iterdir()}
    jupytext_cli(["--sync", str(copy / "01_fixture.ipynb")])
    assert {p.name: p.read_bytes() for p in copy.iterdir()} == before


def test_two_runs_write_the_same_files(fixture_edition, tmp_path):
    again = tmp_path / "again"
    make_student.make_student(fixture_edition.parent / "notebooks", again)
    for name in ("01_fixture.py", "01_fixture.ipynb"):
        assert (again / name).read_text() == (fixture_edition / name).read_text()


def test_the_fixture_solutions_pass_their_checks(tmp_path, monkeypatch):
    """The fixture itself is sound: with its solutions it runs to the end with no error."""
    source = write_fixture(tmp_path) / "01_fixture.py"
    path = tmp_path / "01_fixture.ipynb"
    nbformat.write(jupytext.read(source), path)
    cells = run_student_notebook(path, monkeypatch)
    errors = [o for c in cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    assert "rnn_cell_forward: a_next, y_hat_t and the cache match" in str(cells[4].outputs)


def test_the_fixture_edition_stops_at_its_first_exercise(fixture_edition, monkeypatch):
    assert_stops_at_first_exercise(fixture_edition / "01_fixture.ipynb", monkeypatch)


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        (
            HEADER + SETUP + "\n# %%\nboom = 1 / 0\n" + CELL_EXERCISE,
            "cell 2 fails with ZeroDivisionError",
        ),
        (
            HEADER
            + SETUP
            + CELL_EXERCISE.replace(
                "checks.check_rnn_cell_forward(rnn_cell_forward)", "rnn_cell_forward  # unchecked"
            ),
            "ran to the end",
        ),
        (
            HEADER
            + SETUP
            + CELL_EXERCISE.replace(
                "checks.check_rnn_cell_forward(rnn_cell_forward)",
                "try:\n    rnn_cell_forward(None, None, None)\nexcept Exception as error:\n"
                "    raise ValueError('wrong answer') from error",
            ),
            "fails with ValueError",
        ),
    ],
    ids=["earlier-cell-breaks", "exercise-passes-by-accident", "check-swallows-the-error"],
)
def test_the_stop_test_goes_red_on_a_broken_edition(text, complaint, tmp_path, monkeypatch):
    make_student.make_student(write_fixture(tmp_path / "notebooks", text), tmp_path / "student")
    with pytest.raises(AssertionError, match=complaint):
        assert_stops_at_first_exercise(tmp_path / "student" / "01_fixture.ipynb", monkeypatch)


# ---------------------------------------------------------------- malformed regions

BEGIN_LINE = FIXTURE.splitlines().index("    ### BEGIN SOLUTION") + 1
END_LINE = FIXTURE.splitlines().index("    ### END SOLUTION") + 1


@pytest.mark.parametrize(
    ("text", "line", "complaint"),
    [
        (FIXTURE.replace("    ### END SOLUTION\n", "", 1), BEGIN_LINE, "runs into the next cell"),
        (FIXTURE + "    ### BEGIN SOLUTION\n", len(FIXTURE.splitlines()) + 1, "is never closed"),
        (
            FIXTURE.replace("    a_next = np", "    ### BEGIN SOLUTION\n    a_next = np"),
            BEGIN_LINE + 2,
            "regions cannot nest",
        ),
        (FIXTURE.replace("    ### BEGIN SOLUTION\n", "", 1), END_LINE - 1, "without a ### BEGIN"),
        (
            FIXTURE.replace("    ### END SOLUTION", "    ### END SOLUTION here", 1),
            END_LINE,
            "alone on its line",
        ),
        (
            FIXTURE.replace("    ### BEGIN SOLUTION", "    ## BEGIN SOLUTION", 1),
            BEGIN_LINE,
            "alone on its line",
        ),
        (
            FIXTURE.replace('"solution": true} tags=["solution"', '"solution": false} tags=["s', 1),
            BEGIN_LINE,
            "without nbgrader solution metadata",
        ),
        (
            FIXTURE.replace("of solution regions,", "of `### BEGIN SOLUTION`,", 1),
            FIXTURE.splitlines().index(
                "# Prose may speak of solution regions, and of the stub that replaces them, "
                "without effect."
            )
            + 1,
            "a markdown cell names a solution marker",
        ),
    ],
    ids=[
        "begin-without-end",
        "unclosed-at-the-end",
        "nested",
        "end-without-begin",
        "end-with-text",
        "begin-misspelt",
        "no-solution-metadata",
        "marker-in-prose",
    ],
)
def test_malformed_regions_are_refused_and_nothing_is_written(
    text, line, complaint, tmp_path, capsys
):
    # An earlier edition, from another notebook: a half-written run would show beside it.
    earlier = write_fixture(tmp_path / "good", name="01_earlier.py")
    make_student.make_student(earlier, tmp_path / "student")
    before = {p.name: p.read_bytes() for p in (tmp_path / "student").iterdir()}
    bad = write_fixture(tmp_path / "bad")
    write_fixture(bad, text, name="02_broken.py")
    status, out, err = run_main(bad, tmp_path / "student", capsys)
    assert status == 1
    assert out == ""
    assert len(err.splitlines()) == 1
    assert f"02_broken.py:{line}: " in err and complaint in err
    assert {p.name: p.read_bytes() for p in (tmp_path / "student").iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "good", "student"]


def test_a_folder_it_did_not_write_is_never_replaced(tmp_path, capsys):
    notebooks = write_fixture(tmp_path / "notebooks")
    status, _, err = run_main(notebooks, notebooks, capsys)
    assert status == 1
    assert "is not a student edition" in err
    assert sorted(p.name for p in notebooks.iterdir()) == ["01_fixture.py"]


def test_no_notebooks_is_an_error_not_an_empty_edition(tmp_path, capsys):
    (tmp_path / "notebooks").mkdir()
    status, _, err = run_main(tmp_path / "notebooks", tmp_path / "student", capsys)
    assert status == 1 and "nothing to write" in err
    assert not (tmp_path / "student").exists()


# ---------------------------------------------------------------- the real notebooks

real_notebooks = pytest.mark.parametrize(
    "source",
    REAL_NOTEBOOKS
    or [pytest.param(None, marks=pytest.mark.skip(reason="notebooks/ holds no NN_topic.py yet"))],
    ids=lambda path: path.stem if path else "none",
)


@pytest.fixture(scope="module")
def real_edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "student"
    make_student.make_student(REPO_ROOT / "notebooks", out)
    return out


def test_every_notebook_has_its_text_pair():
    """A notebook without its .py would escape the generator and every test below."""
    notebooks = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))
    if not notebooks:
        pytest.skip("notebooks/ holds no notebook yet")
    for ipynb in notebooks:
        assert ipynb.with_suffix(".py") in REAL_NOTEBOOKS, f"{ipynb.name} has no NN_topic.py pair"


@real_notebooks
def test_real_edition_leaks_nothing(source, real_edition):
    original = source.read_text(encoding="utf-8")
    student_py = (real_edition / source.name).read_text(encoding="utf-8")
    student_ipynb = (real_edition / f"{source.stem}.ipynb").read_text(encoding="utf-8")
    regions = region_count(original)
    assert student_py.count(STUB_RAISE) - original.count(STUB_RAISE) == regions
    sources = "".join(c.source for c in nbformat.reads(student_ipynb, as_version=4).cells)
    assert sources.count(STUB_RAISE) - original.count(STUB_RAISE) == regions
    if regions == 0:
        pytest.skip(f"{source.name} has no exercise, so no solution to leak")
    assert leaks(original, student_py, student_ipynb) == []


@real_notebooks
def test_real_student_notebook_stops_at_its_first_exercise(source, real_edition, monkeypatch):
    if region_count(source.read_text(encoding="utf-8")) == 0:
        pytest.skip(f"{source.name} has no exercise")
    assert_stops_at_first_exercise(real_edition / f"{source.stem}.ipynb", monkeypatch)
