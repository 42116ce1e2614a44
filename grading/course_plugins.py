"""What nbgrader_config.py adds to nbgrader: readable feedback, and grades with core and stretch apart.

ReadableFeedback (a generate_feedback preprocessor): in every graded cell of the feedback, the
hidden tests' source is replaced by one comment, and an error shows as its one-line diagnosis
("CheckFailed: a_next is wrong: the bias ba is missing ...") instead of a traceback, which would
show the checks' internals and the hidden tests' lines.

CoreStretchExport (an export plugin, ``nbgrader export``): grades.csv with one row per student and
assignment, the core points and the stretch points (a bonus) in separate columns. Whether a graded
cell is core or stretch is read from the course's source notebooks: the ``:::{exercise}`` whose
``:label:`` is the cell's grade_id ends in " · core" or " · stretch" (or "(core)", "(stretch)").
"""

import csv
import re
from pathlib import Path

import nbformat
from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade
from traitlets import Unicode

HIDDEN = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS\n.*?^[ \t]*### END HIDDEN TESTS[ \t]*$", re.M | re.S
)
HIDDEN_NOTE = "# (hidden tests ran here; they are not shown)"
EXERCISE = re.compile(
    r"^:{3,}\{exercise\}.*(?:\s·\s|\()(?P<kind>core|stretch)\)?\s*\n:label:\s*(?P<label>\S+)", re.M
)
# IPython colours its tracebacks; the one-line diagnosis is shown without the escapes.
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class ReadableFeedback(NbGraderPreprocessor):
    """Graded cells in feedback: hidden tests hidden, errors as their message alone."""

    def preprocess_cell(self, cell, resources, index):
        """Rewrite one cell (graded code cells only)."""
        if cell.cell_type != "code" or not is_grade(cell):
            return cell, resources
        cell.source = HIDDEN.sub(HIDDEN_NOTE, cell.source)
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                message = ANSI.sub("", f"{output.ename}: {output.evalue}")
                output.traceback = [message]
        return cell, resources


def exercise_kinds(source_dir):
    """{grade_id: "core" or "stretch"} from every notebook of the course's source folder."""
    kinds = {}
    for path in sorted(Path(source_dir).glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                kinds.update((m["label"], m["kind"]) for m in EXERCISE.finditer(cell.source))
    return kinds


class CoreStretchExport(ExportPlugin):
    """grades.csv with the core and the stretch points of each submission in their own columns."""

    source = Unicode("source", help="the course's source folder, where the kinds are read").tag(
        config=True
    )

    COLUMNS = (
        "assignment",
        "student_id",
        "core_score",
        "core_max",
        "stretch_score",
        "stretch_max",
        "score",
        "max_score",
    )

    def export(self, gradebook):
        """Write one row per (assignment, student), 0 points for a missing submission."""
        kinds = exercise_kinds(self.source)
        destination = self.to or "grades.csv"
        self.log.info("Exporting core and stretch points to %s", destination)
        with open(destination, "w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, self.COLUMNS)
            writer.writeheader()
            for assignment in gradebook.assignments:
                if self.assignment and assignment.name not in self.assignment:
                    continue
                for student in gradebook.students:
                    if self.student and student.id not in self.student:
                        continue
                    writer.writerow(self._row(gradebook, assignment, student.id, kinds))

    def _row(self, gradebook, assignment, student_id, kinds):
        totals = {"core": [0.0, 0.0], "stretch": [0.0, 0.0]}
        try:
            submission = gradebook.find_submission(assignment.name, student_id)
            grades = [grade for notebook in submission.notebooks for grade in notebook.grades]
        except MissingEntry:
            grades = None
        cells = [cell for notebook in assignment.notebooks for cell in notebook.grade_cells]
        for cell in cells:
            kind = kinds.get(cell.name)
            if kind is None:
                raise ValueError(
                    f"grade cell {cell.name} of {assignment.name} is no exercise of {self.source}"
                )
            totals[kind][1] += cell.max_score
        for grade in grades or ():
            totals[kinds[grade.name]][0] += grade.score
        core, stretch = totals["core"], totals["stretch"]
        return {
            "assignment": assignment.name,
            "student_id": student_id,
            "core_score": core[0],
            "core_max": core[1],
            "stretch_score": stretch[0],
            "stretch_max": stretch[1],
            "score": core[0] + stretch[0],
            "max_score": core[1] + stretch[1],
        }
