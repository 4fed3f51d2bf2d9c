# Two entry points on a fresh machine: `make book` and `make test`.
# Both create the virtual environment from the lock (requirements.txt) when it is
# missing or older than the lock.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.installed

.PHONY: book book-all test test-fast bench lock clean

$(READY): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

book: $(READY)          ## execute the chapters whose inputs changed, then build _build/html
	$(BIN)/hfcompendium book

book-all: $(READY)      ## execute every chapter and rebuild every page
	$(BIN)/hfcompendium book --all

test: $(READY)          ## the whole test suite, the end-to-end book build included
	$(BIN)/python -m pytest

test-fast: $(READY)     ## unit tests only (no book build)
	$(BIN)/python -m pytest -m "not slow"

bench: $(READY)         ## performance benchmarks: prints a table, writes bench-results/
	$(BIN)/hfcompendium bench

lock: $(READY)          ## re-resolve requirements.in into the exact pins of requirements.txt
	$(BIN)/python -m pip install --quiet -r requirements.in
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^hfcompendium' > requirements.txt

clean:
	rm -rf _build book/executed book/generated runs
