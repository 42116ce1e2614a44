"""The class times the book and the README state are the ones tools/class_time.py computes."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools import class_time  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
COMPUTED = {int(path.name[:2]): class_time.minutes(path)[3] for path in NOTEBOOKS}


def test_the_intro_states_the_computed_time_of_every_part():
    intro = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    section = intro.split("## Time per part", 1)[1]
    stated = {
        int(part): int(t)
        for part, t in re.findall(r"^\| (\d+) \|[^|]*\| (\d+) min \|$", section, re.M)
    }
    assert stated == COMPUTED


def test_the_readme_states_the_computed_time_of_every_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = {
        int(n): int(t) for n, t in re.findall(r"^\| (\d\d) · [^|]*\| (\d+) min \|", readme, re.M)
    }
    assert stated == COMPUTED


def test_the_estimate_counts_reading_exercises_and_questions(tmp_path):
    """A planted notebook: 1,000 words, one core exercise of 3 lines, one question: 22 -> 25."""
    planted = tmp_path / "01_planted.py"
    planted.write_text(
        "# %% [markdown]\n# " + "word " * 990 + "\n\n"
        "# %% [markdown]\n# :::{exercise} Do it · core\n# :::\n\n"
        '# %% tags=["solution"]\ndef f():\n    ### BEGIN SOLUTION\n    a = 1\n    b = 2\n'
        "    c = 3\n    ### END SOLUTION\n    return a\n\n"
        "# %% [markdown]\n# :::{admonition} Predict, then run: x\n# :class: tip\n#\n# Why?\n# :::\n",
        encoding="utf-8",
    )
    reading, exercises, questions, total = class_time.minutes(planted)
    assert exercises == 5 + 3 and questions == 1
    assert total == 5 * -(-(reading + exercises + 3) // 5)
