"""Every notebook's cell metadata is complete: nbgrader's on each exercise, alt text on each figure.

The `.py` half of a pair is the one source of a cell's metadata (jupytext keeps it in the
`# %% key={...}` header and copies it into the `.ipynb`). The conventions:

- the code cell holding an exercise's `### BEGIN SOLUTION` region is an nbgrader solution cell,
  `grade_id` = the exercise's `:label:` + "-answer", unlocked, ungraded;
- the code cell right after it is the exercise's check: graded, locked, `grade_id` = the label,
  2 or 3 points for a core exercise, 1 for a stretch one (a bonus, reported apart);
- no other cell carries nbgrader metadata (the assignment generator locks the rest);
- every cell that draws a figure describes it in `mystnb.image.alt`: what it shows and its point,
  in words, not a file name or "figure 3".
"""

import json
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.py"))
EXERCISE = re.compile(r"^:{3,}\{exercise\}\s*(?P<title>.*?)\s*$", re.M)
LABEL = re.compile(r"^:label:\s*(?P<label>\S+)\s*$", re.M)
KIND = re.compile(r"\s·\s(core|stretch)$")
POINTS = {"core": (2, 3), "stretch": (1,)}
SOLUTION = {"grade": False, "locked": False, "schema_version": 3, "solution": True}
CHECK = {"grade": True, "locked": True, "schema_version": 3, "solution": False}
MIN_ALT_WORDS = 8
VACUOUS_ALT = re.compile(r"\.(png|svg|jpe?g)\b|^\s*(a |the )?(plot|figure|image|chart)\b", re.I)


def exercise_of(cell):
    """(label, kind) of the exercise a markdown cell opens, or None."""
    title = EXERCISE.search(cell.source)
    if cell.cell_type != "markdown" or not title:
        return None
    label, kind = LABEL.search(cell.source), KIND.search(title.group("title"))
    return (label.group("label") if label else None, kind.group(1) if kind else None)


def nbgrader_problems(cells, name):
    """Every way the cells' nbgrader metadata breaks the conventions above, as messages."""
    problems, exercise, expect_check, seen = [], None, None, {}
    for index, cell in enumerate(cells):
        where, meta = f"{name} cell {index}", cell.metadata.get("nbgrader")
        exercise = exercise_of(cell) or exercise
        if cell.cell_type != "code":
            if meta is not None:
                problems.append(f"{where}: a {cell.cell_type} cell carries nbgrader metadata")
            continue
        if expect_check is not None:
            label, kind = expect_check
            wanted = dict(CHECK, grade_id=label)
            got = {key: (meta or {}).get(key) for key in wanted}
            if got != wanted or (meta or {}).get("points") not in POINTS.get(kind, ()):
                problems.append(
                    f"{where}: the check of {label} ({kind}) needs nbgrader {wanted} with points "
                    f"in {POINTS.get(kind)}; got {meta}"
                )
            expect_check = None
        elif "### BEGIN SOLUTION" in cell.source:
            if exercise is None or None in exercise:
                problems.append(
                    f"{where}: a solution region with no labelled core or stretch exercise above it"
                )
                continue
            wanted = dict(SOLUTION, grade_id=f"{exercise[0]}-answer")
            if meta != wanted:
                problems.append(
                    f"{where}: the solution of {exercise[0]} needs nbgrader {wanted}; got {meta}"
                )
            expect_check = exercise
        elif meta is not None:
            problems.append(
                f"{where}: nbgrader metadata on a cell that is neither a solution nor its check"
            )
        if meta and meta.get("grade_id") in seen:
            problems.append(
                f"{where}: grade_id {meta['grade_id']} repeats {seen[meta['grade_id']]}"
            )
        elif meta:
            seen[meta["grade_id"]] = where
    if expect_check is not None:
        problems.append(f"{name}: the solution of {expect_check[0]} has no check cell after it")
    return problems


