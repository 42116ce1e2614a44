"""The install cell of every notebook and tools/set_repository.py, which keeps it in step.

Every notebook opens (after its title) with a cell that installs rnn_lib from the repository that
``book/_config.yml`` names, where rnn_lib cannot be imported (Colab, VS Code with a bare Python).
The cells must name exactly the configuration's address, so that the book's launch buttons and
the notebooks they open never point at two different repositories; the tool rewrites all of them
at once, and is tested here on a copy of the configuration and of the notebooks.
"""

import difflib
import importlib.util
import json
import re
import shutil
import stat
from pathlib import Path

import jupytext
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
NEW_URL = "https://github.com/a-teacher/rnn-course"

_spec = importlib.util.spec_from_file_location("set_repository", ROOT / "tools/set_repository.py")
set_repository = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(set_repository)


def config_address(root):
    repository = yaml.safe_load((root / "book/_config.yml").read_text(encoding="utf-8"))
    return repository["repository"]["url"], repository["repository"]["branch"]


def first_code_cell(path):
    return next(cell for cell in jupytext.read(path).cells if cell.cell_type == "code")


@pytest.mark.parametrize(
    "path",
    [p for script in NOTEBOOKS for p in (script, script.with_suffix(".ipynb"))],
    ids=lambda path: path.name,
)
def test_every_notebook_installs_rnn_lib_from_the_books_repository(path):
    url, branch = config_address(ROOT)
    cell = first_code_cell(path)
    assert cell.source == set_repository.install_cell_source(url, branch), (
        f"{path.name}: the first code cell must be the install cell naming {url}@{branch} "
        "(book/_config.yml); `make set-repository URL=...` rewrites them all"
    )
    assert f'"rnn_lib @ git+{url}@{branch}"' in cell.source  # the template itself names them
    assert cell.metadata.get("tags") == ["remove-cell"], f"{path.name}: tag it remove-cell"


def test_the_install_cell_follows_the_title_and_says_nothing_where_rnn_lib_is_installed():
    for script in NOTEBOOKS:
        cells = jupytext.read(script.with_suffix(".ipynb")).cells
        assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
        assert cells[1] == first_code_cell(script.with_suffix(".ipynb"))
        assert cells[1].outputs == [], f"{script.name}: the install cell printed something"


def test_the_package_ships_every_data_file_of_rnn_lib():
    """What the install cell installs (a wheel built from the repository) holds the corpus."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    table = re.search(r"^\[tool\.setuptools\.package-data\]\n(.*?)(^\[|\Z)", pyproject, re.M | re.S)
    globs = re.findall(r'"([^"]+)"', re.search(r"^rnn_lib = \[(.*?)\]", table[1], re.M | re.S)[1])
    package = ROOT / "rnn_lib"
    data = [
        p
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    assert any(p.name == "dinos.txt" for p in data)
    unshipped = [p for p in data if not any(p.relative_to(package).match(g) for g in globs)]
    assert unshipped == [], f"not in [tool.setuptools.package-data]: {unshipped}"


# ---------------------------------------------------------------- the tool, on a copy


@pytest.fixture
def repo_copy(tmp_path):
    """The configuration and the notebook pairs, copied into a repository-shaped folder."""
    (tmp_path / "book").mkdir()
    shutil.copy2(ROOT / "book/_config.yml", tmp_path / "book/_config.yml")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns(".*"))
    return tmp_path


def snapshot(root):
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def changed_lines(before, after):
    """The lines removed and added between two texts."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def run(repo_copy, capsys, *args):
    status = set_repository.main([*args, "--root", str(repo_copy)])
    out, err = capsys.readouterr()
    return status, out, err


def test_the_tool_rewrites_the_config_and_both_halves_of_every_pair(repo_copy, capsys):
    before = snapshot(repo_copy)
    status, out, err = run(repo_copy, capsys, NEW_URL, "--branch", "spring-2027")
    assert (status, err) == (0, "")
    assert out.count("\n") == 1 and NEW_URL in out and "spring-2027" in out
    assert config_address(repo_copy) == (NEW_URL, "spring-2027")
    old_url, old_branch = config_address(ROOT)
    config = changed_lines(before[repo_copy / "book/_config.yml"].decode(), config_text(repo_copy))
    assert config == [
        f"-  url: {old_url}",
        f"+  url: {NEW_URL}",
        f"-  branch: {old_branch}",
        "+  branch: spring-2027",
    ]
    for script in sorted((repo_copy / "notebooks").glob("*.py")):
        for path in (script, script.with_suffix(".ipynb")):
            assert first_code_cell(path).source == set_repository.install_cell_source(
                NEW_URL, "spring-2027"
            )
            lines = changed_lines(before[path].decode(), path.read_text(encoding="utf-8"))
            assert len(lines) == 2 and all("rnn_lib @ git+" in line for line in lines), lines
        halves = (script, script.with_suffix(".ipynb"))
        pair = [jupytext.writes(jupytext.read(p), fmt="py:percent") for p in halves]
        assert pair[0] == pair[1], f"{script.name}: the pair no longer agrees"


