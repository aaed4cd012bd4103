"""The explorers on the website, with no kernel: precomputed frames behind real sliders.

Loaded from _config.yml (``sphinx: local_extensions``). For every chapter's
live-widget cell (a code cell tagged ``nbval-ignore-output`` that builds one of
the explorers of :data:`gdcore.widgets.web.WEB_EXPLORERS`, e.g.
``explorer = widgets.SecantExplorer(x=1.0); explorer``) it

1. renders the explorer's frames at build time with the explorer's own code
   (:func:`gdcore.widgets.web.render`, built with the cell's own arguments),
   in parallel (two processes), into ``build/web_explorers/<name>-<hash>/``;
   the hash covers gdcore's sources, the cell's arguments and the library
   versions, so a rebuild with nothing changed renders nothing;
2. puts a web explorer right after the cell (before its static fallback):
   ``<input type="range">`` sliders and ``<select>`` menus with the notebook's
   labels, ranges and defaults, the default frame (loaded lazily) and its
   verdict. ``_static/web_explorer.js`` loads the other frames on the first
   interaction and swaps them; without JavaScript and in print the explorer
   stays hidden and the static fallback figure tells the story;
3. copies the frames of the explorers it used into ``_static/web_explorers/``
   of the HTML output.
"""

from __future__ import annotations

import ast
import hashlib
import html
import json
import multiprocessing
import re
import shutil
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

WIDGET_TAG = "nbval-ignore-output"
JOBS = 2  # rendering processes (the machines that build the book have 2 cores or more)


def widget_call(source: str, names) -> tuple[str, dict] | None:
    """``(explorer class name, keyword arguments)`` of the explorer a cell builds, or None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for statement in tree.body:
        call = getattr(statement, "value", None)
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in names and not call.args:
            try:
                return name, {k.arg: ast.literal_eval(k.value) for k in call.keywords}
            except ValueError:
                return None
    return None


def _sources_digest() -> str:
    """A hash of gdcore (every file of the package) and of the libraries that draw the frames."""
    import gdcore

    digest = hashlib.sha256()
    root = Path(gdcore.__file__).parent
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    for package in ("numpy", "matplotlib", "pillow", "ipywidgets"):
        digest.update(f"{package}={metadata.version(package)}".encode())
    return digest.hexdigest()


def explorer_key(name: str, kwargs: dict, sources: str) -> str:
    slug = re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()
    text = json.dumps([name, sorted(kwargs.items(), key=lambda kv: kv[0])], default=repr)
    return f"{slug}-{hashlib.sha256((sources + text).encode()).hexdigest()[:12]}"


def _cache_root(app) -> Path:
    return Path(app.confdir) / app.config.web_explorers_cache


def _render_all(cache: Path, wanted: dict) -> None:
    """Render every explorer of ``wanted`` (key -> (name, kwargs)) that the cache lacks."""
    from gdcore.widgets.web import render

    missing = {key: call for key, call in wanted.items() if not (cache / key / "manifest.json").exists()}
    if not missing:
        return
    logger.info(f"web explorers: rendering {', '.join(sorted(missing))} with {JOBS} processes")
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no state forked from Sphinx
    with ProcessPoolExecutor(JOBS, mp_context=context) as pool, ThreadPoolExecutor(len(missing)) as threads:
        def one(key, name, kwargs):
            scratch = cache / f"tmp-{key}"
            shutil.rmtree(scratch, ignore_errors=True)
            render(name, kwargs, scratch, jobs=JOBS, pool=pool)
            shutil.rmtree(cache / key, ignore_errors=True)
            scratch.rename(cache / key)  # complete or absent, never half-written

        for future in [threads.submit(one, key, *call) for key, call in missing.items()]:
            future.result()


def find_explorers(app, env, docnames) -> None:
    """Before reading: find each notebook's explorer cells and make sure their frames exist."""
    from gdcore.widgets.web import WEB_EXPLORERS

    # Sphinx purges a document's env data just before reading it, so the cells found
    # here wait on the app; insert_explorers records them in the env as it reads the document.
    app.web_explorer_cells = {}
    sources = None
    wanted = {}
    for docname in docnames:
        path = Path(env.doc2path(docname))
        if path.suffix != ".ipynb":
            continue
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        found = {}
        for index, cell in enumerate(cells):
            if cell["cell_type"] != "code" or WIDGET_TAG not in cell.get("metadata", {}).get("tags", []):
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            call = widget_call(source, WEB_EXPLORERS)
            if call is None:
                continue
            sources = sources or _sources_digest()
            key = explorer_key(*call, sources)
            found[index] = key
            wanted[key] = call
        if found:
            app.web_explorer_cells[docname] = found
    cache = _cache_root(app)
    cache.mkdir(parents=True, exist_ok=True)
    _render_all(cache, wanted)
    if set(docnames) >= set(env.found_docs):  # a full build: frames no page uses any more can go
        for folder in cache.iterdir():
            if folder.is_dir() and folder.name not in wanted:
                shutil.rmtree(folder, ignore_errors=True)


