"""The book's conventions, checked on every chapter notebook (AUTHORING.md).

nbval proves the committed outputs are what the code produces; these tests
prove the notebooks are the kind the book promises: runnable in Colab,
readable on the website, honest about exercises and widgets.
"""

import json
import re
from pathlib import Path

import pytest
import yaml

from gdcore import checks
from tools.conventions import BEGIN, END, chapter_number

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
SETUP_PREFIX = (ROOT / "tools" / "setup_cell.ipy").read_text().strip()


def load(path):
    return json.loads(path.read_text())


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell):
    return "".join(cell["source"])


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def outputs_text(cell):
    for out in cell.get("outputs", []):
        yield "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))


def is_widget_cell(cell):
    return any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cell.get("outputs", []))


def test_every_chapter_is_in_the_table_of_contents_and_back():
    toc = (ROOT / "_toc.yml").read_text()
    listed = set(re.findall(r"file:\s*(chapters/\S+)", toc))
    assert listed == {f"chapters/{p.stem}" for p in CHAPTERS}


@pytest.fixture(params=CHAPTERS, ids=[p.stem for p in CHAPTERS])
def chapter(request):
    return request.param, load(request.param)


def test_setup_cell_installs_gdcore_from_the_configured_repository(chapter):
    path, nb = chapter
    first = code_cells(nb)[0]
    assert "remove-cell" in tags(first)
    assert source(first).startswith(SETUP_PREFIX), f"{path.name}: the set-up cell differs from tools/setup_cell.ipy"
    repo = re.search(r'GDCORE_REPO = "([^"]+)"', source(first)).group(1)
    assert repo == CONFIG["repository"]["url"], "run `make repo-url URL=...` to keep them in step"


def test_executed_top_to_bottom_without_errors_or_warnings(chapter):
    path, nb = chapter
    cells = [c for c in code_cells(nb) if source(c).strip()]
    assert [c["execution_count"] for c in cells] == list(range(1, len(cells) + 1))
    for cell in cells:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{path.name}: an error is stored in the outputs"
            assert out.get("name") != "stderr", f"{path.name}: stderr (a warning?): {''.join(out['text'])[:200]}"
        for text in outputs_text(cell):
            assert not re.search(r"(/work/|/tmp/|/home/|/root/|0x[0-9a-f]{8,})", text), f"{path.name}: {text[:200]}"


def test_every_figure_has_alt_text(chapter):
    path, nb = chapter
    for cell in code_cells(nb):
        if "remove-output" in tags(cell):
            continue
        if any("image/png" in o.get("data", {}) for o in cell.get("outputs", [])):
            alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt) >= 20, f"{path.name}: a figure without meaningful alt text: {source(cell)[:80]!r}"


def test_only_live_widget_cells_are_excused_from_nbval(chapter):
    path, nb = chapter
    widget_cells = [c for c in code_cells(nb) if is_widget_cell(c)]
    assert widget_cells, f"{path.name} has no live widget"
    for cell in code_cells(nb):
        if is_widget_cell(cell):
            assert {"nbval-ignore-output", "remove-output"} <= tags(cell), source(cell)[:80]
        else:
            assert not tags(cell) & {"nbval-ignore-output", "nbval-skip", "nbval-ignore"}, source(cell)[:80]


def test_every_widget_has_a_static_figure_after_it(chapter):
    path, nb = chapter
    cells = code_cells(nb)
    for i, cell in enumerate(cells):
        if is_widget_cell(cell):
            later = cells[i + 1:i + 4]
            assert any(any("image/png" in o.get("data", {}) for o in c.get("outputs", [])) for c in later), (
                f"{path.name}: no static fallback figure right after {source(cell)[:60]!r}")


def test_exercises_have_solutions_checks_and_collapsed_answers(chapter):
    path, nb = chapter
    number = chapter_number(path.name)
    registered = {e.id for e in checks.exercises_of_chapter(number)}
    assert len(registered) >= 3, f"chapter {number} registers fewer than three exercises"
    solutions = [c for c in code_cells(nb) if BEGIN in source(c)]
    assert len(solutions) >= len(registered)
    for cell in solutions:
        assert "hide-input" in tags(cell), f"{path.name}: a solution cell is not collapsed"
        assert source(cell).count(BEGIN) == source(cell).count(END)
    results = {}
    for cell in code_cells(nb):
        for text in outputs_text(cell):
            for match in re.finditer(r"Exercise (\d+\.\d+) \(.*?\): (PASSED|NOT YET)", text):
                results[match.group(1)] = match.group(2)
    assert results == {ex: "PASSED" for ex in registered}, f"{path.name}: every exercise is checked and passes"


def test_chapter_has_goals_summary_and_further_reading(chapter):
    path, nb = chapter
    text = "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert re.search(r"^# \d+\. ", text, re.M), "a '# N. Title' heading"
    for heading in ["**Learning goals.**", "## Exercises", "## Summary", "## Further reading"]:
        assert heading in text, f"{path.name}: missing {heading}"
    assert "{cite}" in text, f"{path.name}: cites no reference"


def test_notebooks_stay_small(chapter):
    path, _ = chapter
    assert path.stat().st_size < 1_500_000
