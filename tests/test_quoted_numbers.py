"""The README and the numbers page quote what the notebooks print, and say it alike.

The tables of notebooks 08 and 10 and the decoding results of notebook 10 are copied by hand
from the notebooks' stored outputs; a re-execution that changes an output, or an edit of one
page and not the other, must fail here. The series table counts each notebook's exercises.
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = {"README": ROOT / "README.md", "numbers page": ROOT / "book" / "numbers.md"}
TEST_LOSS = re.compile(
    r"^(?P<cell>rnn|lstm|gru)\s+\(learning rate (?P<rate>[\d.]+)\): "
    r"test loss per char (?P<loss>[\d.]+), perplexity (?P<perplexity>[\d.]+)$",
    re.M,
)
CELL_ROW = re.compile(
    r"^\| (?P<cell>RNN|LSTM|GRU) \| \d+ \| [\d,]+ \| (?P<rate>[\d.]+) \| (?P<loss>[\d.]+) "
    r"\| (?P<perplexity>[\d.]+) \|",
    re.M,
)
STACK_ROW = re.compile(
    r"^\| (?:one layer|two layers)[^|]* \| [\d,]+ \| (?P<dev>[\d.]+) \| (?P<test>[\d.]+|–) \|$",
    re.M,
)
DEV_LOSS = re.compile(r"^[^\n:]+: dev loss per character (?P<dev>[\d.]+)$", re.M)
TEST_STACKS = re.compile(r"test loss per character: one layer ([\d.]+), two layers ([\d.]+)")
LOG_P = re.compile(r"[−-]\d+\.\d\d\b")


def stored_output(stem):
    """Every text a notebook's stored outputs print, joined by newlines."""
    notebook = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    return "\n".join(
        "".join(output.get("text", ""))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )


def paragraph(text, opening):
    """The paragraph of text that begins with opening."""
    start = text.index(opening)
    end = text.find("\n\n", start)
    return text[start : end if end >= 0 else len(text)]


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_the_three_cells_table_is_notebook_08s_output(page):
    printed = {m["cell"]: m.group("rate", "loss", "perplexity") for m in TEST_LOSS.finditer(
        stored_output("08_lstm_gru"))}  # fmt: skip
    quoted = {
        m["cell"].lower(): m.group("rate", "loss", "perplexity")
        for m in CELL_ROW.finditer(PAGES[page].read_text(encoding="utf-8"))
    }
    assert len(printed) == 3 and quoted == printed


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_the_stacks_table_is_notebook_10s_output(page):
    output = stored_output("10_beyond_one_layer")
    rows = [m.group("dev", "test") for m in STACK_ROW.finditer(PAGES[page].read_text("utf-8"))]
    printed_dev = [m["dev"] for m in DEV_LOSS.finditer(output)]
    printed_test = ["–", *TEST_STACKS.search(output).groups()]
    assert len(rows) == 3 and rows == list(zip(printed_dev, printed_test))


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_every_decoding_log_probability_quoted_is_printed_by_notebook_10(page):
    quoted = LOG_P.findall(paragraph(PAGES[page].read_text("utf-8"), "Beam search on the"))
    printed = set(LOG_P.findall(stored_output("10_beyond_one_layer")))
    missing = [value for value in quoted if value.replace("−", "-") not in printed]
    assert len(quoted) >= 7 and not missing, f"{page} quotes {missing}, not in the outputs"


@pytest.mark.parametrize(
    "opening",
    ["Over seeds 0, 1 and 2 at the same learning rates", "Beam search on the one-layer model"],
)
def test_the_readme_and_the_numbers_page_say_it_alike(opening):
    """The numbers page's paragraph is in the README's (which may go on about other results)."""
    readme, numbers = (paragraph(path.read_text("utf-8"), opening) for path in PAGES.values())
    assert " ".join(numbers.split()) in " ".join(readme.split())


def test_the_series_table_counts_each_notebooks_exercises():
    readme = PAGES["README"].read_text("utf-8")
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py")):
        count = len(re.findall(r"^#\s?:{3,}\{exercise\}", path.read_text("utf-8"), re.M))
        row = re.search(rf"^\| `{path.stem}` \|.*\| (\d+) \|$", readme, re.M)
        assert row and int(row.group(1)) == count, f"{path.stem}: {count} exercises"
