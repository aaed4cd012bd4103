"""Every page of the built website, as a reader sees it in Chromium.

The site is served from 127.0.0.1 and every other request is aborted (and
counted), as on a school network that blocks CDNs. Each page is opened once
with a light system preference, checked (page_checks.js and axe-core), its
solutions opened by clicks, then switched to a dark preference (the site
follows it) and checked again, then narrowed to a 390-pixel phone (see
site_visits.py). Full-page screenshots in both themes and each figure on the
phone are saved in build/screenshots/ (CI keeps them as an artifact). The
pages come from _toc.yml, so a new chapter is tested as soon as it is in the
table of contents.
"""

from __future__ import annotations

import re

import pytest
import yaml

from .book import ROOT, notebook_for, site_pages, widget_cells
from .site_visits import open_page, settle

PAGES = [page for page in site_pages() if page != "index.html"]
CHAPTER_PAGES = [page for page in PAGES if notebook_for(page) is not None]
# Figures have twice the pixels of their size on the page (gdcore.plotting.hidpi_png); a
# little less is allowed for a figure drawn a few pixels narrower than the column.
MIN_PIXELS_PER_SHOWN_PIXEL = 1.8

# What axe-core finds on a stock Jupyter Book 1 page (`jupyter-book create`, built with
# the same jupyter-book 1.0.4 / sphinx-book-theme 1.3.0 as the book, default config,
# checked by the same axe-core in both themes): the theme's two search buttons and its
# colour-mode button are labelled "Search" and "Color mode" while they read "Search
# Ctrl+K" and show an icon (label-content-name-mismatch), and the sidebar's title or logo
# sits outside a landmark (region). A stock page's bibliography also fails three rules
# (doc-biblioentry roles, a list without list items); the book fixes those
# (_ext/book_site.py), so they are not in the baseline. Anything else axe finds is the
# book's own doing. Each entry: rule, and a piece of the failing element's HTML.
STOCK_AXE_BASELINE = {
    ("label-content-name-mismatch", "search-button__button"),
    ("label-content-name-mismatch", "theme-switch-button"),
    ("region", "sidebar-primary-item"),
    ("region", "navbar-brand"),
    ("region", "logo__image"),
}

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


def _beyond_stock(violations: list[dict]) -> list[str]:
    found = []
    for violation in violations:
        for node in violation["nodes"]:
            where = node["target"] + " " + node["html"]
            if not any(rule == violation["id"] and piece in where for rule, piece in STOCK_AXE_BASELINE):
                found.append(f"{violation['id']} ({violation['impact']}: {violation['help']}) at "
                             f"{node['target']}: {node['html'][:120]}")
    return found


@pytest.mark.parametrize("page", PAGES)
def test_axe_finds_nothing_beyond_a_stock_jupyter_book_page(visits, page):
    """axe-core in both themes (text contrast, alt text, labels, roles, ...), solutions closed then open."""
    visit = visits(page)
    for theme, facts in [("light", visit.light), ("dark", visit.dark)]:
        found = _beyond_stock(facts["axe"])
        assert not found, f"{page} ({theme} theme): axe-core finds {len(found)} problems: " + "; ".join(found[:8])


@pytest.mark.parametrize("page", PAGES)
def test_figures_are_readable_in_both_themes(visits, page):
    visit = visits(page)
    assert visit.dark["theme"] == "dark", f"{page}: a dark system preference gave theme {visit.dark['theme']!r}"
    for theme, facts in [("light", visit.light), ("dark", visit.dark)]:
        unreadable = [f for f in facts["figures"] if f["opaqueBorder"] < 90 and f["behindLuminance"] < 0.5]
        assert not unreadable, (f"{page} ({theme} theme): figures with a transparent background on a dark "
                                f"page (dark text in them would vanish): {unreadable}")


@pytest.mark.parametrize("page", PAGES)
def test_nothing_is_cut_off_at_1280_pixels(visits, page):
    """No output line, table or displayed formula runs past its box, solutions closed or open."""
    visit = visits(page)
    for theme, facts in [("light (as loaded)", visit.light), ("dark (every section opened)", visit.dark)]:
        cut = facts["cutOff"]
        assert not cut, f"{page}, {theme}: {len(cut)} boxes hide part of their content, e.g. {cut[:4]}"


@pytest.mark.parametrize("page", PAGES)
def test_figures_have_twice_the_pixels_they_are_shown_with(visits, page):
    """Sharp on a HiDPI screen: each figure's picture is at least 1.8 times as wide as on the page."""
    visit = visits(page)
    blurry = {image["src"]: f"{image['natural']} pixels shown {image['shown']:.0f} wide"
              for facts in (visit.light, visit.dark) for image in facts["images"]
              if image["inArticle"] and image["shown"] > 0
              and image["natural"] < MIN_PIXELS_PER_SHOWN_PIXEL * image["shown"]}
    phone = {image["src"]: f"{image['natural']} pixels shown {image['shown']:.0f} wide on a phone"
             for image in visit.phone_figures if image["natural"] < MIN_PIXELS_PER_SHOWN_PIXEL * image["shown"]}
    assert not blurry and not phone, f"{page}: figures with too few pixels: {blurry | phone}"


@pytest.mark.parametrize("page", PAGES)
def test_check_cells_show_the_call_but_not_the_verdict(visits, page):
    """No spoilers: the website shows each check's call and a note to run it in the notebook."""
    note = "Run this cell in the notebook to see the verdict."
    spoilers = [cell for cell in visits(page).dark["checkCells"] if cell["output"] != note]
    assert not spoilers, f"{page}: check cells show a verdict on the website: {spoilers}"


@pytest.mark.parametrize("page", PAGES)
def test_icons_are_drawn_without_the_font_awesome_script(visits, page):
    visit = visits(page)
    assert not visit.light["blankIcons"], f"{page}: icons without a glyph: {visit.light['blankIcons']}"
    scripts = [src for src in visit.light["scripts"] if "fontawesome" in src]
    assert not scripts, f"{page} loads Font Awesome's script: {scripts}"


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
