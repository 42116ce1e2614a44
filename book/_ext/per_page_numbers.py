"""Number equations, exercises and figures from 1 on every page.

The notebooks number themselves in their titles ("01 · The RNN cell"), so the table of contents
is not numbered; Sphinx would then count equations across the whole book, and the first equation
of part 3 would be (23). This restarts every counter on each page: equation (2) is the second
equation of the page it appears on, Exercise 1 its first exercise.
"""

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def restart_numbers_per_page(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Renumber env.toc_fignumbers (filled by Sphinx's toctree collector) page by page."""
    for numbers_by_type in env.toc_fignumbers.values():
        for numbers in numbers_by_type.values():
            in_page_order = sorted(numbers, key=numbers.__getitem__)
            for position, node_id in enumerate(in_page_order, start=1):
                numbers[node_id] = (position,)
    return []


def setup(app: Sphinx) -> dict:
    # Sphinx assigns the book-wide numbers at the default priority (500); renumber after it.
    app.connect("env-get-updated", restart_numbers_per_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
