"""Shared pytest set-up for the unit tests and for nbval's kernels."""

import collections
import os

import pytest

# One BLAS thread, as `make test` and `make refresh` use: the last digits of a
# sum depend on how it is split between threads, and strict nbval compares them.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "long_file: a test file that runs kernels, a server or a browser for minutes; "
                   "`make test` hands such files to its workers first")
    # `make test` (pytest -n auto --dist loadfile) gives each worker one file at a time. By default
    # pytest-xdist queues the files by their number of tests, most first, which put the longest
    # files (JupyterLab, nbgrader, the grader's attacks: few tests, minutes each) last, so one
    # worker ran them alone at the end. Keep the order of pytest_collection_modifyitems below.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(config, items):
    """Longest units first: the long files (browser, marked long_file), then the chapters (strict
    nbval: a kernel runs the whole notebook), then the unit tests; in each group xdist's own order,
    the files with the most tests first. Of the files that need the built site, only the largest
    (the site's pages, whose first test builds it when it is stale) goes first; the others go after
    the long files that need no site, so that no worker waits for the build. A stable sort: each
    file's tests stay together and in their order."""
    tests_in = collections.Counter(item.path for item in items)
    long = {item.path for item in items if "browser" in item.path.parts or item.get_closest_marker("long_file")}
    needs_site = {item.path for item in items if "built_site" in getattr(item, "fixturenames", ())}
    builder = max(needs_site, key=lambda path: tests_in[path], default=None)

    def rank(item) -> int:
        if item.path in long:
            return 0 if item.path not in needs_site or item.path == builder else 1
        return 2 if item.path.suffix == ".ipynb" else 3

    items.sort(key=lambda item: (rank(item), -tests_in[item.path]))


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
