#!/usr/bin/env bash
# Set up a development checkout (used by `make setup`). Safe to run again.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v uv >/dev/null 2>&1; then
    echo "Installing uv"
    python3 -m pip install --quiet uv
fi

echo "Installing Python dependencies (uv sync --frozen)"
uv sync --frozen

if [ ! -d node_modules ]; then
    echo "Installing npm packages (npm ci)"
    # --ignore-scripts: vnu-jar's postinstall would try to download a Java
    # runtime; the Nu Html Checker runs on the system Java instead.
    npm ci --no-audit --no-fund --ignore-scripts
fi

# The vendored GOV.UK Frontend files are committed, so this normally does nothing.
if [ ! -d static/vendor/govuk-frontend ]; then
    echo "Vendoring GOV.UK Frontend"
    python3 scripts/vendor_govuk_frontend.py
fi

# The test suite drives Debian's Chromium and reads PDFs with poppler; install them
# when asked (make test) and able to (root with apt), else say what is missing.
if [ "${1:-}" = "--test" ]; then
    missing=()
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
    command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
    if ((${#missing[@]})); then
        if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
            echo "Installing Debian packages: ${missing[*]}"
            DEBIAN_FRONTEND=noninteractive apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
        else
            echo "The tests need these Debian packages: sudo apt-get install ${missing[*]}" >&2
            exit 1
        fi
    fi
fi

echo "Setup complete."
