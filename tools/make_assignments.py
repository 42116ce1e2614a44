"""Write nbgrader's source folder from the notebooks and release every assignment from it.

Usage (from anywhere; the defaults are relative to the repository root):

    python tools/make_assignments.py [--course grading] [--notebooks notebooks] [NN_topic ...]

Each ``notebooks/NN_topic.py`` becomes one assignment, ``NN_topic``, of the course folder
(``grading/``, where nbgrader_config.py lies): its notebook, built from the ``.py`` as
make_student builds the student edition (same cell ids, no hide-input tag), goes to
``source/NN_topic/NN_topic.ipynb``, and ``nbgrader generate_assignment`` then writes
``release/NN_topic/NN_topic.ipynb`` (solutions and hidden tests cleared, checksums computed) and
records the assignment in the gradebook.

The sources carry nbgrader metadata only on the exercises' solution and check cells (a header on
every cell would bloat the .py). Every other cell is marked here, in the source folder only, as a
read-only nbgrader cell (``locked: true``): nbgrader keeps its checksum, the student's JupyterLab
will not let it be edited, and autograde puts back its original should a student change it.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_student import NOTEBOOK_GLOB, check_regions, prepared_notebook  # noqa: E402

READ_ONLY = {"grade": False, "locked": True, "schema_version": 3, "solution": False}


def source_notebook(text, filename):
    """The notebook of the course's source folder: every cell not an exercise's, read-only."""
    check_regions(text, filename)
    notebook = prepared_notebook(text)
    for cell in notebook.cells:
        if "nbgrader" not in cell.metadata:
            cell.metadata["nbgrader"] = dict(READ_ONLY, grade_id=cell.id)
    return notebook


def generate(course, names, env=None):
    """Run nbgrader generate_assignment for each name in the course folder (--force)."""
    for name in names:
        result = subprocess.run(
            [sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force"],
            cwd=course,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n{result.stderr}")


def make_assignments(notebooks_dir, course, names=(), env=None):
    """Write source/NAME/NAME.ipynb for each notebook (all, or those named), then release them.

    Returns the assignments' names. Raises ValueError for a name with no notebook.
    """
    sources = {p.stem: p for p in sorted(Path(notebooks_dir).glob(NOTEBOOK_GLOB))}
    unknown = sorted(set(names) - set(sources))
    if unknown:
        raise ValueError(f"no notebook {', '.join(unknown)} in {notebooks_dir}")
    chosen = list(names) or list(sources)
    for name in chosen:
        notebook = source_notebook(
            sources[name].read_text(encoding="utf-8"), os.path.relpath(sources[name])
        )
        folder = Path(course) / "source" / name
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, folder / f"{name}.ipynb")
    (Path(course) / "exchange").mkdir(exist_ok=True)
    generate(course, chosen, env)
    return chosen


def main(argv=None):
    """Command line: write and release the assignments, or print one error line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="NN_topic of the notebooks (default: all)")
    parser.add_argument("--course", type=Path, default=REPO_ROOT / "grading")
    parser.add_argument("--notebooks", type=Path, default=REPO_ROOT / "notebooks")
    args = parser.parse_args(argv)
    try:
        names = make_assignments(args.notebooks, args.course, args.names)
    except (ValueError, RuntimeError) as error:
        print(f"make_assignments: {error}", file=sys.stderr)
        return 1
    print(f"Released {len(names)} assignments in {args.course}/release: {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
