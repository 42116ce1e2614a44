"""Open notebooks in JupyterLab or Notebook 7 in headless Chromium and read what a student sees.

The engine of tests/test_jupyterlab.py, and a command-line tool:

    python tools/notebook_browser.py notebooks/*.ipynb              # report raw MyST; exit 1 if any
    python tools/notebook_browser.py --ui notebook notebooks/08_lstm_gru.ipynb   # Notebook 7
    python tools/notebook_browser.py --screenshots DIR notebooks/01_rnn_cell.ipynb

Nothing is downloaded. JupyterLab runs from this environment on 127.0.0.1 (a free port, a random
token, every Jupyter folder temporary); the browser is the system's Chromium (Debian's `chromium`)
or Chrome, driven over the Chrome DevTools Protocol through a websocket. JupyterLab's settings
switch windowing off, so every cell is rendered and not only those in view, and switch off news
and update checks. jupyterlab-myst renders the Markdown cells: each cell's rendered text (never
the source JupyterLab keeps in a hidden editor) is searched for MyST that stayed raw, and the
cell's source says what must have rendered (equation labels, references, exercise boxes).
"""

import argparse
import base64
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

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)
WINDOW = (1280, 1400)
SETTINGS = {
    # every cell rendered, not only those near the viewport ("full" windowing, the default)
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # no news feed and no update check: no requests to the outside, no pop-up over the notebook
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


class BrowserError(RuntimeError):
    """Chromium or JupyterLab did not do what was asked; the message says what and where."""


# -- the browser -------------------------------------------------------------------------------


def find_browser():
    """The path of a Chromium or Chrome that starts, or None if there is none on PATH.

    $CHROMIUM, when set, names the browser to use; if it does not start, that is an error.
    """
    named = os.environ.get("CHROMIUM")
    for path in [named] if named else filter(None, map(shutil.which, BROWSER_NAMES)):
        if _starts(path):
            return path
    if named:
        raise BrowserError(f"CHROMIUM={named} does not start (`{named} --version` failed)")
    return None


def _starts(path):
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    # Ubuntu's chromium-browser can be a stub that only asks for a snap: it prints no version.
    return done.returncode == 0 and "chrom" in done.stdout.lower()


class Browser:
    """A headless Chromium with one page, driven over the DevTools Protocol (a websocket)."""

    def __init__(self, executable, window=WINDOW):
        import websocket  # websocket-client; imported here so --help works without it

        self.profile = tempfile.mkdtemp(prefix="chromium-profile-")
        width, height = window
        self.process = subprocess.Popen(
            [executable, *BROWSER_FLAGS, f"--window-size={width},{height}"]
            + [f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            port = self._debugging_port()
            page = next(t for t in self._targets(port) if t["type"] == "page")
            self.socket = websocket.create_connection(
                page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
            )
        except BaseException:
            self.close()
            raise
        self.next_id = 0
        self.window = window
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def _debugging_port(self, timeout=30):
        marker = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BrowserError(f"Chromium exited at start (code {self.process.returncode})")
            lines = marker.read_text().split() if marker.exists() else []
            if len(lines) >= 2:
                return int(lines[0])
            time.sleep(0.05)
        raise BrowserError(f"Chromium did not open its DevTools port within {timeout} s")

    @staticmethod
    def _targets(port):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as answer:
            return json.load(answer)

    def call(self, method, **params):
        """Send one DevTools command and return its result (events in between are dropped)."""
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message')}")
                return message["result"]

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page (JSON-serialisable values only)."""
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"JavaScript error in the page: {text}")
        return result["result"].get("value")

    def navigate(self, url):
        self.call("Page.navigate", url=url)

    def screenshot(self, path, clip=None):
        params = {"format": "png"}
        if clip:
            params["clip"] = {**clip, "scale": 1}
        data = self.call("Page.captureScreenshot", **params)["data"]
        Path(path).write_bytes(base64.b64decode(data))

    def close(self):
        socket = getattr(self, "socket", None)
        if socket is not None:
            socket.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        try:  # Chromium's helpers (crash handler, zygotes) share its session: end them too
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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


def read_rendered(browser, server, notebook_path, ui="lab", timeout=90, settle=1.5):
    """Open notebook_path (inside server.root) and inspect every Markdown cell once all render."""
    import nbformat

    notebook_path = Path(notebook_path).resolve()
    cells = nbformat.read(notebook_path, as_version=4).cells
    started = time.monotonic()
    browser.navigate(server.page_url(notebook_path.relative_to(server.root), ui))
    progress, stable_since, previous = None, None, None
    while time.monotonic() - started < timeout:
        time.sleep(0.25)
        try:
            progress = browser.evaluate(PROGRESS_JS)
            dialog = browser.evaluate(DIALOG_JS)
        except BrowserError:
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
    snapshot = browser.evaluate(SNAPSHOT_JS)
    rendered = RenderedNotebook(
        notebook_path, ui, time.monotonic() - started, sum(c["markdown"] for c in snapshot)
    )
    for index, (cell, seen) in enumerate(zip(cells, snapshot, strict=True)):
        if cell.cell_type != "markdown" or not seen["markdown"]:
            if (cell.cell_type == "markdown") != seen["markdown"]:
                raise BrowserError(f"{notebook_path.name}: cell {index} changed type in the page")
            continue
        problems = cell_problems(cell.source, seen)
        if problems:
            rendered.problems[index] = problems
    return rendered


SCROLLER_JS = r"""
(() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const scroller = panel && (panel.querySelector('.jp-WindowedPanel-outer')
    || panel.querySelector('.jp-Notebook'));
  if (!scroller) return null;
  const box = scroller.getBoundingClientRect();
  return {top: box.top, left: box.left, width: box.width, height: box.height,
          scroll: scroller.scrollHeight};
})()
"""


def screenshots(browser, prefix, pages=3):
    """Up to `pages` PNGs of the open notebook, one screenful each, top to bottom: PREFIX-N.png."""
    box = browser.evaluate(SCROLLER_JS)
    if box is None:
        raise BrowserError("no notebook in the page to take a screenshot of")
    written = []
    for page in range(pages):
        offset = page * box["height"]
        if offset >= box["scroll"]:
            break
        browser.evaluate(
            "(() => { const p = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');"
            " const s = p.querySelector('.jp-WindowedPanel-outer') || p.querySelector('.jp-Notebook');"
            f" s.scrollTop = {offset}; }})()"
        )
        time.sleep(0.5)
        path = Path(f"{prefix}-{page + 1}.png")
        browser.screenshot(path, clip={"x": 0, "y": 0, "width": WINDOW[0], "height": WINDOW[1]})
        written.append(path)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help=".ipynb files under --root")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="folder the server serves")
    parser.add_argument("--ui", choices=("lab", "notebook"), default="lab")
    parser.add_argument("--screenshots", type=Path, metavar="DIR", help="save PNGs of each page")
    parser.add_argument("--pages", type=int, default=3, help="screenfuls per notebook (default 3)")
    args = parser.parse_args(argv)
    failed = False
    try:
        executable = find_browser()
        if executable is None:
            sys.exit("no Chromium or Chrome found: apt-get install chromium, or set CHROMIUM=PATH")
        with JupyterServer(args.root) as server, Browser(executable) as browser:
            for notebook in args.notebooks:
                rendered = read_rendered(browser, server, notebook, args.ui)
                print(rendered.report(), f"({rendered.seconds:.1f} s)", flush=True)
                failed = failed or bool(rendered.problems)
                if args.screenshots:
                    args.screenshots.mkdir(parents=True, exist_ok=True)
                    prefix = args.screenshots / f"{notebook.stem}-{args.ui}"
                    for path in screenshots(browser, prefix, args.pages):
                        print(f"  screenshot {path}")
                server.shut_down_kernels()
    except (BrowserError, OSError) as error:
        sys.exit(f"error: {error}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
