"""The book meets WCAG 2.1 AA for every student, and so does a notebook's content in JupyterLab.

Audited as a university's accessibility office would: the built book served on 127.0.0.1,
axe-core (npm, pinned in tests/a11y/package-lock.json; `npm ci --prefix tests/a11y`) injected by
Playwright into the system's Chromium, rules wcag2a, wcag2aa, wcag21a and wcag21aa, over every
page, in the light and the dark theme and at a desktop and a 320 px wide viewport (WCAG 1.4.10,
reflow). The checks:

- no axe violation on any page, in any of the three set-ups (none is disabled or excused: a
  violation that came from a dependency would be listed in DEPENDENCY_VIOLATIONS with the reason
  we cannot change it, and counted);
- no page scrolls sideways (the document is no wider than the viewport);
- maths reaches screen readers: every typeset formula has MathJax's assistive MathML copy;
- every figure's <img alt> is the description stored in its notebook cell (mystnb.image.alt;
  tests/test_cell_metadata.py keeps those descriptions real);
- the keyboard alone reaches every header button and a solution toggle, each shows a focus
  ring, and Enter and Space open and close the solution;
- in JupyterLab, the notebook's own content area has no axe violation; what JupyterLab's own
  chrome has is listed in JUPYTERLAB_CHROME and asserted exactly, so a change shows.

Without Chromium the tests skip, saying so; CHROMIUM=PATH that does not start is a failure.
The book is the session's build (tests/conftest.py; RNN_BOOK_HTML names an earlier build).
"""

import functools
from pathlib import Path

import nbformat
import pytest

from tests import chromium, jupyterlab_page
from tests.test_book import NOTEBOOKS, parse, toc_files

ROOT = Path(__file__).resolve().parents[1]
BROWSER, BROWSER_PROBLEM = chromium.browser_or_reason()
pytestmark = pytest.mark.skipif(
    BROWSER is None and "CHROMIUM=" not in (BROWSER_PROBLEM or ""),
    reason=f"{BROWSER_PROBLEM}; accessibility was NOT checked",
)
# Every page of the book: the table of contents, and the two pages Sphinx adds.
PAGES = [*toc_files(), "genindex", "search"]
SET_UPS = {  # name: (prefers-color-scheme, viewport); the theme follows the system by default
    "light": ("light", {"width": 1280, "height": 900}),
    "dark": ("dark", {"width": 1280, "height": 900}),
    "320px": ("light", {"width": 320, "height": 640}),
}
# Violations that come from a dependency we cannot change, by (rule, page): none at present.
# The audit before this file found 127 (light), 92 (dark) and 95 (320 px) violating elements;
# each had a cause in our configuration, templates, CSS or extensions (book/_ext,
# book/_templates, book/_static/book.css), and each was fixed there.
DEPENDENCY_VIOLATIONS = {}
MATHJAX_DONE = (
    "() => !window.MathJax || (window.MathJax.Hub && window.MathJax.isReady"
    " && window.MathJax.Hub.queue.pending === 0)"
)
# What one visit records; computed in the page after MathJax has typeset everything.
PAGE_FACTS_JS = """() => ({
  theme: document.documentElement.dataset.theme,
  scrollWidth: document.documentElement.scrollWidth,
  viewportWidth: window.innerWidth,
  formulas: document.querySelectorAll('.MathJax').length,
  assistive: document.querySelectorAll('.MJX_Assistive_MathML > math').length,
})"""


@pytest.fixture(scope="module")
def browser():
    if BROWSER is None:
        pytest.fail(BROWSER_PROBLEM)
    with chromium.launched() as running:
        yield running


@pytest.fixture(scope="module")
def book_url(html_dir):
    with chromium.served(html_dir) as url:
        yield url


@pytest.fixture(scope="module")
def visit(browser, book_url):
    """visit(set_up, page) -> the page's facts and axe violations, each page visited once."""
    pages = {}

    @functools.cache
    def visit(set_up, name):
        if set_up not in pages:
            scheme, viewport = SET_UPS[set_up]
            context = browser.new_context(color_scheme=scheme, viewport=viewport)
            pages[set_up] = context.new_page()
        page = pages[set_up]
        page.goto(f"{book_url}/{name}.html")
        page.wait_for_function(MATHJAX_DONE, timeout=60_000)
        return {**page.evaluate(PAGE_FACTS_JS), "violations": chromium.axe_violations(page)}

    yield visit
    for page in pages.values():
        page.context.close()


