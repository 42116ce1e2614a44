# The project's verbs. Run them from the repository root after `pip install -r requirements.txt`.
PYTHON ?= python
JUPYTER_BOOK ?= jupyter-book
NOTEBOOKS := $(wildcard notebooks/[0-9]*.py)
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: test sync lint student book

test:  ## every test: the library's unit tests and nbval over every notebook
	$(PYTHON) -m pytest

sync:  ## bring each notebook's .py and .ipynb in step (jupytext pairs)
	$(PYTHON) -m jupytext --sync $(NOTEBOOKS)

lint:  ## ruff over the library, the tests, the tools and the notebooks' .py side
	$(PYTHON) -m ruff check rnn_lib tests tools benchmarks $(NOTEBOOKS)
	$(PYTHON) -m ruff format --check rnn_lib tests tools benchmarks

student:  ## the student edition in student/: every solution replaced by a stub, no outputs
	$(PYTHON) tools/make_student.py --out student

book:  ## the book, a static site in book/_build/html; builds offline, warnings are errors
	$(JUPYTER_BOOK) build . --config book/_config.yml --toc book/_toc.yml --path-output book -W -n --keep-going
