#!/usr/bin/env python3
"""Vendor the compiled GOV.UK Frontend files into static/vendor/govuk-frontend/.

Copies from node_modules/govuk-frontend/dist/govuk/ (installed by ``npm ci``):

* govuk-frontend.min.css and its source map
* govuk-frontend.min.js (an ES module exporting ``initAll``) and its source map
* the whole assets/ folder (fonts, images, manifest.json, rebrand/ if present)

and writes VERSION with the package version.

GOV.UK Frontend's compiled CSS points at fonts and images with absolute
``url(/assets/...)`` URLs. Django's static files (and WhiteNoise's manifest
storage) serve them under STATIC_URL, so those URLs are rewritten to be
relative to the CSS file (``url(assets/...)``), which sits beside the copied
assets/ folder. Every url() left in the CSS is then checked to resolve to a
vendored file.

Re-runnable: the destination folder is rebuilt from scratch each time.

Usage:
    python3 scripts/vendor_govuk_frontend.py          # (re)vendor
    python3 scripts/vendor_govuk_frontend.py --check  # exit 1 if the vendored
                                                      # copy is out of date
"""

from __future__ import annotations

import argparse
import filecmp
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE = REPO_ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
PACKAGE_JSON = REPO_ROOT / "node_modules" / "govuk-frontend" / "package.json"
DEST = REPO_ROOT / "static" / "vendor" / "govuk-frontend"

CSS_FILES = ("govuk-frontend.min.css", "govuk-frontend.min.css.map")
JS_FILES = ("govuk-frontend.min.js", "govuk-frontend.min.js.map")
CSS_TO_REWRITE = "govuk-frontend.min.css"

# url(/assets/...), url("/assets/...") and url('/assets/...')
ABSOLUTE_ASSET_URL = re.compile(r"""url\((\s*["']?)/assets/""")
ANY_URL = re.compile(r"""url\(\s*["']?([^"')]+?)["']?\s*\)""")


def fail(message: str) -> None:
    print(f"vendor_govuk_frontend: error: {message}", file=sys.stderr)
    sys.exit(1)


# CSP Tracker is not a GOV.UK-domain service, so it may not use the GDS Transport
# typeface: its @font-face rules are removed (with the font files and the crown icons
# below), so no page can ever download it; the stack falls back to Arial.
FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
NOT_FOR_THIS_SERVICE = ("fonts",)


def rewrite_css(css_path: Path) -> int:
    text = FONT_FACE.sub("", css_path.read_text(encoding="utf-8"))
    new_text, count = ABSOLUTE_ASSET_URL.subn(r"url(\1assets/", text)
    css_path.write_text(new_text, encoding="utf-8")
    return count


def verify_css(css_path: Path) -> list[str]:
    """Return problems: absolute /assets/ URLs left, or url()s that don't resolve."""
    text = css_path.read_text(encoding="utf-8")
    problems = []
    if ABSOLUTE_ASSET_URL.search(text):
        problems.append(f"{css_path.name} still contains url(/assets/...)")
    for url in ANY_URL.findall(text):
        if url.startswith(("data:", "#", "http:", "https:", "//")):
            continue
        target = (css_path.parent / url.split("?")[0].split("#")[0]).resolve()
        if not target.is_file():
            problems.append(f"{css_path.name}: url({url}) does not resolve to a vendored file")
    return problems


def build(dest: Path) -> str:
    if not SOURCE.is_dir() or not PACKAGE_JSON.is_file():
        fail(f"{SOURCE} not found - run `npm ci` first")
    version = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))["version"]

    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)

    for name in CSS_FILES + JS_FILES:
        src = SOURCE / name
        if not src.is_file():
            fail(f"{src} not found (unexpected govuk-frontend {version} layout)")
        shutil.copy2(src, dest / name)

    js = (dest / "govuk-frontend.min.js").read_text(encoding="utf-8")
    if not re.search(r"export\s*\{[^}]*\binitAll\b", js):
        fail("govuk-frontend.min.js does not export initAll")

    if not (SOURCE / "assets").is_dir():
        fail(f"{SOURCE / 'assets'} not found")
    shutil.copytree(
        SOURCE / "assets", dest / "assets", ignore=shutil.ignore_patterns(*NOT_FOR_THIS_SERVICE)
    )

    rewritten = rewrite_css(dest / CSS_TO_REWRITE)
    problems = verify_css(dest / CSS_TO_REWRITE)
    if problems:
        fail("; ".join(problems))

    (dest / "VERSION").write_text(version + "\n", encoding="utf-8")
    return f"govuk-frontend {version}: {rewritten} url(/assets/...) rewritten to url(assets/...)"


def trees_equal(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(trees_equal(a / d, b / d) for d in cmp.common_dirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="don't write; exit 1 if static/vendor/govuk-frontend differs from node_modules",
    )
    args = parser.parse_args()

    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "govuk-frontend"
            build(fresh)
            if not DEST.is_dir() or not trees_equal(fresh, DEST):
                fail(
                    f"{DEST.relative_to(REPO_ROOT)} is out of date - "
                    "run `python3 scripts/vendor_govuk_frontend.py`"
                )
        print(f"{DEST.relative_to(REPO_ROOT)} is up to date")
        return

    summary = build(DEST)
    print(f"Vendored into {DEST.relative_to(REPO_ROOT)}: {summary}")


if __name__ == "__main__":
    main()