def report(violations):
    return "\n".join(
        f"{v['rule']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["targets"])
        for v in violations
    )


def test_every_built_page_is_audited(html_dir):
    built = {
        p.relative_to(html_dir).with_suffix("").as_posix()
        for p in html_dir.rglob("*.html")
        if "_static" not in p.parts and p.name != "index.html"  # index.html only redirects
    }
    assert built == set(PAGES)


@pytest.mark.parametrize("set_up", SET_UPS)
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_wcag_violation(visit, set_up, name):
    facts = visit(set_up, name)
    assert facts["theme"] == SET_UPS[set_up][0], "the page did not switch to the asked theme"
    unexcused = [v for v in facts["violations"] if (v["rule"], name) not in DEPENDENCY_VIOLATIONS]
    assert unexcused == [], f"{name} ({set_up}):\n{report(unexcused)}"


@pytest.mark.parametrize("set_up", SET_UPS)
@pytest.mark.parametrize("name", PAGES)
def test_page_does_not_scroll_sideways(visit, set_up, name):
    facts = visit(set_up, name)
    assert facts["scrollWidth"] <= facts["viewportWidth"], (
        f"{name} ({set_up}) is {facts['scrollWidth']} px wide in a "
        f"{facts['viewportWidth']} px viewport: a reader must scroll sideways"
    )


@pytest.mark.parametrize("name", NOTEBOOKS + ["book/notation"])
def test_every_formula_carries_mathml_for_screen_readers(visit, name):
    facts = visit("light", name)
    assert facts["formulas"] > 0, f"{name}: no typeset maths found"
    assert facts["assistive"] == facts["formulas"], (
        f"{name}: {facts['assistive']} of {facts['formulas']} formulas have assistive MathML"
    )


def figure_alts(notebook):
    """The alt text of each image a notebook's stored outputs show, in page order."""
    cells = nbformat.read(ROOT / f"{notebook}.ipynb", as_version=4).cells
    alts = []
    for cell in cells:
        if cell.cell_type != "code":
            continue
        images = sum("image/png" in out.get("data", {}) for out in cell.get("outputs", []))
        alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
        alts += [alt] * images
    return alts


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_figure_in_the_book_carries_its_cells_description(html_dir, name):
    expected = figure_alts(name)
    shown = [
        attrs.get("alt")
        for tag, attrs in parse(html_dir / f"{name}.html")
        if tag == "img" and "_images/" in attrs.get("src", "")
    ]
    assert len(shown) == len(expected), f"{name}: {len(shown)} images, {len(expected)} figures"
    for index, (alt, wanted) in enumerate(zip(shown, expected, strict=True), start=1):
        assert wanted, f"{name} figure {index}: its cell has no mystnb.image.alt"
        assert alt == wanted, f"{name} figure {index}: the page's alt is {alt!r}"


# -- the keyboard ------------------------------------------------------------------------------

