"""Show a notebook's text as a front end without MyST shows it (Colab, VS Code).

Usage:

    python tools/plain_markdown.py notebooks/03_bptt.ipynb [--html out.html] [--mathjax]

Such front ends render Markdown cells with a CommonMark renderer of their own, plus GitHub's
tables and dollar maths (typeset by their own MathJax or KaTeX); MyST's directives and roles are
not theirs, so they show as text: a `:::{exercise}` line, its `:label:` option, a `{eq}` role
before the label it cites. This module renders every Markdown cell that way (markdown-it-py's
"commonmark" preset, with tables and dollar maths switched on) and reads the rendered paragraphs
for what reads badly there (see ``plain_text_problems``). Without ``--html`` it prints one line a
problem and exits 1 if there is any; with ``--html`` it also writes the cells as one page to look
at in a browser (``--mathjax`` typesets the maths with the MathJax of jupyter-server-mathjax, as
those front ends would; without it, the maths stays TeX).
"""

import argparse
import html
import re
import sys
from pathlib import Path

import nbformat
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

# A MyST role in the text, as CommonMark leaves it: {name} followed by `content`.
ROLE = re.compile(r"\{(?P<name>[a-z][\w:-]*)\}`(?P<content>[^`]*)`")
# What may stand before an {eq} role so that "{eq}eq-03-da" still reads: "equation", or a list of
# such roles joined by commas, "and", "or", "to", a dash ("equations {eq}`a` and {eq}`b`").
EQUATION_WORD = re.compile(r"\b[Ee]quations?\s*$")
LIST_GAP = re.compile(r"\s*(,\s*(and|or)?|and|or|to|–|-)\s*")
DIRECTIVE = re.compile(r"^(:{3,})\{(?P<name>[\w-]+)\}(?P<argument>.*)$")
OPTION = re.compile(r"^:[\w-]+:( .*)?$")
# The closing line of a labelled display equation, and that line as VS Code can read it.
LABELLED_CLOSE = re.compile(r"\$\$\s*\([\w-]+\)$")
LABEL_LINE = re.compile(r"^\$\$\s*\([\w-]+\)$")


def typeset(content, options):
    """Maths as MathJax finds it in a page: \\( ... \\) inline, \\[ ... \\] displayed."""
    opening, closing = ("\\[", "\\]") if options.get("display_mode") else ("\\(", "\\)")
    return f"{opening}{html.escape(content)}{closing}"


def renderer():
    """CommonMark with GitHub's tables and dollar maths: what Colab and VS Code render."""
    markdown = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin, renderer=typeset)
    markdown.add_render_rule("math_block_label", labelled_block)
    return markdown


def labelled_block(self, tokens, index, options, env):
    """A display equation with a MyST label: the maths, then the label as text."""
    token = tokens[index]
    maths = typeset(token.content, {"display_mode": True})
    return f'<div class="math block">{maths} ({html.escape(token.info)})</div>\n'


def paragraphs(source):
    """The text of each paragraph CommonMark makes of a Markdown cell, its lines kept apart."""
    tokens = renderer().parse(source)
    found = []
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and tokens[index + 1].type == "inline":
            found.append(tokens[index + 1].content.splitlines())
    return found


def role_problems(text):
    """Roles that read badly as raw text: any role but {eq}, and an {eq} with no "equation"."""
    problems = []
    roles = list(ROLE.finditer(text))
    for index, role in enumerate(roles):
        if role["name"] != "eq":
            problems.append(f"the role {{{role['name']}}}`{role['content']}` shows as raw text")
            continue
        first = index  # in a list ("equations {eq}`a`, {eq}`b` and {eq}`c`"), the list's first
        while first > 0 and LIST_GAP.fullmatch(text[roles[first - 1].end() : roles[first].start()]):
            first -= 1
        before = text[: roles[first].start()]
        if not EQUATION_WORD.search(before):
            problems.append(
                f"{{eq}}`{role['content']}` has no 'equation' before it: write "
                f'"equation {{eq}}`{role["content"]}`" so that the raw text reads'
            )
    return problems


