"""Write the student edition of the notebooks: every exercise with its solution taken out.

Usage (from anywhere; the defaults are relative to the repository root):

    python tools/make_student.py [--out student] [--notebooks notebooks]

For every ``notebooks/NN_topic.py`` (jupytext percent format) this writes ``student/NN_topic.py``
and ``student/NN_topic.ipynb``, a valid jupytext pair, in which each solution region

    ### BEGIN SOLUTION
    ...the solution...
    ### END SOLUTION

(markers included) becomes, at the indentation of its BEGIN marker,

    # YOUR CODE HERE
    raise NotImplementedError()

Everything outside the regions (the function signature, its docstring, a final ``return``) stays.
The ``.ipynb`` is built from the stripped ``.py``, so it holds no outputs and no execution counts:
nothing a solution printed or drew can survive. The ``hide-input`` tag is dropped so students see
the cell; the ``solution`` tag stays, to mark the cells they fill in.

Markers count only in code cells, alone on their line. A malformed region (BEGIN without END,
a BEGIN inside a region, END without BEGIN, a region running into the next cell, a marker with
extra text on its line) stops the run with one line naming the file and the line, and writes
nothing. The edition is written into a temporary folder beside the output folder, which then
replaces the output folder; a failed run leaves an existing student edition as it was.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import jupytext

REPO_ROOT = Path(__file__).resolve().parent.parent
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
NOTEBOOK_GLOB = "[0-9][0-9]_*.py"
# Left in every student edition, so a later run knows the folder is one it may replace.
STAMP = ".made-by-make_student"
CELL_HEADER = re.compile(r"^# %%(.*)$")
TEXT_CELL = re.compile(r"\[(markdown|md|raw)\]")


class MalformedRegion(ValueError):
    """A solution region is not a well-formed BEGIN ... END pair; the message names file:line."""


def strip_solutions(text, filename):
    """Replace each solution region of a percent-format notebook by the student's stub.

    Arguments:
        text -- the notebook's .py source
        filename -- how to name the file in error messages
    Returns (the stripped source, the number of regions replaced).
    Raises MalformedRegion on the first malformed region.
    """
    kept = []
    regions = 0
    opened_at = None  # line number of the BEGIN marker of the open region, if any
    indent = ""  # the indentation of that marker
    in_code_cell = True  # the lines before the first "# %%" form a code cell too
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        header = CELL_HEADER.match(line)
        if header:
            if opened_at is not None:
                raise MalformedRegion(
                    f"{filename}:{opened_at}: {BEGIN} runs into the next cell (line {number}) "
                    f"without its {END}"
                )
            in_code_cell = not TEXT_CELL.search(header.group(1))
        marker = line.strip()
        if not in_code_cell or ("BEGIN SOLUTION" not in marker and "END SOLUTION" not in marker):
            if opened_at is None:
                kept.append(line)
            continue
        if marker == BEGIN:
            if opened_at is not None:
                raise MalformedRegion(
                    f"{filename}:{number}: {BEGIN} inside the region opened on line {opened_at}; "
                    "regions cannot nest"
                )
            opened_at = number
            indent = line[: len(line) - len(line.lstrip())]
        elif marker == END:
            if opened_at is None:
                raise MalformedRegion(f"{filename}:{number}: {END} without a {BEGIN} before it")
            kept.extend(f"{indent}{stub_line}\n" for stub_line in STUB)
            regions += 1
            opened_at = None
        else:
            raise MalformedRegion(
                f"{filename}:{number}: a solution marker must be alone on its line, exactly "
                f"{BEGIN!r} or {END!r}; got {marker!r}"
            )
    if opened_at is not None:
        raise MalformedRegion(f"{filename}:{opened_at}: {BEGIN} is never closed by {END}")
    return "".join(kept), regions


def student_notebook(text, filename):
    """Parse the stripped source of a notebook into the student's notebook (no hide-input tag)."""
    stripped, _ = strip_solutions(text, filename)
    notebook = jupytext.reads(stripped, fmt="py:percent")
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index}"  # instead of random ids, so two runs write the same files
        tags = cell.metadata.get("tags")
        if tags and "hide-input" in tags:
            tags.remove("hide-input")
            if not tags:
                del cell.metadata["tags"]
    return notebook


def write_edition(notebooks_dir, folder):
    """Write the student pair of every NN_topic.py of ``notebooks_dir`` into ``folder``.

    Returns the names of the notebooks written. Raises MalformedRegion, possibly after writing
    some files: write into a fresh folder (make_student does).
    """
    sources = sorted(Path(notebooks_dir).glob(NOTEBOOK_GLOB))
    if not sources:
        raise ValueError(f"no {NOTEBOOK_GLOB} in {notebooks_dir}: nothing to write")
    for source in sources:
        shown = os.path.relpath(source)  # errors name notebooks/NN_topic.py when run from the root
        notebook = student_notebook(source.read_text(encoding="utf-8"), shown)
        # The .ipynb first, then the .py: Jupyter warns when a .py is older than its .ipynb.
        for suffix, fmt in ((".ipynb", "ipynb"), (".py", "py:percent")):
            jupytext.write(notebook, Path(folder) / source.with_suffix(suffix).name, fmt=fmt)
    (Path(folder) / STAMP).write_text(
        "Written by tools/make_student.py; `make student` replaces this whole folder.\n",
        encoding="utf-8",
    )
    return [source.stem for source in sources]


def make_student(notebooks_dir, out_dir):
    """Build the student edition in a temporary folder, then let it replace ``out_dir``.

    Returns the names of the notebooks written. Raises MalformedRegion, or ValueError when
    there is no notebook or ``out_dir`` exists but is not a student edition (which this would
    delete).
    """
    out_dir = Path(out_dir)
    foreign = out_dir.is_file() or (out_dir.is_dir() and any(out_dir.iterdir()))
    if foreign and not (out_dir / STAMP).exists():
        raise ValueError(
            f"{out_dir} exists and is not a student edition (no {STAMP} in it); "
            "choose another --out or remove it yourself"
        )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    workspace = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        fresh = workspace / "new"
        fresh.mkdir()
        names = write_edition(notebooks_dir, fresh)
        if out_dir.exists():
            out_dir.replace(workspace / "old")
        fresh.replace(out_dir)
    finally:
        shutil.rmtree(workspace)
    return names


def main(argv=None):
    """Command line: write the edition and say so in one line, or print one error line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "student", help="output folder")
    parser.add_argument(
        "--notebooks", type=Path, default=REPO_ROOT / "notebooks", help="folder of NN_topic.py"
    )
    args = parser.parse_args(argv)
    try:
        names = make_student(args.notebooks, args.out)
    except ValueError as error:
        print(f"make_student: {error}", file=sys.stderr)
        return 1
    noun = "notebook" if len(names) == 1 else "notebooks"
    print(f"Wrote the student edition of {len(names)} {noun} to {args.out}: {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
