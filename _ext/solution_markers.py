"""Hide nbgrader's solution markers on the website.

Exercise solutions in the chapter notebooks sit between ``### BEGIN SOLUTION``
and ``### END SOLUTION`` lines (see AUTHORING.md); ``tools/student.py`` needs
them, a reader of the website does not. On ``source-read`` this extension
removes those two lines from the code cells of every notebook page before
MyST-NB parses it; nothing else changes (the lines are comments, so the code
means the same). Registered in ``_config.yml`` under ``sphinx: local_extensions``;
the markers themselves are spelled in ``tools/conventions.py``.
"""

from __future__ import annotations

import json

from tools.conventions import MARKERS


def strip_markers(source: str) -> str:
    """``source`` (a code cell) without its marker lines."""
    kept = [line for line in source.splitlines(keepends=True) if line.strip() not in MARKERS]
    return "".join(kept).rstrip("\n") if kept != source.splitlines(keepends=True) else source


def strip_notebook(text: str) -> str:
    """A notebook's JSON text with the marker lines removed from its code cells (unchanged if it has none)."""
    if not any(marker in text for marker in MARKERS):
        return text
    nb = json.loads(text)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            joined = "".join(source) if isinstance(source, list) else source
            cell["source"] = strip_markers(joined)
    return json.dumps(nb, ensure_ascii=False, indent=1)


def _on_source_read(app, docname: str, content: list[str]) -> None:
    if str(app.env.doc2path(docname)).endswith(".ipynb"):
        content[0] = strip_notebook(content[0])


def setup(app):
    app.connect("source-read", _on_source_read)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
