"""The site fixes in _ext/book_site.py, without a browser (tests/browser/ checks their effect on real pages)."""

import json
from pathlib import Path

from sphinx.builders.html._assets import _JavaScript

from _ext import book_site


def test_an_inline_script_added_twice_is_written_once():
    thebe = "const THEBE_JS_URL = 'x'"
    scripts = [
        _JavaScript("_static/doctools.js", priority=200),
        _JavaScript(None, body=thebe, priority=500),  # the builder's copy
        _JavaScript("", body=thebe, priority=500),  # the registry's copy, added again before writing
        _JavaScript("", body="var other = 1", priority=500),
    ]
    context = {"script_files": scripts}
    book_site.drop_duplicate_scripts(None, "page", "page.html", context, None)
    assert context["script_files"] is scripts  # the builder's own list, edited in place
    assert [s.attributes.get("body") for s in scripts] == [None, thebe, "var other = 1"]


def test_scripts_that_differ_are_all_kept():
    scripts = [_JavaScript("a.js"), _JavaScript("b.js"), _JavaScript("a.js", priority=800),
               _JavaScript("", body="let a = 1"), _JavaScript("", body="let b = 1")]
    book_site.drop_duplicate_scripts(None, "page", "page.html", {"script_files": scripts}, None)
    assert len(scripts) == 5


class _Env:
    def __init__(self, suffix):
        self.suffix = suffix

    def doc2path(self, docname):
        return Path(f"{docname}{self.suffix}")


class _App:
    def __init__(self, suffix):
        self.env = _Env(suffix)


def _notebook(with_state: bool) -> str:
    metadata = {"kernelspec": {"name": "python3"}}
    if with_state:
        metadata["widgets"] = {book_site.WIDGET_STATE: {"state": {"abc": {"model_name": "ImageModel"}}}}
    return json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Title"}],
                       "metadata": metadata, "nbformat": 4, "nbformat_minor": 5})


def test_saved_widget_state_is_left_out_of_a_notebook_page():
    content = [_notebook(with_state=True)]
    book_site.drop_widget_state(_App(".ipynb"), "chapters/01_x", content)
    page = json.loads(content[0])
    assert "widgets" not in page["metadata"]
    assert page["metadata"]["kernelspec"] == {"name": "python3"}
    assert page["cells"] == json.loads(_notebook(with_state=True))["cells"]


def test_other_sources_are_untouched():
    plain = _notebook(with_state=False)
    content = [plain]
    book_site.drop_widget_state(_App(".ipynb"), "chapters/01_x", content)
    assert content[0] is plain
    markdown = f"Text that mentions {book_site.WIDGET_STATE}."
    content = [markdown]
    book_site.drop_widget_state(_App(".md"), "intro", content)
    assert content[0] is markdown


def _code(source: str, output: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": source,
            "outputs": [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                         "data": {"text/plain": output}}]}


def test_a_check_cells_verdict_is_replaced_by_a_note_on_the_site():
    cells = [_code("checks.check_chain_rule(dfdx)", "Exercise 1.1: PASSED. dfdx(x) = 2x·cos(x²)"),
             _code("x = checks_done = 1\nprint(x)", "1"),
             _code("from gdcore import checks\n", "")]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    content = [json.dumps(notebook)]
    book_site.hide_check_verdicts(_App(".ipynb"), "chapters/01_x", content)
    page = json.loads(content[0])["cells"]
    shown = json.dumps(page[0]["outputs"])
    assert "PASSED" not in shown and "2x" not in shown and book_site.CHECK_NOTE in shown
    assert page[0]["source"] == cells[0]["source"]  # the call is still shown
    assert book_site.CHECK_TAG in page[0]["metadata"]["tags"]
    assert page[1:] == cells[1:]  # other cells keep their outputs


def test_check_cells_are_recognised_by_their_call():
    assert book_site.is_check_cell(_code("checks.check_batch_budget(batch_size, lr)", ""))
    assert book_site.is_check_cell(_code(["# try it\n", "gdcore.checks.check_softplus(softplus)"], ""))
    assert not book_site.is_check_cell(_code("# checks.check_softplus(softplus) later", ""))
    assert not book_site.is_check_cell({"cell_type": "markdown", "source": "checks.check_x(y)"})


def test_labels_and_roles_that_axe_flags_are_fixed():
    body = ('<summary aria-label="Toggle hidden content">\n<p>Show code cell source</p></summary>'
            '<div role="list" class="citation-list"><div class="citation" id="id3" role="doc-biblioentry">')
    fixed = book_site.accessible_body(body)
    assert "aria-label" not in fixed and "doc-biblioentry" not in fixed
    assert 'role="listitem"' in fixed and 'role="list"' in fixed


def test_the_font_awesome_script_tag_is_removed():
    page = ('<link href="x.css" rel="stylesheet" />\n  <script defer src="../_static/scripts/fontawesome.js'
            '?digest=55c26ed414f5f8a31ebb"></script>\n  <link rel="preload" as="script" href="b.js" />')
    assert book_site.without_fontawesome_script(page) == (
        '<link href="x.css" rel="stylesheet" />\n  <link rel="preload" as="script" href="b.js" />')
