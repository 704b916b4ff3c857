"""Reading the PDFs the app makes as a person's viewer would: which fonts they print with,
which of their text is tagged content and which artifacts.

``pdffonts`` (poppler-utils, which the tests need anyway) lists the fonts a PDF embeds;
each must be one the PDF stylesheet names, so a lost stylesheet (the default serif) or a
character only some other font has shows up as a font from outside the stack.
"""

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

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


def _poppler(tool: str, pdf: bytes, *options: str) -> str:
    """What a poppler-utils tool prints for the PDF (skipped, or failed in CI, without it)."""
    if not shutil.which(tool):
        if settings.CSP_REQUIRE_SERVICES:
            pytest.fail(f"{tool} (poppler-utils) is required")
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run(
            [tool, *options, handle.name, *(["-"] if tool == "pdftotext" else [])],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout


def pdf_fonts(pdf: bytes) -> list[str]:
    """The names of the fonts a PDF embeds, without the subset prefix ("ABCDEF+")."""
    out = _poppler("pdffonts", pdf)
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


def pdf_page_texts(pdf: bytes) -> list[str]:
    """Each page's text as ``pdftotext -layout`` reads it (running head and foot too)."""
    return _poppler("pdftotext", pdf, "-layout").split("\f")[:-1]


def body_lines(page: str) -> list[str]:
    """A page's lines of text without the running head (the first) and foot ("Page N of M")."""
    lines = [line for line in page.splitlines() if line.strip()]
    lines = [line for line in lines if not re.fullmatch(r"\s*Page \d+ of \d+\s*", line)]
    return lines[1:] if lines else []


def page_of(pages: list[str], pattern: str, *, after: int = 0) -> int:
    """The number (from 1) of the first page from ``after`` whose body has a line starting
    with ``pattern`` (a regular expression), or 0."""
    for index in range(after, len(pages)):
        if any(re.match(r"\s*" + pattern, line) for line in body_lines(pages[index])):
            return index + 1
    return 0


def contents_pages(pages: list[str]) -> dict[str, int]:
    """The contents' entries and the page each gives ("Priority 1: Domestic Abuse" → 4),
    read from the contents' first page and the pages it runs on to."""
    start = page_of(pages, r"Contents\b")
    entries: dict[str, int] = {}
    for page in pages[start - 1 :] if start else []:
        found = [re.match(r"\s*(.+?)\s*\.{3,}\s*(\d+)\s*$", line) for line in body_lines(page)]
        if not any(found):
            break
        entries.update({f.group(1): int(f.group(2)) for f in found if f})
    return entries


def underfilled_pages(
    pdf: bytes, pages: list[str], *, chapter_starts: set[int], fill: float = 0.35
) -> list[int]:
    """The pages (from 1) whose body has fewer lines than ``fill`` of the fullest page of
    the same size, except where a chapter may end short: the cover, the last page, a page
    before a change of orientation and a page before one a chapter opens on."""

    from pypdf import PdfReader

    sizes = [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in PdfReader(io.BytesIO(pdf)).pages
    ]
    counts = [len(body_lines(page)) for page in pages]
    fullest = {s: max(c for c, z in zip(counts, sizes, strict=True) if z == s) for s in sizes}
    short = []
    for number, count in enumerate(counts, start=1):
        if number in (1, len(counts)) or number + 1 in chapter_starts:
            continue
        if sizes[number] != sizes[number - 1]:
            continue
        if count < fill * fullest[sizes[number - 1]]:
            short.append(number)
    return short


def marked_text(pdf: bytes) -> list[tuple[int, int | None, str]]:
    """Each piece of text a PDF shows, as (page number, MCID, text): the MCID of the tagged
    content it is in, or None where it is an artifact (or not marked at all)."""
    from pypdf import PdfReader

    shown: list[tuple[int, int | None, str]] = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        shown += [(number, mcid, text) for mcid, text in _page_marked_text(page)]
    return shown


def _page_marked_text(page: Any) -> list[tuple[int | None, str]]:
    marks: list[tuple[str, int | None]] = []  # the open marked-content sequences
    shown: list[tuple[int | None, str]] = []

    def operator(op: bytes, args: list[Any], cm: Any, tm: Any) -> None:
        if op == b"BDC":
            properties = args[1] if len(args) > 1 else {}
            mcid = properties.get("/MCID") if isinstance(properties, dict) else None
            marks.append((str(args[0]), None if mcid is None else int(mcid)))
        elif op == b"BMC":
            marks.append((str(args[0]), None))
        elif op == b"EMC" and marks:
            marks.pop()

    def text(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            artifact = any(tag == "/Artifact" for tag, _ in marks)
            mcid = next((m for _, m in reversed(marks) if m is not None), None)
            shown.append((None if artifact else mcid, text))

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return shown


def figures(pdf: bytes) -> list[str | None]:
    """The /Alt of each /Figure of the tag tree, in the document's order (None: none)."""
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
