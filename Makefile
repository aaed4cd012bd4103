# The book's commands. `make site` and `make test` set everything up on first use
# (a virtual environment in .venv from requirements.txt), so a fresh clone needs
# only Python 3.11+ and make.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.installed
SITE   := build/html
NOTEBOOKS ?= build/student/chapters

# One BLAS thread: on a small shared machine OpenBLAS threads fight each other
# (a chapter ran 6x slower), and single-threaded sums are reproducible.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: help install site test platforms refresh bench lab repo-url student grade clean

help:
	@echo "make site      build the website into $(SITE) (warnings are errors)"
	@echo "make test      run every test: gdcore unit tests and strict nbval on every chapter"
	@echo "make platforms run every chapter alone at the declared floors and at the newest releases"
	@echo "make refresh   re-execute chapters in place (NB=path for one notebook)"
	@echo "make lab       open the chapters in JupyterLab"
	@echo "make bench     print the benchmark figures (widget updates, optimizer steps, ...)"
	@echo "make repo-url URL=https://github.com/you/your-fork   point the book at your fork"
	@echo "make student   write the student edition (no solutions) into build/student"
	@echo "make grade     grade build/student/chapters (or NOTEBOOKS=path), exercise by exercise"

$(READY): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The book needs Python 3.11 or newer, and $(PYTHON) is " + sys.version.split()[0] + ": run make PYTHON=python3.11 (or newer).")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $(READY)

install: $(READY)

site: $(READY)
	rm -rf $(SITE) build/book  # a fresh build: no page left over from an earlier one
	$(BIN)/jupyter-book build . --builder html --warningiserror --nitpick --keep-going --path-output build/book
	mkdir -p build && cp -r build/book/_build/html $(SITE)
	@echo "The website is in $(SITE): open $(SITE)/index.html in a browser."

test: $(READY)
	$(BIN)/python -m pytest -n auto --dist loadfile

platforms:
	bash .ci/platforms

refresh: $(READY)
	$(BIN)/python tools/refresh.py $(NB)

bench: $(READY)
	$(BIN)/python benchmarks/run.py

lab: $(READY)
	$(BIN)/jupyter lab chapters/

repo-url: $(READY)
	$(BIN)/python tools/repo_url.py $(URL)

student: $(READY)
	$(BIN)/python tools/student.py

grade: $(READY)
	$(BIN)/python tools/grade.py $(NOTEBOOKS)

clean:
	rm -rf build _build