def config_text(root):
    return (root / "book/_config.yml").read_text(encoding="utf-8")


def test_the_notebooks_outputs_and_metadata_are_kept(repo_copy, capsys):
    before = {p: json.loads(p.read_text()) for p in (repo_copy / "notebooks").glob("*.ipynb")}
    assert run(repo_copy, capsys, NEW_URL)[0] == 0
    for path, old in before.items():
        new = json.loads(path.read_text())
        install = next(i for i, c in enumerate(new["cells"]) if c["cell_type"] == "code")
        new["cells"][install]["source"] = old["cells"][install]["source"]
        assert new == old, f"{path.name}: more than the install cell's source changed"


def test_without_a_branch_the_books_branch_is_kept_and_a_rerun_changes_nothing(repo_copy, capsys):
    branch = config_address(ROOT)[1]
    assert run(repo_copy, capsys, NEW_URL)[0] == 0
    assert config_address(repo_copy) == (NEW_URL, branch)
    after_first = snapshot(repo_copy)
    assert run(repo_copy, capsys, NEW_URL)[0] == 0
    assert snapshot(repo_copy) == after_first


def test_files_keep_their_permissions_and_no_temporary_file_is_left(repo_copy, capsys):
    config = repo_copy / "book/_config.yml"
    config.chmod(0o640)
    names = sorted(p.name for p in repo_copy.rglob("*"))
    assert run(repo_copy, capsys, NEW_URL)[0] == 0
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    assert sorted(p.name for p in repo_copy.rglob("*")) == names


@pytest.mark.parametrize(
    "args, culprit",
    [
        (["http://github.com/a/b"], "URL"),
        (["github.com/a/b"], "URL"),
        (["https://github.com/a"], "URL"),
        (["https://github.com/a/b/"], "URL"),
        (["https://github.com/a/b.git"], "URL"),
        (["https://github.com/a/b@main"], "URL"),
        (["https://user@github.com/a/b"], "URL"),
        (["https://github.com/a/b?tab=1"], "URL"),
        (['https://github.com/a/b"'], "URL"),
        (["https://github.com/a/b c"], "URL"),
        (["https://localhost/a/b"], "URL"),
        ([NEW_URL, "--branch=" + ""], "branch"),
        ([NEW_URL, "--branch=" + "-x"], "branch"),
        ([NEW_URL, "--branch=" + "a..b"], "branch"),
        ([NEW_URL, "--branch=" + "topic/"], "branch"),
        ([NEW_URL, "--branch=" + "x.lock"], "branch"),
        ([NEW_URL, "--branch=" + "a b"], "branch"),
        ([NEW_URL, "--branch=" + "a@b"], "branch"),
    ],
)
def test_a_malformed_address_is_refused_in_one_line_and_nothing_is_written(
    repo_copy, capsys, args, culprit
):
    before = snapshot(repo_copy)
    status, out, err = run(repo_copy, capsys, *args)
    assert status == 1 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith(f"set_repository: {culprit} must be")
    assert repr(args[-1].removeprefix("--branch=")) in err
    assert snapshot(repo_copy) == before


def test_a_notebook_without_its_install_cell_is_named_and_nothing_is_written(repo_copy, capsys):
    script = sorted((repo_copy / "notebooks").glob("*.py"))[-1]
    text = script.read_text(encoding="utf-8")
    script.write_text(text.replace("importlib.invalidate_caches()", "pass"), encoding="utf-8")
    before = snapshot(repo_copy)
    status, out, err = run(repo_copy, capsys, NEW_URL)
    assert status == 1 and len(err.splitlines()) == 1
    assert f"notebooks/{script.name}: the first code cell is not the install cell" in err
    assert snapshot(repo_copy) == before


def test_a_config_without_a_repository_block_is_refused(repo_copy, capsys):
    config = repo_copy / "book/_config.yml"
    config.write_text(config_text(repo_copy).replace("repository:", "repo:"), encoding="utf-8")
    before = snapshot(repo_copy)
    status, _, err = run(repo_copy, capsys, NEW_URL)
    assert status == 1 and "book/_config.yml: no `repository:` block" in err
    assert snapshot(repo_copy) == before
