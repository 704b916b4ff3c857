"""The accessibility check of a PDF (``reporting.pdf.check_accessibility``), run on a
pikepdf document already open: the project's own structure checks, then every rule of
the pdfua checker.

pdfua's rules are run as ``pdfua.validate`` runs them, on a ``pdfua.PdfDocument`` that
gives them the same answers for less work (pdfua 0.1.3):

- ``struct_elements``: pdfua builds each element with its whole subtree, then builds
  each child's subtree again to list it, and so on down (a 30-page plan's 3,300
  elements were built more than 20,000 times). Here the tree is built once and listed
  from what was built: the same elements, in the same order.
- ``page_content``: pdfua turns every operator of every page into Python objects, and
  counts only the marked-content, text-showing and XObject-painting ones. Here QPDF
  parses the same streams and hands over only those (``parse_content_stream``'s
  operator list): the same counts and MCIDs, the same errors for a stream it cannot
  parse.

tests/reporting/test_pdf_check.py holds the results to ``pdfua.validate``'s, on good
PDFs and broken ones: a new pdfua that changes either must fail it first.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import pikepdf
from pdfua import PdfDocument, Severity, default_registry
from pdfua.document import (
    MARKED_CONTENT_BEGIN,
    MARKED_CONTENT_END,
    TEXT_OPERATORS,
    XOBJECT_PAINT,
    PageContent,
    StructElement,
    UnmarkedContent,
)

logger = logging.getLogger(__name__)

# The operators pdfua's page analysis counts; QPDF skips the others for it.
_COUNTED = " ".join(
    sorted({*MARKED_CONTENT_BEGIN, MARKED_CONTENT_END, *TEXT_OPERATORS, XOBJECT_PAINT})
)


class CheckedDocument(PdfDocument):
    """pdfua's view of an open PDF, with its structure tree built once and its pages'
    content read for the operators counted only (see the module's docstring)."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        super().__init__(pdf, "<rendered>")
        self._elements: tuple[StructElement, ...] | None = None
        self._contents: dict[int, PageContent] = {}

    @property
    def struct_elements(self) -> tuple[StructElement, ...]:
        if self._elements is None:
            root = self.struct_root
            built = [] if root is None else [self._build(kid, 0, None) for kid in self._kids(root)]
            listed: list[StructElement] = []
            stack = [element for element in reversed(built) if element is not None]
            while stack:  # depth first, parent first, as pdfua's _walk lists them
                element = stack.pop()
                listed.append(element)
                stack.extend(reversed(element.children))
            self._elements = tuple(listed)
        return self._elements

    def page_content(self, page_number: int) -> PageContent:
        if page_number not in self._contents:
            self._contents[page_number] = self._counted_content(page_number)
        return self._contents[page_number]

    def _counted_content(self, page_number: int) -> PageContent:
        """pdfua's ``_analyse_page`` on the operators it counts."""
        try:
            page = self._pdf.pages[page_number - 1]
        except (IndexError, pikepdf.PdfError) as exc:
            return PageContent(page_number, UnmarkedContent(), (), (f"page not readable: {exc}",))
        try:
            stream = pikepdf.parse_content_stream(page, _COUNTED)
        except Exception as exc:
            return PageContent(
                page_number, UnmarkedContent(), (), (f"content stream not parseable: {exc}",)
            )
        depth = 0
        seen_marked = False
        unmarked_text = unmarked_xobject = 0
        mcids: set[int] = set()
        for instruction in stream:
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                continue
            op = str(instruction.operator)
            if op in MARKED_CONTENT_BEGIN:
                depth += 1
                seen_marked = True
                mcid = self._mcid_from_operands(instruction.operands)
                if mcid is not None:
                    mcids.add(mcid)
            elif op == MARKED_CONTENT_END:
                depth = max(0, depth - 1)
            elif depth == 0 and op in TEXT_OPERATORS:
                unmarked_text += 1
            elif depth == 0 and op == XOBJECT_PAINT:
                unmarked_xobject += 1
        return PageContent(
            page_number=page_number,
            unmarked=UnmarkedContent(unmarked_text, unmarked_xobject, seen_marked),
            mcids=tuple(sorted(mcids)),
        )


@dataclass
class AccessibilityResult:
    """What the check found: problems stop a publish; warnings are reported."""

    problems: list[str]
    warnings: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems


def unprintable_problem(characters: Sequence[str]) -> str:
    """The sentence a person reads when characters would print as empty boxes."""
    named = ", ".join(f"“{c}” (U+{ord(c):04X})" for c in characters[:20])
    more = f" and {len(characters) - 20} more" if len(characters) > 20 else ""
    return f"These characters cannot be printed: {named}{more}"


def pdf_check(
    pdf: pikepdf.Pdf, *, lang: str = "en-GB", unprintable: Sequence[str] = ()
) -> AccessibilityResult:
    """The structure checks, then pdfua's rules, on ``pdf`` (open, and left open).

    pdfua's metadata rule opens the XMP for editing, which writes it back into ``pdf``
    (with pikepdf named as its producer): check a document once it is saved, never
    before.
    """
    problems: list[str] = [unprintable_problem(unprintable)] if unprintable else []
    warnings: list[str] = []
    root = pdf.Root
    if "/StructTreeRoot" not in root:
        problems.append("The PDF is not tagged (no structure tree)")
    mark_info = root.get("/MarkInfo")
    if mark_info is None or not bool(mark_info.get("/Marked", False)):
        problems.append("The PDF is not marked as tagged (MarkInfo/Marked)")
    if str(root.get("/Lang", "")) != lang:
        problems.append(f"The document language is not set to {lang}")
    title = str(pdf.docinfo.get("/Title", "")) if pdf.docinfo else ""
    if not title.strip():
        problems.append("The document has no title")
    prefs = root.get("/ViewerPreferences")
    if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
        warnings.append("Viewers are not asked to show the title (DisplayDocTitle)")
    document = CheckedDocument(pdf)
    for rule in default_registry():
        try:
            findings = tuple(rule.check(document))
        except Exception as exc:
            # As pdfua's validator does: the rule is skipped, with no findings (0.1.3's
            # UA-14-001 raises on a heading whose /K is an array, as WeasyPrint writes).
            logger.debug("The accessibility rule %s could not run: %r", rule.id, exc)
            continue
        for finding in findings:
            text = f"{finding.rule_id}: {finding.message}"
            if finding.severity >= Severity.ERROR:
                problems.append(text)
            elif finding.severity == Severity.WARNING:
                warnings.append(text)
    return AccessibilityResult(problems=problems, warnings=warnings)
