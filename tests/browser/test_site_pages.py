"""Every page of the built website, as a reader sees it in Chromium.

The site is served from 127.0.0.1 and every other request is aborted (and
counted), as on a school network that blocks CDNs. Each page is opened once
with a light system preference, checked, its solutions opened by clicks, then
switched to a dark preference (the site follows it) and checked again. A
full-page screenshot (light) and the first screen in dark are saved in
build/screenshots/ (CI keeps them as an artifact). The pages come from
_toc.yml, so a new chapter is tested as soon as it is in the table of contents.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from .book import LAUNCH_ARGS, REPORT, ROOT, explorer_names, notebook_for, site_pages, widget_cells

PAGES = [page for page in site_pages() if page != "index.html"]
CHAPTER_PAGES = [page for page in PAGES if notebook_for(page) is not None]
PAGE_CHECKS = (Path(__file__).parent / "page_checks.js").read_text()
GENERIC_ALT = {"image", "figure", "plot", "graph", "chart", "picture", "output", "png", "img", "logo"}


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
    seconds: float = 0.0


def _open(browser, site_url, page):
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


def _settle(tab, visit, timeout=10.0):
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
    _settle(tab, visit)


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


def _visit(browser, site_url, page, screenshots) -> Visit:
    """Load a page once: light theme as it loads, then every solution opened, then dark."""
    start = time.perf_counter()
    visit, context, tab = _open(browser, site_url, page)
    explorers = sorted(explorer_names()) if notebook_for(page) else []
    try:
        _load(tab, visit, site_url + page)
        visit.light = tab.evaluate(PAGE_CHECKS, {"explorers": explorers, "mode": "light"})
        _screenshot(tab, screenshots, page, "light")  # as a reader first sees it: solutions closed
        visit.toggles = _check_toggles(tab)
        # The site follows the system preference: switch it, as a reader's evening mode would.
        tab.emulate_media(color_scheme="dark")
        tab.wait_for_function("document.documentElement.dataset.theme === 'dark'", timeout=5000)
        visit.dark = tab.evaluate(PAGE_CHECKS, {"explorers": explorers, "mode": "dark"})
        tab.evaluate("window.scrollTo(0, 0)")
        _screenshot(tab, screenshots, page, "dark")
        _settle(tab, visit)
    finally:
        context.close()
    visit.seconds = time.perf_counter() - start
    return visit


def _screenshot(tab, screenshots, page, scheme):
    """The whole page in the light theme; the first screen in the dark one (the checks cover the rest)."""
    path = screenshots / f"{page.removesuffix('.html').replace('/', '__')}-{scheme}.jpg"
    tab.screenshot(path=str(path), full_page=scheme == "light", type="jpeg", quality=60)


def _visit_all(chromium_path, site_url, pages, screenshots, cache):
    """Visit pages with a browser of this thread's own (Playwright objects stay in their thread)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chrome = pw.chromium.launch(executable_path=chromium_path, headless=True, args=LAUNCH_ARGS)
        try:
            for page in pages:
                try:
                    cache[page] = _visit(chrome, site_url, page, screenshots)
                except Exception as error:  # reported by every test of that page
                    cache[page] = error
        finally:
            chrome.close()


@pytest.fixture(scope="session")
def visits(request, browser, chromium_path, site_url, screenshots_dir):
    """Each page is loaded once and shared by the tests below.

    The pages the selected tests need are visited up front by two browsers at a time
    (pages render in their own processes, so the machine's two cores both work).
    """
    start = time.perf_counter()
    wanted = []
    for item in request.session.items:
        page = getattr(item, "callspec", None) and item.callspec.params.get("page")
        if page and "visits" in item.fixturenames and page not in wanted:
            wanted.append(page)
    cache = {}
    helper = threading.Thread(target=_visit_all,
                              args=(chromium_path, site_url, wanted[1::2], screenshots_dir, cache))
    helper.start()
    try:
        for page in wanted[0::2]:
            try:
                cache[page] = _visit(browser, site_url, page, screenshots_dir)
            except Exception as error:
                cache[page] = error
    finally:
        helper.join()

    def get(page) -> Visit:
        if page not in cache:
            try:
                cache[page] = _visit(browser, site_url, page, screenshots_dir)
            except Exception as error:  # report it once per test, do not load the page again
                cache[page] = error
        if isinstance(cache[page], Exception):
            raise cache[page]
        return cache[page]

    yield get
    done = [v for v in cache.values() if isinstance(v, Visit)]
    if done:
        slowest = max(done, key=lambda v: v.seconds)
        REPORT.append(f"site: {len(done)} pages checked, two at a time, in {time.perf_counter() - start:.1f} s "
                      f"(slowest {slowest.page}, {slowest.seconds:.1f} s); screenshots in "
                      f"{screenshots_dir.relative_to(ROOT)}/")


# --- the site as a whole -------------------------------------------------------------------

def test_every_built_page_is_tested(built_site):
    built = {p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html")
             if not p.relative_to(built_site).parts[0].startswith("_")}
    untested = sorted(built - set(site_pages()))
    assert not untested, f"pages built but not in _toc.yml (so not tested): {untested}"
    missing = sorted(set(site_pages()) - built)
    assert not missing, f"pages in _toc.yml that the build did not write: {missing}"


def test_the_front_door_leads_to_the_first_page(browser, site_url):
    visit, context, tab = _open(browser, site_url, "index.html")
    try:
        tab.goto(site_url + "index.html")
        tab.wait_for_url(f"**/{site_pages()[0]}", timeout=5000)
        _settle(tab, visit)
    finally:
        context.close()
    assert not visit.console_errors and not visit.failed_requests and not visit.external_requests


