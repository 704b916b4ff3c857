"""The one PDF helper: every PDF of the project is rendered here, from a Django template.

WeasyPrint is imported inside the functions so the web process does not load it at start.
The URL fetcher serves the project's own static files and refuses everything else: no
``file://`` outside static, no http(s), so text a user wrote can never make the renderer
read the server's files or call out.
"""

import logging
import mimetypes
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Templates write absolute URLs with {% static %}; this base makes them absolute URLs
# under a host that does not exist, so the fetcher below is the only way to resolve them.
BASE_URL = "https://pdf.csp-tracker.invalid/"
STATIC_PREFIX = BASE_URL + "static/"


@dataclass
class RenderedPdf:
    pdf: bytes
    html: str
    refused_urls: list[str] = field(default_factory=list)


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self, refused: list[str]) -> None:
            super().__init__(allowed_protocols=[])
            self.refused = refused

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            if url.startswith(STATIC_PREFIX):
                relative = url[len(STATIC_PREFIX) :].split("?")[0].split("#")[0]
                path = finders.find(relative) if ".." not in relative else None
                if path:
                    data = Path(path).read_bytes()
                    return URLFetcherResponse(url, data, {"Content-Type": _content_type(path)})
            self.refused.append(url)
            logger.info("PDF rendering refused to fetch %s", url[:200])
            raise ValueError(f"Refused: {url[:200]}")

    return StaticOnlyFetcher


def _content_type(path: str) -> str:
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def render_pdf(*, template_name: str, context: dict[str, Any]) -> RenderedPdf:
    """Render a template to an accessible PDF (PDF/UA-1, tagged).

    The template must set ``<html lang="en-GB">``, a ``<title>`` and
    ``<meta name="author">``; WeasyPrint takes the document's language, title and author
    from them.
    """
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    refused: list[str] = []
    fetcher = _fetcher_class()(refused)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    pdf = document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
    return RenderedPdf(pdf=_scope_table_headers(pdf), html=html, refused_urls=refused)


def _scope_table_headers(pdf: bytes) -> bytes:
    """Give every table header cell its /Scope, which WeasyPrint does not write from
    ``<th scope>``: a header in the table head heads its column, one in the body its row
    (as every table of the project is written). PDF/UA-1 asks for it (pdfua UA-15-003)."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        root = doc.Root.get("/StructTreeRoot")
        if root is None:
            return pdf
        changed = 0
        stack: list[tuple[object, str]] = [(root, "")]
        while stack:
            element, section = stack.pop()
            if not isinstance(element, pikepdf.Dictionary):
                continue
            kind = str(element.get("/S", ""))
            if kind in ("/THead", "/TBody", "/TFoot"):
                section = kind
            if kind == "/TH":
                scope = pikepdf.Name.Column if section != "/TBody" else pikepdf.Name.Row
                attributes = element.get("/A")
                if not isinstance(attributes, pikepdf.Dictionary):
                    attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
                    element.A = attributes
                if "/Scope" not in attributes:
                    attributes.Scope = scope
                    changed += 1
            children = element.get("/K")
            if isinstance(children, pikepdf.Array):
                stack.extend((child, section) for child in children)
            elif isinstance(children, pikepdf.Dictionary):
                stack.append((children, section))
        if not changed:
            return pdf
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


@dataclass
class AccessibilityResult:
    problems: list[str]
    warnings: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems


def check_accessibility(pdf: bytes, *, lang: str = "en-GB") -> AccessibilityResult:
    """Structure checks with pikepdf, then the pdfua checker's machine-checkable rules.

    Errors are problems (publishing stops); the checker's warnings are reported.
    """
    import pikepdf
    from pdfua import Severity, validate

    problems: list[str] = []
    warnings: list[str] = []
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        with pikepdf.open(handle.name) as doc:
            root = doc.Root
            if "/StructTreeRoot" not in root:
                problems.append("The PDF is not tagged (no structure tree)")
            mark_info = root.get("/MarkInfo")
            if mark_info is None or not bool(mark_info.get("/Marked", False)):
                problems.append("The PDF is not marked as tagged (MarkInfo/Marked)")
            if str(root.get("/Lang", "")) != lang:
                problems.append(f"The document language is not set to {lang}")
            title = str(doc.docinfo.get("/Title", "")) if doc.docinfo else ""
            if not title.strip():
                problems.append("The document has no title")
            prefs = root.get("/ViewerPreferences")
            if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
                warnings.append("Viewers are not asked to show the title (DisplayDocTitle)")
        report = validate(handle.name)
    for finding in report.findings:
        text = f"{finding.rule_id}: {finding.message}"
        if finding.severity >= Severity.ERROR:
            problems.append(text)
        elif finding.severity == Severity.WARNING:
            warnings.append(text)
    return AccessibilityResult(problems=problems, warnings=warnings)
