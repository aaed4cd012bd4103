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

Exercises give nothing away: the output of an exercise's check cell (a code
cell that calls ``checks.check_...(``) states the verdict and usually the
answer, so on the website it is replaced by a note that says to run the cell
in the notebook. The notebooks themselves keep their outputs (strict nbval
compares them) and the student edition is made from them, not from the site.

Two accessibility fixes for what the themes write (found by axe-core in
tests/browser/): MyST-NB labels the summary of every collapsed cell "Toggle
hidden content" while it reads "Show code cell source" (a label that differs
from the visible name), so the label is dropped and the visible text names it;
docutils gives each bibliography entry the deprecated role
``doc-biblioentry`` inside a ``role="list"``, which then has no list items, so
each entry becomes a ``listitem``.

Weight: pydata-sphinx-theme loads Font Awesome twice, as a stylesheet with its
web fonts (which draw every icon of the theme) and as a 1.5 MB script that
redraws the same icons as SVG "so that users can add custom icons". The book
adds none, so the script's tag is removed from every page and the file from
the site.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tools.conventions import WIDGET_STATE

#: A code cell that calls one of gdcore's exercise checks (``checks.check_chain_rule(dfdx)``).
CHECK_CALL = re.compile(r"^\s*(?:gdcore\.)?checks\.check_\w+\(", re.MULTILINE)
CHECK_NOTE = "Run this cell in the notebook to see the verdict."
CHECK_TAG = "book-check"  # the cell's class on the page: tag_book-check

TOGGLE_LABEL = '<summary aria-label="Toggle hidden content">'
FONTAWESOME_SCRIPT = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
FONTAWESOME_FILES = ("fontawesome.js", "fontawesome.js.map", "fontawesome.js.LICENSE.txt")


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


def is_check_cell(cell: dict) -> bool:
    """A code cell that calls an exercise check (its output is the verdict)."""
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    return cell.get("cell_type") == "code" and bool(CHECK_CALL.search(source))


def hide_check_verdicts(app, docname, content) -> None:
    """Replace the outputs of every check cell by a note to run it in the notebook."""
    if "checks.check_" not in content[0] or not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    notebook = json.loads(content[0])
    changed = False
    for cell in notebook.get("cells", []):
        if not is_check_cell(cell):
            continue
        cell["outputs"] = [{
            "output_type": "display_data",
            "metadata": {},
            "data": {"text/html": f'<p class="book-check-note">{CHECK_NOTE}</p>', "text/plain": CHECK_NOTE},
        }]
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if CHECK_TAG not in tags:
            tags.append(CHECK_TAG)
        changed = True
    if changed:
        content[0] = json.dumps(notebook, ensure_ascii=False, indent=1)


def accessible_body(body: str) -> str:
    """The page's HTML with the two label and role fixes (see the module's docstring)."""
    body = body.replace(TOGGLE_LABEL, "<summary>")
    if 'role="doc-biblioentry"' in body:
        body = body.replace('role="doc-biblioentry"', 'role="listitem"')
    return body


def fix_page_body(app, pagename, templatename, context, doctree) -> None:
    if isinstance(context.get("body"), str):
        context["body"] = accessible_body(context["body"])


def without_fontawesome_script(html: str) -> str:
    return FONTAWESOME_SCRIPT.sub("", html)


def drop_fontawesome_script(app, exception) -> None:
    """Remove Font Awesome's script from the written pages and the site (the CSS icons stay)."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lean = without_fontawesome_script(text)
        if lean != text:
            page.write_text(lean, encoding="utf-8")
    for name in FONTAWESOME_FILES:
        (out / "_static" / "scripts" / name).unlink(missing_ok=True)


def setup(app):
    app.connect("source-read", drop_widget_state)
    app.connect("source-read", hide_check_verdicts)
    app.connect("html-page-context", fix_page_body)
    app.connect("build-finished", drop_fontawesome_script)
    # After every other handler has added its page scripts.
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
