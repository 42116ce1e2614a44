"""A student who did only the core exercises can "Run All" every notebook to the end.

`tools/make_student.py --core-solved` writes that student's edition: the core exercises keep their
solutions, the stretch ones get the stub. Every notebook of it must run to the end with no error,
each core check saying that it passed and each stretch check that it was skipped (so that the
notebook goes on with rnn_lib's version, never the student's unwritten function). The plain
edition's stop at the first core exercise is tested in test_student.py.

The exercises and their kinds are read here from the executed cells, independently of the tool.
"""

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from tests.test_student import CELL_EXERCISE, HEADER, SETUP, make_student, write_fixture

REPO_ROOT = Path(__file__).resolve().parent.parent
REAL_NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
EXERCISE = re.compile(r"^:{3,}\{exercise\}\s*(.*?)\s*$", re.MULTILINE)
KIND = re.compile(r"\s·\s(core|stretch)$")
PASSED = "\N{HEAVY CHECK MARK}"
SKIPPED = "skipped: this stretch exercise is not done yet"

CORE = CELL_EXERCISE.replace(":::{exercise} The cell\n", ":::{exercise} The cell · core\n")
assert CORE != CELL_EXERCISE, "the fixture's exercise title changed in test_student.py"

STRETCH = '''
# %% [markdown]
# :::{exercise} A stable tanh · stretch
# :label: ex-01-fixture-tanh
# :::

# %% nbgrader={"grade": false, "grade_id": "fixture-answer-tanh", "locked": false, "schema_version": 3, "solution": true} tags=["solution", "hide-input"]
def stable_tanh(z):
    """tanh without overflow."""
    ### BEGIN SOLUTION
    decay = np.exp(-2.0 * np.abs(z))
    result = np.sign(z) * (1.0 - decay) / (1.0 + decay)
    ### END SOLUTION
    return result


# %%
checks.check_tanh(stable_tanh)

# %%
print(f"tanh(1) = {rnn_lib.tanh(np.array(1.0)):.4f}")
'''

FIXTURE = HEADER + SETUP + STRETCH + CORE


def execute(paths):
    """Run each notebook to the end with nbclient (`jupyter execute`), two kernels at a time.

    Errors are kept in the outputs (--allow-errors) for the test to report; returns the executed
    notebooks. The kernels import rnn_lib from this repository, with one BLAS thread each.
    """
    paths_env = [str(REPO_ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths_env), "OPENBLAS_NUM_THREADS": "1"}
    env.pop("MPLBACKEND", None)
    command = [sys.executable, "-c", "from nbclient.cli import main; main()"]
    command += ["--inplace", "--allow-errors", "--timeout=300"]

    def run(path):
        result = subprocess.run([*command, str(path)], env=env, capture_output=True, text=True)
        assert result.returncode == 0, f"{path.name} could not be executed:\n{result.stderr}"
        return nbformat.read(path, as_version=4)

    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        return dict(zip(paths, pool.map(run, paths)))


