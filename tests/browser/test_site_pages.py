"""Every page of the built website, as a reader sees it in Chromium.

The site is served from 127.0.0.1 and every other request is aborted (and
counted), as on a school network that blocks CDNs. Each page is opened once
with a light system preference, checked, its solutions opened by clicks, then
switched to a dark preference (the site follows it) and checked again (see
site_visits.py). A full-page screenshot (light) and the first screen in dark
are saved in build/screenshots/ (CI keeps them as an artifact). The pages come
from _toc.yml, so a new chapter is tested as soon as it is in the table of
contents.
"""

from __future__ import annotations

import re

import pytest
import yaml

from .book import ROOT, notebook_for, site_pages, widget_cells
from .site_visits import open_page, settle

PAGES = [page for page in site_pages() if page != "index.html"]
CHAPTER_PAGES = [page for page in PAGES if notebook_for(page) is not None]
GENERIC_ALT = {"image", "figure", "plot", "graph", "chart", "picture", "output", "png", "img", "logo"}


# --- the site as a whole -------------------------------------------------------------------

def test_every_built_page_is_tested(built_site):
    built = {p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html")
             if not p.relative_to(built_site).parts[0].startswith("_")}
    untested = sorted(built - set(site_pages()))
    assert not untested, f"pages built but not in _toc.yml (so not tested): {untested}"
    missing = sorted(set(site_pages()) - built)
    assert not missing, f"pages in _toc.yml that the build did not write: {missing}"


def test_the_front_door_leads_to_the_first_page(browser, site_url):
    visit, context, tab = open_page(browser, site_url, "index.html")
    try:
        tab.goto(site_url + "index.html")
        tab.wait_for_url(f"**/{site_pages()[0]}", timeout=5000)
        settle(tab, visit)
    finally:
        context.close()
    assert not visit.console_errors and not visit.failed_requests and not visit.external_requests


def test_search_works_offline(browser, site_url):
    """The search page finds the book's own title words, from the local index."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    word = max(re.findall(r"[A-Za-z]{5,}", config["title"]), key=len)
    visit, context, tab = open_page(browser, site_url, "search.html")
    try:
        tab.goto(f"{site_url}search.html?q={word}")
        tab.wait_for_selector("#search-results ul.search li", timeout=10_000)
        hits = tab.locator("#search-results ul.search li").count()
        settle(tab, visit)
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
