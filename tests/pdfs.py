"""Reading the PDFs the app makes as a person's viewer would: which fonts they print with.

``pdffonts`` (poppler-utils, which the tests need anyway) lists the fonts a PDF embeds;
each must be one the PDF stylesheet names, so a lost stylesheet (the default serif) or a
character only some other font has shows up as a font from outside the stack.
"""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "pdf.css"
# The stylesheet's comment says why emoji come from this font without it being named.
EMOJI_FONT = "Noto Color Emoji"
GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "emoji"}
# Words Pango adds after the family for a style (WeasyPrint names fonts "Family-Style").
STYLE_WORDS = {"Bold", "Italic", "Oblique", "Light", "Medium", "Semi", "Heavy", "Book"}


def stylesheet_families() -> list[str]:
    """The font families of the root element's stack in pdf.css, in order."""
    css = STYLESHEET.read_text(encoding="utf-8")
    rule = re.search(r"\bhtml\s*\{([^}]*)\}", css)
    assert rule, "pdf.css has no html rule"
    font = re.search(r"\bfont:\s*[\d.]+pt(?:/[\d.]+)?\s+([^;]+);", rule.group(1))
    assert font, "pdf.css sets no font stack on html"
    families = [f.strip().strip("\"'") for f in font.group(1).replace("\n", " ").split(",")]
    return [f for f in families if f and f not in GENERIC]


def pdf_fonts(pdf: bytes) -> list[str]:
    """The names of the fonts a PDF embeds, without the subset prefix ("ABCDEF+")."""
    if not shutil.which("pdffonts"):
        if settings.CSP_REQUIRE_SERVICES:
            pytest.fail("pdffonts (poppler-utils) is required")
        pytest.skip("pdffonts (poppler-utils) is not installed")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        out = subprocess.run(
            ["pdffonts", handle.name], capture_output=True, text=True, check=True, timeout=60
        ).stdout
    names = [line.split()[0] for line in out.splitlines()[2:] if line.strip()]
    return [name.split("+", 1)[-1] for name in names]


def fonts_outside_the_stylesheet(pdf: bytes) -> list[str]:
    """The PDF's fonts that are neither a family of the stack nor the emoji fallback."""
    allowed = [f.replace(" ", "-") for f in [*stylesheet_families(), EMOJI_FONT]]

    def in_stack(name: str) -> bool:
        return any(
            name == family
            or (
                name.startswith(family + "-")
                and set(name[len(family) + 1 :].split("-")) <= STYLE_WORDS
            )
            for family in allowed
        )

    return [name for name in pdf_fonts(pdf) if not in_stack(name)]


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text as ``pdftotext`` reads it (a form feed ends each page)."""
    if not shutil.which("pdftotext"):
        if settings.CSP_REQUIRE_SERVICES:
            pytest.fail("pdftotext (poppler-utils) is required")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    return out.split("\f")[:-1]


def figures(pdf: bytes) -> list[str | None]:
    """The /Alt of each /Figure of the tag tree, in the document's order (None: none)."""
    import io

    import pikepdf

    found: list[str | None] = []

    def walk(element: object) -> None:
        if not isinstance(element, pikepdf.Dictionary):
            return
        if element.get("/S") == pikepdf.Name.Figure:
            alt = element.get("/Alt")
            found.append(str(alt) if alt is not None else None)
        children = element.get("/K")
        for child in children if isinstance(children, pikepdf.Array) else [children]:
            walk(child)

    with pikepdf.open(io.BytesIO(pdf)) as document:
        walk(document.Root.get("/StructTreeRoot"))
    return found
