"""Fixes for the book's website, loaded from _config.yml (``sphinx: local_extensions``).

Sphinx 7.4 writes an inline script twice when an extension adds it after the
HTML builder has started, as sphinx-thebe (``const THEBE_JS_URL = ...``) and
sphinx-togglebutton (``var togglebuttonSelector = ...``) do: the builder keeps
the copy it was handed (file name ``None``) and, before writing, adds the
registered copy again with file name ``""``, so the two never compare equal.
A ``const`` declared twice is a SyntaxError in the browser console of every
page. This extension removes such duplicates from each page's script list.
Jupyter Book 1 pins Sphinx below 8, so the fix lives here.

It also leaves the saved ipywidgets state out of the pages. ``make refresh``
stores it in each notebook so that JupyterLab can show a widget before the
notebook runs, and MyST-NB copies it into the page, but the website loads no
widget JavaScript (``nb_ipywidgets_js: {}``: every live widget's cell output
is removed and a static figure stands beside it), so there it is dead weight:
a third to a half of each chapter page.
"""

from __future__ import annotations

import json

from tools.conventions import WIDGET_STATE


def _script_key(script) -> tuple:
    filename = getattr(script, "filename", script) or ""
    attributes = getattr(script, "attributes", {})
    return (filename, getattr(script, "priority", 500), tuple(sorted(attributes.items())))


def drop_duplicate_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen = set()
    unique = []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    # The list is the builder's own; Sphinx restores it before the next page.
    scripts[:] = unique


def drop_widget_state(app, docname, content) -> None:
    if WIDGET_STATE not in content[0] or not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    notebook = json.loads(content[0])
    if notebook.get("metadata", {}).pop("widgets", None) is not None:
        content[0] = json.dumps(notebook, ensure_ascii=False, indent=1)


def setup(app):
    app.connect("source-read", drop_widget_state)
    # After every other handler has added its page scripts.
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
