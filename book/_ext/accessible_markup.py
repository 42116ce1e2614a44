"""Repair two pieces of markup that dependencies write into every page's body, for screen readers.

- myst-nb folds a cell behind ``<summary aria-label="Toggle hidden content">`` around a visible
  "Show solution" / "Show code cell source": the label replaces the visible text, so a reader
  who says "click Show solution" (voice control) finds nothing (WCAG 2.5.3, axe's
  label-content-name-mismatch). Without the label the summary is named by the text it shows.
- docutils' citation list is ``<div role="list">`` whose entries carry ``role="doc-biblioentry"``,
  a role ARIA 1.2 deprecates and that is not a list item: a list with no items (axe's
  aria-required-children, critical, and aria-deprecated-role). The entries become list items.

The rewrite runs on the rendered body (``html-page-context``), so it applies to every page and
every builder that writes HTML pages, and it leaves the dependencies' own files untouched.
"""

from sphinx.application import Sphinx

REWRITES = (
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
    ('role="doc-biblioentry"', 'role="listitem"'),
)


def repair_body(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Apply REWRITES to the HTML of the page body before the template wraps it."""
    body = context.get("body")
    if not body:
        return
    for old, new in REWRITES:
        body = body.replace(old, new)
    context["body"] = body


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", repair_body)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
