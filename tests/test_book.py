"""The book builds strictly and offline, and its pages read as a student would need them.

One session fixture (tests/conftest.py, shared with tests/test_a11y.py) builds the book once (about 5 s) into a temporary folder, with the network cut
when `unshare -n` is allowed (as root); set RNN_BOOK_HTML to the html folder of a build made earlier
in the same CI run to check that build instead. The checks read the HTML: every notebook of the
table of contents has its page, maths is marked up for the local MathJax, figures are there,
solutions are folded, nothing is fetched from another host, and the download link gives the
notebook.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
MATHJAX_SCRIPT = "_static/mathjax/MathJax.js"


def toc_files():
    """Every file of book/_toc.yml, in reading order, as repository paths without suffix."""
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text(encoding="utf8"))
    files = [toc["root"]]
    for part in toc["parts"]:
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


NOTEBOOKS = [name for name in toc_files() if name.startswith("notebooks/")]


class PageParser(HTMLParser):
    """Collects the tags and attributes of one page that the checks look at."""

    def __init__(self):
        super().__init__()
        self.tags = []  # (tag, attrs dict) in document order

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(page):
    parser = PageParser()
    parser.feed(page.read_text(encoding="utf8"))
    return parser.tags


def fetched_urls(tags):
    """URLs the browser loads by itself: scripts, stylesheets and other linked assets, images."""
    urls = []
    for tag, attrs in tags:
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and attrs.get(
            "src"
        ):
            urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            rel = set((attrs.get("rel") or "").split())
            if rel & {"stylesheet", "preload", "icon", "shortcut", "modulepreload", "prefetch"}:
                urls.append(attrs["href"])
    return urls


def is_remote(url):
    return bool(urlsplit(url).scheme in ("http", "https") or url.startswith("//"))


def local_file(html_dir, page, url):
    """The file in the build that a relative URL of `page` points at."""
    relative_page = page.relative_to(html_dir).as_posix()
    target = urlsplit(urljoin(relative_page, url)).path
    return html_dir / target


def notebook_cells(name):
    return json.loads((ROOT / f"{name}.ipynb").read_text(encoding="utf8"))["cells"]


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_the_toc_lists_every_notebook_in_order_and_the_book_pages():
    on_disk = sorted(
        path.with_suffix("").relative_to(ROOT).as_posix()
        for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
    )
    assert NOTEBOOKS == on_disk, "book/_toc.yml must list exactly the notebooks, in order"
    for page in ("book/intro", "book/notation", "book/numbers", "book/references"):
        assert page in toc_files(), f"{page} missing from book/_toc.yml"


@pytest.mark.parametrize("name", toc_files())
def test_every_toc_entry_has_its_page(html_dir, name):
    page = html_dir / f"{name}.html"
    assert page.is_file(), f"{name} has no page in the build ({page})"


def test_only_the_toc_is_built(html_dir):
    pages = {
        p.relative_to(html_dir).with_suffix("").as_posix()
        for p in html_dir.rglob("*.html")
        if "_static" not in p.parts
    }
    extra = pages - set(toc_files()) - {"index", "genindex", "search"}
    assert not extra, f"pages built that are not in the table of contents: {sorted(extra)}"


@pytest.mark.parametrize("name", toc_files())
def test_no_page_loads_anything_from_another_host(html_dir, name):
    page = html_dir / f"{name}.html"
    remote = [url for url in fetched_urls(parse(page)) if is_remote(url)]
    assert not remote, f"{name}.html loads remote assets: {remote}"


def test_no_stylesheet_imports_anything_from_another_host(html_dir):
    pattern = re.compile(r"""(@import\s+(url\()?|url\()\s*["']?(https?:)?//""")
    offenders = [
        css.relative_to(html_dir).as_posix()
        for css in (html_dir / "_static").rglob("*.css")
        if pattern.search(css.read_text(encoding="utf8", errors="replace"))
    ]
    assert not offenders, f"stylesheets that fetch from another host: {offenders}"


@pytest.mark.parametrize("name", toc_files())
def test_every_local_asset_a_page_loads_exists(html_dir, name):
    page = html_dir / f"{name}.html"
    local = [url for url in fetched_urls(parse(page)) if not is_remote(url)]
    missing = [url for url in local if not local_file(html_dir, page, url).is_file()]
    assert not missing, f"{name}.html loads files that are not in the build: {missing}"


def has_math(name):
    """Whether a page's source has maths (False for a missing file: other tests report that)."""
    path = ROOT / (f"{name}.ipynb" if name.startswith("notebooks/") else f"{name}.md")
    if not path.is_file():
        return False
    if name.startswith("notebooks/"):
        text = "\n".join(source(c) for c in notebook_cells(name) if c["cell_type"] == "markdown")
    else:
        text = path.read_text(encoding="utf8")
    return "$" in text


@pytest.mark.parametrize("name", [name for name in toc_files() if has_math(name)])
def test_pages_with_maths_carry_math_markup_and_the_local_mathjax(html_dir, name):
    page = html_dir / f"{name}.html"
    text = page.read_text(encoding="utf8")
    tags = parse(page)
    math_elements = [a for t, a in tags if "math" in (a.get("class") or "").split()]
    assert math_elements, f"{name}.html: the source has maths but the page has no math elements"
    scripts = [a["src"] for t, a in tags if t == "script" and a.get("src")]
    mathjax = [s for s in scripts if urlsplit(s).path.endswith("MathJax.js")]
    assert mathjax, f"{name}.html loads no MathJax (scripts: {scripts})"
    assert local_file(html_dir, page, mathjax[0]) == html_dir / MATHJAX_SCRIPT
    assert "MathJax.Hub.Config" in text, f"{name}.html has no MathJax 2 configuration"
    body = text.split('<article class="bd-article"', 1)[-1]
    raw_dollars = re.findall(r"\$\$", re.sub(r"<pre.*?</pre>", "", body, flags=re.S))
    assert not raw_dollars, f"{name}.html shows raw $$ that MyST did not turn into maths"


def test_mathjax_is_served_from_the_build(html_dir):
    mathjax = html_dir / MATHJAX_SCRIPT
    assert mathjax.is_file() and mathjax.stat().st_size > 10_000
    assert (html_dir / "_static/mathjax/config/TeX-AMS-MML_HTMLorMML-full.js").is_file()
    assert any((html_dir / "_static/mathjax/fonts/HTML-CSS/STIX-Web/woff").rglob("*.woff"))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_figures_are_on_the_page(html_dir, name):
    figures = sum(
        "image/png" in output.get("data", {})
        for cell in notebook_cells(name)
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
    )
    page = html_dir / f"{name}.html"
    images = [a["src"] for t, a in parse(page) if t == "img" and "_images/" in a.get("src", "")]
    assert len(images) >= figures, f"{name}: {figures} png outputs but {len(images)} images"
    for src in images:
        image = local_file(html_dir, page, src)
        assert image.is_file() and image.stat().st_size > 0, f"{name}: missing image {src}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_download_link_gives_the_real_notebook(html_dir, name):
    page = html_dir / f"{name}.html"
    links = [a["href"] for t, a in parse(page) if t == "a" and "_sources/" in a.get("href", "")]
    assert links, f"{name}.html has no download link"
    assert all(link.endswith(".ipynb") for link in links), links
    download = local_file(html_dir, page, links[0])
    assert download.read_bytes() == (ROOT / f"{name}.ipynb").read_bytes()
    assert json.loads(download.read_text(encoding="utf8"))["nbformat"] == 4


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_launch_buttons_open_the_notebook_on_binder_and_colab(html_dir, name):
    hrefs = [a.get("href", "") for t, a in parse(html_dir / f"{name}.html") if t == "a"]
    for service in ("mybinder.org", "colab.research.google.com"):
        assert any(service in h and h.endswith(f"{name}.ipynb") for h in hrefs), service


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_exercises_are_boxes_and_solutions_are_folded(html_dir, name):
    cells = notebook_cells(name)
    exercises = sum(source(c).count("{exercise}") for c in cells if c["cell_type"] == "markdown")
    solutions = sum("solution" in c.get("metadata", {}).get("tags", []) for c in cells)
    text = (html_dir / f"{name}.html").read_text(encoding="utf8")
    assert text.count('class="exercise admonition"') == exercises
    folded = re.findall(
        r'<div class="cell tag_solution[^"]*">\s*<details class="[^"]*\bhide above-input">\s*'
        r'<summary[^>]*>\s*<p class="collapsed admonition-title">Show solution</p>',
        text,
    )
    assert len(folded) == solutions, f"{name}: {solutions} solution cells, {len(folded)} folded"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_check_cells_show_their_visible_check_but_not_the_hidden_tests(html_dir, name):
    cells = notebook_cells(name)
    hidden = [c for c in cells if "### BEGIN HIDDEN TESTS" in source(c)]
    text = (html_dir / f"{name}.html").read_text(encoding="utf8")
    assert hidden, f"{name}: no check cell holds hidden tests"
    assert "HIDDEN TESTS" not in text and "hidden_test" not in text
    for cell in hidden:  # what is above the hidden block still shows (highlighted, so by name)
        check = re.search(r"checks\.(check_\w+)\(", source(cell)).group(1)
        assert check in text, f"{name}: the visible {check} is missing"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_equations_and_exercises_are_numbered_from_one_on_each_page(html_dir, name):
    text = (html_dir / f"{name}.html").read_text(encoding="utf8")
    for label, pattern in (
        ("equations", r'class="eqno">\((\d+)\)'),
        ("exercises", r'<span class="caption-number">Exercise (\d+) </span>'),
    ):
        numbers = [int(n) for n in re.findall(pattern, text)]
        assert numbers == list(range(1, len(numbers) + 1)), f"{name}: {label} numbered {numbers}"


def test_bibliography_lists_the_references(html_dir):
    text = (html_dir / "book/references.html").read_text(encoding="utf8").lower()
    for author in ("Elman", "Werbos", "Bengio", "Pascanu", "Hochreiter", "Cho", "Gers"):
        assert author.lower() in text, f"{author} missing from the references page"
    for title in ("Unreasonable Effectiveness", "Deep Learning", "Generating Sequences"):
        assert title.lower() in text, f"{title} missing from the references page"
