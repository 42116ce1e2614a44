"""Students read the notebooks in JupyterLab with jupyterlab-myst: no raw MyST may show there.

Each notebook is opened in JupyterLab (served on 127.0.0.1 from a temporary copy, windowing off
so that every cell renders) in headless Chromium, driven by Playwright (tests/chromium.py,
tests/jupyterlab_page.py). Every
Markdown cell must be rendered by jupyterlab-myst, show no MyST as text ({eq}, {cite}, :::{,
```{, $$, (label)= or a stray (eq-...) line), raise none of jupyterlab-myst's "Not Found"
warnings, turn each {eq} into a link and each label into an anchor, and draw one box per
exercise directive. Notebook 7 (/notebooks/...) is checked on the planted notebooks and on one
notebook of the series, which must fare exactly as in JupyterLab.

Without Chromium or Chrome on PATH (Debian: `apt-get install chromium`) the browser tests skip
and say so; CHROMIUM=PATH names the browser (an error if it does not start). Playwright never
downloads a browser here: it starts the system's (`executable_path`). The checks of the detector
itself always run.
"""

import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tests import chromium, jupyterlab_page

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
BROWSER, BROWSER_PROBLEM = chromium.browser_or_reason()
# No browser at all: skip, saying so. CHROMIUM naming a browser that does not start: fail.
needs_browser = pytest.mark.skipif(
    BROWSER is None and "CHROMIUM=" not in (BROWSER_PROBLEM or ""),
    reason=f"{BROWSER_PROBLEM}; the notebooks were NOT checked in JupyterLab",
)
WINDOW = {"width": 1280, "height": 1400}
KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}

# -- the detector, on snapshots made by hand (no browser needed) --------------------------------


def seen(text="", **overrides):
    """A snapshot of one rendered Markdown cell, as SNAPSHOT_JS returns it."""
    snapshot = {
        "markdown": True,
        "renderer": "myst",
        "text": text,
        "paragraphs": [text],
        "refs": [],
        "ids": [],
        "exercises": 0,
        "warnings": [],
    }
    return {**snapshot, **overrides}


def test_a_cleanly_rendered_cell_has_no_problem():
    source = (
        "$$\na = b\n$$ (eq-x)\n\nSee {eq}`eq-x`.\n\n:::{exercise} Do it\n:label: ex-x\nGo.\n:::"
    )
    rendered = seen("[math](1)See (1).Exercise 1 (Do it)Go.", refs=["eq-x"], ids=["eq-x", "ex-x"])
    rendered["exercises"] = 1
    assert jupyterlab_page.cell_problems(source, rendered) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("See {eq}`eq-01-state` above.", "a role"),
        ("as shown {cite:p}`bengio1994`", "a role"),
        ("the {numref} role", "a role name"),
        (":::{exercise} Title", "a colon-fence directive"),
        ("::{exercise} Title", "a colon-fence directive"),
        ("the {exercise} directive", "a directive name"),
        ("```{note} Hi", "a backtick directive"),
        ("$$ a = b $$", "a display-math delimiter"),
        ("(eq-01-state)= next", "a target label"),
        ("[math] (eq-01-state) and more", "an equation label"),
        ("nosuch - Unknown Directive", "an unknown directive or role"),
    ],
)
def test_raw_myst_in_the_rendered_text_is_a_problem(text, kind):
    problems = jupyterlab_page.cell_problems("", seen(text))
    assert any(f"raw MyST, {kind}" in p for p in problems), problems


def test_typeset_maths_that_looks_like_a_label_is_no_problem():
    # KaTeX output is replaced by [math] before the search; "tanh(z)=" must not count as (z)=
    assert jupyterlab_page.cell_problems("", seen("usually written [math] which overflows")) == []


def test_a_label_on_a_line_of_its_own_is_a_problem():
    problems = jupyterlab_page.cell_problems("", seen("x", paragraphs=["(eq-sep)"]))
    assert any("a label shown as its own line" in p for p in problems), problems


def test_jupyterlab_myst_warnings_are_problems():
    warning = "Cross Reference Not Found: eq-01-state"
    problems = jupyterlab_page.cell_problems("", seen("eq-01-state", warnings=[warning]))
    assert any(warning in p for p in problems), problems


def test_an_equation_reference_that_is_no_link_is_a_problem():
    source = "See {eq}`eq-a` and {eq}`eq-a` and {eq}`text <eq-b>`."
    problems = jupyterlab_page.cell_problems(
        source, seen("See (1) and (1) and (2).", refs=["eq-a"])
    )
    assert problems == [
        "{eq}`eq-a` is not rendered as a link to the equation",
        "{eq}`eq-b` is not rendered as a link to the equation",
    ]


def test_a_label_without_an_anchor_is_a_problem():
    source = "$$\na\n$$ (eq-a)\n\n:::{exercise}\n:label: ex-a\nGo\n:::"
    problems = jupyterlab_page.cell_problems(source, seen("[math]", ids=["ex-a"], exercises=1))
    assert problems == ["the label 'eq-a' gives no anchor (no number, no link target)"]


