"""``python tools/grade.py ...`` (the command from before ``tools/`` was a package) keeps working.

A tool run as a script replaces itself with ``python -m tools.<name>``, the
same arguments and working directory, and the repository root (the folder
holding ``tools/``) first on ``PYTHONPATH`` so that the package is found.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def run_as_module(module: str) -> None:
    root = str(Path(__file__).resolve().parent.parent)
    path = os.pathsep.join([root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable, "-m", module, *sys.argv[1:]], dict(os.environ, PYTHONPATH=path))