def test_search_works_offline(browser, site_url):
    """The search page finds the book's own title words, from the local index."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    word = max(re.findall(r"[A-Za-z]{5,}", config["title"]), key=len)
    visit, context, tab = _open(browser, site_url, "search.html")
    try:
        tab.goto(f"{site_url}search.html?q={word}")
        tab.wait_for_selector("#search-results ul.search li", timeout=10_000)
        hits = tab.locator("#search-results ul.search li").count()
        _settle(tab, visit)
    finally:
        context.close()
    assert hits > 0, f"searching for {word!r} found nothing"
    assert not visit.console_errors and not visit.failed_requests and not visit.external_requests


# --- every page ------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_no_console_errors_and_no_request_leaves_the_site(visits, page):
    visit = visits(page)
    assert not visit.external_requests, f"{page} requested files from other servers: {visit.external_requests}"
    assert not visit.failed_requests, f"{page} has failed requests: {visit.failed_requests}"
    assert not visit.console_errors, f"{page} logged errors in the console: {visit.console_errors}"


@pytest.mark.parametrize("page", PAGES)
def test_every_formula_is_typeset(visits, page):
    facts = visits(page).light
    assert not facts["untypeset"], f"{page}: formulas left as raw TeX: {facts['untypeset']}"
    assert not facts["mathErrors"], f"{page}: MathJax could not typeset: {facts['mathErrors']}"
    assert not facts["rawTex"], f"{page}: TeX or math delimiters left in the text: {facts['rawTex']}"


def _alt_problem(alt):
    if alt is None or not alt.strip():
        return "no alt text"
    text = alt.strip()
    if re.search(r"\.(png|jpe?g|svg|gif|webp)$", text, re.I) or "/" in text and " " not in text:
        return f"alt text is a file name ({text!r})"
    words = re.findall(r"[A-Za-z]+", text.lower())
    if len(words) < 2 or set(words) <= GENERIC_ALT:
        return f"alt text says nothing about the picture ({text!r})"
    return None


@pytest.mark.parametrize("page", PAGES)
def test_every_image_loads_and_has_alt_text(visits, page):
    problems = []
    for image in visits(page).light["images"]:
        if not image["loaded"]:
            problems.append(f"{image['src']} did not load")
        if problem := _alt_problem(image["alt"]):
            problems.append(f"{image['src']}: {problem}")
    assert not problems, f"{page}: " + "; ".join(problems)


@pytest.mark.parametrize("page", PAGES)
def test_solutions_are_collapsed_and_open_on_a_click(visits, page):
    visit = visits(page)
    assert not visit.toggles, f"{page}: " + "; ".join(visit.toggles)
    unanswered = [e["title"] for e in visit.light["exercises"] if e["solutions"] == 0]
    assert not unanswered, f"{page}: exercises without a collapsed solution: {unanswered}"
    markers = visit.light["solutionMarkers"]
    assert not markers, f"{page}: {markers} code cells show nbgrader's ### BEGIN/END SOLUTION lines"


@pytest.mark.parametrize("page", PAGES)
def test_text_tables_and_figures_are_readable_in_both_themes(visits, page):
    visit = visits(page)
    assert visit.dark["theme"] == "dark", f"{page}: a dark system preference gave theme {visit.dark['theme']!r}"
    for theme, facts in [("light", visit.light), ("dark", visit.dark)]:
        low = facts["lowContrast"]
        assert not low, (f"{page} ({theme} theme, page background {facts['pageBackground']}): "
                         f"{len(low)} text elements below the WCAG AA contrast, e.g. {low[:5]}")
        unreadable = [f for f in facts["figures"] if f["opaqueBorder"] < 90 and f["behindLuminance"] < 0.5]
        assert not unreadable, (f"{page} ({theme} theme): figures with a transparent background on a dark "
                                f"page (dark text in them would vanish): {unreadable}")


@pytest.mark.parametrize("page", PAGES)
def test_footer_shows_the_configured_copyright(visits, page):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    expected = str(config.get("copyright", "")).strip()
    copyright = visits(page).light["copyright"]
    assert copyright and expected and expected in copyright, (
        f"{page}: footer reads {copyright!r}, expected the copyright of _config.yml ({expected!r})")


# --- chapters ---------------------------------------------------------------------------------

@pytest.mark.parametrize("page", CHAPTER_PAGES)
def test_every_widget_has_a_visible_static_figure(visits, page):
    expected = len(widget_cells(notebook_for(page)))
    found = visits(page).light["widgets"]
    assert len(found) == expected, (f"{page}: the notebook has {expected} live-widget cells, "
                                    f"the page shows {len(found)}")
    for widget in found:
        where = f"{page}, widget cell {widget['code']!r}"
        assert not widget["hasOutput"], f"{where}: shows an output on the site (tag it remove-output)"
        fallback = widget["fallback"]
        assert fallback, f"{where}: no figure after it (the static fallback)"
        assert fallback["loaded"] and fallback["visible"] and fallback["width"] > 100, (
            f"{where}: its static fallback figure is not visible: {fallback}")


@pytest.mark.parametrize("page", PAGES)
def test_no_widget_state_without_the_scripts_that_show_it(visits, page):
    facts = visits(page).light
    assert not facts["widgetState"] or facts["widgetScripts"], (
        f"{page} embeds saved widget state that no widget script renders (dead weight)")


@pytest.mark.parametrize("page", CHAPTER_PAGES)
def test_launch_buttons_point_to_binder_and_colab(visits, page):
    links = " ".join(visits(page).light["launchLinks"])
    assert "mybinder.org" in links and "colab.research.google.com" in links, (
        f"{page}: launch links are {visits(page).light['launchLinks']}")
