"""Leave nbgrader's hidden tests out of the book's check cells.

A check cell ends with the lines nbgrader grades but a student's copy never shows
(``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``). The student edition strips them
(tools/make_student.py, nbgrader's ClearHiddenTests); the book is read by students too, so
it shows the cell as they receive it: the visible check only.
"""

from docutils import nodes
from sphinx.application import Sphinx

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def without_hidden_tests(source: str) -> str:
    """The source with every BEGIN/END HIDDEN TESTS block, markers included, removed."""
    kept, hidden = [], False
    for line in source.splitlines():
        if line.strip() == BEGIN:
            hidden = True
        elif line.strip() == END:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept).rstrip("\n")


def strip_hidden_tests(app: Sphinx, doctree: nodes.document) -> None:
    """Rewrite the code of every notebook cell that holds hidden tests."""
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") != "cell_code_source":
            continue
        for block in cell.findall(nodes.literal_block):
            source = block.astext()
            if BEGIN in source:
                text = without_hidden_tests(source)
                block.children = [nodes.Text(text)]
                block.rawsource = text


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", strip_hidden_tests)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
