"""Where a submission runs: a fresh folder, its own copy of gdcore, limits, and a clean end.

Each notebook gets a new temporary folder that holds only a copy of that
notebook (the kernel's working directory, first on its import path) and a
copy of gdcore (first on ``PYTHONPATH``), so that what the kernel damages
through what it imported is its own copy, never the grader's files, another
submission or a later run (a kernel that looks for the grader's files on
disk can still write them, as the grading user: the grader reads all it
runs before any kernel starts, and docs/coursework.md says how to keep
them read-only). The kernel starts in a session of its own with resource limits (memory,
CPU time, file size, processes); at the end its whole process group is
killed, and so is every process that still carries the run's token in its
environment (a child that left the group with ``setsid``). The grader also
fingerprints its own files and the private checks at the start, and checks
them before it writes any result (:class:`Fingerprint`).

What every sandbox gets is made once per run, in memory (:class:`Template`):
the bytes of gdcore's sources, their compiled bytecode, and matplotlib's
font list. A kernel starts faster with them (it neither compiles gdcore nor
scans the system's fonts), and as they live in the grader's memory, not in a
folder, no kernel can change what the next sandbox gets.
"""

from __future__ import annotations

import compileall
import hashlib
import os
import py_compile
import resource
import secrets
import shutil
import signal
import subprocess
import sys
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


_FONT_LIST = """\
import matplotlib.font_manager as fm, pathlib, sys
fm.json_dump(fm.fontManager, pathlib.Path(sys.argv[1]) / f"fontlist-v{fm.FontManager.__version__}.json")
"""


class Template:
    """What every sandbox gets, made once per run and kept in this process's memory, as ``{path: bytes}``.

    ``lib``: a copy of the package (``gdcore``) with its bytecode compiled
    here, checked against the source's hash (so that a kernel that edits its
    own copy runs its edit, as before); ``mpl``: matplotlib's font list, as a
    kernel with an empty configuration folder would build it on its first
    figure. Both are only what the kernel would make for itself, made once.
    """

    def __init__(self, package: Path):
        self.mpl: dict[str, bytes] = {}  # stays empty if the font list cannot be made: each kernel makes its own
        with tempfile.TemporaryDirectory(prefix="gdgrade-template-") as tmp:
            root = Path(tmp)
            shutil.copytree(package, root / "lib" / package.name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints"))
            compileall.compile_dir(root / "lib", quiet=2, workers=1,
                                   invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
            self.lib: dict[str, bytes] = _read_tree(root / "lib")
            (root / "mpl").mkdir()
            (root / "home").mkdir()
            font_env = _clean_env()
            font_env.update(HOME=str(root / "home"), MPLCONFIGDIR=str(root / "mpl"), PYTHONDONTWRITEBYTECODE="1")
            try:  # the same interpreter, matplotlib and fonts as the kernels; without it each kernel builds its own
                subprocess.run([sys.executable, "-c", _FONT_LIST, str(root / "mpl")], env=font_env,
                               cwd=root / "home", timeout=300, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, check=True)
                self.mpl = _read_tree(root / "mpl")
            except (OSError, subprocess.SubprocessError):
                pass

    def write(self, lib: Path, mpl: Path) -> None:
        for into, files in ((lib, self.lib), (mpl, self.mpl)):
            for relative, data in files.items():
                path = into / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)


def _clean_env() -> dict[str, str]:
    """The grader's environment without what would steer Python, Jupyter, matplotlib, gdcore or the grader."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("PYTHON", "JUPYTER", "IPYTHON", "MPL", "GITHUB_", "GRADE_", "GDCORE_"))}


def _read_tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Sandbox:
    """A fresh folder for one notebook: ``work/`` (the notebook) and ``lib/`` (gdcore), and a token.

    ``package`` is a :class:`Template` (made once for many sandboxes), or the
    package's folder (a template is then made for this sandbox alone).
    """

    def __init__(self, name: str, notebook_bytes: bytes, package: "Template | Path", limits: Limits):
        self.root = Path(tempfile.mkdtemp(prefix="gdgrade-"))
        self.work = self.root / "work"
        self.lib = self.root / "lib"
        self.home = self.root / "home"
        for folder in (self.work, self.lib, self.home):
            folder.mkdir()
        self.notebook = self.work / name
        self.notebook.write_bytes(notebook_bytes)
        template = package if isinstance(package, Template) else Template(Path(package))
        template.write(self.lib, self.home / "mpl")
        self.limits = limits
        self.token = secrets.token_hex(16)
        self.pgid: int | None = None

    def env(self) -> dict[str, str]:
        """The kernel's environment: the grader's, with the copy of gdcore first and its own home."""
        env = _clean_env()
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
