"""Run every chapter alone, as Colab or a student's laptop runs it.

    python .ci/run_chapters_alone.py chapters/*.ipynb

Each notebook is copied into an empty temporary folder (no repository around
it, so ``import gdcore`` must come from the installed package) and executed
top to bottom in a fresh kernel of the Python running this script, with
nbclient. A notebook passes when no cell raises and no cell writes to stderr
(a warning on a platform's versions is a failure a student would see). Text
outputs are not compared: printed digits may differ between library
versions; strict nbval compares them at the pinned versions.

Prints one line per chapter and exits non-zero if any failed.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def problems(nb) -> list[str]:
    """What a reader would see go wrong: errors and stderr, cell by cell."""
    found = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"cell {index}: {out.get('ename')}: {out.get('evalue')}")
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                found.append(f"cell {index}: stderr: {''.join(out.get('text', '')).strip()[:300]}")
    return found


def run_alone(path: Path, timeout: int) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="chapter-alone-") as folder:
        shutil.copy(path, folder)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": folder}})
        try:
            client.execute()
        except CellExecutionError as error:  # only raised without allow_errors; kept for safety
            return [str(error).splitlines()[0]]
    return problems(nb)


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv if not p.startswith("--")]
    if not paths:
        print(__doc__)
        return 2
    failed = 0
    for path in paths:
        found = run_alone(path, timeout=600)
        failed += bool(found)
        print(f"{'ok  ' if not found else 'FAIL'} {path.name}")
        for line in found:
            print(f"       {line}")
    print(f"{len(paths) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
