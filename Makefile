# The book's commands. `make site` and `make test` set everything up on first use
# (a virtual environment in .venv from requirements.txt), so a fresh clone needs
# only Python 3.11+ and make.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.installed
SITE   := build/html
NOTEBOOKS ?= build/student/chapters
# axe-core, the accessibility engine the browser tests run on every page (from npm,
# into build/axe; tests/browser/conftest.py reads the version from this line).
AXE_CORE := 4.14.1
AXE      := build/axe/node_modules/axe-core/.v$(AXE_CORE)

# One BLAS thread: on a small shared machine OpenBLAS threads fight each other
# (a chapter ran 6x slower), and single-threaded sums are reproducible.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: help install site test platforms refresh bench lab repo-url student grade nbgrader clean

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
	@echo "make grade CLASS=path   grade a class (one subfolder per student): build/grade/gradebook.csv"
	@echo "make nbgrader  write an nbgrader course folder into build/nbgrader"

$(READY): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The book needs Python 3.11 or newer, and $(PYTHON) is " + sys.version.split()[0] + ": run make PYTHON=python3.11 (or newer).")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $(READY)

install: $(READY)

# Without npm the browser tests skip their pages (CI=true: fail) and say why.
$(AXE):
	@if command -v npm > /dev/null; then \
	  npm install --prefix build/axe --no-save --no-audit --no-fund --loglevel=error axe-core@$(AXE_CORE) \
	  && touch $@; \
	else echo "npm not found: axe-core is not installed, so the browser tests cannot check the pages"; fi

.PHONY: axe
axe: $(AXE)

site: $(READY)
	rm -rf $(SITE) build/book  # a fresh build: no page left over from an earlier one
	$(BIN)/jupyter-book build . --builder html --warningiserror --nitpick --keep-going --path-output build/book
	mkdir -p build && cp -r build/book/_build/html $(SITE)
	@echo "The website is in $(SITE): open $(SITE)/index.html in a browser."

test: $(READY) $(AXE)
	$(BIN)/python -m pytest -n auto --dist loadfile

platforms:
	bash .ci/platforms

refresh: $(READY)
	$(BIN)/python -m tools.refresh $(NB)

bench: $(READY)
	$(BIN)/python benchmarks/run.py

lab: $(READY)
	$(BIN)/jupyter lab chapters/

repo-url: $(READY)
	$(BIN)/python -m tools.repo_url $(URL)

student: $(READY)
	$(BIN)/python -m tools.student

# CLASS=path grades a class (each subfolder one student's submission); else NOTEBOOKS.
grade: $(READY)
	$(BIN)/python -m tools.grade $(if $(CLASS),--class $(CLASS),$(NOTEBOOKS))

nbgrader: $(READY)
	$(BIN)/python -m tools.nbgrader_course

clean:
	rm -rf build _build
