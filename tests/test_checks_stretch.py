"""Core and stretch exercises: an unsolved core exercise stops "Run All", a stretch one is skipped.

In the student edition every solution is `raise NotImplementedError()`. The check of a core
exercise lets that error through, so the notebook stops where the student has work to do; the
check of a stretch exercise says that it was skipped, and why, and the notebook goes on with the
library's version. The tests at the end read the notebooks: every exercise title says core or
stretch, its check agrees, and no cell after a stretch exercise uses the student's function.
"""

import re
from pathlib import Path

import jupytext
import pytest

from rnn_lib.teaching import checks

#: The stretch exercises of the series, as the README's "For teachers" table lists them.
STRETCH = {
    "check_tanh",
    "check_numerical_gradient",
    "check_clip_by_norm",
    "check_sample_indices",
    "check_truncation_gap",
    "check_adam_update",
    "check_bidirectional_output",
    "check_gru_cell_forward",
}
CHECKS = sorted(name for name in checks.__all__ if name.startswith("check_"))


def unsolved(*args, **kwargs):
    raise NotImplementedError()


def test_the_stretch_checks_are_the_stretch_exercises():
    marked = {name for name in CHECKS if getattr(getattr(checks, name), "is_stretch", False)}
    assert marked == STRETCH


@pytest.mark.parametrize("name", sorted(set(CHECKS) - STRETCH))
def test_an_unsolved_core_exercise_stops_the_notebook(name):
    with pytest.raises(NotImplementedError):
        getattr(checks, name)(unsolved)


@pytest.mark.parametrize("name", sorted(STRETCH))
def test_an_unsolved_stretch_exercise_is_skipped_and_says_why(name, capsys):
    assert getattr(checks, name)(unsolved) is None
    out = capsys.readouterr().out
    assert "skipped" in out and "stretch exercise" in out and "NotImplementedError" in out
    assert "goes on with rnn_lib." in out


@pytest.mark.parametrize("name", sorted(STRETCH))
def test_a_wrong_stretch_answer_still_fails(name):
    def wrong(*args, **kwargs):
        return 42.0

    with pytest.raises(checks.CheckFailed):
        getattr(checks, name)(wrong)


# The notebooks: each exercise says core or stretch in its title, its check agrees, and nothing
# after a stretch exercise uses the student's function.

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
#: Notebooks whose exercise titles are marked; 05 to 08 join this list once theirs are.
MARKED = [
    "01_rnn_cell",
    "02_unrolling",
    "03_bptt",
    "04_clipping",
    "09_streams_tbptt",
    "10_beyond_one_layer",
]
TITLE = re.compile(r"^:::\{exercise\}\s*(.+)$", re.M)
CHECK_CALL = re.compile(r"\bchecks\.(check_\w+)\((\w+)\)")


def exercises(name):
    """(title, function, check, index of the check cell, cells) for each exercise of a notebook."""
    cells = jupytext.read(NOTEBOOKS / f"{name}.py").cells
    found, title = [], None
    for index, cell in enumerate(cells):
        if cell.cell_type == "markdown" and TITLE.search(cell.source):
            title = TITLE.search(cell.source).group(1).strip()
        call = CHECK_CALL.search(cell.source) if cell.cell_type == "code" else None
        if call and title is not None:
            found.append((title, call.group(2), call.group(1), index, cells))
            title = None
    return found


@pytest.mark.parametrize("name", MARKED)
def test_every_exercise_title_says_core_or_stretch(name):
    titles = [title for title, *_ in exercises(name)]
    assert titles, f"{name} has no exercise with a check"
    unmarked = [t for t in titles if not t.endswith(("(core)", "(stretch)"))]
    assert not unmarked, f"{name}: titles without (core) or (stretch): {unmarked}"


@pytest.mark.parametrize("name", MARKED)
def test_the_title_and_the_check_agree_on_core_or_stretch(name):
    for title, _, check, *_ in exercises(name):
        marked_stretch = title.endswith("(stretch)")
        assert marked_stretch == (check in STRETCH), (
            f"{name}: '{title}' is checked by {check}, which is "
            f"{'a stretch' if check in STRETCH else 'a core'} check"
        )


@pytest.mark.parametrize("name", MARKED)
def test_no_cell_after_a_stretch_exercise_uses_the_students_function(name):
    for title, function, _, check_cell, cells in exercises(name):
        if not title.endswith("(stretch)"):
            continue
        use = re.compile(rf"(?<![.\w]){function}\b")  # rnn_lib.{function} is the library's
        users = [
            index
            for index, cell in enumerate(cells[check_cell + 1 :], start=check_cell + 1)
            if cell.cell_type == "code" and use.search(cell.source)
        ]
        assert not users, f"{name}: cells {users} use {function} of the stretch exercise '{title}'"


def test_the_series_starts_with_a_core_exercise():
    title, *_ = exercises(MARKED[0])[0]
    assert title.endswith("(core)"), f"the first exercise of the series is '{title}'"
