"""The grading workflow of grading/ run end to end, as a teacher would, on notebooks 01, 03 and 06.

For each notebook: tools/make_assignments.py writes the course's source folder and nbgrader
releases the assignment; submissions arrive as files (STUDENT__NN_topic.ipynb), collected by
``nbgrader zip_collect``; grading/autograde-sandboxed grades them (as another user when the tests
run as root); ``nbgrader generate_feedback`` and ``nbgrader export`` (grades.csv, core and stretch
apart) follow. The submissions:

(a) ``solved``: every solution cell as the teacher's notebook has it -- full points;
(b) ``untouched``: the release as it is -- 0 points, core and stretch;
(c) ``mistake-<label>``: the solution with one planted mistake in one exercise -- exactly that
    exercise's points lost, and its feedback names the mistake (and shows no traceback and no
    hidden test);
(d) ``reference``: every answer calls rnn_lib's own function, each by another route (its name,
    an alias bound earlier, getattr, a module path, a monkeypatch of the check) -- 0 points;
(e) ``edited``: the release with every check cell rewritten to pass -- nbgrader reports each
    changed cell (its checksum) and puts the original back: 0 points.

``make grading-check`` runs the same over every notebook (RNN_GRADING_NOTEBOOKS=all): (a), (b)
and (e) for each, (c) and (d) where EXERCISES plants mistakes and cheats (01, 03, 06).
"""

import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
COURSE_FILES = ("nbgrader_config.py", "course_plugins.py", "autograde-sandboxed", "sandbox-kernel")
SOLVED, UNTOUCHED, REFERENCE, EDITED = "solved", "untouched", "reference", "edited"
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"

# Per notebook and exercise (grade_id): the planted mistake, as (text of the solution, what
# replaces it, a word of the diagnosis the feedback must show), and a solution cell that calls
# the reference.
EXERCISES = {
    "01_rnn_cell": {
        "ex-01-softmax": (
            ("np.exp(z - np.max(z, axis=0, keepdims=True))", "np.exp(z)", "maximum"),
            "def stable_softmax(z):\n    return rnn_lib.softmax(z)\n",
        ),
        "ex-01-tanh": (
            ("np.sign(z) * (1.0 - decay)", "(1.0 - decay)", "sign"),
            "from rnn_lib.activations import tanh as library_tanh\n\n\n"
            "def stable_tanh(z):\n    return library_tanh(z)\n",
        ),
        "ex-01-cell-forward": (
            ("Wax @ xt + ba)", "Wax @ xt)", "bias ba is missing"),
            "def rnn_cell_forward(xt, a_prev, parameters):\n"
            '    return getattr(rnn_lib, "rnn_cell_" + "forward")(xt, a_prev, parameters)\n',
        ),
    },
    "03_bptt": {
        "ex-03-cell-backward": (
            ('"dWaa": dz @ a_prev.T', '"dWaa": dz @ a_next.T', "uses a_next"),
            "from rnn_lib import rnn_cell_backward as library_backward\n\n\n"
            "def rnn_cell_backward(y, da_next, cache, parameters):\n"
            "    return library_backward(y, da_next, cache, parameters)\n",
        ),
        "ex-03-rnn-backward": (
            ("for t in reversed(range(T_x)):", "for t in range(T_x):", "forwards"),
            "def rnn_backward(X, Y, parameters, caches):\n"
            "    return rnn_lib.cells.rnn.rnn_backward(X, Y, parameters, caches)\n",
        ),
        "ex-03-numerical-gradient": (
            ("(f_plus - f_minus) / (2 * eps)", "(f_plus - f_minus) / eps", "twice"),
            # The visible check replaced by one that passes anything: the hidden test is not.
            "checks.check_numerical_gradient = lambda answer: print('\\N{HEAVY CHECK MARK} ok')\n\n\n"
            "def numerical_gradient(f, array, eps=1e-6):\n"
            "    return rnn_lib.numerical_gradient(f, array, eps)\n",
        ),
    },
    "06_training": {
        "ex-06-loss-per-char": (
            ("n_chars = Y.sum()", "n_chars = Y.shape[1] * Y.shape[2]", "padded"),
            "def loss_per_char(y_hat, Y):\n    return rnn_lib.compute_loss(y_hat, Y) / Y.sum()\n",
        ),
        "ex-06-optimize": (
            ("a_last = a[:, :, -1]", "a_last = a[:, :, 0]", "FIRST"),
            "from rnn_lib.training import seed_recipe\n\n\n"
            "def optimize(X, Y, a_prev, parameters, learning_rate, clip_value=5.0):\n"
            "    return seed_recipe.optimize(X, Y, a_prev, parameters, learning_rate, clip_value)\n",
        ),
        "ex-06-adam": (
            ("np.sqrt(v_hat) + eps", "v_hat + eps", "square root"),
            "def adam_update(w, dw, m, v, n, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):\n"
            "    adam = rnn_lib.Adam(learning_rate, beta1, beta2, eps)\n"
            '    adam.step({"w": w}, {"dw": dw})\n'
            "    return w, m, v\n",
        ),
    },
}
# A later answer that uses an earlier one is given rnn_lib's instead (allowed there), so that
# the earlier mistake loses that exercise's points only: the cell's check feeds it huge scores.
ISOLATE = {"ex-01-softmax": {"ex-01-cell-forward": ("stable_softmax(", "rnn_lib.softmax(")}}