def alt_problems(cells, stored_cells, name):
    """Every figure (a stored image output) whose cell has no real description, as messages."""
    problems = []
    for index, (cell, stored) in enumerate(zip(cells, stored_cells, strict=True)):
        drawn = any("image/png" in out.get("data", {}) for out in stored.get("outputs", []))
        if not drawn:
            continue
        alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
        if len(alt.split()) < MIN_ALT_WORDS or VACUOUS_ALT.search(alt):
            problems.append(
                f"{name} cell {index}: the figure needs an alt text of at least "
                f"{MIN_ALT_WORDS} words saying what it shows; got {alt!r}"
            )
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_exercise_carries_nbgrader_metadata(path):
    assert nbgrader_problems(jupytext.read(path).cells, path.name) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_figure_is_described(path):
    stored = nbformat.read(path.with_suffix(".ipynb"), as_version=4).cells
    assert alt_problems(jupytext.read(path).cells, stored, path.name) == []


def test_grade_ids_are_unique_across_the_series():
    ids = [
        cell.metadata["nbgrader"]["grade_id"]
        for path in NOTEBOOKS
        for cell in jupytext.read(path).cells
        if "nbgrader" in cell.metadata
    ]
    assert ids and len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


FIXTURE = """\
# %% [markdown]
# :::{exercise} The cell · core
# :label: ex-01-fixture
# :::

# %% nbgrader={"grade": false, "grade_id": "ex-01-fixture-answer", "locked": false, "schema_version": 3, "solution": true}
def f(x):
    ### BEGIN SOLUTION
    return x
    ### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "ex-01-fixture", "locked": true, "points": 2, "schema_version": 3, "solution": false}
checks.check_f(f)
"""


def fixture_cells(text=FIXTURE):
    return jupytext.reads(text, fmt="py:percent").cells


def test_the_fixture_passes():
    assert nbgrader_problems(fixture_cells(), "fixture") == []


@pytest.mark.parametrize(
    "old, new, complaint",
    [
        ('"points": 2', '"points": 0', "points"),
        ('"locked": true, "points"', '"locked": false, "points"', "the check of ex-01-fixture"),
        ("· core", "· stretch", "points in (1,)"),
        ('"grade_id": "ex-01-fixture-answer"', '"grade_id": "ex-01-other-answer"', "solution of"),
        (
            '# %% nbgrader={"grade": true, "grade_id": "ex-01-fixture", "locked": true, "points": 2, "schema_version": 3, "solution": false}',
            "# %%",
            "check of",
        ),
        (":label: ex-01-fixture\n", "", "no labelled"),
    ],
)
def test_a_broken_convention_is_named(old, new, complaint):
    broken = FIXTURE.replace(old, new)
    assert broken != FIXTURE
    problems = nbgrader_problems(fixture_cells(broken), "fixture")
    assert any(complaint in p for p in problems), problems


def test_metadata_on_an_explanatory_cell_is_refused():
    meta = json.dumps(
        {"grade": False, "grade_id": "x", "locked": True, "schema_version": 3, "solution": False}
    )
    cells = fixture_cells(FIXTURE + f"\n# %% nbgrader={meta}\nprint(1)\n")
    assert any("neither a solution nor its check" in p for p in nbgrader_problems(cells, "f"))


@pytest.mark.parametrize(
    "alt, ok",
    [
        ("", False),
        ("figure 3", False),
        ("01_rnn_cell_12_0.png shows the loss over ten epochs of training", False),
        ("A plot of the loss over ten epochs of training on names", False),
        ("The training loss falls from 3.3 to 1.8 nats in ten epochs; Adam stays below SGD", True),
    ],
)
def test_alt_text_must_describe(alt, ok):
    cell = nbformat.v4.new_code_cell("plt.plot(x)", metadata={"mystnb": {"image": {"alt": alt}}})
    stored = nbformat.v4.new_code_cell("plt.plot(x)")
    stored.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBOR"})]
    assert (alt_problems([cell], [stored], "f") == []) is ok
