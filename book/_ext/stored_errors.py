"""Warn about every notebook cell whose stored output is an error (a traceback).

The book renders stored outputs and never executes, so ``nb_execution_raise_on_error`` alone
cannot catch a notebook saved with a failing cell. This warning can: the strict build (-W) then
fails instead of publishing a page that shows a traceback.
"""

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def warn_on_stored_errors(app: Sphinx, doctree: nodes.document) -> None:
    for block in doctree.findall(nodes.literal_block):
        if "traceback" in block.get("classes", []):
            first_line = block.astext().strip().splitlines()[-1:] or ["(empty traceback)"]
            logger.warning("notebook has a stored error output: %s", first_line[0], location=block)


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", warn_on_stored_errors)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
