"""The live widgets, as a student meets them: JupyterLab in Chromium.

A JupyterLab server runs on 127.0.0.1 (no token, its own temporary config,
no browser of its own) over a temporary copy of the chapters, so nothing a
test does can touch the committed notebooks. For each chapter in the table
of contents that has a live widget, the test opens it, runs all cells, scrolls
to each widget, moves every slider of it with the keyboard and checks that the widget's
figure (an ipywidgets Image) shows a different picture. It prints how long
each update took, from the key press to the new picture in the page; the
chapters aim at under 100 ms, but timings are reported, not asserted.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .book import REPORT, ROOT, widget_cell_indices, widget_chapters

CHAPTERS = widget_chapters()
RUN_ALL_TIMEOUT = 300  # seconds: a chapter's cells, all of them
UPDATE_TIMEOUT = 10_000  # milliseconds: one slider move to a new figure
IN_FLIGHT = 3  # chapters whose cells run at once: the next ones run while one chapter's sliders are checked


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def jupyterlab(chromium_path, tmp_path_factory):
    """A token-less JupyterLab on localhost serving a copy of chapters/; yields its URL."""
    home = tmp_path_factory.mktemp("jupyterlab")
    work = home / "book"
    shutil.copytree(ROOT / "chapters", work / "chapters",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    settings = home / "settings"
    settings.mkdir()
    # No autosave, no "news" poll: the session neither writes nor calls out. Notebooks draw
    # only the cells in view (JupyterLab's default, "full" windowing): the test scrolls to
    # each widget, and the browser does not lay out every output of every chapter.
    (settings / "overrides.json").write_text(
        '{"@jupyterlab/docmanager-extension:plugin": {"autosave": false},'
        ' "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false},'
        ' "@jupyterlab/notebook-extension:tracker": {"windowingMode": "full"}}')
    port = _free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               IPYTHONDIR=str(home / "ipython"))
    # Two kernels share the machine: one BLAS thread each (as `make` sets for every run).
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    log = open(home / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         "--ServerApp.port_retries=0", f"--ServerApp.root_dir={work}", "--IdentityProvider.token=",
         "--ServerApp.password=", "--LabApp.expose_app_in_browser=True",
         f"--LabApp.user_settings_dir={settings}", f"--LabApp.app_settings_dir={settings}",
         f"--LabApp.workspaces_dir={home / 'workspaces'}",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "api/status", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                server.wait()
                log.close()
                pytest.fail(f"JupyterLab did not start:\n{(home / 'server.log').read_text()[-3000:]}",
                            pytrace=False)
            time.sleep(0.25)
    yield url
    stop = time.monotonic()
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        # Killed, and then waited for: a Popen dropped unreaped warns (ResourceWarning) when it
        # is collected, which failed the last test of this worker in one CI run.
        server.kill()
        server.wait()
        REPORT.append(f"JupyterLab: still running {time.monotonic() - stop:.0f} s after SIGTERM, killed; "
                      f"the end of its log:\n{(home / 'server.log').read_text()[-1500:]}")
    else:
        REPORT.append(f"JupyterLab: stopped {time.monotonic() - stop:.1f} s after SIGTERM")
    log.close()


# In the page: open a chapter and start running all its cells (not waiting for them).
START = """async (path) => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const app = window.jupyterapp;
  await app.started; await app.restored;
  window.__book = window.__book || { panels: {}, runs: {} };
  const panel = await app.commands.execute("docmanager:open", { path, factory: "Notebook" });
  await panel.context.ready;
  await panel.sessionContext.ready;
  app.shell.activateById(panel.id);
  while (app.shell.currentWidget !== panel) await sleep(50);
  await sleep(100);  // "run all" acts on the notebook that has the focus
  window.__book.panels[path] = panel;
  window.__book.runs[path] = app.commands.execute("notebook:run-all-cells").then(() => null, (e) => String(e));
}"""

# Wait for the chapter's cells to finish, bring it to the front, and report how the run went.
FINISH = """async (path) => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const panel = window.__book.panels[path];
  const failure = await window.__book.runs[path];
  const kernel = panel.sessionContext.session.kernel;
  while (kernel.status !== "idle") await sleep(50);
  window.jupyterapp.shell.activateById(panel.id);
  const cells = panel.content.widgets.filter((c) => c.model.type === "code");
  return {
    kernel: kernel.name,
    failure,
    cells: cells.length,
    unexecuted: cells.filter((c) => !c.model.executionCount).length,
    errors: cells.flatMap((c) => c.model.outputs.toJSON().filter((o) => o.output_type === "error")
      .map((o) => `${o.ename}: ${o.evalue}`)),
  };
}"""

# Stop the chapter's kernel and close it without saving (the copy on disk stays as it was).
CLOSE = """async (path) => {
  const panel = window.__book && window.__book.panels[path];
  if (!panel) return;
  await panel.sessionContext.shutdown();
  panel.dispose();
}"""

# Bring cell `index` of the chapter into view (the notebook renders only the cells in
# view) and wait for its widget's figure to be drawn.
SHOW_CELL = """async ([path, index]) => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const notebook = window.__book.panels[path].content;
  notebook.activeCellIndex = index;
  await notebook.scrollToItem(index, "start");
  const cell = notebook.widgets[index];
  const deadline = performance.now() + 30000;
  while (!cell.node.isConnected || !cell.node.querySelector(".jp-OutputArea img.widget-image")) {
    if (performance.now() > deadline) return false;
    await sleep(50);
  }
  await sleep(200);  // the other views of the widget render with it
  return true;
}"""

# Mark every slider of cell `index` that belongs to a widget with a figure, and return them.
FIND_SLIDERS = """([path, index, prefix]) => {
  const cell = window.__book.panels[path].content.widgets[index];
  const sliders = [];
  let figures = 0;
  cell.node.querySelectorAll(".jp-OutputArea .widget-slider").forEach((slider) => {
    let box = slider.parentElement;
    while (box && !box.querySelector("img.widget-image")) box = box.parentElement;
    const handle = slider.querySelector(".noUi-handle, [role=slider]");
    if (!box || !handle) return;
    const id = `${prefix}-${sliders.length}`;
    handle.setAttribute("data-book-slider", id);
    const img = box.querySelector("img.widget-image");
    if (!img.hasAttribute("data-book-figure")) img.setAttribute("data-book-figure", `${prefix}-${figures++}`);
    const label = slider.querySelector(".widget-label");
    sliders.push({ id, figure: img.getAttribute("data-book-figure"), label: label ? label.textContent.trim() : "" });
  });
  return sliders;
}"""

# What the slider shows (its readout, else its ARIA value).
SLIDER_VALUE = """(id) => {
  const handle = document.querySelector(`[data-book-slider="${id}"]`);
  const slider = handle.closest(".widget-slider");
  const readout = slider && slider.querySelector(".widget-readout");
  return (readout && (readout.value || readout.textContent).trim()) || handle.getAttribute("aria-valuenow");
}"""

# A fingerprint of the picture the figure shows (its PNG bytes).
FIGURE_PRINT = """async (figure) => {
  const img = document.querySelector(`img[data-book-figure="${figure}"]`);
  const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
  let h = 2166136261;
  for (const b of bytes) { h ^= b; h = Math.imul(h, 16777619); }
  return `${bytes.length}:${h >>> 0}`;
}"""

# Time from the key press to the figure's new picture; also note when the kernel has
# handled the move (busy, then idle again), so that "no new picture" is known quickly.
ARM_TIMER = """([path, id, figure]) => {
  const img = document.querySelector(`img[data-book-figure="${figure}"]`);
  const handle = document.querySelector(`[data-book-slider="${id}"]`);
  const kernel = window.__book.panels[path].sessionContext.session.kernel;
  const timer = { pressed: null, changed: null, busy: false, idle: null };
  window.__bookTimer = timer;
  handle.addEventListener("keydown", () => { timer.pressed = performance.now(); }, { once: true, capture: true });
  new MutationObserver((records, observer) => {
    timer.changed = performance.now();
    observer.disconnect();
  }).observe(img, { attributes: true, attributeFilter: ["src"] });
  const watch = (_, status) => {
    if (status === "busy") timer.busy = true;
    if (status === "idle" && timer.busy) { timer.idle = performance.now(); kernel.statusChanged.disconnect(watch); }
  };
  kernel.statusChanged.connect(watch);
}"""
SETTLED = """() => { const t = window.__bookTimer;
  return t.changed !== null || (t.idle !== null && performance.now() - t.idle > 500); }"""


class Lab:
    """One JupyterLab tab (loaded once); chapters run IN_FLIGHT at a time, checked one after another."""

    def __init__(self, tab, outside):
        self.tab, self.outside = tab, outside
        self.started = {}

    def start(self, chapter):
        path = f"chapters/{chapter.name}"
        if path not in self.started:
            self.tab.evaluate(START, path)
            self.started[path] = time.perf_counter()
        return path


@pytest.fixture(scope="session")
def lab(browser, jupyterlab):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside = []

    def local_only(route):
        if route.request.url.startswith(jupyterlab):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", local_only)
    tab = context.new_page()
    start = time.perf_counter()
    tab.goto(f"{jupyterlab}lab?reset")
    tab.wait_for_function("window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
    tab.evaluate("async () => { await window.jupyterapp.started; await window.jupyterapp.restored; }")
    REPORT.append(f"JupyterLab: ready in the browser after {time.perf_counter() - start:.1f} s")
    tab.set_default_timeout(RUN_ALL_TIMEOUT * 1000)
    yield Lab(tab, outside)
    try:
        tab.evaluate("() => window.jupyterapp.serviceManager.sessions.shutdownAll()")
    finally:
        context.close()


def _move(tab, path, slider, value) -> tuple[str, str | None, float | None]:
    """Press an arrow key on the slider: (key, new value, milliseconds from the key to the new figure)."""
    handle = tab.locator(f'[data-book-slider="{slider["id"]}"]')
    for key in ("ArrowRight", "ArrowLeft"):  # at the right end, move left instead
        tab.evaluate(ARM_TIMER, [path, slider["id"], slider["figure"]])
        handle.focus()
        handle.press(key)
        try:
            tab.wait_for_function(SETTLED, timeout=UPDATE_TIMEOUT)
        except Exception:
            pass
        timer = tab.evaluate("window.__bookTimer")
        moved = tab.evaluate(SLIDER_VALUE, slider["id"])
        if timer["changed"] is not None:
            return key, moved, timer["changed"] - timer["pressed"]
        if moved != value:
            return key, moved, None  # the slider moved, the figure did not follow
    return "", None, None


def _try_sliders(tab, path, sliders) -> tuple[list, list]:
    """Move each slider once; returns (report lines, sliders whose figure did not change)."""
    lines, unchanged = [], []
    for slider in sliders:
        label = slider["label"] or f"slider {slider['id']}"
        tab.locator(f'[data-book-slider="{slider["id"]}"]').scroll_into_view_if_needed(timeout=10_000)
        value = tab.evaluate(SLIDER_VALUE, slider["id"])
        before = tab.evaluate(FIGURE_PRINT, slider["figure"])
        key, moved, ms = _move(tab, path, slider, value)
        if moved is None:
            unchanged.append((slider, f"{label!r} did not move with the arrow keys"))
        elif ms is None or tab.evaluate(FIGURE_PRINT, slider["figure"]) == before:
            unchanged.append((slider, f"{label!r} moved ({value} -> {moved}) but its figure did not change"))
        else:
            lines.append(f"  slider {label!r}: {value} -> {moved} ({key}), new figure after {ms:.0f} ms")
    return lines, unchanged


def _check_sliders(tab, path, sliders) -> tuple[list, list]:
    """Move every slider of one widget: (report lines, sliders whose figure never changed)."""
    lines, unchanged = _try_sliders(tab, path, sliders)
    if unchanged:
        # A slider may show nothing new in the widget's first state (an input that a
        # step-by-step view has not reached yet): try again once every other slider has
        # moved, and then with the other sliders of its widget at their far end.
        again, unchanged = _try_sliders(tab, path, [slider for slider, _ in unchanged])
        lines += [line + " (after the other sliders moved)" for line in again]
    if unchanged:
        for slider, _ in unchanged:
            for other in sliders:
                if other["figure"] == slider["figure"] and other["id"] != slider["id"]:
                    tab.locator(f'[data-book-slider="{other["id"]}"]').press("End")
        tab.wait_for_timeout(UPDATE_TIMEOUT // 10)
        again, unchanged = _try_sliders(tab, path, [slider for slider, _ in unchanged])
        lines += [line + " (with the other sliders at their far end)" for line in again]
    return lines, unchanged


def _next_chapters(request, count):
    """The chapters of the next ``count`` selected tests of this kind."""
    items = request.session.items
    here = items.index(request.node)
    following = [item.callspec.params["chapter"] for item in items[here + 1:]
                 if getattr(item, "originalname", None) == request.node.originalname]
    return following[:count]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_sliders_update_the_figure(lab, chapter, request):
    tab = lab.tab
    path = lab.start(chapter)
    for following in _next_chapters(request, IN_FLIGHT - 1):
        lab.start(following)  # their kernels work while this chapter is checked
    try:
        run = tab.evaluate(FINISH, path)
        ran = time.perf_counter() - lab.started[path]
        assert run["failure"] is None, f"{path}: running all cells failed in JupyterLab: {run['failure']}"
        assert not run["errors"], f"{path}: cells raised errors in JupyterLab: {run['errors']}"
        assert run["unexecuted"] == 0, f"{path}: {run['unexecuted']} of {run['cells']} code cells did not run"
        REPORT.append(f"{path}: opened and ran {run['cells']} code cells in {ran:.1f} s "
                      f"(kernel {run['kernel']}, {IN_FLIGHT} chapters at a time)")
        problems = []
        for index in widget_cell_indices(chapter):
            if not tab.evaluate(SHOW_CELL, [path, index]):
                problems.append(f"the live widget of cell {index} drew no figure within 30 s")
                continue
            sliders = tab.evaluate(FIND_SLIDERS, [path, index, f"{chapter.stem}-{index}"])
            if not sliders:
                problems.append(f"the live widget of cell {index} shows no slider next to a figure")
                continue
            lines, unchanged = _check_sliders(tab, path, sliders)
            REPORT.extend(lines)
            problems += [problem for _, problem in unchanged]
        assert not problems, f"{path}: " + "; ".join(problems)
        assert not lab.outside, f"JupyterLab requested files from other servers: {lab.outside}"
    finally:
        tab.evaluate(CLOSE, path)
