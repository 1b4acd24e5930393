# The two commands: `make demo` and `make test`. Each sets itself up first.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.daiko-setup

.PHONY: setup demo test lint bench bench-ocr bench-keying bench-soak bench-identity report-pdf clean

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
