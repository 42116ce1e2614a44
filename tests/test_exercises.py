"""Core and stretch exercises are labelled the same way in the notebooks, the checks and the README.

- every ``:::{exercise}`` title ends in " · core" or " · stretch" (a marker, not parentheses: the
  book shows the title in parentheses already, "Exercise 2 (The cell · core)");
- the check cell after a stretch exercise calls a check decorated ``@stretch`` (which skips an
  unsolved answer), the one after a core exercise a check that is not (which stops "Run All");
- the README's "For teachers" table lists, per notebook, the same core and the same stretch
  exercises, by their titles as the notebooks write them, in the same order.
"""

import re
from pathlib import Path

import jupytext
import pytest

from rnn_lib.teaching import checks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
EXERCISE = re.compile(r"^:{3,}\{exercise\}\s*(.*?)\s*$", re.MULTILINE)
TITLE = re.compile(r"^(?P<title>.*?)\s·\s(?P<kind>core|stretch)$")
CHECK_CALL = re.compile(r"\bchecks\.(check_\w+)\(")
ROW = re.compile(
    r"^\|\s*(?P<number>\d\d) · [^|]*\|[^|]*\|(?P<core>[^|]*)\|(?P<stretch>[^|]*)\|\s*$"
)


def exercises(path):
    """[(title as written, check cell source or None)] of a notebook, in order."""
    found, pending = [], None
    for cell in jupytext.read(path).cells:
        if cell.cell_type == "markdown":
            for title in EXERCISE.findall(cell.source):
                if pending:
                    found.append((pending, None))
                pending = [title, False]  # the title, whether its solution cell was seen
        elif pending and "solution" in cell.metadata.get("tags", []):
            pending[1] = True
        elif pending and pending[1] and cell.cell_type == "code":
            found.append((pending[0], cell.source))
            pending = None
    if pending:
        found.append((pending[0], None))
    return found


def split_title(title):
    """(title without its kind, "core" | "stretch" | None)."""
    match = TITLE.match(title)
    return (match["title"], match["kind"]) if match else (title, None)


def teachers_table(readme_text):
    """{notebook number: (core titles, stretch titles)} from the README's "For teachers" table."""
    section = readme_text.split("\n## For teachers\n", 1)[-1].split("\n## ", 1)[0]
    table = {}
    for line in section.splitlines():
        row = ROW.match(line)
        if row:
            table[row["number"]] = tuple(
                [t.strip() for t in row[kind].split(";") if t.strip() not in ("", "–")]
                for kind in ("core", "stretch")
            )
    return table


def notebook_row(path):
    """(core titles, stretch titles) of a notebook, in its order."""
    kinds = [split_title(title) for title, _ in exercises(path)]
    return tuple([t for t, k in kinds if k == kind] for kind in ("core", "stretch"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_exercise_is_core_or_stretch(path):
    untagged = [title for title, _ in exercises(path) if split_title(title)[1] is None]
    assert not untagged, f"{path.name}: end these titles in ' · core' or ' · stretch': {untagged}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_exercise_is_checked_by_a_check_of_its_kind(path):
    for title, check_cell in exercises(path):
        kind = split_title(title)[1]
        calls = CHECK_CALL.findall(check_cell or "")
        assert len(calls) == 1, (
            f"{path.name}: the cell after the solution of {title!r} should call one check "
            f"of rnn_lib.teaching.checks; it calls {calls}"
        )
        check = getattr(checks, calls[0], None)
        assert check is not None, (
            f"{path.name}: {title!r} calls checks.{calls[0]}, which is unknown"
        )
        is_stretch = getattr(check, "is_stretch", False)
        assert is_stretch == (kind == "stretch"), (
            f"{path.name}: {title!r} is {kind} but checks.{calls[0]} is "
            f"{'decorated' if is_stretch else 'not decorated'} @stretch"
        )


def test_the_teachers_table_lists_the_exercises_of_every_notebook():
    table = teachers_table((ROOT / "README.md").read_text(encoding="utf-8"))
    for path in NOTEBOOKS:
        core, stretch = notebook_row(path)
        expected = f"| {'; '.join(core) or '–'} | {'; '.join(stretch) or '–'} |"
        assert table.get(path.name[:2]) == (core, stretch), (
            f"README.md, For teachers: the row of {path.stem} should end in {expected}"
        )
    assert sorted(table) == sorted(path.name[:2] for path in NOTEBOOKS), "rows without notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_no_cell_after_a_stretch_exercise_uses_the_students_function(path):
    """After a stretch exercise the notebook goes on with rnn_lib's version, never the answer."""
    cells = jupytext.read(path).cells
    for title, _ in exercises(path):
        if split_title(title)[1] != "stretch":
            continue
        solution = next(
            index
            for index, cell in enumerate(cells)
            if "solution" in cell.metadata.get("tags", []) and index > _title_cell(cells, title)
        )
        defined = re.findall(r"^def (\w+)\(", cells[solution].source, re.MULTILINE)
        uses = re.compile(rf"(?<![.\w])({'|'.join(map(re.escape, defined))})\b")
        users = [
            index
            for index, cell in enumerate(cells[solution + 2 :], start=solution + 2)
            if defined and cell.cell_type == "code" and uses.search(cell.source)
        ]
        assert not users, f"{path.name}: cells {users} use the answer to {title!r}, {defined}"


def _title_cell(cells, title):
    """The index of the markdown cell that opens the exercise titled title."""
    return next(
        i for i, cell in enumerate(cells) if title in cell.source and "{exercise}" in cell.source
    )


def test_the_series_starts_with_a_core_exercise():
    title, _ = exercises(NOTEBOOKS[0])[0]
    assert split_title(title)[1] == "core", f"the series' first exercise is {title!r}"


# ---------------------------------------------------------------- the readers themselves

README_SAMPLE = """
## For teachers

| notebook | time in class | core exercises | stretch exercises |
| --- | --- | --- | --- |
| 01 · The RNN cell | 50 min | A softmax; The cell | A tanh |
| 07 · Vanishing gradients | 45 min | The gradient norm at every step | – |

## The library

| 02 · not a teachers' row | 1 min | x | y |
"""


def test_the_table_reader_reads_titles_and_dashes_and_only_that_section():
    assert teachers_table(README_SAMPLE) == {
        "01": (["A softmax", "The cell"], ["A tanh"]),
        "07": (["The gradient norm at every step"], []),
    }


def test_the_exercise_reader_pairs_each_exercise_with_its_check(tmp_path):
    path = tmp_path / "01_x.py"
    path.write_text(
        "# %% [markdown]\n# :::{exercise} First · core\n# :label: ex-01-a\n# :::\n\n"
        '# %% tags=["solution"]\nx = 1\n\n# %%\nchecks.check_softmax(f)\n\n'
        "# %% [markdown]\n# ::::{exercise} Second · stretch\n# ::::\n\n"
        '# %% tags=["solution"]\ny = 2\n\n# %%\nprint(y)\n\n'
        "# %% [markdown]\n# :::{exercise} Third\n# :::\n",
        encoding="utf-8",
    )
    assert exercises(path) == [
        ("First · core", "checks.check_softmax(f)"),
        ("Second · stretch", "print(y)"),
        ("Third", None),
    ]
    assert notebook_row(path) == (["First"], ["Second"])
