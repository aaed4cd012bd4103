"""What the book consists of, found from its sources (never a hard-coded list).

Pages come from _toc.yml; chapters with live widgets are the notebooks with a
cell tagged ``nbval-ignore-output`` that shows one of gdcore's explorers.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

# Headless and quiet: no GPU, no first-run pages, no background calls home.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: Lines for the end of the test run (timings of pages and slider updates); see conftest.py.
REPORT: list[str] = []


def _toc_files(entry) -> list[str]:
    """Every ``file:`` in a _toc.yml entry, in reading order."""
    found = []
    if isinstance(entry, dict):
        for key in ("root", "file"):
            if isinstance(entry.get(key), str):
                found.append(entry[key])
        for key in ("parts", "chapters", "sections"):
            for child in entry.get(key, []) or []:
                found.extend(_toc_files(child))
    elif isinstance(entry, list):
        for child in entry:
            found.extend(_toc_files(child))
    return found


def toc_documents() -> list[str]:
    """The documents of the book, e.g. ``["intro", "chapters/01_calculus", ...]``."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [re.sub(r"\.(md|ipynb)$", "", name) for name in _toc_files(toc)]


def site_pages() -> list[str]:
    """Every page the build writes: the table of contents plus Sphinx's own pages."""
    return [f"{doc}.html" for doc in toc_documents()] + ["index.html", "genindex.html", "search.html"]


def notebook_for(page: str) -> Path | None:
    path = ROOT / (page.removesuffix(".html") + ".ipynb")
    return path if path.exists() else None


@functools.lru_cache(maxsize=None)
def explorer_names() -> frozenset[str]:
    """Names of the live explorers gdcore exports (subclasses of ``Explorer``)."""
    from gdcore import widgets
    from gdcore.widgets._live import Explorer

    return frozenset(name for name, obj in vars(widgets).items()
                     if isinstance(obj, type) and issubclass(obj, Explorer) and obj is not Explorer)


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _widget_cells(notebook: Path) -> list[tuple[int, dict]]:
    """(index, cell) of each live-widget cell: tagged ``nbval-ignore-output``, showing an Explorer."""
    cells = json.loads(notebook.read_text())["cells"]
    found = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code" or "nbval-ignore-output" not in cell.get("metadata", {}).get("tags", []):
            continue
        names_explorer = any(re.search(rf"\b{name}\b", _source(cell)) for name in explorer_names())
        shows_widget = any("application/vnd.jupyter.widget-view+json" in out.get("data", {})
                           for out in cell.get("outputs", []))
        if names_explorer or shows_widget:
            found.append((index, cell))
    return found


def widget_cell_indices(notebook: Path) -> list[int]:
    """Where the live-widget cells of a chapter are (their indices among all its cells)."""
    return [index for index, _ in _widget_cells(notebook)]


def widget_cells(notebook: Path) -> list[dict]:
    """The live-widget cells of a chapter."""
    return [cell for _, cell in _widget_cells(notebook)]


def widget_chapters() -> list[Path]:
    """Chapters in the table of contents that have at least one live widget."""
    paths = [notebook_for(f"{doc}.html") for doc in toc_documents()]
    return [p for p in paths if p is not None and widget_cells(p)]


