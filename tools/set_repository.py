"""Point the book's launch buttons and every notebook's install cell at one repository.

Usage (from anywhere; paths are relative to the repository root):

    python tools/set_repository.py URL [--branch BRANCH]
    make set-repository URL=https://github.com/you/rnn-from-scratch [BRANCH=main]

The repository's address lives in two kinds of place that must agree: ``repository: url:`` and
``branch:`` in ``book/_config.yml`` (the book's Binder and Colab buttons) and the first code cell
of every notebook, which installs rnn_lib from that repository where it cannot be imported
(Colab, VS Code with a bare Python):

    RNN_LIB = "rnn_lib @ git+URL@BRANCH"

This tool rewrites all of them: the configuration's two lines and the install cell of both halves
of every pair, ``notebooks/NN_topic.py`` and ``NN_topic.ipynb`` (its stored outputs untouched, so
the pair stays in step and nbval stays green). Without ``--branch`` the configuration's branch is
kept. A malformed URL or branch, a notebook whose first code cell is not the install cell, or a
configuration without a ``repository:`` block stops the run with one line and writes nothing.
Each file is written to a temporary file beside it, synced and renamed into place, once every
new text has been computed.
"""

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

import jupytext
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG = Path("book") / "_config.yml"
NOTEBOOK_GLOB = "[0-9][0-9]_*"
INSTALL_TAG = "remove-cell"  # the book leaves the cell out: its readers have nothing to install
# https://host/owner/repository: no user, port, query, fragment, quote or "@" (pip reads "@" as
# the start of the branch); no trailing "/" or ".git" (the book's launch buttons append paths).
URL = re.compile(r"https://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/[A-Za-z0-9_.~-]+){2,}")
BRANCH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]*")
REQUIREMENT = re.compile(r'"rnn_lib @ git\+(?P<url>[^"@]+)@(?P<branch>[^"]+)"')
CONFIG_LINE = re.compile(r"^(?P<key>  (url|branch):)[ \t]*(?P<value>\S.*)$", re.MULTILINE)
INSTALL_CELL = """\
# Colab, VS Code or any Python without rnn_lib: install it (with the dinosaur names) from the
# project's repository; this needs git and the network. Where rnn_lib is installed already
# (`pip install -r requirements.txt`), this cell does nothing.
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("rnn_lib") is None:
    RNN_LIB = "rnn_lib @ git+{url}@{branch}"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", RNN_LIB], check=True)
    importlib.invalidate_caches()"""


def install_cell_source(url, branch):
    """The source of the install cell that installs rnn_lib from ``url`` at ``branch``."""
    return INSTALL_CELL.format(url=url, branch=branch)


def check_address(url, branch):
    """Raise ValueError unless url is https://host/owner/repository and branch a plain ref name."""
    if not URL.fullmatch(url) or url.endswith((".git", ".")):
        raise ValueError(
            "URL must be https://<host>/<owner>/<repository> (letters, digits, '-', '_', '.', "
            f"'~'; no '@', query, trailing '/' or '.git'); got {url!r}"
        )
    bad_ref = ".." in branch or branch.endswith(("/", ".", ".lock")) or "//" in branch
    if not BRANCH.fullmatch(branch) or bad_ref:
        raise ValueError(
            "branch must be a git branch name (letters, digits, '_', '-', '.', '/'; "
            f"no '..', no trailing '/', '.' or '.lock'); got {branch!r}"
        )


def read_config_address(config_text, where):
    """(url, branch) of the ``repository:`` block of a book configuration; ValueError if absent."""
    repository = (yaml.safe_load(config_text) or {}).get("repository") or {}
    if not isinstance(repository.get("url"), str) or not isinstance(repository.get("branch"), str):
        raise ValueError(f"{where}: no `repository:` block with `url:` and `branch:` in it")
    return repository["url"], repository["branch"]


def rewrite_config(config_text, url, branch, where):
    """The configuration with its repository url and branch replaced, every other byte kept."""
    block = re.search(r"^repository:[ \t]*\n((?:[ \t]+.*\n|[ \t]*\n)*)", config_text, re.MULTILINE)
    if block is None:
        raise ValueError(f"{where}: no `repository:` block")
    values = {"  url:": url, "  branch:": branch}
    body = CONFIG_LINE.sub(lambda m: f"{m['key']} {values[m['key']]}", block.group(1))
    new_text = config_text[: block.start(1)] + body + config_text[block.end(1) :]
    if read_config_address(new_text, where) != (url, branch):
        raise ValueError(f"{where}: could not rewrite `url:` and `branch:` under `repository:`")
    return new_text


