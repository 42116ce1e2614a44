"""Fold every notebook code cell tagged ``solution`` behind a "Show solution" toggle.

Notebook authors tag solution cells ``solution`` and ``hide-input``; myst-nb folds ``hide-input``
cells behind a generic "Show code cell source" summary. This transform runs just before myst-nb's
own folding and makes the ``solution`` tag enough on its own: the cell is folded even if
``hide-input`` is missing, its summary reads "Show solution", and it gets the CSS class
``solution-cell``.
"""

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

SOLUTION_TAG = "solution"


class FoldSolutionCells(SphinxPostTransform):
    """Mark solution code cells so that myst-nb's HideInputCells folds them with our labels."""

    default_priority = 198  # myst_nb.sphinx_.HideInputCells runs at 199
    formats = ("html",)

    def run(self, **kwargs) -> None:
        for cell in self.document.findall(nodes.container):
            if cell.get("nb_element") != "cell_code":
                continue
            if SOLUTION_TAG not in cell.get("cell_metadata", {}).get("tags", []):
                continue
            if cell.get("hide_mode") in (None, "output"):
                cell["hide_mode"] = "input" if cell.get("hide_mode") is None else "input+output"
            cell["prompt_show"] = "Show solution"
            cell["prompt_hide"] = "Hide solution"
            cell["classes"].append("solution-cell")


def setup(app: Sphinx) -> dict:
    app.add_post_transform(FoldSolutionCells)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