def paragraph_problems(lines):
    """A directive's lines mixed with prose in one paragraph (no blank line between them)."""
    problems = []
    opened = DIRECTIVE.match(lines[0])
    head = 1
    while opened and head < len(lines) and OPTION.match(lines[head]):
        head += 1
    if opened and head < len(lines):
        problems.append(
            f"the text after ':::{{{opened['name']}}}{opened['argument']}' joins its "
            f"{'options' if head > 1 else 'title'} in one paragraph ('... {lines[head][:40]}'): "
            "leave a blank line after the directive's option lines"
        )
    for number, line in enumerate(lines[1:], start=1):
        if DIRECTIVE.match(line) or (number >= head and OPTION.match(line)):
            problems.append(
                f"'{line[:40]}' joins the prose before it in one paragraph: "
                "leave a blank line before a directive"
            )
    return problems


def display_maths_problems(source):
    """Labelled display maths that VS Code's KaTeX cannot read: TeX on the label's line.

    VS Code ends a display equation at the first line after "$$" that holds "$$" again; from a
    line like `... $$ (eq-a)` it keeps no TeX, and `$$ x $$ (eq-a)` on one line is not even seen
    to end, so the equation swallows the text below it and fails. The form every front end reads
    puts the label's "$$" on a line of its own: `$$` (or TeX), the TeX, then `$$ (eq-a)`.
    """
    problems = []
    code_lines = set()
    for token in renderer().parse(source):
        if token.type in ("fence", "code_block") and token.map:
            code_lines.update(range(*token.map))
    for number, line in enumerate(source.splitlines()):
        text = line.strip()
        if number in code_lines or not LABELLED_CLOSE.search(text) or LABEL_LINE.match(text):
            continue
        problems.append(
            f"'{text[:50]}': end a labelled equation with `$$ (label)` on a line of its own, "
            "the TeX above it; VS Code's KaTeX loses the equation otherwise"
        )
    return problems


def plain_text_problems(source):
    """What reads badly in a Markdown cell rendered without MyST; one message a problem."""
    problems = display_maths_problems(source)
    for lines in paragraphs(source):
        problems += paragraph_problems(lines)
        problems += role_problems(" ".join(lines))
    return problems


PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font: 15px/1.5 sans-serif; max-width: 60em; margin: 1em auto; color: #222; }}
.cell {{ border-left: 3px solid #ddd; margin: 1em 0; padding: 0 1em; }}
.code {{ border-left-color: #8ab; background: #f7f9fa; font: 13px monospace; white-space: pre; }}
code {{ background: #f0f0f0; }} table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ccc; padding: 2px 6px; }}
</style>{mathjax}</head><body>
<p><i>{title}, as a front end without MyST renders it (CommonMark, tables, dollar maths)</i></p>
{cells}
</body></html>
"""
MATHJAX = """
<script src="{path}?config=TeX-AMS-MML_HTMLorMML-full"></script>"""


def page(notebook, title, mathjax=False):
    """One HTML page of a notebook's cells: Markdown rendered as above, code as plain text."""
    markdown, cells = renderer(), []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cells.append(f'<div class="cell">{markdown.render(cell.source)}</div>')
        elif cell.cell_type == "code":
            cells.append(f'<div class="cell code">{html.escape(cell.source)}</div>')
    script = ""
    if mathjax:
        import jupyter_server_mathjax  # the MathJax 2 that the book serves, no network needed

        path = Path(jupyter_server_mathjax.__file__).parent / "static" / "MathJax.js"
        script = MATHJAX.format(path=path.as_uri())
    return PAGE.format(title=html.escape(title), mathjax=script, cells="\n".join(cells))


def main(argv=None):
    """Command line: one line a problem (exit 1 if any); --html also writes the page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help=".ipynb files")
    parser.add_argument("--html", type=Path, help="write the (first) notebook's page here")
    parser.add_argument("--mathjax", action="store_true", help="typeset the maths in the page")
    args = parser.parse_args(argv)
    count = 0
    for path in args.notebooks:
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "markdown":
                for problem in plain_text_problems(cell.source):
                    print(f"{path.name}, cell {index}: {problem}")
                    count += 1
    if args.html:
        notebook = nbformat.read(args.notebooks[0], as_version=4)
        args.html.write_text(page(notebook, args.notebooks[0].stem, args.mathjax), encoding="utf-8")
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main())
