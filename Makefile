# The two commands: `make demo` and `make test`. Each sets itself up first.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.daiko-setup

.PHONY: setup demo test lint bench bench-ocr bench-keying report-pdf clean

$(STAMP): scripts/bootstrap.sh requirements.lock pyproject.toml setup.py
	bash scripts/bootstrap.sh
	touch $@

setup: $(STAMP)

demo: setup
	$(VENV)/bin/daiko demo

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: setup lint
	$(PY) -m pytest

bench: bench-ocr bench-keying

bench-ocr: setup
	$(PY) bench/ocr.py

bench-keying: setup
	$(PY) bench/keying.py

clean:
	rm -rf $(VENV) demo-data .pytest_cache
