"""Shared pytest set-up for the unit tests and for nbval's kernels."""

import os

import pytest

# One BLAS thread, as `make test` and `make refresh` use: the last digits of a
# sum depend on how it is split between threads, and strict nbval compares them.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


# Under pytest-xdist (`make test`) the browser tests run in a worker; their report
# (page and slider timings, see tests/browser) comes back here to be printed.
_WORKER_REPORTS: list[str] = []


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    _WORKER_REPORTS.extend(getattr(node, "workeroutput", {}).get("book_report", []))


def pytest_terminal_summary(terminalreporter):
    if _WORKER_REPORTS:
        terminalreporter.section("browser: pages and live widgets")
        for line in _WORKER_REPORTS:
            terminalreporter.write_line(line)
