"""Where a submission runs: a fresh folder, its own copy of gdcore, limits, and a clean end.

Each notebook gets a new temporary folder that holds only a copy of that
notebook (the kernel's working directory, first on its import path) and a
copy of gdcore (first on ``PYTHONPATH``), so that whatever the kernel damages
is its own copy, never the grader's files, another submission or a later
run. The kernel starts in a session of its own with resource limits (memory,
CPU time, file size, processes); at the end its whole process group is
killed, and so is every process that still carries the run's token in its
environment (a child that left the group with ``setsid``). The grader also
fingerprints its own files and the private checks at the start, and checks
them before it writes any result (:class:`Fingerprint`).
"""

from __future__ import annotations

import hashlib
import os
import resource
import secrets
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MEMORY_MB = 2048  # address space of a kernel (a chapter needs well under 1 GiB)
DEFAULT_PROCESSES = 64  # processes of the grading user (not enforced for root)
FILE_SIZE_MB = 256  # the largest file a kernel may write


@dataclass
class Limits:
    memory_mb: int = DEFAULT_MEMORY_MB
    cpu_seconds: int = 600
    processes: int = DEFAULT_PROCESSES

    def apply(self) -> None:
        """Set the limits in the kernel's process, between fork and exec (``preexec_fn``)."""
        memory = self.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (self.cpu_seconds, self.cpu_seconds + 5))
        size = FILE_SIZE_MB * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if os.geteuid() != 0:  # root is exempt from RLIMIT_NPROC anyway
            resource.setrlimit(resource.RLIMIT_NPROC, (self.processes, self.processes))


def _copy_package(package: Path, into: Path) -> None:
    shutil.copytree(package, into / package.name,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints"))


class Sandbox:
    """A fresh folder for one notebook: ``work/`` (the notebook) and ``lib/`` (gdcore), and a token."""

    def __init__(self, name: str, notebook_bytes: bytes, gdcore_dir: Path, limits: Limits):
        self.root = Path(tempfile.mkdtemp(prefix="gdgrade-"))
        self.work = self.root / "work"
        self.lib = self.root / "lib"
        self.home = self.root / "home"
        for folder in (self.work, self.lib, self.home):
            folder.mkdir()
        self.notebook = self.work / name
        self.notebook.write_bytes(notebook_bytes)
        _copy_package(gdcore_dir, self.lib)
        self.limits = limits
        self.token = secrets.token_hex(16)
        self.pgid: int | None = None

    def env(self) -> dict[str, str]:
        """The kernel's environment: the grader's, with the copy of gdcore first and its own home."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PYTHON", "JUPYTER", "IPYTHON", "MPL", "GITHUB_", "GRADE_"))}
        env.update(PYTHONPATH=str(self.lib), HOME=str(self.home), MPLCONFIGDIR=str(self.home / "mpl"),
                   IPYTHONDIR=str(self.home / "ipython"), JUPYTER_CONFIG_DIR=str(self.home / "jupyter"),
                   PYTHONDONTWRITEBYTECODE="1", GDGRADE_TOKEN=self.token,
                   OPENBLAS_NUM_THREADS=os.environ.get("OPENBLAS_NUM_THREADS", "1"))
        return env

    def kernel_kwargs(self) -> dict:
        return {"env": self.env(), "cwd": str(self.work), "preexec_fn": self.limits.apply,
                "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}  # not the grader's terminal

    def end(self) -> int:
        """Kill what is left of the kernel (its process group, and any process with the token); remove the folder."""
        killed = 0
        if self.pgid is not None:
            try:
                os.killpg(self.pgid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
        killed += kill_by_token(self.token)
        shutil.rmtree(self.root, ignore_errors=True)
        return killed


def kill_by_token(token: str) -> int:
    """Kill every process whose environment holds ``GDGRADE_TOKEN=token``; return how many."""
    needle = f"GDGRADE_TOKEN={token}".encode()
    killed = 0
    for _ in range(3):  # a process may fork while we look
        found = 0
        for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue
            if needle in environ.split(b"\0"):
                try:
                    os.kill(int(entry.name), signal.SIGKILL)
                    found += 1
                except (ProcessLookupError, PermissionError):
                    pass
        killed += found
        if not found:
            break
    return killed


class Fingerprint:
    """The SHA-256 of every file in some folders, to notice a change while grading."""

    def __init__(self, folders: list[Path]):
        self.folders = [f.resolve() for f in folders if f is not None and f.exists()]
        self.digests = self._digests()

    def _digests(self) -> dict[str, str]:
        out = {}
        for folder in self.folders:
            paths = [folder] if folder.is_file() else sorted(folder.rglob("*"))
            for path in paths:
                if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                    try:
                        out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
                    except OSError:
                        out[str(path)] = "unreadable"
        return out

    def changed(self) -> list[str]:
        now = self._digests()
        return sorted(p for p in set(now) | set(self.digests) if now.get(p) != self.digests.get(p))
