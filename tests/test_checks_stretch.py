"""Core and stretch exercises: an unsolved core exercise stops "Run All", a stretch one is skipped.

In the student edition every solution is `raise NotImplementedError()`. The check of a core
exercise lets that error through, so the notebook stops where the student has work to do; the
check of a stretch exercise says that it was skipped, and why, and the notebook goes on with the
library's version. tests/test_exercises.py checks that the notebooks' titles agree.
"""

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
    "check_best_first_names",
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
