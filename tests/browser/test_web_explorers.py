"""The explorers on the website (no kernel): sliders that swap frames drawn at the site build.

``_ext/web_explorers.py`` puts, after each chapter's live-widget cell, a web
explorer whose frames the explorer itself drew when the site was built
(:mod:`gdcore.widgets.web`). On every chapter page this test moves each web
slider with the keyboard and by setting its value (and each menu), and checks
that the figure and the verdict change to the frame of the new setting; for a
few settings per explorer it compares the verdict on the page with the one the
Python explorer reports there. It reports how long a slider move takes to show
its frame once the frames are loaded (reported, not asserted: speed belongs
to benchmarks), and checks that the explorer adds under 100 kB to a page
before the reader touches it. A plain test checks that every frame a page can ask for exists.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from pathlib import Path

import pytest

from .book import REPORT, ROOT, notebook_for, site_pages, widget_cells
from .site_visits import open_page, settle

sys.path.insert(0, str(ROOT / "_ext"))
from web_explorers import widget_call  # noqa: E402

from gdcore.widgets.web import WEB_EXPLORERS, frame_grid, plain_text  # noqa: E402

MAX_BYTES = 3_000_000  # one explorer's frames, all of them


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def web_cells(page: str) -> list[tuple[str, dict]]:
    """(explorer, arguments) of each live-widget cell of the page's notebook that has a web version."""
    notebook = notebook_for(page)
    calls = [widget_call(_source(cell), WEB_EXPLORERS) for cell in widget_cells(notebook)] if notebook else []
    return [call for call in calls if call is not None]


CHAPTER_PAGES = [page for page in site_pages() if web_cells(page)]

# In the page: wait until the explorer shows frame k (its file in the <img>, decoded, and its verdict).
SHOWS = """([box, k]) => new Promise((resolve) => {
  const img = box.querySelector("img.web-explorer-frame");
  const tick = () => {
    const api = box.webExplorer;
    const file = api && api.preloaded.length ? api.preloaded[k].src : null;
    if (file && box.dataset.frame === String(k) && img.src === file && img.complete && img.naturalWidth > 0) {
      resolve(true);
    } else {
      requestAnimationFrame(tick);
    }
  };
  tick();
})"""

# In the page: set control c to position v as a script would, and time the swap to the new frame.
TIMED_MOVE = """async ([box, c, v, k]) => {
  const el = box.querySelectorAll("[data-control]")[c];
  const img = box.querySelector("img.web-explorer-frame");
  const file = box.webExplorer.preloaded[k].src;
  const t0 = performance.now();
  el.value = String(v);
  el.dispatchEvent(new Event("input", { bubbles: true }));
  while (!(box.dataset.frame === String(k) && img.src === file && img.complete && img.naturalWidth > 0)) {
    await new Promise((r) => requestAnimationFrame(r));
  }
  await img.decode().catch(() => null);
  await new Promise((r) => requestAnimationFrame(r));  // painted
  return performance.now() - t0;
}"""


# In the page: how the browser writes an HTML fragment back (entities, quotes), for comparisons.
AS_HTML = "(box, html) => { const div = document.createElement('div'); div.innerHTML = html; return div.innerHTML; }"


def _index(counts, positions) -> int:
    k = 0
    for count, position in zip(counts, positions):
        k = k * count + position
    return k


def _weight(tab) -> int:
    """Bytes the web explorers add to the page as it loads: their HTML, script and style."""
    return tab.evaluate("""() => [...document.querySelectorAll("div.web-explorer")]
            .reduce((n, box) => n + box.outerHTML.length, 0)
        + performance.getEntriesByType("resource").filter((e) => /web_explorer\\.(js|css)/.test(e.name))
            .reduce((n, e) => n + e.encodedBodySize, 0)""")


def _moved(positions, c, target) -> list:
    moved = list(positions)
    moved[c] = target
    return moved


