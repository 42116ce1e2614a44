"""Core and stretch exercises: an unsolved core exercise stops "Run All", a stretch one is skipped.

In the student edition every solution is `raise NotImplementedError()`. The check of a core
exercise lets that error through, so the notebook stops where the student has work to do; the
check of a stretch exercise says that it was skipped, and why, and the notebook goes on with the
library's version.
"""

import re
from pathlib import Path

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


# The notebooks' exercise titles say "(core)" or "(stretch)"; the checks must agree with them.

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.py"))
#: Notebooks whose exercise titles do not carry "(core)" / "(stretch)" yet (issue 11, item 4 is
#: being done for them on another branch); empty this set when that branch has landed.
UNMARKED = {"01_rnn_cell", "02_unrolling", "03_bptt", "04_clipping"}
EXERCISE = re.compile(r"^# :::\{exercise\} (?P<title>.*)$", re.MULTILINE)
CHECK_CALL = re.compile(r"\bchecks\.(check_\w+)\(")


def first_check(cells):
    """The name of the first check called in cells, or None."""
    for cell in cells:
        match = CHECK_CALL.search(cell)
        if match:
            return match.group(1)
    return None


def exercises(path):
    """(title, name of the check called after it) for every exercise of a notebook's .py."""
    cells = path.read_text(encoding="utf-8").split("\n# %%")
    return [
        (title, first_check(cells[i + 1 :]))
        for i, cell in enumerate(cells)
        for title in EXERCISE.findall(cell)
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_a_marked_exercise_has_a_check_of_its_kind(path):
    for title, check in exercises(path):
        if title.endswith(("(core)", "(stretch)")):
            kind = "stretch" if check in STRETCH else "core"
            assert title.endswith(f"({kind})"), (
                f"{path.name}: {title!r} is checked by {check}, {kind}"
            )


MARKED = [path for path in NOTEBOOKS if path.stem not in UNMARKED]


@pytest.mark.parametrize("path", MARKED, ids=[p.stem for p in MARKED])
def test_every_exercise_title_says_core_or_stretch(path):
    unmarked = [t for t, _ in exercises(path) if not t.endswith(("(core)", "(stretch)"))]
    assert not unmarked, f"{path.name}: exercise titles without (core) or (stretch): {unmarked}"