FOCUSED_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  return {
    tag: e.tagName.toLowerCase(),
    classes: e.className && e.className.baseVal === undefined ? e.className : '',
    text: (e.innerText || e.getAttribute('aria-label') || e.title || '').trim().slice(0, 40),
    header: !!e.closest('.bd-header-article'),
    solution: e.tagName === 'SUMMARY' && !!e.closest('.solution-cell'),
    exercise: !!e.closest('.exercise'),
    ring: e.matches(':focus-visible') && ((s.outlineStyle !== 'none'
      && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none'),
  };
}"""


def tab_until(page, wanted, limit=400):
    """Press Tab until wanted(focused facts) holds; return every element focused on the way."""
    walked = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        walked.append(focused)
        if focused and wanted(focused):
            return walked
    raise AssertionError(f"{limit} presses of Tab never reached it; last: {walked[-3:]}")


@pytest.fixture
def keyboard_page(browser, book_url):
    context = browser.new_context(viewport=SET_UPS["light"][1])
    page = context.new_page()
    page.goto(f"{book_url}/notebooks/01_rnn_cell.html")
    page.wait_for_function(MATHJAX_DONE, timeout=60_000)
    yield page
    context.close()


def test_the_keyboard_reaches_header_buttons_exercises_and_a_solution_with_a_focus_ring(
    keyboard_page,
):
    walked = tab_until(keyboard_page, lambda focused: focused["solution"])
    header = [f for f in walked if f and f["header"]]
    assert len(header) >= 3, f"Tab reached {len(header)} header buttons: {header}"
    assert any(f and f["exercise"] for f in walked), "Tab never entered an exercise box"
    without_ring = [f for f in walked if f and not f["ring"]]
    assert without_ring == [], f"focused without a visible focus ring: {without_ring}"


def test_enter_and_space_open_and_close_a_solution(keyboard_page):
    tab_until(keyboard_page, lambda focused: focused["solution"])
    is_open = "() => document.activeElement.closest('details').open"
    shown = "() => document.activeElement.closest('details').querySelector('.cell_input')"
    assert keyboard_page.evaluate(is_open) is False
    keyboard_page.keyboard.press("Enter")
    assert keyboard_page.evaluate(is_open) is True
    assert keyboard_page.evaluate(f"() => ({shown})().offsetHeight > 0"), "the code is not shown"
    keyboard_page.keyboard.press("Space")
    assert keyboard_page.evaluate(is_open) is False
    keyboard_page.keyboard.press("Space")
    assert keyboard_page.evaluate(is_open) is True


# -- JupyterLab --------------------------------------------------------------------------------

# The notebook's own content: its rendered Markdown and its cells' outputs. The code editors,
# the cell toolbars and the notebook's list structure are JupyterLab's widgets.
NOTEBOOK_CONTENT = [
    ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell .jp-InputArea > .myst",
    ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea",
]
# JupyterLab's image renderer (renderImage in @jupyterlab/rendermime, 4.x) sets an output
# image's src, width and height and nothing else: no output metadata reaches `alt`, so every
# figure is an image-alt violation there, one per figure, that only JupyterLab can fix. The
# reader in JupyterLab gets each figure's message from the text around it instead.
FIGURE_WITHOUT_ALT = "image-alt"
# What axe finds in JupyterLab 4's own interface (menus, side bars, the notebook's widgets),
# which this project does not write and cannot change, by rule: asserted exactly, so that a new
# one, or one that JupyterLab fixes, shows.
JUPYTERLAB_OWN = {  # found with JupyterLab 4.6.6
    "aria-allowed-attr": "toolbar buttons of the file browser (Upload Files, the file filter) "
    "and a .validate-button carry ARIA attributes their role does not allow",
    "aria-input-field-name": "each code cell's CodeMirror editor, .cm-content[role=textbox], "
    "has no accessible name",
    "aria-required-children": ".jp-WindowedPanel-viewport (role=list) holds cells that are not "
    "list items",
    "button-name": "the collapse button of a heading, button[data-heading-level], has no name",
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    site = tmp_path_factory.mktemp("lab")
    (site / "01_rnn_cell.ipynb").write_bytes((ROOT / "notebooks/01_rnn_cell.ipynb").read_bytes())
    with jupyterlab_page.JupyterServer(site) as server:
        yield server, site / "01_rnn_cell.ipynb"


def test_a_notebook_in_jupyterlab_has_no_violation_in_its_own_content(browser, lab):
    server, notebook = lab
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    try:
        jupyterlab_page.open_notebook(page, server, notebook, "lab", timeout=240)
        in_content = chromium.axe_violations(page, within=NOTEBOOK_CONTENT)
        everywhere = chromium.axe_violations(page)
    finally:
        server.shut_down_kernels()
        page.close()
    figures = len(figure_alts("notebooks/01_rnn_cell"))
    unexplained = [v for v in in_content if v["rule"] != FIGURE_WITHOUT_ALT]
    assert unexplained == [], f"in the notebook's content:\n{report(unexplained)}"
    images = [len(v["targets"]) for v in in_content if v["rule"] == FIGURE_WITHOUT_ALT]
    assert images == [figures], f"{figures} figures, image-alt on {images}"
    own = {v["rule"] for v in everywhere} - {FIGURE_WITHOUT_ALT}
    assert own == set(JUPYTERLAB_OWN), f"JupyterLab's own interface:\n{report(everywhere)}"