def first_code_cell(cells, where):
    """The first code cell of a list of cells (jupytext or nbformat), or ValueError."""
    for cell in cells:
        if cell["cell_type"] == "code":
            return cell
    raise ValueError(f"{where}: no code cell")


def check_install_cell(source, where):
    """Raise ValueError unless ``source`` is an install cell; return its (url, branch)."""
    found = REQUIREMENT.search(source)
    if not found or source != install_cell_source(found["url"], found["branch"]):
        raise ValueError(
            f"{where}: the first code cell is not the install cell; copy it from "
            "tools/set_repository.py (install_cell_source) as the notebook's first code cell"
        )
    return found["url"], found["branch"]


def install_address(path):
    """(url, branch) named by the install cell of a notebook file (.py or .ipynb)."""
    cell = first_code_cell(jupytext.read(path).cells, path.name)
    return check_install_cell(cell["source"], path.name)


def rewrite_script(text, url, branch, where):
    """A percent-format notebook's text with its install cell pointing at url and branch."""
    old = check_install_cell(
        first_code_cell(jupytext.reads(text, fmt="py:percent").cells, where)["source"], where
    )
    old_line = f'"rnn_lib @ git+{old[0]}@{old[1]}"'
    if text.count(old_line) != 1:
        raise ValueError(f"{where}: {old_line} must appear exactly once")
    return text.replace(old_line, f'"rnn_lib @ git+{url}@{branch}"')


def rewrite_ipynb(text, url, branch, where):
    """A notebook's JSON with its install cell's source replaced, outputs and layout kept."""
    notebook = json.loads(text)
    cell = first_code_cell(notebook["cells"], where)
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    check_install_cell(source, where)
    cell["source"] = install_cell_source(url, branch).splitlines(keepends=True)
    # nbformat's own layout, so that a notebook written by Jupyter changes in this cell only
    return json.dumps(notebook, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def planned_texts(root, url, branch):
    """{path: new text} for the configuration and both halves of every notebook pair."""
    config = root / CONFIG
    texts = {config: rewrite_config(config.read_text(encoding="utf-8"), url, branch, str(CONFIG))}
    scripts = sorted((root / "notebooks").glob(f"{NOTEBOOK_GLOB}.py"))
    if not scripts:
        raise ValueError(f"no notebooks/{NOTEBOOK_GLOB}.py under {root}")
    for script in scripts:
        ipynb = script.with_suffix(".ipynb")
        if not ipynb.is_file():
            raise ValueError(f"notebooks/{script.name} has no {ipynb.name}: sync the pair first")
        for path, rewrite in ((script, rewrite_script), (ipynb, rewrite_ipynb)):
            old = path.read_text(encoding="utf-8")
            texts[path] = rewrite(old, url, branch, f"notebooks/{path.name}")
    return texts


def write_atomically(texts):
    """Write every {path: text} through a synced temporary file beside it, then rename them all."""
    staged = []
    try:
        for path, text in texts.items():
            handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            staged.append((temporary, path))
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        while staged:
            temporary, path = staged.pop(0)
            os.replace(temporary, path)
    finally:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)


def set_repository(root, url, branch=None):
    """Point the book and every notebook under ``root`` at url (and branch); return the branch."""
    config_text = (root / CONFIG).read_text(encoding="utf-8")
    branch = branch if branch is not None else read_config_address(config_text, str(CONFIG))[1]
    check_address(url, branch)
    texts = planned_texts(root, url, branch)
    write_atomically(
        {path: text for path, text in texts.items() if path.read_text(encoding="utf-8") != text}
    )
    return branch, len(texts) - 1


def main(argv=None):
    """Command line: rewrite the address and say so in one line, or print one error line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="https://<host>/<owner>/<repository>, e.g. your fork on GitHub")
    parser.add_argument("--branch", help="the branch to install from (default: keep the book's)")
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        branch, files = set_repository(args.root, args.url, args.branch)
    except (ValueError, OSError) as error:
        print(f"set_repository: {error}", file=sys.stderr)
        return 1
    print(f"{CONFIG} and {files} notebook files now name {args.url} (branch {branch})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
