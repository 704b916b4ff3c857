"""The one PDF helper: every PDF of the project is rendered here, from a Django template.

WeasyPrint is imported inside the functions so the web process does not load it at start.
The URL fetcher serves the project's own static files and refuses everything else: no
``file://`` outside static, no http(s), so text a user wrote can never make the renderer
read the server's files or call out. Files the caller read beforehand (a document's
logo and images, from the storage) are handed over as bytes (``files``) and served
under ``FILES_PREFIX``: the renderer itself reads nothing else.
"""

import importlib
import io
import logging
import mimetypes
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.template.loader import render_to_string

if TYPE_CHECKING:
    # The check's result (reporting/pdf_check.py, loaded only where a PDF is checked).
    from reporting.pdf_check import AccessibilityResult

logger = logging.getLogger(__name__)

# Templates write absolute URLs with {% static %}; this base makes them absolute URLs
# under a host that does not exist, so the fetcher below is the only way to resolve them.
BASE_URL = "https://pdf.csp-tracker.invalid/"
STATIC_PREFIX = BASE_URL + "static/"
# Bytes given to render_pdf (``files``), by name: "logo.png" is FILES_PREFIX + "logo.png".
FILES_PREFIX = BASE_URL + "files/"


@dataclass
class RenderedPdf:
    pdf: bytes
    html: str
    refused_urls: list[str] = field(default_factory=list)
    # Characters no installed font has a glyph for: they print as empty boxes.
    unprintable: list[str] = field(default_factory=list)
    # What check_accessibility finds in ``pdf``, when render_pdf was asked to check it.
    accessibility: "AccessibilityResult | None" = None


class _UnprintableCharacters(logging.Handler):
    """Collects the characters WeasyPrint drew as ".notdef" (an empty box) because no
    font has them; WeasyPrint says so only in a warning, one per character drawn."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.characters: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread or not str(record.msg).startswith(".notdef glyph"):
            return
        args = record.args if isinstance(record.args, tuple) else ()
        character = args[0] if args and isinstance(args[0], str) else ""
        if character and character not in self.characters:
            self.characters.append(character)


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self, refused: list[str], files: Mapping[str, bytes]) -> None:
            super().__init__(allowed_protocols=[])
            self.refused = refused
            self.files = files

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            for prefix, read in (
                (STATIC_PREFIX, static_file_bytes),
                (FILES_PREFIX, self.files.get),
            ):
                if not url.startswith(prefix):
                    continue
                name = unquote(url[len(prefix) :].split("?")[0].split("#")[0])
                data = read(name)
                if data is not None:
                    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, data, {"Content-Type": content_type})
            self.refused.append(url)
            logger.info("PDF rendering refused to fetch %s", url[:200])
            raise ValueError(f"Refused: {url[:200]}")

    return StaticOnlyFetcher


def static_file_bytes(name: str) -> bytes | None:
    """The project's static file that ``{% static %}`` named ``name``, or None.

    Under the manifest storage with DEBUG off (production, after collectstatic) the name is
    the hashed one (``css/pdf.3f2a9c.css``): only names in the manifest are served, read
    from the collected files through the storage. Otherwise (the embedded default, the
    tests) the name is the plain one, found with the static files finders. Nothing else
    is ever read: no path outside the static files, no ``..``.
    """
    if not name or name.startswith("/") or "\\" in name or ".." in name.split("/"):
        return None
    storage = staticfiles_storage
    # {% static %} writes hashed names only with DEBUG off (ManifestFilesMixin.url): the
    # embedded default (DEBUG on, nothing collected) names the plain files.
    if isinstance(storage, ManifestFilesMixin) and not settings.DEBUG:
        hashed = set(storage.hashed_files.values())
        if name not in hashed:
            return None
        with storage.open(name) as handle:
            return handle.read()
    path = finders.find(name)
    return Path(path).read_bytes() if isinstance(path, str) else None


def renderer_load() -> None:
    """Load the renderer and the checker into this process: a second or more, once.

    For a process that renders in forked children (csp_tracker/budget.py): each child
    starts with them loaded instead of loading them again, every time, to end with the
    render. Not for the web process, which never renders a PDF (see the module's
    docstring)."""
    for module in ("weasyprint", "reporting.pdf_check", "reporting.pdf_tags"):
        importlib.import_module(module)


def render_pdf(
    *,
    template_name: str,
    context: dict[str, Any],
    files: Mapping[str, bytes] | None = None,
    check: bool = False,
) -> RenderedPdf:
    """Render a template to an accessible PDF (PDF/UA-1, tagged), its tag tree mended
    (reporting/pdf_tags.py); with ``check``, checked too (``RenderedPdf.accessibility``,
    as ``check_accessibility`` finds, on the document as it is saved, without opening it
    again).

    ``files`` are the bytes the template names as ``FILES_PREFIX + name`` (images read
    from the storage by the caller), so rendering fetches nothing.

    The template must set ``<html lang="en-GB">``, a ``<title>`` and
    ``<meta name="author">``; WeasyPrint takes the document's language, title and author
    from them.
    """
    import pikepdf
    from weasyprint import HTML

    from reporting.pdf_check import pdf_check
    from reporting.pdf_tags import mend_tag_tree, tag_layout

    html = render_to_string(template_name, context)
    refused: list[str] = []
    fetcher = _fetcher_class()(refused, files or {})
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    weasyprint_logger = logging.getLogger("weasyprint")
    level = weasyprint_logger.level
    unprintable = _UnprintableCharacters()
    weasyprint_logger.addHandler(unprintable)
    if not weasyprint_logger.isEnabledFor(logging.WARNING):
        weasyprint_logger.setLevel(logging.WARNING)
    try:
        laid_out = document.render(pdf_variant="pdf/ua-1")
        pdf = laid_out.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
    finally:
        weasyprint_logger.removeHandler(unprintable)
        weasyprint_logger.setLevel(level)
    accessibility = None
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        if mend_tag_tree(doc, tag_layout(laid_out)):
            out = io.BytesIO()
            doc.save(out)
            pdf = out.getvalue()
        if check:  # after the save: the check must not change what is saved
            accessibility = pdf_check(doc, unprintable=unprintable.characters)
    return RenderedPdf(
        pdf=pdf,
        html=html,
        refused_urls=refused,
        unprintable=unprintable.characters,
        accessibility=accessibility,
    )


def check_accessibility(
    pdf: bytes, *, lang: str = "en-GB", unprintable: Sequence[str] = ()
) -> "AccessibilityResult":
    """Structure checks with pikepdf, then the pdfua checker's machine-checkable rules
    (reporting/pdf_check.py), on the PDF opened once.

    Errors are problems (publishing stops); the checker's warnings are reported. Text
    that prints as empty boxes (``unprintable``, from ``RenderedPdf``) is a problem too:
    a reader, or a screen reader, cannot read it.
    """
    import pikepdf

    from reporting.pdf_check import pdf_check

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return pdf_check(doc, lang=lang, unprintable=unprintable)
