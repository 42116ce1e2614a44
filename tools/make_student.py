"""Write the student edition of the notebooks: every exercise with its solution taken out.

Usage (from anywhere; the defaults are relative to the repository root):

    python tools/make_student.py [--out student] [--notebooks notebooks] [--core-solved]

For every ``notebooks/NN_topic.py`` (jupytext percent format) this writes ``student/NN_topic.py``
and ``student/NN_topic.ipynb``, a valid jupytext pair. The solutions are cleared by nbgrader's
own preprocessors, the ones ``nbgrader generate_assignment`` runs (``make assignments``), so the
student edition and nbgrader's release hold the same cells: ClearSolutions replaces each region

    ### BEGIN SOLUTION
    ...the solution...
    ### END SOLUTION

(markers included) by its code stub, at the indentation of the BEGIN marker,

    # YOUR CODE HERE
    raise NotImplementedError()

and ClearHiddenTests removes each ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` region
of the check cells. Everything outside the regions (the function signature, its docstring, a
final ``return``) stays. The ``.ipynb`` is built from the ``.py``, so it holds no outputs and no
execution counts: nothing a solution printed or drew can survive. The ``hide-input`` tag is
dropped so students see the cell; the ``solution`` tag and the nbgrader metadata stay.

What this tool adds to nbgrader: it refuses a malformed region with one line naming the file
and the line of the ``.py`` (BEGIN without END, a BEGIN inside a region, END without BEGIN, a
region running into the next cell, a marker with extra text on its line, a region in a cell that
is not an nbgrader solution cell, marker text in a markdown cell) and writes nothing; it writes
the ``.py`` half of each pair; it leaves a stamp so that a later run knows the folder is one it
may replace; and it writes the ``--core-solved`` edition, which nbgrader has no notion of.

``--core-solved`` writes the edition a student has after doing the core exercises only: the
solution cells of core exercises keep their solutions (markers included), those of stretch
exercises get the stub. A solution cell belongs to the last ``:::{exercise}`` directive above it,
whose title must end in " · core" or " · stretch"; a region with neither stops the run the same
way. The checks of stretch exercises skip an unsolved answer, so "Run All" goes through such an
edition to the end. The edition is written into a temporary folder beside the output folder,
which then replaces the output folder; a failed run leaves an existing student edition as it was.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import jupytext
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

REPO_ROOT = Path(__file__).resolve().parent.parent
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
NOTEBOOK_GLOB = "[0-9][0-9]_*.py"
# Left in every student edition, so a later run knows the folder is one it may replace.
STAMP = ".made-by-make_student"
CELL_HEADER = re.compile(r"^# %%(.*)$")
TEXT_CELL = re.compile(r"\[(markdown|md|raw)\]")
# An exercise directive in a markdown cell ("# :::{exercise} Title · core") and its kind.
EXERCISE = re.compile(r"^#\s?:{3,}\{exercise\}(.*)$")
EXERCISE_KIND = re.compile(r"\s·\s(core|stretch)$")
# The same directive in a notebook's markdown cell, and a cell header marking a solution cell.
NOTEBOOK_EXERCISE = re.compile(r"^:{3,}\{exercise\}(.*)$", re.MULTILINE)
SOLUTION_CELL = re.compile(r'nbgrader=\{[^}]*"solution": true')


class MalformedRegion(ValueError):
    """A solution region is not a well-formed BEGIN ... END pair; the message names file:line."""


def cell_lines(text):
    """Yield (line number, line, whether it opens a cell, whether it lies in a code cell)."""
    in_code_cell = True  # the lines before the first "# %%" form a code cell too
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        header = CELL_HEADER.match(line)
        if header:
            in_code_cell = not TEXT_CELL.search(header.group(1))
        yield number, line, header is not None, in_code_cell


def exercise_kind(exercise, begin, filename):
    """ "core" or "stretch", from the title of the exercise (line, title) above a region."""
    if exercise is None:
        raise MalformedRegion(
            f"{filename}:{begin}: the solution region has no :::{{exercise}} above it, so it is "
            "neither core nor stretch"
        )
    line, title = exercise
    kind = EXERCISE_KIND.search(title)
    if kind is None:
        raise MalformedRegion(
            f"{filename}:{line}: the exercise {title!r} ends in neither ' · core' nor ' · stretch'; "
            f"its solution region (line {begin}) must be one or the other"
        )
    return kind.group(1)


def region_kinds(text, filename):
    """{line of each BEGIN marker: "core" or "stretch"}, the kind of the exercise above it.

    A region belongs to the last ``:::{exercise}`` directive of a markdown cell before it, whose
    title ends in " · core" or " · stretch". Raises MalformedRegion, naming file:line, otherwise.
    """
    kinds, exercise = {}, None  # exercise: (line, title) of the last directive seen
    for number, line, _, in_code_cell in cell_lines(text):
        directive = None if in_code_cell else EXERCISE.match(line)
        if directive:
            exercise = (number, directive.group(1).strip())
        elif in_code_cell and line.strip() == BEGIN:
            kinds[number] = exercise_kind(exercise, number, filename)
    return kinds


def check_regions(text, filename):
    """Refuse a malformed solution region, naming file:line; return the number of regions.

    Besides well-formed BEGIN ... END pairs, nbgrader needs every region in a code cell marked
    as an nbgrader solution cell, and no marker text in a markdown cell (it would clear it).
    """
    regions, opened_at, solution_cell = 0, None, False
    for number, line, opens_cell, in_code_cell in cell_lines(text):
        if opens_cell:
            if opened_at is not None:
                raise MalformedRegion(
                    f"{filename}:{opened_at}: {BEGIN} runs into the next cell (line {number}) "
                    f"without its {END}"
                )
            solution_cell = bool(SOLUTION_CELL.search(line))
        marker = line.strip()
        if "BEGIN SOLUTION" not in marker and "END SOLUTION" not in marker:
            continue
        if not in_code_cell:
            raise MalformedRegion(
                f"{filename}:{number}: a markdown cell names a solution marker, which nbgrader "
                "would clear as a solution region; reword it"
            )
        if marker == BEGIN:
            if opened_at is not None:
                raise MalformedRegion(
                    f"{filename}:{number}: {BEGIN} inside the region opened on line {opened_at}; "
                    "regions cannot nest"
                )
            opened_at = number
        elif marker == END:
            if opened_at is None:
                raise MalformedRegion(f"{filename}:{number}: {END} without a {BEGIN} before it")
            if not solution_cell:
                raise MalformedRegion(
                    f"{filename}:{opened_at}: the solution region lies in a cell without nbgrader "
                    'solution metadata (nbgrader={..., "solution": true} in its # %% header)'
                )
            regions, opened_at = regions + 1, None
        else:
            raise MalformedRegion(
                f"{filename}:{number}: a solution marker must be alone on its line, exactly "
                f"{BEGIN!r} or {END!r}; got {marker!r}"
            )
    if opened_at is not None:
        raise MalformedRegion(f"{filename}:{opened_at}: {BEGIN} is never closed by {END}")
    return regions


def prepared_notebook(text):
    """The notebook of a .py source as students get it, solutions still in: stable cell ids,
    no hide-input tag (students must see the cells they fill in)."""
    notebook = jupytext.reads(text, fmt="py:percent")
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index}"  # instead of random ids, so two runs write the same files
        tags = cell.metadata.get("tags")
        if tags and "hide-input" in tags:
            tags.remove("hide-input")
            if not tags:
                del cell.metadata["tags"]
    return notebook


def solution_cells(notebook):
    """(index, kind) of every nbgrader solution cell: kind from the last exercise above it."""
    found, kind = [], None
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            for title in NOTEBOOK_EXERCISE.findall(cell.source):
                kind = (EXERCISE_KIND.search(title.strip()) or [None, None])[1]
        elif cell.metadata.get("nbgrader", {}).get("solution"):
            found.append((index, kind))
    return found


def student_notebook(text, filename, keep=()):
    """The student's notebook: nbgrader's ClearSolutions and ClearHiddenTests on the source.

    ``keep`` names kinds of exercise ("core", "stretch") whose solution cells stay as they are.
    Raises MalformedRegion on the first malformed region (or, with keep, unknown kind).
    """
    check_regions(text, filename)
    if keep:
        region_kinds(text, filename)
    notebook = prepared_notebook(text)
    resources = {"language": "python"}
    clear_solutions, clear_hidden = ClearSolutions(), ClearHiddenTests()
    for index, kind in solution_cells(notebook):
        if kind not in keep:
            clear_solutions.preprocess_cell(notebook.cells[index], resources, index)
    for index, cell in enumerate(notebook.cells):
        clear_hidden.preprocess_cell(cell, resources, index)
    return notebook


def write_edition(notebooks_dir, folder, keep=()):
    """Write the student pair of every NN_topic.py of ``notebooks_dir`` into ``folder``.

    ``keep`` names the kinds of exercise whose solutions stay (see student_notebook).

    Returns the names of the notebooks written. Raises MalformedRegion, possibly after writing
    some files: write into a fresh folder (make_student does).
    """
    sources = sorted(Path(notebooks_dir).glob(NOTEBOOK_GLOB))
    if not sources:
        raise ValueError(f"no {NOTEBOOK_GLOB} in {notebooks_dir}: nothing to write")
    for source in sources:
        shown = os.path.relpath(source)  # errors name notebooks/NN_topic.py when run from the root
        notebook = student_notebook(source.read_text(encoding="utf-8"), shown, keep)
        # The .ipynb first, then the .py: Jupyter warns when a .py is older than its .ipynb.
        for suffix, fmt in ((".ipynb", "ipynb"), (".py", "py:percent")):
            jupytext.write(notebook, Path(folder) / source.with_suffix(suffix).name, fmt=fmt)
    (Path(folder) / STAMP).write_text(
        "Written by tools/make_student.py; `make student` replaces this whole folder.\n",
        encoding="utf-8",
    )
    return [source.stem for source in sources]


def make_student(notebooks_dir, out_dir, keep=()):
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
        names = write_edition(notebooks_dir, fresh, keep)
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
    parser.add_argument(
        "--core-solved",
        action="store_true",
        help="keep the solutions of the core exercises, strip only the stretch ones: the "
        "notebooks a student has who did the core, which Run All takes to the end",
    )
    args = parser.parse_args(argv)
    keep = ("core",) if args.core_solved else ()
    try:
        names = make_student(args.notebooks, args.out, keep)
    except ValueError as error:
        print(f"make_student: {error}", file=sys.stderr)
        return 1
    noun = "notebook" if len(names) == 1 else "notebooks"
    edition = "core-solved edition" if keep else "student edition"
    print(f"Wrote the {edition} of {len(names)} {noun} to {args.out}: {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