# RNN_GRADING_NOTEBOOKS: "all", or NN_topic names separated by commas; by default 01, 03 and 06.
CHOSEN = {
    "": sorted(EXERCISES),
    "all": sorted(p.stem for p in (REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.py")),
}.get(
    os.environ.get("RNN_GRADING_NOTEBOOKS", ""),
    os.environ.get("RNN_GRADING_NOTEBOOKS", "").split(","),
)


def sandbox_user_works():
    """Whether autograde-sandboxed can run the kernels as nobody here: as root, with a Python
    (and rnn_lib) that nobody may run."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("setpriv") is None:
        return False
    paths = os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])
    command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    command += ["env", f"PYTHONPATH={paths}", sys.executable, "-c", "import ipykernel, rnn_lib"]
    return subprocess.run(command, cwd="/", capture_output=True, check=False).returncode == 0


SANDBOX_USER_WORKS = sandbox_user_works()


def nbgrader(course, env, *args):
    """Run an nbgrader command in the course folder; return its log (stderr), failing on error."""
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result.stderr


def cells_by_id(notebook):
    return {
        c.metadata["nbgrader"]["grade_id"]: c for c in notebook.cells if "nbgrader" in c.metadata
    }


def exercise_ids(notebook):
    """grade_id of every graded check cell, in order."""
    return [
        grade_id
        for grade_id, cell in cells_by_id(notebook).items()
        if cell.metadata["nbgrader"].get("grade")
    ]


def submission(release, source, answers=None, checks=None):
    """The release with its solution cells (by check grade_id) and check cells rewritten.

    answers -- {check grade_id: source of its solution cell}; checks -- {grade_id: source}.
    """
    notebook = nbformat.from_dict(json.loads(json.dumps(release)))
    cells = cells_by_id(notebook)
    for grade_id, text in (answers or {}).items():
        cells[f"{grade_id}-answer"].source = text
    for grade_id, text in (checks or {}).items():
        cells[grade_id].source = text
    return notebook


def solved_answers(source, ids):
    cells = cells_by_id(source)
    return {grade_id: cells[f"{grade_id}-answer"].source for grade_id in ids}


def planted(source, grade_id, mistake):
    """The teacher's solution of one exercise with a mistake planted (the text must be there)."""
    old, new, _ = mistake
    text = cells_by_id(source)[f"{grade_id}-answer"].source
    assert old in text, f"{grade_id}: the solution no longer contains {old!r}; update the test"
    return text.replace(old, new)


# A submission that tries to leave the sandbox, in notebook 01's first solution cell: it prints
# what happened to each attempt (reading the solutions and the gradebook, 8 GB of memory).
SNOOPER = "snooper"
SNOOP = """
for attempt, path in (("solutions", "../../../source/01_rnn_cell/01_rnn_cell.ipynb"),
                      ("gradebook", "../../../gradebook.db")):
    try:
        open(path, "rb").close()
        print(attempt, "read")
    except OSError as error:
        print(attempt, type(error).__name__)
try:
    hog = bytearray(8 * 2**30)
    print("memory granted")
except MemoryError:
    print("memory MemoryError")
"""


def submissions_of(name, release, source):
    """{student: notebook} for one assignment: cases (a) to (e) as the module docstring says."""
    ids = exercise_ids(source)
    solved = solved_answers(source, ids)
    result = {
        SOLVED: submission(release, source, solved),
        UNTOUCHED: submission(release, source),
        EDITED: submission(
            release, source, checks={i: "print('\\N{HEAVY CHECK MARK} passed')" for i in ids}
        ),
    }
    for grade_id, (mistake, _) in EXERCISES.get(name, {}).items():
        answers = dict(solved, **{grade_id: planted(source, grade_id, mistake)})
        for later, (old, new) in ISOLATE.get(grade_id, {}).items():
            answers[later] = answers[later].replace(old, new)
        result[f"mistake-{grade_id}"] = submission(release, source, answers)
    if name == "01_rnn_cell":
        first = f"{ids[0]}-answer"
        result[SNOOPER] = submission(release, source, {ids[0]: solved[ids[0]] + SNOOP})
        assert first in cells_by_id(result[SNOOPER])
    if name in EXERCISES:
        cheats = {grade_id: cheat for grade_id, (_, cheat) in EXERCISES[name].items()}
        result[REFERENCE] = submission(release, source, cheats)
    return result


@pytest.fixture(scope="module")
def course():
    """A course folder in which every case has been graded: (folder, env, logs, seconds).

    The folder is made in the system's temporary folder, not pytest's (which only its owner may
    enter), so that the sandbox's user can reach the kernels' working folders.
    """
    folder = Path(tempfile.mkdtemp(prefix="rnn-grading-course-"))
    try:
        yield graded_course(folder)
    finally:
        shutil.rmtree(folder)


def graded_course(folder):
    """Release, collect, autograde, feed back and export every case in the course folder."""
    for name in COURSE_FILES:
        (folder / name).write_bytes((REPO_ROOT / "grading" / name).read_bytes())
        (folder / name).chmod((REPO_ROOT / "grading" / name).stat().st_mode)
    paths = [str(REPO_ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "OPENBLAS_NUM_THREADS": "1"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("MPLBACKEND", None)
    if not SANDBOX_USER_WORKS:
        env["SANDBOX_USER"] = ""  # grade as ourselves, with the limits only
    tools = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "make_assignments.py"), "--course", str(folder)]
        + list(CHOSEN),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tools.returncode == 0, tools.stderr
    logs, seconds = {}, {}
    for name in CHOSEN:
        release = nbformat.read(folder / "release" / name / f"{name}.ipynb", as_version=4)
        source = nbformat.read(folder / "source" / name / f"{name}.ipynb", as_version=4)
        archive = folder / "downloaded" / name / "archive"
        archive.mkdir(parents=True)
        students = submissions_of(name, release, source)
        for student, notebook in students.items():
            nbformat.write(notebook, archive / f"{student}__{name}.ipynb")
        nbgrader(folder, env, "zip_collect", name, "--force")
        start = time.perf_counter()
        result = subprocess.run(
            [str(folder / "autograde-sandboxed"), name],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds[name] = (time.perf_counter() - start) / len(students)
        assert result.returncode == 0, result.stderr[-3000:]
        logs[name] = result.stderr
        nbgrader(folder, env, "generate_feedback", name, "--force")
    nbgrader(folder, env, "export", "--to", str(folder / "grades.csv"))
    print("autograde seconds per submission:", {k: round(v, 1) for k, v in seconds.items()})
    return folder, env, logs, seconds


def cell_scores(folder, name, student):
    """{grade_id: (score, max score)} of one graded submission, from the sqlite gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(name, name, student)
        return {grade.name: (grade.score, grade.max_score) for grade in notebook.grades}


def feedback(folder, name, student):
    """The feedback page, its HTML entities decoded."""
    page = folder / "feedback" / student / name / f"{name}.html"
    return html.unescape(page.read_text(encoding="utf-8"))


def diagnosis(folder, name, student, grade_id):
    """The message of the error a graded cell raised in autograde ('' if none)."""
    path = folder / "autograded" / student / name / f"{name}.ipynb"
    cell = cells_by_id(nbformat.read(path, as_version=4))[grade_id]
    errors = [o for o in cell.outputs if o.output_type == "error"]
    return errors[0].evalue if errors else ""


def grades_csv(folder):
    with open(folder / "grades.csv", encoding="utf-8") as file:
        return {(row["assignment"], row["student_id"]): row for row in csv.DictReader(file)}


def kinds(folder, name):
    """{grade_id: "core" | "stretch"} read from the source's exercise titles (as the test sees them)."""
    source = nbformat.read(folder / "source" / name / f"{name}.ipynb", as_version=4)
    found = {}
    for cell in source.cells:
        for kind, label in re.findall(r"\s·\s(core|stretch)\s*\n:label:\s*(\S+)", cell.source):
            found[label] = kind
    return found


@pytest.mark.parametrize("name", CHOSEN)
def test_solved_gets_full_points_and_untouched_none(course, name):
    folder = course[0]
    solved, untouched = cell_scores(folder, name, SOLVED), cell_scores(folder, name, UNTOUCHED)
    assert solved and all(score == most > 0 for score, most in solved.values()), solved
    assert set(untouched) == set(solved)
    assert all(score == 0 for score, _ in untouched.values()), untouched
    rows = grades_csv(folder)
    solved_row, untouched_row = rows[(name, SOLVED)], rows[(name, UNTOUCHED)]
    kind = kinds(folder, name)
    core = sum(most for grade_id, (_, most) in solved.items() if kind[grade_id] == "core")
    stretch = sum(most for grade_id, (_, most) in solved.items() if kind[grade_id] == "stretch")
    assert float(solved_row["core_score"]) == float(solved_row["core_max"]) == core > 0
    assert float(solved_row["stretch_score"]) == float(solved_row["stretch_max"]) == stretch
    assert float(untouched_row["core_score"]) == float(untouched_row["stretch_score"]) == 0


@pytest.mark.parametrize(
    ("name", "grade_id"),
    [(name, grade_id) for name in CHOSEN for grade_id in EXERCISES.get(name, {})],
)
def test_a_planted_mistake_loses_exactly_its_points_and_is_named(course, name, grade_id):
    folder = course[0]
    student = f"mistake-{grade_id}"
    scores = cell_scores(folder, name, student)
    lost = {g: most - score for g, (score, most) in scores.items() if score != most}
    assert lost == {grade_id: scores[grade_id][1]}, f"{student}: {scores}"
    keyword = EXERCISES[name][grade_id][0][2]
    message = diagnosis(folder, name, student, grade_id)
    assert keyword in message, f"{student}: the check said {message!r}, not {keyword!r}"
    page = feedback(folder, name, student)
    assert message in page, f"the feedback of {student} does not show the diagnosis"
    assert "Traceback (most recent call last)" not in page and "hidden_test(" not in page


@pytest.mark.parametrize("name", [name for name in CHOSEN if name in EXERCISES])
def test_calling_the_reference_earns_nothing(course, name):
    folder = course[0]
    scores = cell_scores(folder, name, REFERENCE)
    assert all(score == 0 for score, _ in scores.values()), scores
    for grade_id in EXERCISES[name]:
        message = diagnosis(folder, name, REFERENCE, grade_id)
        assert "asks you to write" in message and "yourself" in message, f"{grade_id}: {message!r}"
        assert message in feedback(folder, name, REFERENCE)


@pytest.mark.parametrize("name", CHOSEN)
def test_an_edited_check_cell_is_detected_and_not_rewarded(course, name):
    folder, _, logs, _ = course
    scores = cell_scores(folder, name, EDITED)
    assert all(score == 0 for score, _ in scores.values()), scores
    for grade_id in scores:
        assert re.search(
            rf"Attribute 'checksum' for cell {re.escape(grade_id)} has changed", logs[name]
        ), f"autograde did not report the edited check cell {grade_id}"


def printed(folder, name, student, grade_id):
    path = folder / "autograded" / student / name / f"{name}.ipynb"
    cell = cells_by_id(nbformat.read(path, as_version=4))[grade_id]
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


@pytest.mark.skipif("01_rnn_cell" not in CHOSEN, reason="the snooper submits notebook 01")
def test_the_sandbox_limits_the_memory(course):
    folder = course[0]
    assert "memory MemoryError" in printed(folder, "01_rnn_cell", SNOOPER, "ex-01-softmax-answer")


@pytest.mark.skipif(
    not SANDBOX_USER_WORKS,
    reason="the kernels cannot run as another user here (not root, or nobody cannot run this "
    "Python): autograde-sandboxed graded as the current user, with its limits only",
)
def test_the_sandboxed_student_code_cannot_read_the_solutions_or_the_gradebook(course):
    text = printed(course[0], "01_rnn_cell", SNOOPER, "ex-01-softmax-answer")
    assert "solutions PermissionError" in text and "gradebook PermissionError" in text, text


@pytest.fixture(scope="module")
def student_edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("edition") / "student"
    command = [sys.executable, str(REPO_ROOT / "tools" / "make_student.py"), "--out", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("name", CHOSEN)
def test_the_release_is_the_student_edition(course, student_edition, name):
    """make student and nbgrader's release hold the same cells; neither shows a hidden test."""
    student = nbformat.read(student_edition / f"{name}.ipynb", as_version=4)
    release = nbformat.read(course[0] / "release" / name / f"{name}.ipynb", as_version=4)
    assert [(c.cell_type, c.source) for c in student.cells] == [
        (c.cell_type, c.source) for c in release.cells
    ]
    for notebook in (student, release):
        text = "".join(c.source for c in notebook.cells)
        assert "HIDDEN TESTS" not in text and "hidden_test(" not in text
        assert text.count("# YOUR CODE HERE") == len(exercise_ids(notebook)) > 0