def test_a_missing_exercise_box_is_a_problem():
    source = ":::{exercise} One\nGo\n:::\n\n::::{exercise} Two\nGo\n::::"
    problems = jupyterlab_page.cell_problems(source, seen("Exercise 1 Go", exercises=1))
    assert problems == ["2 exercise directive(s) but 1 exercise box(es)"]


def test_plain_markdown_rendering_is_a_problem():
    problems = jupyterlab_page.cell_problems("Hello", seen("Hello", renderer="markdown"))
    assert problems == ["rendered by JupyterLab's plain Markdown renderer, not jupyterlab-myst"]


def test_an_unrendered_cell_is_a_problem():
    problems = jupyterlab_page.cell_problems("Hello", {"markdown": True, "renderer": None})
    assert problems == ["not rendered at all (still in edit mode, or no renderer ran)"]


# -- the browser: planted notebooks and the series ---------------------------------------------

GOOD = [
    "# Planted: MyST that renders in JupyterLab and in Jupyter Book",
    "One step:\n\n$$\na^{\\langle t\\rangle} = \\tanh(z)\n$$ (eq-good-state)\n\n"
    "$$ \\hat y = \\operatorname{softmax}(W a) $$ (eq-good-output)\n\n"
    "{eq}`eq-good-state` feeds {eq}`eq-good-output`.",
    ":::{exercise} Compute $a$\n:label: ex-good\n\nUse {eq}`eq-good-state`, then {eq}`eq-good-output`.\n:::",
    "```{math}\n:label: eq-good-aligned\n\\begin{aligned} x &= 1 \\\\ y &= 2 \\end{aligned}\n```\n\n"
    "Both hold, {eq}`eq-good-aligned`.",
]
BAD = {  # a cell each, and what the check must say about it
    "$$\na = b\n$$\n(eq-bad-own-line)\n\nSee {eq}`eq-bad-own-line`.": "a label shown as its own line",
    "Unrolling {eq}`eq-01-state` of notebook 01.": "Cross Reference Not Found: eq-01-state",
    "As shown by {cite:p}`bengio1994`.": "Citation Not Found: bengio1994",
    ":::{exersise} A typo\nBody.\n:::": "an unknown directive or role",
    "Maths KaTeX cannot typeset: $\\undefinedmacro{x}$.": "Undefined control sequence",
    "A box with too few colons:\n\n::{exercise} Short fence\nBody.\n::": "a colon-fence directive",
}


def write_notebook(path, markdown_cells):
    cells = [new_markdown_cell(source) for source in markdown_cells] + [new_code_cell("1 + 1")]
    nbformat.write(new_notebook(cells=cells, metadata=KERNEL), path)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A served folder: a copy of notebooks/*.ipynb and the planted notebooks in planted/."""
    root = tmp_path_factory.mktemp("site")
    (root / "notebooks").mkdir()
    for notebook in NOTEBOOKS:
        shutil.copy2(notebook, root / "notebooks" / notebook.name)
    (root / "planted").mkdir()
    write_notebook(root / "planted" / "good.ipynb", GOOD)
    write_notebook(root / "planted" / "bad.ipynb", ["# Planted: mistakes", *BAD])
    return root


@pytest.fixture(scope="module")
def server(site):
    if BROWSER is None:
        pytest.fail(BROWSER_PROBLEM or "no browser")
    with jupyterlab_page.JupyterServer(site) as running:
        yield running


@pytest.fixture(scope="module")
def page():
    if BROWSER is None:
        pytest.fail(BROWSER_PROBLEM or "no browser")
    with chromium.launched() as running:
        yield running.new_page(viewport=WINDOW)


def render(page, server, path, ui):
    try:
        return jupyterlab_page.read_rendered(page, server, path, ui, timeout=240)
    finally:
        server.shut_down_kernels()


@needs_browser
@pytest.mark.parametrize("ui", ["lab", "notebook"])
def test_correct_myst_renders_cleanly(page, server, site, ui):
    rendered = render(page, server, site / "planted" / "good.ipynb", ui)
    assert rendered.markdown_cells == len(GOOD)
    assert rendered.problems == {}, rendered.report()


@needs_browser
@pytest.mark.parametrize("ui", ["lab", "notebook"])
def test_raw_myst_is_caught(page, server, site, ui):
    rendered = render(page, server, site / "planted" / "bad.ipynb", ui)
    for index, expected in enumerate(BAD.values(), start=1):
        problems = rendered.problems.get(index, [])
        assert any(expected in p for p in problems), (
            f"cell {index}: expected a problem mentioning {expected!r}; got {problems}"
        )


@needs_browser
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_shows_no_raw_myst_in_jupyterlab(page, server, site, notebook):
    rendered = render(page, server, site / "notebooks" / notebook.name, "lab")
    assert rendered.problems == {}, "what a student sees in JupyterLab:\n" + rendered.report()


@needs_browser
def test_notebook_7_renders_like_jupyterlab(page, server, site):
    path = site / "notebooks" / NOTEBOOKS[-1].name
    in_lab, in_notebook = (render(page, server, path, ui) for ui in ("lab", "notebook"))
    assert in_notebook.markdown_cells == in_lab.markdown_cells
    assert in_notebook.problems == in_lab.problems, (
        f"Notebook 7 and JupyterLab differ:\n{in_notebook.report()}\n{in_lab.report()}"
    )
