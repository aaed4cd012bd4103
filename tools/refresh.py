"""Re-execute chapter notebooks in place, top to bottom, in a fresh kernel.

    python -m tools.refresh                       # every chapter (or: python tools/refresh.py)
    python -m tools.refresh chapters/01_calculus.ipynb

Outputs are stored exactly as the code produces them (strict nbval then
proves they still are), together with the widget state, so that JupyterLab
can show the widgets of a notebook that has not been run yet. Execution
timing metadata is not stored, so a refresh that changes nothing changes no
byte.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
TIMEOUT = 300  # seconds per cell


# One BLAS thread, as in `make test`: the last digits of a sum depend on how it is split.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def refresh(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
        record_timing=False,
        coalesce_streams=True,  # a cell's prints as one output, however the kernel's messages were split by load
    )
    client.execute()
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)
    nbformat.validate(nb)
    nbformat.write(nb, path)


def main(argv: list[str]) -> int:
    paths = [Path(p).resolve() for p in argv] or sorted(CHAPTERS.glob("*.ipynb"))
    for path in paths:
        print(f"executing {path.relative_to(ROOT)}", flush=True)
        refresh(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
