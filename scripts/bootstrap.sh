#!/usr/bin/env bash
# Set up a development checkout (used by `make setup`). Safe to run again.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# uv from PyPI: with pip where the Python allows it, else into the user's site (a
# Debian Python is "externally managed"), else into a small virtualenv of its own.
if ! command -v uv >/dev/null 2>&1; then
    echo "Installing uv"
    export PATH="$HOME/.local/bin:$PWD/.tools/bin:$PATH"
    if ! command -v uv >/dev/null 2>&1; then
        python3 -m pip install --quiet uv 2>/dev/null \
            || python3 -m pip install --quiet --user --break-system-packages uv 2>/dev/null \
            || { python3 -m venv .tools && .tools/bin/pip install --quiet uv; } \
            || { echo "Could not install uv: install it (pip install uv) and run again" >&2; exit 1; }
    fi
fi

echo "Installing Python dependencies (uv sync --frozen)"
uv sync --frozen

# The npm packages are test tools (axe-core, the HTML checker); the app itself runs
# without them, from the committed copy of GOV.UK Frontend.
if [ "${1:-}" = "--test" ] && [ ! -d node_modules ]; then
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

# The test suite drives Debian's Chromium, reads PDFs with poppler and checks they print
# in the fonts the image ships; install them when asked (make test) and able to (root
# with apt), else say what is missing. The production stack test also needs PostgreSQL
# and redis-server (and says so, skipping, where they are missing outside CI).
if [ "${1:-}" = "--test" ]; then
    missing=()
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
    command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
    # The PDFs' fonts (static/css/pdf.css); the same list is in the Dockerfile and .ci/run.
    for font in fonts-liberation fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji; do
        dpkg -s "$font" >/dev/null 2>&1 || missing+=("$font")
    done
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
