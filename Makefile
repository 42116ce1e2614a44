# The project's verbs. Run them from the repository root after `pip install -r requirements.txt`.
PYTHON ?= python
JUPYTER_BOOK ?= jupyter-book
NOTEBOOKS := $(wildcard notebooks/[0-9]*.py)
WORKFLOWS := $(wildcard .github/workflows/*.yml)
# zizmor is a program pip puts beside the interpreter, not a module: find it there.
ZIZMOR ?= $(shell $(PYTHON) -c 'import sys, pathlib; print(pathlib.Path(sys.executable).with_name("zizmor"))')
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: test sync lint student assignments grading-check book portability set-repository

test:  ## every test: the library's unit tests and nbval over every notebook
	$(PYTHON) -m pytest

sync:  ## bring each notebook's .py and .ipynb in step (jupytext pairs)
	$(PYTHON) -m jupytext --sync $(NOTEBOOKS)

lint:  ## ruff over the code; the GitHub workflows against GitHub's schema and zizmor's audits
	$(PYTHON) -m ruff check rnn_lib tests tools benchmarks grading conftest.py $(NOTEBOOKS)
	$(PYTHON) -m ruff format --check rnn_lib tests tools benchmarks grading conftest.py
	$(PYTHON) -m check_jsonschema --builtin-schema vendor.github-workflows $(WORKFLOWS)
	$(ZIZMOR) --offline --strict-collection .github/workflows

student:  ## the student edition in student/: every solution replaced by a stub, no outputs
	$(PYTHON) tools/make_student.py --out student

assignments:  ## nbgrader's course in grading/: source/ from the notebooks, release/, the gradebook
	$(PYTHON) tools/make_assignments.py $(ASSIGNMENTS)

grading-check:  ## the whole grading pipeline (tests/test_grading.py) over every notebook
	RNN_GRADING_NOTEBOOKS=all $(PYTHON) -m pytest tests/test_grading.py -p no:cacheprovider

set-repository:  ## point the book's launch buttons and every notebook's install cell at URL [BRANCH]
	$(if $(URL),,$(error usage: make set-repository URL=https://github.com/<you>/<repository> [BRANCH=main]))
	$(PYTHON) tools/set_repository.py '$(URL)' $(if $(BRANCH),'--branch=$(BRANCH)')

book:  ## the book, a static site in book/_build/html; builds offline, warnings are errors
	$(JUPYTER_BOOK) build . --config book/_config.yml --toc book/_toc.yml --path-output book -W -n --keep-going

portability:  ## nbval under foreign set-ups (BLAS kernel, threads, hash seed, oldest versions)
	$(PYTHON) tools/portability.py $(SETUPS)