def _state(box) -> dict:
    return box.evaluate("""(box) => ({
      frame: box.dataset.frame, src: box.querySelector("img.web-explorer-frame").src,
      verdict: box.querySelector(".web-explorer-verdict").innerHTML,
      text: box.querySelector(".web-explorer-verdict").textContent,
      values: [...box.querySelectorAll("[data-control]")].map((el) => Number(el.value)),
      valuetexts: [...box.querySelectorAll("[data-control]")].map((el) => el.getAttribute("aria-valuetext")),
    })""")


def _python_verdict(name: str, kwargs: dict, k: int, cache: dict) -> tuple[str, dict]:
    """The Python explorer's verdict at frame k of its web grid (and that frame's settings)."""
    from gdcore import widgets

    if name not in cache:
        cache[name] = getattr(widgets, name)(**kwargs)
    explorer = cache[name]
    _, frames = frame_grid(explorer, WEB_EXPLORERS[name])
    values = frames[k]["values"]
    explorer.update(**values)
    return plain_text(explorer.verdict.value), values


@pytest.mark.parametrize("page", CHAPTER_PAGES)
def test_web_explorer_sliders_show_the_python_explorers_frames(browser, site_url, page):
    calls = web_cells(page)
    visit, context, tab = open_page(browser, site_url, page)
    problems, timings, python_explorers = [], {}, {}
    try:
        tab.goto(site_url + page, wait_until="load")
        settle(tab, visit)
        loaded_early = tab.evaluate("""() => performance.getEntriesByType("resource")
            .filter((e) => /web_explorers\\//.test(e.name)).map((e) => e.name)""")
        assert not loaded_early, f"{page}: frames loaded before the reader came to the explorer: {loaded_early}"
        weight = _weight(tab)
        boxes = tab.locator("div.web-explorer")
        assert boxes.count() == len(calls), (f"{page}: {len(calls)} explorer cells with a web version, "
                                             f"{boxes.count()} web explorers on the page")
        for b, (name, kwargs) in enumerate(calls):
            box = boxes.nth(b)
            box.scroll_into_view_if_needed()
            assert box.is_visible(), f"{page}: the web {name} is hidden"
            counts = json.loads(box.get_attribute("data-counts"))
            controls = box.locator("[data-control]")
            assert controls.count() == len(counts)
            if b == 0:  # in view, the default frame loads (lazily), and nothing more
                tab.wait_for_function("""(box) => box.querySelector("img.web-explorer-frame").complete""",
                                      arg=box.element_handle())
                settle(tab, visit)
                frames = tab.evaluate("""() => performance.getEntriesByType("resource")
                    .filter((e) => /web_explorers\\//.test(e.name)).map((e) => e.encodedBodySize)""")
                weight += sum(frames)
                REPORT.append(f"web explorer weight ({page}): {weight / 1000:.0f} kB before any interaction "
                              "(HTML, script, style and the default frame in view)")
                assert weight < 100_000, f"{page}: the web explorer adds {weight} bytes before any interaction"
            # The first interaction loads the frames.
            controls.first.focus()
            box.evaluate("(box) => box.webExplorer.start()")
            tab.wait_for_function("""(box) => box.webExplorer.preloaded.length
                && box.webExplorer.preloaded.every((img) => img.complete)""", arg=box.element_handle(),
                                  timeout=60_000)
            data = tab.evaluate("(key) => window.webExplorerData[key]", box.get_attribute("data-key"))
            times = []
            for c in range(len(counts)):
                control = controls.nth(c)
                for how in ("keyboard", "value"):
                    old = _state(box)
                    position = old["values"][c]
                    target = position + 1 if position + 1 < counts[c] else position - 1
                    if counts[c] == 1:
                        continue
                    if how == "keyboard":
                        control.focus()
                        if control.evaluate("(el) => el.tagName") == "SELECT":
                            control.select_option(str(target))
                        else:
                            tab.keyboard.press("ArrowRight" if target > position else "ArrowLeft")
                    else:
                        times.append(tab.evaluate(TIMED_MOVE, [box.element_handle(), c, target,
                                                               _index(counts, _moved(old["values"], c, target))]))
                    positions = _moved(old["values"], c, target)
                    k = _index(counts, positions)
                    tab.evaluate(SHOWS, [box.element_handle(), k])
                    new = _state(box)
                    label = f"{page}, {name}, control {c} moved by {how}"
                    if new["values"] != positions:
                        problems.append(f"{label}: the controls are at {new['values']}, expected {positions}")
                    if new["src"] == old["src"]:
                        problems.append(f"{label}: the image did not change")
                    if new["verdict"] != box.evaluate(AS_HTML, data["frames"][k]["verdict"]):
                        problems.append(f"{label}: the verdict is not frame {k}'s")
                    if data["frames"][k]["verdict"] != old["verdict"] and new["text"] == old["text"]:
                        problems.append(f"{label}: the verdict did not change")
                    if new["valuetexts"][c] is not None and new["valuetexts"][c] != data["frames"][k]["readouts"][c]:
                        problems.append(f"{label}: the slider announces {new['valuetexts'][c]!r}, "
                                        f"expected {data['frames'][k]['readouts'][c]!r}")
            # A few settings: the verdict on the page is the Python explorer's.
            total = len(data["frames"])
            for k in sorted({0, total // 2, total - 1}):
                positions, rest = [], k
                for count in reversed(counts):
                    positions.insert(0, rest % count)
                    rest //= count
                for c, position in enumerate(positions):
                    tab.evaluate("""([box, c, v]) => { const el = box.querySelectorAll("[data-control]")[c];
                        el.value = String(v); el.dispatchEvent(new Event("change", { bubbles: true })); }""",
                                 [box.element_handle(), c, position])
                tab.evaluate(SHOWS, [box.element_handle(), k])
                shown = re.sub(r"\s+", " ", _state(box)["text"]).strip()
                expected, values = _python_verdict(name, kwargs, k, python_explorers)
                if shown != expected:
                    problems.append(f"{page}, {name} at {values}: the page says {shown!r}, "
                                    f"the Python explorer {expected!r}")
            timings[name] = times
    finally:
        context.close()
    assert not visit.console_errors, f"{page}: console errors: {visit.console_errors}"
    assert not visit.failed_requests and not visit.external_requests, (
        f"{page}: failed {visit.failed_requests}, external {visit.external_requests}")
    assert not problems, "\n".join(problems)
    for name, times in timings.items():
        if times:
            REPORT.append(f"web {name} ({page}): slider move to its new frame, frames loaded: median "
                          f"{statistics.median(times):.0f} ms, slowest {max(times):.0f} ms ({len(times)} moves)")


def test_every_frame_a_page_can_ask_for_exists(built_site):
    pages = [page for page in site_pages() if web_cells(page)]
    chapters = sorted(f"chapters/{path.stem}.html" for path in (ROOT / "chapters").glob("*.ipynb"))
    assert pages == chapters, f"every chapter has a web explorer; these do: {pages}"
    problems = []
    for page in pages:
        text = (built_site / page).read_text(encoding="utf-8")
        bases = re.findall(r'class="web-explorer"[^>]*data-base="([^"]+)"', text)
        assert len(bases) == len(web_cells(page)), f"{page}: {len(bases)} web explorers"
        for base in bases:
            folder = (built_site / page).parent / base
            data = (folder / "data.js").read_text(encoding="utf-8")
            frames = json.loads(data.strip().splitlines()[-1].split(" = ", 1)[1].rstrip(";"))["frames"]
            counts = json.loads(re.search(rf'data-base="{re.escape(base)}" data-counts="([^"]+)"', text)[1])
            expected = 1
            for count in counts:
                expected *= count
            if len(frames) != expected:
                problems.append(f"{page}: {len(frames)} frames, the sliders ask for {expected}")
            missing = [f["file"] for f in frames if not (folder / f["file"]).is_file()]
            if missing:
                problems.append(f"{page}: frames missing in {folder}: {missing[:5]}")
            size = sum((folder / f["file"]).stat().st_size for f in frames if (folder / f["file"]).is_file())
            if size > MAX_BYTES:
                problems.append(f"{page}: {base} weighs {size / 1e6:.2f} MB, more than {MAX_BYTES / 1e6:g} MB")
    assert not problems, "\n".join(problems)
