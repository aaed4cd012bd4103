"""Shared set-up for the browser tests: a Chromium, the built site, the chapters.

The tests drive the system's Chromium (or Chrome) through Playwright; they
never download a browser. Without one they are skipped with a message that
says so, except under CI (``CI=true``), where a missing browser is a failure.
Set ``BOOK_CHROMIUM=/path/to/chrome`` to choose the browser.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from .book import LAUNCH_ARGS, REPORT, ROOT
from .site_visits import SiteVisits

SITE = ROOT / "build" / "html"
LOCK = ROOT / "build" / ".site.lock"  # held while a test session checks or builds the site
SCREENSHOTS = ROOT / "build" / "screenshots"
BROWSER_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"]
# The files the site is built from: when one is newer than build/html, rebuild.
SITE_SOURCES = ["_config.yml", "_toc.yml", "*.md", "*.bib", "chapters/**/*.ipynb", "chapters/**/*.md",
                "appendix/**/*.ipynb",
                "_static/**/*", "_ext/**/*.py", "tools/conventions.py", "_vendor/**/*"]


# --- the browser ---------------------------------------------------------------------

def find_chromium() -> str | None:
    chosen = os.environ.get("BOOK_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).exists() else None
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _no_browser(reason: str):
    message = (f"browser tests not run: {reason}. Install Chromium (Debian/Ubuntu: "
               f"`apt-get install chromium`) or set BOOK_CHROMIUM=/path/to/chrome.")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " CI=true requires them.", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _no_browser("the Python package `playwright` is not installed (it is in requirements.txt)")
    path = find_chromium()
    if path is None and os.environ.get("BOOK_CHROMIUM"):
        _no_browser(f"BOOK_CHROMIUM={os.environ['BOOK_CHROMIUM']} does not exist")
    if path is None:
        _no_browser(f"no Chromium or Chrome found (looked for {', '.join(BROWSER_NAMES)} on PATH)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # Playwright gives each launch a fresh temporary profile (user-data-dir).
        chrome = pw.chromium.launch(executable_path=chromium_path, headless=True, args=LAUNCH_ARGS)
        yield chrome
        chrome.close()


# --- axe-core, the accessibility engine, from npm ----------------------------------------

AXE_DIR = ROOT / "build" / "axe"  # `make axe` installs the version the Makefile pins there


def axe_version() -> str:
    """The axe-core version pinned in the Makefile (``AXE_CORE := 4.14.1``)."""
    return re.search(r"^AXE_CORE\s*:=\s*(\S+)", (ROOT / "Makefile").read_text(), re.MULTILINE).group(1)


@pytest.fixture(scope="session")
def axe_source(chromium_path) -> str:
    """axe.min.js of the pinned axe-core, installed with `make axe` (npm) if it is not there yet."""
    package = AXE_DIR / "node_modules" / "axe-core"
    wanted = axe_version()

    def installed() -> str | None:
        manifest = package / "package.json"
        return json.loads(manifest.read_text())["version"] if manifest.exists() else None

    if installed() != wanted and shutil.which("make") and shutil.which("npm"):
        subprocess.run(["make", "--no-print-directory", "axe"], cwd=ROOT, capture_output=True, text=True)
    if installed() != wanted:
        _no_browser(f"axe-core {wanted} is not installed in {AXE_DIR.relative_to(ROOT)} "
                    f"(`make axe` installs it with npm; Debian: `apt-get install npm`)")
    return (package / "axe.min.js").read_text()


# --- the site, served on localhost ------------------------------------------------------

def _newest_source_mtime() -> float:
    newest = 0.0
    for pattern in SITE_SOURCES:
        for path in ROOT.glob(pattern):
            if path.is_file():
                newest = max(newest, path.stat().st_mtime)
    return newest


def _site_is_fresh() -> bool:
    marker = SITE / "index.html"
    return marker.exists() and marker.stat().st_mtime >= _newest_source_mtime()


@contextlib.contextmanager
def _site_lock():
    """Hold build/.site.lock (an exclusive lock of the file; without fcntl, on Windows, no lock)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    LOCK.parent.mkdir(parents=True, exist_ok=True)
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def built_site(chromium_path) -> Path:
    """build/html, rebuilt with `make site` when a source is newer than it.

    Under pytest-xdist two workers can need the site at once (test_site_pages.py and
    test_web_explorers.py): a lock on build/.site.lock lets one build it while the other
    waits and then finds it fresh (two builds at once would also remove each other's files).
    """
    with _site_lock():
        if not _site_is_fresh():
            make = shutil.which("make")
            if make is None:
                pytest.fail("build/html is missing or stale and `make` was not found to run `make site`",
                            pytrace=False)
            done = subprocess.run([make, "--no-print-directory", "site"], cwd=ROOT, capture_output=True, text=True)
            if done.returncode != 0:
                tail = "\n".join((done.stdout + done.stderr).splitlines()[-40:])
                pytest.fail(f"`make site` failed, so the site cannot be tested:\n{tail}", pytrace=False)
    return SITE


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A browser that drops a connection before its reply (a favicon request cut short as a
        # page's context closes) is not the site's failure: no traceback in the test output.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def site_url(built_site) -> str:
    """The built site on an HTTP server on 127.0.0.1 (a free port), for this session."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


# Pages load in helper threads, beside the JupyterLab test when both run here (see site_visits.py).
SITE_THREADS = 2


@pytest.fixture(scope="session")
def visits(request, chromium_path, site_url, screenshots_dir, axe_source):
    """``visits(page)``: the page's Visit, from browsers that started on the pages the
    selected tests need as soon as the browser tests began."""
    wanted = []
    for item in request.session.items:
        page = getattr(item, "callspec", None) and item.callspec.params.get("page")
        if page and "visits" in item.fixturenames and page not in wanted:
            wanted.append(page)
    runner = SiteVisits(chromium_path, site_url, wanted, screenshots_dir, threads=SITE_THREADS,
                        axe_source=axe_source)
    yield runner.get
    done = runner.close()
    for visit in sorted(done, key=lambda v: wanted.index(v.page)):
        weight = visit.light.get("weight")
        if weight:
            largest = ", ".join(f"{name.split('?')[0].rsplit('/', 1)[-1]} {size / 1e3:.0f} kB"
                                for name, size in weight["largest"])
            REPORT.append(f"weight: {visit.page}: {weight['bytes'] / 1e6:.2f} MB transferred in "
                          f"{weight['requests']} requests (largest: {largest})")
    if done:
        slowest = max(done, key=lambda v: v.seconds)
        REPORT.append(f"site: {len(done)} pages checked in {runner.finished - runner.started:.1f} s, "
                      f"{SITE_THREADS} at a time (slowest {slowest.page}, "
                      f"{slowest.seconds:.1f} s), axe-core {axe_version()} in both themes "
                      f"({sum(v.axe_seconds for v in done):.1f} s of the pages' time); "
                      f"screenshots (whole pages in both themes, figures on a 390-pixel phone) in "
                      f"{screenshots_dir.relative_to(ROOT)}/")


@pytest.fixture(scope="session", autouse=True)
def _pages_start_with_the_browser_tests(request):
    """Start visiting pages at the first browser test, if any selected test needs them.

    Not under pytest-xdist (`make test`): there each test file is a unit of work that
    the scheduler hands to whichever worker is free, so a worker cannot know whether the
    site's tests will come to it, and the other worker keeps the second core busy.
    """
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    if any("visits" in item.fixturenames for item in request.session.items):
        request.getfixturevalue("visits")


def pytest_sessionfinish(session):
    """Keep the report: in build/screenshots/report.txt, and for xdist's controller."""
    if not REPORT:
        return
    if SCREENSHOTS.exists():
        (SCREENSHOTS / "report.txt").write_text("\n".join(REPORT) + "\n")
    if hasattr(session.config, "workeroutput"):  # an xdist worker: send the lines home
        session.config.workeroutput["book_report"] = list(REPORT)


def pytest_terminal_summary(terminalreporter):
    """Print what the browser saw and measured (also kept in build/screenshots/report.txt)."""
    if not REPORT:
        return
    terminalreporter.section("browser: pages and live widgets")
    for line in REPORT:
        terminalreporter.write_line(line)
