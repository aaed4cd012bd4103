"""Point the book at a repository (your fork): ``make repo-url URL=https://github.com/you/book``.

The URL lives in one place, ``_config.yml`` (``repository.url``): the launch
and repository buttons read it there. Colab opens a single notebook and
installs gdcore from that URL, so each chapter's set-up cell carries a copy,
and so does the cell's template ``tools/setup_cell.ipy``; this script
rewrites all of them, and ``tests/test_notebooks.py`` fails if they drift.
Without an argument it prints the current URL.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "_config.yml"
URL_IN_CONFIG = re.compile(r"(^repository:\n(?:  .*\n)*?  url: )(\S+)", re.M)
URL_IN_CELL = re.compile(r'GDCORE_REPO = "[^"]*"')


def current_url() -> str:
    return URL_IN_CONFIG.search(CONFIG.read_text()).group(2)


def set_url(url: str) -> list[Path]:
    if not re.fullmatch(r"https://[\w.-]+/[\w.-]+/[\w.-]+", url):
        raise SystemExit(f"expected a repository URL like https://github.com/you/book, got {url!r}")
    changed = [CONFIG]
    CONFIG.write_text(URL_IN_CONFIG.sub(lambda m: m.group(1) + url, CONFIG.read_text(), count=1))
    template = ROOT / "tools" / "setup_cell.ipy"
    template.write_text(URL_IN_CELL.sub(f'GDCORE_REPO = "{url}"', template.read_text()))
    changed.append(template)
    for path in sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "appendix").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                cell["source"] = [URL_IN_CELL.sub(f'GDCORE_REPO = "{url}"', line) for line in cell["source"]]
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        changed.append(path)
    return changed


def main(argv: list[str]) -> int:
    if not argv:
        print(current_url())
        return 0
    for path in set_url(argv[0]):
        print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
