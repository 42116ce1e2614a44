"""Headless Chromium for the browser tests: Playwright on the system's browser, and axe-core.

Playwright (pip) drives the Chromium the system already has (Debian's `chromium`), named by
`executable_path`: no browser is ever downloaded. CHROMIUM=PATH names another browser; if it
does not start, that is an error, not a skip. axe-core comes from npm, pinned in
tests/a11y/package.json and package-lock.json (`npm ci --prefix tests/a11y`).
"""

import functools
import os
import shutil
import subprocess
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# No sandbox (CI runs as root), and nothing that phones home: no updates, no background requests.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--no-first-run",
]
AXE_SCRIPT = Path(__file__).parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: the rules a university's accessibility office audits with.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class BrowserError(RuntimeError):
    """Chromium or a page did not do what was asked; the message says what and where."""


def _starts(path):
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    # Ubuntu's chromium-browser can be a stub that only asks for a snap: it prints no version.
    return done.returncode == 0 and "chrom" in done.stdout.lower()


@functools.cache
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


def browser_or_reason():
    """(path, None) for a usable browser, (None, why) otherwise: the reason a test skips or fails."""
    try:
        path = find_browser()
    except BrowserError as error:
        return None, str(error)
    if path is None:
        return None, (
            "no Chromium or Chrome found (apt-get install chromium, or set CHROMIUM=PATH): "
            "the browser checks did NOT run"
        )
    return path, None


@contextmanager
def launched():
    """A headless Playwright Browser on the system Chromium; closed (with its helpers) on exit."""
    from playwright.sync_api import sync_playwright

    path, problem = browser_or_reason()
    if path is None:
        raise BrowserError(problem)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


@contextmanager
def served(folder):
    """`folder` served over HTTP on 127.0.0.1 (a free port) in a thread: yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def axe_violations(page, within=None):
    """axe-core's WCAG 2.1 A/AA violations in `page` (only inside the CSS selectors `within`).

    Returns a list of {rule, impact, help, targets: [CSS selector, ...], html: [...]}.
    """
    if not AXE_SCRIPT.is_file():
        raise BrowserError(f"no {AXE_SCRIPT}: run `npm ci --prefix tests/a11y`")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "([within, tags]) => axe.run(within ? {include: within} : document,"
        " {runOnly: {type: 'tag', values: tags}})",
        [within, WCAG_TAGS],
    )
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [" ".join(map(str, node["target"])) for node in violation["nodes"]],
            "html": [node["html"][:160] for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]
