"""Visiting the built site's pages: each loaded once, checked in both themes.

A page is opened in a fresh browser context whose only network is the local
server (every other request is aborted and counted), checked with
page_checks.js and axe-core in the light theme, screenshot, its collapsed
cells and dropdowns opened by clicks, then switched to a dark system
preference (the site follows it), checked and screenshot again, and last
narrowed to a 390-pixel phone, where each figure is screenshot.

``SiteVisits`` does this for the pages a test session needs, in helper threads
with browsers of their own, starting as soon as the browser tests begin: the
pages load while JupyterLab's kernels run the chapters, so the machine's two
cores both work. Tests ask for a page with ``visits(page)``, which waits for it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .book import LAUNCH_ARGS, explorer_names, notebook_for

PAGE_CHECKS = (Path(__file__).parent / "page_checks.js").read_text()


@dataclass
class Visit:
    """What one page did: messages, requests, and the facts of page_checks.js in each theme."""

    page: str
    console_errors: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)
    external_requests: list = field(default_factory=list)
    pending: set = field(default_factory=set)
    light: dict = field(default_factory=dict)
    dark: dict = field(default_factory=dict)
    toggles: list = field(default_factory=list)
    phone_figures: list = field(default_factory=list)
    seconds: float = 0.0
    axe_seconds: float = 0.0


def open_page(browser, site_url, page):
    """A fresh context (no stored theme choice) whose only network is the local server."""
    visit = Visit(page)
    context = browser.new_context(color_scheme="light", viewport={"width": 1280, "height": 900})

    def route(request_route):
        url = request_route.request.url
        if url.startswith(site_url):
            request_route.continue_()
        else:
            visit.external_requests.append(url)
            request_route.abort("blockedbyclient")

    def finished(request):
        visit.pending.discard(request)

    def failed(request):
        visit.pending.discard(request)
        visit.failed_requests.append(f"{request.url}: {request.failure}")

    def console(message):
        if message.type == "error":
            visit.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def response(resp):
        if resp.status >= 400:
            visit.failed_requests.append(f"{resp.url}: HTTP {resp.status}")

    context.route("**/*", route)
    tab = context.new_page()
    tab.on("console", console)
    tab.on("pageerror", lambda error: visit.console_errors.append(f"uncaught: {error}"))
    tab.on("request", lambda request: visit.pending.add(request))
    tab.on("requestfinished", finished)
    tab.on("requestfailed", failed)
    tab.on("response", response)
    return visit, context, tab


def settle(tab, visit, timeout=10.0):
    """Wait until no request of the page is in flight (fonts, MathJax packages, images)."""
    deadline = time.monotonic() + timeout
    while visit.pending and time.monotonic() < deadline:
        tab.wait_for_timeout(50)
    if visit.pending:
        visit.failed_requests.extend(f"{r.url}: still loading after {timeout:.0f} s" for r in visit.pending)


def _load(tab, visit, url):
    tab.goto(url, wait_until="load")
    # MathJax typesets after load; its startup promise settles when it is done.
    tab.evaluate("""() => (window.MathJax && MathJax.startup && MathJax.startup.promise)
                          ? MathJax.startup.promise.then(() => true) : true""")
    tab.evaluate("() => document.fonts.ready.then(() => true)")
    settle(tab, visit)


def _check_toggles(tab) -> list[str]:
    """Every collapsible (hidden code cells, dropdown admonitions) starts closed and opens on a click."""
    problems = []
    hidden_cells = tab.locator("article details.hide")
    for i in range(hidden_cells.count()):
        details = hidden_cells.nth(i)
        body = details.locator(":scope > :not(summary)").first
        label = f"collapsed cell {i + 1} ({details.locator('summary').inner_text().strip()!r})"
        if details.get_attribute("open") is not None or body.is_visible():
            problems.append(f"{label} is open when the page loads")
            continue
        details.locator("summary").click()
        try:
            body.wait_for(state="visible", timeout=2000)
        except Exception:
            problems.append(f"{label} did not open on a click")
    dropdowns = tab.locator("article .admonition.dropdown")
    for i in range(dropdowns.count()):
        box = dropdowns.nth(i)
        title = box.locator(".admonition-title").first
        body = box.locator(":scope > :not(.admonition-title)").first
        label = f"dropdown {i + 1} ({title.inner_text().strip()!r})"
        if body.is_visible():
            problems.append(f"{label} is open when the page loads")
            continue
        title.click()
        try:
            body.wait_for(state="visible", timeout=2000)
        except Exception:
            problems.append(f"{label} did not open on a click")
    return problems


# axe-core's rules for the WCAG 2.x A and AA success criteria and its best practices (all of its
# rules but the experimental ones); only violations are kept.
AXE_OPTIONS = {"resultTypes": ["violations"]}
AXE_RUN = """(options) => axe.run(document, options).then((result) => result.violations.map((v) => ({
  id: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.map((n) => ({ target: n.target.join(" "), html: n.html.slice(0, 200) })),
})))"""
PHONE = {"width": 390, "height": 844}


def _axe(tab, axe_source: str, visit: Visit) -> list[dict]:
    """axe-core's violations on the page as it is now (the script is added once per page)."""
    start = time.perf_counter()
    if not tab.evaluate("() => typeof window.axe === 'object'"):
        tab.add_script_tag(content=axe_source)
    violations = tab.evaluate(AXE_RUN, AXE_OPTIONS)
    visit.axe_seconds += time.perf_counter() - start
    return violations