def printed(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def exercise_checks(cells):
    """(title, kind, check cell) of every exercise: the first code cell after its solution cell."""
    found, pending, solution_seen = [], None, False
    for cell in cells:
        if cell.cell_type == "markdown":
            for title in EXERCISE.findall(cell.source):
                kind = KIND.search(title)
                pending, solution_seen = (title, kind and kind.group(1)), False
        elif pending and "solution" in cell.metadata.get("tags", []):
            solution_seen = True
        elif pending and solution_seen and cell.cell_type == "code":
            found.append((*pending, cell))
            pending = None
    return found


def assert_runs_to_the_end(name, cells):
    """No error anywhere; every core check passed, every stretch check said it was skipped."""
    errors = [
        (i, output)
        for i, cell in enumerate(cells)
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    if errors:
        where, error = errors[0]
        pytest.fail(
            f"{name}: Run All stops in cell {where} with {error.ename}: {error.evalue}\n"
            f"{cells[where].source}"
        )
    exercises = exercise_checks(cells)
    assert exercises, f"{name} has no exercise"
    for title, kind, check in exercises:
        text = printed(check)
        assert kind in ("core", "stretch"), f"{name}: {title!r} is neither core nor stretch"
        if kind == "core":
            assert PASSED in text and SKIPPED not in text, f"{name}: {title!r} printed {text!r}"
        else:
            assert SKIPPED in text, f"{name}: stretch {title!r} did not say skipped: {text!r}"


# ---------------------------------------------------------------- the tool, on a fixture


def build(folder, text, name="01_fixture.py"):
    notebooks = write_fixture(folder / "notebooks", text, name)
    make_student.make_student(notebooks, folder / "edition", keep=("core",))
    return folder / "edition"


def test_core_solutions_stay_and_stretch_ones_are_stubbed(tmp_path):
    source = (build(tmp_path, FIXTURE) / "01_fixture.py").read_text(encoding="utf-8")
    core = CORE[CORE.index("    ### BEGIN") : CORE.index("    return a_next")]
    assert core in source
    assert "    # YOUR CODE HERE\n    raise NotImplementedError()\n    return result" in source
    assert "decay = np.exp" not in source


def test_the_fixture_runs_to_the_end_and_its_stretch_check_says_skipped(tmp_path):
    path = build(tmp_path, FIXTURE) / "01_fixture.ipynb"
    cells = execute([path])[path].cells
    assert_runs_to_the_end(path.name, cells)
    assert [(title, kind) for title, kind, _ in exercise_checks(cells)] == [
        ("A stable tanh · stretch", "stretch"),
        ("The cell · core", "core"),
    ]


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        (
            FIXTURE.replace('print(f"tanh(1) = {rnn_lib.tanh(', 'print(f"tanh(1) = {stable_tanh('),
            "Run All stops in cell 5 with NotImplementedError",
        ),
        (FIXTURE.replace("checks.check_tanh(stable_tanh)", "stable_tanh"), "did not say skipped"),
    ],
    ids=["later-cell-uses-the-stretch-answer", "stretch-check-missing"],
)
def test_the_run_all_test_goes_red_on_a_broken_notebook(text, complaint, tmp_path):
    path = build(tmp_path, text) / "01_fixture.ipynb"
    with pytest.raises((AssertionError, pytest.fail.Exception), match=complaint):
        assert_runs_to_the_end(path.name, execute([path])[path].cells)


@pytest.mark.parametrize(
    ("text", "line", "complaint"),
    [
        (
            FIXTURE.replace("The cell · core", "The cell"),
            FIXTURE.splitlines().index("# :::{exercise} The cell · core") + 1,
            "the exercise 'The cell' ends in neither ' · core' nor ' · stretch'",
        ),
        (
            FIXTURE.replace("The cell · core", "The cell · Core"),
            FIXTURE.splitlines().index("# :::{exercise} The cell · core") + 1,
            "the exercise 'The cell · Core' ends in neither",
        ),
        (
            HEADER + SETUP + CORE[CORE.index("# %% nbgrader=") :],
            len((HEADER + SETUP).splitlines()) + 4,
            "has no :::{exercise} above it",
        ),
    ],
    ids=["no-kind", "kind-misspelt", "no-exercise"],
)
def test_a_region_of_unknown_kind_is_refused_in_one_line(text, line, complaint, tmp_path, capsys):
    notebooks = write_fixture(tmp_path / "notebooks", text)
    argv = ["--notebooks", str(notebooks), "--out", str(tmp_path / "out"), "--core-solved"]
    assert make_student.main(argv) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert f"01_fixture.py:{line}: " in err and complaint in err
    assert not (tmp_path / "out").exists()
    # The plain edition does not need the kinds: every region gets the stub.
    assert make_student.main(argv[:-1]) == 0


# ---------------------------------------------------------------- the real notebooks


@pytest.fixture(scope="module")
def core_solved_edition(tmp_path_factory):
    """The core-solved edition of every notebook, executed: {notebook name: cells}."""
    out = tmp_path_factory.mktemp("core-solved") / "edition"
    try:
        names = make_student.make_student(REPO_ROOT / "notebooks", out, keep=("core",))
    except make_student.MalformedRegion as error:
        pytest.fail(f"make_student --core-solved refuses the notebooks: {error}")
    executed = execute([out / f"{name}.ipynb" for name in names])
    return {path.stem: notebook.cells for path, notebook in executed.items()}


@pytest.mark.parametrize("source", REAL_NOTEBOOKS, ids=lambda path: path.stem)
def test_run_all_reaches_the_end_with_only_the_core_exercises_done(source, core_solved_edition):
    assert_runs_to_the_end(source.stem, core_solved_edition[source.stem])