def _label(name: str) -> str:
    """``SecantExplorer`` -> ``secant explorer``."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def explorer_html(manifest: dict, key: str, base: str) -> str:
    """The web explorer's HTML, showing its default frame."""
    controls = manifest["controls"]
    starts = [c["start"] for c in controls]
    k = 0
    for c, start in zip(controls, starts):
        k = k * c["count"] + start
    frame = manifest["frames"][k]
    label = _label(manifest["explorer"])
    parts = [f'<div class="web-explorer" id="web-explorer-{key}" data-key="{key}" data-base="{base}" '
             f'data-counts="{json.dumps([c["count"] for c in controls])}" data-label="{label}" hidden>']
    left = manifest["notebook_only"]
    note = (f" The other controls ({', '.join(left)}) stay as in the notebook: run it to change them."
            if left else "")
    parts.append(f'<p class="web-explorer-note">The {label}, on the website: each setting shows the figure '
                 f'and the verdict the notebook\'s explorer draws there (drawn when the site was built).'
                 f'{html.escape(note)}</p>')
    parts.append('<div class="web-explorer-controls">')
    for c, (control, start) in enumerate(zip(controls, starts)):
        cid = f"web-explorer-{key}-{c}"
        parts.append(f'<div class="web-explorer-control"><label for="{cid}">{html.escape(control["label"])}</label>')
        if control["kind"] == "choice":
            options = "".join(f'<option value="{i}"{" selected" if i == start else ""}>{html.escape(text)}</option>'
                              for i, text in enumerate(control["options"]))
            parts.append(f'<select id="{cid}" data-control="{c}">{options}</select>')
        else:
            readout = html.escape(frame["readouts"][c])
            parts.append(f'<input type="range" id="{cid}" data-control="{c}" min="0" max="{control["count"] - 1}" '
                         f'step="1" value="{start}" aria-valuetext="{readout}">'
                         f'<output for="{cid}" aria-hidden="true">{readout}</output>')
        parts.append("</div>")
    parts.append("</div>")
    settings = ", ".join(f"{c['label']} {r}" for c, r in zip(controls, frame["readouts"]))
    parts.append(f'<img class="web-explorer-frame" src="{base}{frame["file"]}" width="{manifest["width"]}" '
                 f'height="{manifest["height"]}" loading="lazy" decoding="async" '
                 f'alt="{html.escape(f"The {label} at {settings}; the verdict below says what it shows.")}">')
    parts.append(f'<div class="web-explorer-verdict" role="status" aria-live="polite">{frame["verdict"]}</div>')
    parts.append("</div>")
    return "".join(parts)


def insert_explorers(app, doctree) -> None:
    """After each explorer cell, the web explorer."""
    env = app.env
    found = getattr(app, "web_explorer_cells", {}).get(env.docname)
    if not found:
        return
    if not hasattr(env, "web_explorers"):
        env.web_explorers = {}
    env.web_explorers[env.docname] = found
    cache = _cache_root(app)
    base = "../" * env.docname.count("/") + "_static/web_explorers/"
    for node in list(doctree.findall(nodes.container)):
        if node.get("nb_element") != "cell_code" or node.get("cell_index") not in found:
            continue
        key = found[node["cell_index"]]
        manifest = json.loads((cache / key / "manifest.json").read_text(encoding="utf-8"))
        raw = nodes.raw("", explorer_html(manifest, key, f"{base}{key}/"), format="html")
        node.parent.insert(node.parent.index(node) + 1, raw)


def purge_doc(app, env, docname) -> None:
    getattr(env, "web_explorers", {}).pop(docname, None)


def merge_info(app, env, docnames, other) -> None:
    if not hasattr(env, "web_explorers"):
        env.web_explorers = {}
    env.web_explorers.update({d: v for d, v in getattr(other, "web_explorers", {}).items() if d in docnames})


def copy_frames(app, exception) -> None:
    """Put the frames and the data of every explorer on the site into _static/web_explorers/."""
    if exception is not None or app.builder.format != "html":
        return
    cache = _cache_root(app)
    target = Path(app.outdir) / "_static" / "web_explorers"
    keys = {key for found in getattr(app.env, "web_explorers", {}).values() for key in found.values()}
    for key in sorted(keys):
        manifest = json.loads((cache / key / "manifest.json").read_text(encoding="utf-8"))
        out = target / key
        shutil.copytree(cache / key, out, dirs_exist_ok=True, ignore=shutil.ignore_patterns("manifest.json"))
        data = {"frames": [{"file": f["file"], "verdict": f["verdict"], "readouts": f["readouts"]}
                           for f in manifest["frames"]]}
        (out / "data.js").write_text(
            "window.webExplorerData = window.webExplorerData || {};\n"
            f"window.webExplorerData[{json.dumps(key)}] = {json.dumps(data, ensure_ascii=False)};\n",
            encoding="utf-8")


def setup(app):
    app.add_config_value("web_explorers_cache", "build/web_explorers", "env")
    app.connect("env-before-read-docs", find_explorers)
    app.connect("doctree-read", insert_explorers)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("build-finished", copy_frames)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
