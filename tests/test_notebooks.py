"""The notebooks as files: every .py has its .ipynb, the two say the same, and outputs are stored.

nbval (run by plain `pytest`, see pyproject.toml) re-executes each notebook and compares the
outputs; these tests catch what nbval cannot: a .py edited without re-syncing the .ipynb, a
notebook committed without outputs, a half of a pair left behind.
"""

import difflib
import re
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbval.plugin import get_sanitize_patterns

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SCRIPTS = sorted(NOTEBOOKS.glob("*.py"))
IPYNBS = sorted(NOTEBOOKS.glob("*.ipynb"))


def ids(paths):
    return [p.name for p in paths]


def test_there_are_notebooks():
    assert IPYNBS, f"no notebooks found in {NOTEBOOKS}"


@pytest.mark.parametrize("path", SCRIPTS + IPYNBS, ids=ids(SCRIPTS + IPYNBS))
def test_every_notebook_has_its_pair(path):
    partner = path.with_suffix(".ipynb" if path.suffix == ".py" else ".py")
    assert partner.exists(), (
        f"{path.name} has no {partner.name}: run `jupytext --sync {path.name}` in notebooks/"
    )


@pytest.mark.parametrize("path", SCRIPTS + IPYNBS, ids=ids(SCRIPTS + IPYNBS))
def test_no_notebook_is_named_like_a_test(path):
    assert not path.name.startswith("test_"), (
        f"{path.name}: pytest would collect it as a test module; rename it NN_topic"
    )


def as_percent_script(path):
    """The notebook at path (.py or .ipynb) as the installed jupytext writes it in py:percent.

    Rendering both halves of a pair with the same jupytext makes the comparison blind to what
    only the jupytext version changes (the header's jupytext_version), and to nothing else.
    """
    return jupytext.writes(jupytext.read(path), fmt="py:percent")


@pytest.mark.parametrize("path", IPYNBS, ids=ids(IPYNBS))
def test_py_and_ipynb_say_the_same(path):
    script = path.with_suffix(".py")
    if not script.exists():
        pytest.skip(f"{script.name} missing (reported by test_every_notebook_has_its_pair)")
    from_ipynb, from_py = as_percent_script(path), as_percent_script(script)
    difference = difflib.unified_diff(
        from_py.splitlines(), from_ipynb.splitlines(), script.name, path.name, lineterm="", n=1
    )
    assert from_ipynb == from_py, (
        f"{path.name} and {script.name} disagree: after editing the .py, run `jupytext --sync`, "
        "re-execute the notebook and sync again. First differences:\n"
        + "\n".join(list(difference)[:30])
    )


@pytest.mark.parametrize("path", IPYNBS, ids=ids(IPYNBS))
def test_notebook_has_stored_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    unexecuted = [i for i, cell in enumerate(code) if cell.execution_count is None]
    assert code and not unexecuted, (
        f"{path.name}: code cells {unexecuted} were never executed; "
        "run `jupyter nbconvert --to notebook --execute --inplace` on it"
    )
    assert any(cell.outputs for cell in code), f"{path.name} has no stored outputs"


@pytest.mark.parametrize("path", IPYNBS, ids=ids(IPYNBS))
def test_notebook_uses_the_python3_kernel(path):
    kernel = nbformat.read(path, as_version=4).metadata.get("kernelspec", {}).get("name")
    assert kernel == "python3", f"{path.name} uses the kernel {kernel!r}; expected 'python3'"


def sanitized(text):
    """text as nbval sees it after applying the patterns of nbval_sanitize.cfg."""
    config = NOTEBOOKS.parent / "nbval_sanitize.cfg"
    for regex, replacement in get_sanitize_patterns(config.read_text(encoding="utf-8")):
        text = re.sub(regex, replacement, text)
    return text


def test_sanitizing_hides_what_varies_between_runs():
    run_1 = "<Line2D at 0x7f3a5c2b1d90>\n100%|##########| 50/50 [00:01<00:00, 41.32it/s]"
    run_2 = "<Line2D at 0x55d0aa01ff10>\n100%|##########| 50/50 [00:03<00:00, 15.07it/s]"
    assert sanitized(run_1) == sanitized(run_2)


def test_sanitizing_keeps_every_computed_number():
    for text in (
        "loss per character 3.2958 nats, perplexity 27.00",
        "[[ 0.8337 -0.2913]\n [ 0.1    1.    ]]",
        "Waa         < 1e-7     1.5e-03     6.2e-01",
        "<Figure size 700x350 with 1 Axes>",
    ):
        assert sanitized(text) == text
    assert "50/50" in sanitized("100%|##########| 50/50 [00:01<00:00, 41.32it/s]")
