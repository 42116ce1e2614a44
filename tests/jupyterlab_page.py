"""JupyterLab (or Notebook 7) on 127.0.0.1, and what a student sees of a notebook opened in it.

The engine of tests/test_jupyterlab.py and of the JupyterLab part of tests/test_a11y.py; the
browser is Playwright's page on the system Chromium (tests/chromium.py). Nothing is downloaded.
JupyterLab runs from this environment (a free port, a random token, every Jupyter folder
temporary). Its settings switch windowing off, so every cell is rendered and not only those in
view, and switch off news and update checks. jupyterlab-myst renders the Markdown cells: each
cell's rendered text (never the source JupyterLab keeps in a hidden editor) is searched for MyST
that stayed raw, and the cell's source says what must have rendered (equation labels,
references, exercise boxes).
"""

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.chromium import BrowserError

SETTINGS = {
    # every cell rendered, not only those near the viewport ("full" windowing, the default)
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # no news feed and no update check: no requests to the outside, no pop-up over the notebook
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


# -- the Jupyter server ------------------------------------------------------------------------


class JupyterServer:
    """`jupyter lab` on 127.0.0.1 serving root, with its own temporary settings and state.

    One server answers both JupyterLab (/lab/tree/PATH) and, where the `notebook` package is
    installed, Notebook 7 (/notebooks/PATH).
    """

    def __init__(self, root, timeout=120):
        self.root = Path(root).resolve()
        self.home = Path(tempfile.mkdtemp(prefix="jupyter-test-"))
        self.token = secrets.token_hex(16)
        env = dict(os.environ)
        for name, sub in (
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("JUPYTERLAB_SETTINGS_DIR", "settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
            ("IPYTHONDIR", "ipython"),
        ):
            env[name] = str(self.home / sub)
            (self.home / sub).mkdir()
        for name, values in SETTINGS.items():
            path = self.home / "settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        self.log = open(self.home / "server.log", "w+", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root"]
            + ["--ServerApp.ip=127.0.0.1", "--ServerApp.port=0", "--ServerApp.port_retries=0"]
            + [f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}"]
            + ["--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.url = self._wait_until_ready(timeout)
        except BaseException:
            self.close()
            raise

    def _wait_until_ready(self, timeout):
        runtime = self.home / "runtime" / f"jpserver-{self.process.pid}.json"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BrowserError(f"jupyter lab exited at start: {self.last_log_line()}")
            if runtime.exists():
                try:
                    url = json.loads(runtime.read_text())["url"].rstrip("/")
                    self.api("GET", "/api/status", base=url)
                    return url
                except (ValueError, KeyError, OSError):
                    pass
            time.sleep(0.2)
        raise BrowserError(f"jupyter lab did not answer within {timeout} s: {self.last_log_line()}")

    def last_log_line(self):
        self.log.flush()
        lines = (self.home / "server.log").read_text(encoding="utf-8").strip().splitlines()
        return lines[-1] if lines else "(no output)"

    def api(self, method, path, base=None):
        request = urllib.request.Request(
            f"{base or self.url}{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def page_url(self, relative_path, ui="lab"):
        path = Path(relative_path).as_posix()
        if ui == "lab":
            return f"{self.url}/lab/tree/{path}?reset&token={self.token}"
        if ui == "notebook":
            return f"{self.url}/notebooks/{path}?token={self.token}"
        raise ValueError(f"ui must be 'lab' or 'notebook'; got {ui!r}")

    def shut_down_kernels(self):
        """Opening a notebook starts its kernel; end them all (nothing here runs code)."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")

    def close(self):
        if self.process.poll() is None:
            try:
                self.api("POST", "/api/shutdown")  # ends the kernels too
                self.process.wait(timeout=20)
            except (OSError, urllib.error.URLError, subprocess.TimeoutExpired, AttributeError):
                os.killpg(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait()
        self.log.close()
        shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# -- reading a rendered notebook ---------------------------------------------------------------

# A cheap look at how far rendering got: cells in the page, Markdown cells rendered (and by
# which renderer), elements inside the rendered Markdown. Rendering is done when it stops changing.
PROGRESS_JS = r"""
(() => {
  const notebook = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook')
    || document.querySelector('.jp-Notebook');
  if (!notebook) return null;
  const cells = notebook.querySelectorAll(':scope .jp-Cell');
  const markdown = notebook.querySelectorAll(':scope .jp-MarkdownCell');
  const outputs = notebook.querySelectorAll(
    ':scope .jp-MarkdownCell .jp-InputArea > .myst, :scope .jp-MarkdownCell .jp-InputArea > .jp-RenderedMarkdown');
  let elements = 0;
  outputs.forEach((out) => { elements += out.getElementsByTagName('*').length; });
  const myst = notebook.querySelectorAll(':scope .jp-MarkdownCell .jp-InputArea > .myst').length;
  return [cells.length, markdown.length, outputs.length, myst, elements];
})()
"""

# A modal dialog (say "File Load Error", jupytext refusing a pair whose .py is older than its
# .ipynb) stops the notebook from loading at all: report its text instead of waiting.
DIALOG_JS = r"""
(() => {
  const dialog = document.querySelector('.jp-Dialog');
  return dialog ? dialog.innerText.replace(/\s+/g, ' ').trim() : null;
})()
"""

# One snapshot of the notebook in the page: per cell, what a reader sees. The editor holding a
# Markdown cell's source stays in the page, hidden; it and KaTeX's MathML copy are cut out.
SNAPSHOT_JS = r"""
(() => {
  const notebook = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook')
    || document.querySelector('.jp-Notebook');
  if (!notebook) return null;
  const hidden = '.jp-InputArea-editor, .cm-editor, .katex-mathml, annotation, script, style, svg';
  return Array.from(notebook.querySelectorAll(':scope .jp-Cell')).map((cell) => {
    if (!cell.classList.contains('jp-MarkdownCell')) return {markdown: false};
    const area = cell.querySelector('.jp-InputArea');
    const out = area && Array.from(area.children).find((child) =>
      child.classList.contains('myst') || child.classList.contains('jp-RenderedMarkdown'));
    if (!out) return {markdown: true, renderer: null};
    const copy = out.cloneNode(true);
    copy.querySelectorAll(hidden).forEach((e) => e.remove());
    // typeset maths reads as a jumble of symbols: stand it in by one word
    copy.querySelectorAll('.katex').forEach((e) => e.replaceWith('[math]'));
    const all = (selector) => Array.from(out.querySelectorAll(selector));
    return {
      markdown: true,
      renderer: out.classList.contains('myst') ? 'myst' : 'markdown',
      text: copy.textContent,
      paragraphs: Array.from(copy.querySelectorAll('p')).map((p) => p.textContent.trim()),
      refs: all('a[href^="#"]')
        .filter((a) => !(a.getAttribute('title') || '').startsWith('Link to this'))
        .map((a) => decodeURIComponent(a.getAttribute('href').slice(1))),
      ids: all('[id]').map((e) => e.id),
      exercises: all('.myst-exercise').filter((box) => {
        const title = box.querySelector('.myst-exercise-title');
        return title && title.textContent.trim().startsWith('Exercise');
      }).length,
      warnings: all('[title].text-yellow-600')
        .map((e) => e.getAttribute('title') + ': ' + e.textContent.trim()),
    };
  });
})()
"""

# MyST that a reader must never see as text. Patterns over the rendered text of one cell.
RAW_MYST = (
    ("a role", re.compile(r"\{[A-Za-z][\w:.+-]*\}`")),
    ("a role name", re.compile(r"\{(?:eq|cite(?::\w+)?|numref|ref|doc|download|term|math)\}")),
    ("a colon-fence directive", re.compile(r":::|::\{")),
    ("a directive name", re.compile(r"\{(?:exercise|solution|math|note|warning|tip|admonition)\}")),
    ("a backtick directive", re.compile(r"```\{")),
    ("a display-math delimiter", re.compile(r"\$\$")),
    ("a target label", re.compile(r"\([\w.:-]+\)=")),
    ("an equation label", re.compile(r"\(eq-[\w.:-]+\)")),
    ("an unknown directive or role", re.compile(r"(?i)unknown (?:directive|role)")),
)
EQ_ROLE = re.compile(r"\{eq\}`(?:[^`<]*<)?([^`<>]+)>?`")
EQ_LABEL = re.compile(r"\$\$[ \t]*\(([^)\s]+)\)")
OPTION_LABEL = re.compile(r"(?m)^[ \t]*:label:[ \t]*(\S+)")
EXERCISE = re.compile(r"(?m)^[ \t]*(?::{3,}|`{3,})\{exercise\}")
LABEL_ALONE = re.compile(r"^\([\w.:-]+\)$")


def cell_problems(source, seen):
    """What is wrong with one rendered Markdown cell: a list of one-line descriptions.

    source: the cell's Markdown; seen: the snapshot of its rendering (see SNAPSHOT_JS).
    """
    if seen.get("renderer") is None:
        return ["not rendered at all (still in edit mode, or no renderer ran)"]
    problems = []
    if seen["renderer"] != "myst":
        problems.append("rendered by JupyterLab's plain Markdown renderer, not jupyterlab-myst")
    text = seen["text"]
    for what, pattern in RAW_MYST:
        for match in pattern.finditer(text):
            start = max(match.start() - 30, 0)
            excerpt = " ".join(text[start : match.end() + 30].split())
            problems.append(f"raw MyST, {what} {match.group(0)!r}, in: ...{excerpt}...")
    for paragraph in seen["paragraphs"]:
        if LABEL_ALONE.match(paragraph):
            problems.append(f"a label shown as its own line of text: {paragraph!r}")
    for warning in seen["warnings"]:
        problems.append(f"jupyterlab-myst flags {warning!r}")
    refs = list(seen["refs"])
    for label in EQ_ROLE.findall(source):
        if label in refs:
            refs.remove(label)
        else:
            problems.append(f"{{eq}}`{label}` is not rendered as a link to the equation")
    ids = set(seen["ids"])
    for label in EQ_LABEL.findall(source) + OPTION_LABEL.findall(source):
        if label not in ids:
            problems.append(f"the label {label!r} gives no anchor (no number, no link target)")
    wanted = len(EXERCISE.findall(source))
    if seen["exercises"] != wanted:
        problems.append(f"{wanted} exercise directive(s) but {seen['exercises']} exercise box(es)")
    return problems


@dataclass
class RenderedNotebook:
    """A notebook as the page showed it: per Markdown cell (by index), what is wrong with it."""

    path: Path
    ui: str
    seconds: float
    markdown_cells: int
    problems: dict = field(default_factory=dict)

    def report(self):
        lines = [f"{self.path.name} ({self.ui}): {self.markdown_cells} Markdown cells"]
        for index, problems in self.problems.items():
            lines += [f"  cell {index}: {problem}" for problem in problems]
        return "\n".join(lines)


def open_notebook(page, server, notebook_path, ui="lab", timeout=90, settle=1.5):
    """Open notebook_path (inside server.root) in `page`; return its cells once all have rendered.

    Rendering is done when every cell is in the page, every Markdown cell has been rendered, and
    that count has not changed for `settle` seconds. A modal dialog is an error.
    """
    import nbformat
    from playwright.sync_api import Error as PlaywrightError

    notebook_path = Path(notebook_path).resolve()
    cells = nbformat.read(notebook_path, as_version=4).cells
    started = time.monotonic()
    page.goto(server.page_url(notebook_path.relative_to(server.root), ui))
    progress, stable_since, previous = None, None, None
    while time.monotonic() - started < timeout:
        time.sleep(0.25)
        try:
            progress = page.evaluate(PROGRESS_JS)
            dialog = page.evaluate(DIALOG_JS)
        except PlaywrightError:
            continue  # the page is still loading
        if dialog:
            raise BrowserError(f"{notebook_path.name} in {ui}: a dialog: {dialog[:400]}")
        complete = bool(progress) and progress[0] == len(cells) and progress[1] == progress[2]
        if complete and progress == previous:
            stable_since = stable_since or time.monotonic()
            if time.monotonic() - stable_since >= settle:
                break
        else:
            stable_since = None
        previous = progress
    else:
        count, rendered = (progress or [0, 0, 0])[0], (progress or [0, 0, 0])[2]
        raise BrowserError(
            f"{notebook_path.name} did not finish rendering in {ui} within {timeout} s "
            f"({count} of {len(cells)} cells in the page, {rendered} Markdown cells rendered)"
        )
    return cells, time.monotonic() - started


def read_rendered(page, server, notebook_path, ui="lab", timeout=90):
    """Open notebook_path (inside server.root) and inspect every Markdown cell once all render."""
    notebook_path = Path(notebook_path).resolve()
    cells, seconds = open_notebook(page, server, notebook_path, ui, timeout)
    snapshot = page.evaluate(SNAPSHOT_JS)
    rendered = RenderedNotebook(notebook_path, ui, seconds, sum(c["markdown"] for c in snapshot))
    for index, (cell, seen) in enumerate(zip(cells, snapshot, strict=True)):
        if cell.cell_type != "markdown" or not seen["markdown"]:
            if (cell.cell_type == "markdown") != seen["markdown"]:
                raise BrowserError(f"{notebook_path.name}: cell {index} changed type in the page")
            continue
        problems = cell_problems(cell.source, seen)
        if problems:
            rendered.problems[index] = problems
    return rendered
