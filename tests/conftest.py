"""Fixtures shared by the test modules: the built book (tests/test_book.py, tests/test_a11y.py)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")


def network_cut_prefix():
    """`unshare -n` when this process may cut its own network (root, util-linux), else nothing."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


@pytest.fixture(scope="session")
def html_dir(tmp_path_factory):
    """The html folder of a strict build (-W -n --keep-going) of the book, made once per session."""
    earlier_build = os.environ.get("RNN_BOOK_HTML")
    if earlier_build:
        return Path(earlier_build).resolve()
    out = tmp_path_factory.mktemp("book")
    command = [
        *network_cut_prefix(),
        str(JUPYTER_BOOK),
        "build",
        ".",
        "--config",
        "book/_config.yml",
        "--toc",
        "book/_toc.yml",
        "--path-output",
        str(out),
        "-W",
        "-n",
        "--keep-going",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    log = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, f"book build failed ({' '.join(command)}):\n{log}"
    return out / "_build" / "html"
