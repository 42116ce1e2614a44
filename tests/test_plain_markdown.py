"""The notebooks read well where MyST is not rendered: Colab, VS Code, GitHub's preview.

Those front ends render Markdown cells as CommonMark with tables and dollar maths, so MyST shows
as raw text. tools/plain_markdown.py renders the cells that way and names what reads badly then:

- a role other than {eq} (``{cite:p}`key``` is noise), and an {eq} role with no "equation"
  before it: "equation {eq}`eq-03-da`" reads, a bare "{eq}`eq-03-da` is the memory" does not;
- a directive's title and option lines run into its text ("... run: a question :class: tip With
  $k$ ..."): the option lines need a blank line after them;
- a labelled display equation with TeX on the line of its label (`$$ x $$ (eq-a)`, or
  `x $$ (eq-a)`): VS Code's KaTeX then shows a parse error in its place, or silently drops that
  line of TeX, and swallows the text below it.
"""

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

_spec = importlib.util.spec_from_file_location("plain_markdown", ROOT / "tools/plain_markdown.py")
plain_markdown = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(plain_markdown)
problems = plain_markdown.plain_text_problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_notebook_reads_well_without_myst(path):
    found = [
        f"cell {index}: {problem}"
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells)
        if cell.cell_type == "markdown"
        for problem in problems(cell.source)
    ]
    assert not found, f"{path.name} reads badly where MyST is not rendered:\n" + "\n".join(found)


# ---------------------------------------------------------------- the checker itself


@pytest.mark.parametrize(
    "text",
    [
        "Following equation {eq}`eq-01-state`, the state is new.",
        "Equation {eq}`eq-01-state` is the memory.",
        "equations {eq}`eq-01-a`, {eq}`eq-01-b` and {eq}`eq-01-c` hold.",
        "equations {eq}`eq-01-a` to {eq}`eq-01-b`",
        "equations {eq}`eq-01-a`–{eq}`eq-01-b`",
        "the Equation\n{eq}`eq-01-a` on the next line",
        ":::{exercise} Stable tanh · core\n:label: ex-01-tanh\n\nImplement it.\n:::",
        ":::{admonition} Predict, then run: a question\n:class: tip\n\nWhat happens?\n:::",
        ":::{admonition} Answer\n:class: dropdown\n\nIt explodes.\n:::",
        "$$\na = b\n$$ (eq-01-a)",
        "$$ a = b\n   + c\n$$ (eq-01-a)",
        "$$ a = b $$",
        "A sum:\n$$\na = b\n$$",
        "```\n$$ a $$ (eq-01-in-code)\n```",
        "Cost in dollars: $$5 and $$6.",
    ],
)
def test_text_that_reads_well_passes(text):
    assert problems(text) == []


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("{eq}`eq-01-state` is the memory.", "{eq}`eq-01-state` has no 'equation' before it"),
        ("Following {eq}`eq-01-state`, we go.", "has no 'equation' before it"),
        ("equation {eq}`eq-01-a` and then {eq}`eq-01-b`", "{eq}`eq-01-b` has no 'equation'"),
        ("see {cite:p}`elman1990`.", "the role {cite:p}`elman1990` shows as raw text"),
        ("the {doc}`notation` page", "the role {doc}`notation` shows as raw text"),
        (
            ":::{admonition} Predict, then run: a question\n:class: tip\nWhat happens?\n:::",
            "joins its options in one paragraph",
        ),
        (":::{admonition} Answer\nIt explodes.\n:::", "joins its title in one paragraph"),
        ("Some prose\n:::{note}\nA note.\n:::", "':::{note}' joins the prose before it"),
        ("$$ a = b $$ (eq-01-a)", "end a labelled equation with `$$ (label)` on a line"),
        ("$$ a = b\n   + c $$ (eq-01-a)", "'+ c $$ (eq-01-a)': end a labelled equation"),
    ],
)
def test_text_that_reads_badly_is_named(text, complaint):
    found = problems(text)
    assert len(found) == 1 and complaint in found[0], found


def test_a_list_of_roles_without_equation_is_named_role_by_role():
    found = problems("as in {eq}`eq-01-a` and {eq}`eq-01-b`, the state grows")
    assert [p.split(" has no")[0] for p in found] == ["{eq}`eq-01-a`", "{eq}`eq-01-b`"]


def test_the_page_shows_the_cells_as_such_a_front_end_does(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(
            "# 01 · Title\n\n$$\na < b\n$$ (eq-01-a)\n\n"
            ":::{exercise} Do it · core\n:label: ex-01-do\n\nThe task.\n:::"
        ),
        nbformat.v4.new_code_cell("x = 1 < 2"),
    ]
    path = tmp_path / "01_x.ipynb"
    nbformat.write(notebook, path)
    assert plain_markdown.main([str(path), "--html", str(tmp_path / "x.html")]) == 0
    page = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert "<h1>01 · Title</h1>" in page
    assert "\\[\na &lt; b\n\\] (eq-01-a)" in page  # the maths for MathJax, the label as text
    assert "<p>:::{exercise} Do it · core\n:label: ex-01-do</p>" in page  # raw, on its own
    assert '<div class="cell code">x = 1 &lt; 2</div>' in page
    assert "MathJax.js" not in page


def test_the_command_line_names_each_problem_and_fails(tmp_path, capsys):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("{eq}`eq-01-a` says it.")]
    nbformat.write(notebook, tmp_path / "01_x.ipynb")
    assert plain_markdown.main([str(tmp_path / "01_x.ipynb")]) == 1
    out = capsys.readouterr().out
    assert out.startswith("01_x.ipynb, cell 0: {eq}`eq-01-a` has no 'equation'")
    assert len(out.splitlines()) == 1