def _visit(browser, site_url, page, screenshots, axe_source) -> Visit:
    """Load a page once: light theme as it loads, then every solution opened, then dark, then a phone."""
    start = time.perf_counter()
    visit, context, tab = open_page(browser, site_url, page)
    explorers = sorted(explorer_names()) if notebook_for(page) else []
    try:
        _load(tab, visit, site_url + page)
        visit.light = tab.evaluate(PAGE_CHECKS, {"explorers": explorers, "mode": "light"})
        visit.light["axe"] = _axe(tab, axe_source, visit)
        _screenshot(tab, screenshots, page, "light")  # as a reader first sees it: solutions closed
        visit.toggles = _check_toggles(tab)
        # The site follows the system preference: switch it, as a reader's evening mode would.
        tab.emulate_media(color_scheme="dark")
        tab.wait_for_function("document.documentElement.dataset.theme === 'dark'", timeout=5000)
        # The theme's colours change with CSS transitions: check the colours they end at.
        tab.wait_for_function("document.getAnimations().every((a) => a.playState !== 'running')", timeout=5000)
        visit.dark = tab.evaluate(PAGE_CHECKS, {"explorers": explorers, "mode": "dark"})
        visit.dark["axe"] = _axe(tab, axe_source, visit)  # with every solution open
        tab.evaluate("window.scrollTo(0, 0)")
        _screenshot(tab, screenshots, page, "dark")
        visit.phone_figures = _phone_figures(tab, screenshots, page)
        settle(tab, visit)
    finally:
        context.close()
    visit.seconds = time.perf_counter() - start
    return visit


def _name(page: str) -> str:
    return page.removesuffix(".html").replace("/", "__")


def _screenshot(tab, screenshots, page, scheme):
    """The whole page, in either theme."""
    tab.screenshot(path=str(screenshots / f"{_name(page)}-{scheme}.jpg"), full_page=True, type="jpeg", quality=60)


def _phone_figures(tab, screenshots, page) -> list[dict]:
    """On a 390-pixel phone: each figure of the text, its size there, and a screenshot of it."""
    tab.set_viewport_size(PHONE)
    figures = tab.locator("article .cell_output img")
    found = []
    for i in range(figures.count()):
        figure = figures.nth(i)
        if not figure.is_visible():
            continue
        figure.scroll_into_view_if_needed()
        size = figure.evaluate("(img) => ({ src: img.getAttribute('src'), natural: img.naturalWidth, "
                               "shown: img.getBoundingClientRect().width })")
        figure.screenshot(path=str(screenshots / f"{_name(page)}-phone-figure{i + 1}.jpg"), type="jpeg", quality=70)
        found.append(size)
    return found


class SiteVisits:
    """Pages visited in the background, ``threads`` at a time; ``get(page)`` waits for one."""

    def __init__(self, chromium_path: str, site_url: str, pages: list[str], screenshots: Path, threads: int,
                 axe_source: str):
        self.chromium_path, self.site_url, self.screenshots = chromium_path, site_url, screenshots
        self.axe_source = axe_source
        self.started = time.perf_counter()
        self.finished: float | None = None
        self._results: dict[str, Visit | Exception] = {}
        self._ready = {page: threading.Event() for page in pages}
        self._todo = list(pages)
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._work, daemon=True) for _ in range(min(threads, len(pages)))]
        for thread in self._threads:
            thread.start()

    def _next(self) -> str | None:
        with self._lock:
            return self._todo.pop(0) if self._todo else None

    def _work(self) -> None:
        """Visit pages until none is left, with a browser of this thread's own (Playwright
        objects stay in the thread that made them)."""
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as pw:
                chrome = pw.chromium.launch(executable_path=self.chromium_path, headless=True, args=LAUNCH_ARGS)
                try:
                    while (page := self._next()) is not None:
                        try:
                            self._results[page] = _visit(chrome, self.site_url, page, self.screenshots, self.axe_source)
                        except Exception as error:  # reported by every test of that page
                            self._results[page] = error
                        self._ready[page].set()
                finally:
                    chrome.close()
        except Exception as error:  # the browser itself failed: every page left gets the error
            while (page := self._next()) is not None:
                self._results[page] = error
                self._ready[page].set()
            raise
        finally:
            self.finished = time.perf_counter()

    def get(self, page: str) -> Visit:
        """The visit of ``page``, once it is done."""
        if page not in self._ready:
            raise KeyError(f"{page} was not among the pages planned for this session: {sorted(self._ready)}")
        self._ready[page].wait()
        result = self._results[page]
        if isinstance(result, Exception):
            raise result
        return result

    def close(self) -> list[Visit]:
        """Wait for the helpers; return the pages visited."""
        for thread in self._threads:
            thread.join()
        return [v for v in self._results.values() if isinstance(v, Visit)]
