#!/usr/bin/env bash
# Sets up everything daiko needs on a fresh Debian machine, idempotently:
# system packages (only those missing), a .venv, and the pinned Python packages.
# Nothing here downloads a browser or model weights: Chromium comes from Debian,
# the OCR models ship inside the rapidocr wheel.
set -euo pipefail
cd "$(dirname "$0")/.."

# postgresql: the server binaries the tests start a throw-away cluster with (the shared ledger of
# several robot PCs is tested on the real thing); its own cluster service is not used by daiko.
APT_PACKAGES=(chromium fonts-noto-cjk xvfb xauth xdotool xclip fonts-klee fonts-seto postgresql)
# `bootstrap.sh --test` (what `make test` runs): also what only the tests need — LibreOffice Calc
# renders the weekly report's workbook to PDF (about 220 MB, 1–3 minutes once), stress-ng loads
# the CPU for `make test-under-load`.
if [ "${1:-}" = "--test" ]; then
  APT_PACKAGES+=(libreoffice-calc stress-ng)
fi
python3 -c 'import tkinter' 2>/dev/null || APT_PACKAGES+=(python3-tk)
python3 -c 'import venv, ensurepip' 2>/dev/null || APT_PACKAGES+=(python3-venv)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "daiko: installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    echo "daiko: installing system packages with sudo: ${missing[*]}"
    sudo -n apt-get -o DPkg::Lock::Timeout=600 update -qq
    sudo -n DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "daiko: these system packages are missing and I am not root:" >&2
    echo "    sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "daiko: creating .venv"
  python3 -m venv .venv
fi
if ! cmp -s requirements.lock .venv/.requirements.lock 2>/dev/null; then
  echo "daiko: installing Python packages from requirements.lock"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.lock
  cp requirements.lock .venv/.requirements.lock
fi
# The project itself, editable, without build isolation: its build needs only the pinned setuptools.
if ! out=$(.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . 2>&1); then
  echo "$out" >&2
  echo "daiko: installing daiko itself into .venv failed (see above)" >&2
  exit 1
fi
echo "daiko: set-up complete (.venv ready, Chromium at $(command -v chromium))"
