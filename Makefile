# The project's verbs. Run them from the repository root after `pip install -r requirements.txt`.
PYTHON ?= python
NOTEBOOKS := $(wildcard notebooks/[0-9]*.py)
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: test sync lint

test:  ## every test: the library's unit tests and nbval over every notebook
	$(PYTHON) -m pytest

sync:  ## bring each notebook's .py and .ipynb in step (jupytext pairs)
	$(PYTHON) -m jupytext --sync $(NOTEBOOKS)

lint:  ## ruff over the library, the tests and the notebooks' .py side
	$(PYTHON) -m ruff check rnn_lib tests $(NOTEBOOKS)
	$(PYTHON) -m ruff format --check rnn_lib tests
