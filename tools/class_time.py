"""Estimate the class time of each notebook by the method the book's intro states.

    python tools/class_time.py [notebooks/NN_topic.py ...]

Time = the words a student reads (the Markdown, and the code cells except the solutions and the
cells folded in the book, such as the code that draws a figure) at 100 words a minute, plus
5 minutes and 1 more per line of the reference solution for each core exercise, plus 3 minutes
per "predict, then run" question, plus the running time, rounded up to 5 minutes. The running
time is under 25 s a notebook (notebook 11, the longest, about 20 s here) and does not change
the result.
"""

import argparse
import math
import re
from pathlib import Path

import jupytext

WORDS_PER_MINUTE = 100
EXERCISE = re.compile(r"\{exercise\}\s*(.*?)\s*$", re.MULTILINE)
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.DOTALL)
QUESTION = re.compile(r"\{admonition\}\s*Predict, then run")


def minutes(path):
    """(reading, exercises, questions, total rounded up to 5) in minutes for one notebook."""
    cells = jupytext.read(path).cells
    words, exercise_minutes, questions, pending_core = 0, 0, 0, []
    for cell in cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "markdown":
            words += len(cell.source.split())
            questions += len(QUESTION.findall(cell.source))
            pending_core += [t.endswith(" · core") for t in EXERCISE.findall(cell.source)]
        elif "solution" in tags:
            solution = SOLUTION.search(cell.source)
            lines = [line for line in solution.group(1).splitlines() if line.strip()]
            if pending_core and pending_core.pop(0):
                exercise_minutes += 5 + len(lines)
            words += len(SOLUTION.sub("", cell.source).split())
        elif not {"hide-input", "remove-cell"} & set(tags):
            words += len(cell.source.split())
    reading = words / WORDS_PER_MINUTE
    total = reading + exercise_minutes + 3 * questions
    return reading, exercise_minutes, questions, 5 * math.ceil(total / 5)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    paths = parser.parse_args(argv).notebooks or sorted(Path("notebooks").glob("[0-9][0-9]_*.py"))
    for path in paths:
        reading, exercises, questions, total = minutes(path)
        print(
            f"{path.stem:24} reading {reading:5.1f} min, core exercises {exercises:3d} min, "
            f"{questions} questions: {total} min"
        )


if __name__ == "__main__":
    main()
