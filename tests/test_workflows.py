"""The GitHub workflows are valid, audited, and do what the README promises.

Two tools from requirements.txt check every file in .github/workflows, the same way `make lint`
does: check-jsonschema against GitHub's workflow schema (vendored in the tool, no network) and
zizmor's offline audits (least-privilege permissions, no persisted credentials, actions pinned to
commit SHAs, no template injection, ...). Each check is also run on a planted bad workflow, so a
check that silently stopped finding anything would fail here too.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_DIR = ROOT / ".github" / "workflows"
WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.yml")) + sorted(WORKFLOW_DIR.glob("*.yaml"))
ZIZMOR = Path(sys.executable).with_name("zizmor")
FULL_SHA_LENGTH = 40


def check_schema(paths):
    """(passed, report) of check-jsonschema's GitHub-workflow schema over the files."""
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows"]
        + [str(p) for p in paths],
        capture_output=True,
        text=True,
    )
    if "No module named check_jsonschema" in done.stderr:
        pytest.fail("check-jsonschema is not installed: run `pip install -r requirements.txt`")
    return done.returncode == 0, done.stdout + done.stderr


def zizmor_findings(folder):
    """zizmor's findings ({rule, file, line}) over the workflows in folder, offline."""
    if not ZIZMOR.exists():
        pytest.fail(f"zizmor not found at {ZIZMOR}: run `pip install -r requirements.txt`")
    # --strict-collection: a workflow zizmor cannot parse is an error, not a silent skip.
    done = subprocess.run(
        [str(ZIZMOR), "--offline", "--strict-collection", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
    )
    try:
        findings = json.loads(done.stdout) if done.stdout.strip() else None
    except json.JSONDecodeError:
        findings = None
    if findings is None:
        pytest.fail(f"zizmor failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
    return [describe(finding) for finding in findings]


def describe(finding):
    """'rule: what, in file:line' for one finding of zizmor's JSON output (read leniently)."""
    where = ""
    try:
        location = finding["locations"][0]
        local = location["symbolic"]["key"]["Local"]
        path = Path(local.get("given_path") or local.get("verbatim_path")).name
        where = f" in {path}:{location['concrete']['location']['start_point']['row'] + 1}"
    except (KeyError, IndexError, TypeError):
        pass
    return f"{finding.get('ident')}: {finding.get('desc', '')}{where}"


def load(name):
    return yaml.safe_load((WORKFLOW_DIR / name).read_text(encoding="utf-8"))


def plant(tmp_path, text):
    """A workflow folder in tmp_path holding one workflow with the given text."""
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "planted.yml").write_text(text, encoding="utf-8")
    return folder


GOOD_STEP = """
name: planted
on: [push]
permissions:
  contents: read
jobs:
  job:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1  # v7.0.1
        with:
          persist-credentials: false
      - run: echo hello
"""


def test_the_two_workflows_exist():
    names = [p.name for p in WORKFLOWS]
    assert {"book.yml", "test.yml"} <= set(names), (
        f"expected book.yml and test.yml in {WORKFLOW_DIR}, found {names}"
    )


def test_workflows_match_githubs_schema():
    passed, report = check_schema(WORKFLOWS)
    assert passed, f"a workflow does not match GitHub's workflow schema:\n{report}"


def test_zizmor_finds_nothing():
    findings = zizmor_findings(WORKFLOW_DIR)
    assert findings == [], "zizmor --offline reports:\n" + "\n".join(findings)


def test_the_schema_check_catches_a_broken_workflow(tmp_path):
    broken = GOOD_STEP.replace("runs-on: ubuntu-24.04", "runs-onn: ubuntu-24.04")
    passed, report = check_schema([plant(tmp_path, broken) / "planted.yml"])
    assert not passed, f"check-jsonschema accepted a job without runs-on:\n{report}"


def test_zizmor_passes_the_planted_good_workflow(tmp_path):
    assert zizmor_findings(plant(tmp_path, GOOD_STEP)) == []


@pytest.mark.parametrize(
    ("rule", "old", "new"),
    [
        # a tag can be moved to other code; a commit SHA cannot
        ("unpinned-uses", "@3d3c42e5aac5ba805825da76410c181273ba90b1  # v7.0.1", "@v7"),
        # the token stays in .git/config for every later step to read
        ("artipacked", "persist-credentials: false", "fetch-depth: 1"),
        # no permissions block: the token gets the repository's default, often write-all
        ("excessive-permissions", "permissions:\n  contents: read\n", ""),
        # an attacker-controlled string pasted into a shell script
        ("template-injection", "echo hello", 'echo "${{ github.event.head_commit.message }}"'),
    ],
)
def test_zizmor_catches_a_planted_mistake(tmp_path, rule, old, new):
    assert old in GOOD_STEP
    findings = zizmor_findings(plant(tmp_path, GOOD_STEP.replace(old, new)))
    assert any(f.startswith(rule) for f in findings), f"zizmor missed {rule}; found {findings}"


def test_zizmor_refuses_a_workflow_it_cannot_parse(tmp_path):
    folder = plant(tmp_path, GOOD_STEP.replace("- run: echo hello", "- run: echo a: b: c"))
    done = subprocess.run(
        [str(ZIZMOR), "--offline", "--strict-collection", str(folder)],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0, "zizmor passed a workflow that is not valid YAML"


def uses_of(workflow):
    return [
        step["uses"] for job in workflow["jobs"].values() for step in job["steps"] if "uses" in step
    ]


@pytest.mark.parametrize("name", ["book.yml", "test.yml"])
def test_every_action_is_an_official_one_pinned_to_a_commit(name):
    for uses in uses_of(load(name)):
        action, _, ref = uses.partition("@")
        assert action.startswith("actions/"), f"{name}: {uses} is not one of GitHub's own actions"
        assert len(ref) == FULL_SHA_LENGTH and all(c in "0123456789abcdef" for c in ref), (
            f"{name}: {uses} is not pinned to a full commit SHA"
        )


def run_lines(workflow):
    return [
        step["run"].strip()
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if "run" in step
    ]


def test_the_test_workflow_runs_the_readme_commands_on_every_supported_python():
    workflow = load("test.yml")
    # PyYAML reads the bare key `on` as True (YAML 1.1); GitHub reads it as "on".
    assert set(workflow[True]) == {"push", "pull_request"}
    job = workflow["jobs"]["pytest"]
    assert job["strategy"]["matrix"]["python-version"] == ["3.10", "3.11", "3.12", "3.13"]
    setup = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache"] == "pip"
    runs = run_lines(workflow)
    assert "pip install -r requirements.txt" in runs and "pytest" in runs
    assert runs.index("pip install -r requirements.txt") < runs.index("pytest")
    assert workflow["permissions"] == {"contents": "read"}


def test_the_book_workflow_builds_with_make_and_publishes_the_html_folder():
    workflow = load("book.yml")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--path-output book" in makefile, "the Makefile no longer builds into book/_build"
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert "make book" in run_lines({"jobs": {"build": build}})
    upload = next(s for s in build["steps"] if "upload-pages-artifact@" in s.get("uses", ""))
    assert upload["with"]["path"] == "book/_build/html"
    assert workflow["permissions"] == {}
    assert build["permissions"] == {"contents": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [u.partition("@")[0] for u in uses_of({"jobs": {"deploy": deploy}})] == [
        "actions/deploy-pages"
    ]
    assert workflow["concurrency"]["cancel-in-progress"] is False
