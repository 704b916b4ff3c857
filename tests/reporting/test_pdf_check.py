"""The accessibility check (reporting/pdf_check.py) finds what pdfua's own validator finds,
on good PDFs and broken ones: it runs pdfua's rules on a faster view of the same document,
and a new pdfua that changes what either answers must fail here first. (The project's
own structure checks are tested in tests/reporting/test_pdf.py and tests/publishing.)"""

import io
import tempfile

import pikepdf
import pytest
from pdfua import Finding, PdfDocument, Severity, default_registry, validate
from weasyprint import HTML

from reporting.pdf import check_accessibility, render_pdf
from reporting.pdf_check import AccessibilityResult, CheckedDocument, unprintable_problem

PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
    "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
GOOD = (
    "<h1>Good</h1><p>Text with <a href='https://www.kent.gov.uk'>a link</a>.</p>"
    f"<p><img src='{PIXEL}' alt='A pixel' width='20' height='20'></p>"
    "<table><caption>Leads</caption><thead><tr><th scope='col'>Priority</th>"
    "<th scope='col'>Lead</th></tr></thead><tbody><tr><td>Domestic abuse</td>"
    "<td>Kent Police</td></tr></tbody></table>"
)


def _pdf(
    body: str,
    *,
    head: str = "<title>A title</title>",
    lang: str = "en-GB",
    variant: str | None = "pdf/ua-1",
) -> bytes:
    html = f"<html lang='{lang}'><head>{head}</head><body>{body}</body></html>"
    return HTML(string=html).write_pdf(pdf_variant=variant)


def _with_content(pdf: bytes, content: bytes, *, pages: int = 1) -> bytes:
    """The PDF with ``content`` drawn at the end of its first ``pages`` pages."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages[:pages]:
            page.contents_add(pikepdf.Stream(doc, content), prepend=False)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def _validated(pdf: bytes) -> tuple[list[str], list[str]]:
    """The problems and warnings ``pdfua.validate`` finds, worded as the check words them."""
    problems: list[str] = []
    warnings: list[str] = []
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        report = validate(handle.name)
    for finding in report.findings:
        text = f"{finding.rule_id}: {finding.message}"
        if finding.severity >= Severity.ERROR:
            problems.append(text)
        elif finding.severity == Severity.WARNING:
            warnings.append(text)
    return problems, warnings


def _pdfua_part(result: AccessibilityResult) -> tuple[list[str], list[str]]:
    return (
        [p for p in result.problems if p.startswith("UA-")],
        [w for w in result.warnings if w.startswith("UA-")],
    )


def _views(pdf: bytes):
    """What pdfua's rules read, from pdfua's document and from the check's."""
    seen = []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for view in (PdfDocument(doc, "x"), CheckedDocument(doc)):
            elements: list[tuple[object, ...]] = [
                (e.obj.objgen, e.role, e.page, e.alt, e.actual_text, e.has_scope, e.has_headers)
                for e in view.struct_elements
            ]
            elements += [tuple(c.obj.objgen for c in e.children) for e in view.struct_elements]
            seen.append((elements, view.pages))
    return seen


def _finding(finding: Finding) -> tuple[object, ...]:
    return (finding.rule_id, finding.severity, finding.message, finding.location)


def _findings(document: PdfDocument) -> list[tuple[object, ...]]:
    """Every finding of pdfua's rules, as its validator runs them (a rule that raises is
    skipped)."""
    found = []
    for rule in default_registry():
        try:
            found += [_finding(f) for f in rule.check(document)]
        except Exception:
            continue
    return found


CASES = {
    "good": lambda: _pdf(GOOD),
    "untagged": lambda: _pdf(GOOD, variant=None),
    "no title, another language": lambda: _pdf(GOOD, head="", lang="cy"),
    "a language that is not one": lambda: _pdf(GOOD, lang="not a language"),
    "a table with no header": lambda: _pdf("<table><tr><td>a</td><td>b</td></tr></table>"),
    "headers with no scope": lambda: _pdf("<table><tr><th>a</th></tr><tr><td>b</td></tr></table>"),
    "an image with no alt": lambda: _pdf(f"<h1>Images</h1><img src='{PIXEL}'>"),
    "an image with a blank alt": lambda: _pdf(f"<h1>Images</h1><img src='{PIXEL}' alt=' '>"),
    "text and a paint outside any mark": lambda: _with_content(
        _pdf(GOOD), b"BT /F1 12 Tf (BDC) Tj [(x) 3 (y)] TJ (z) ' ET q /Im0 Do Q"
    ),
    "an inline image outside any mark": lambda: _with_content(
        _pdf(GOOD), b"q BI /W 1 /H 1 /CS /G /BPC 8 ID \x00 EI Q BT (EMC) Tj ET"
    ),
    "untagged content on twelve pages": lambda: _with_content(
        _pdf("".join(f"<h2 style='break-before: page'>Page {n}</h2>" for n in range(12))),
        b"BT (loose) Tj ET",
        pages=12,
    ),
    "a content stream that cannot be parsed": lambda: _with_content(_pdf(GOOD), b"BT <zz> Tj ET"),
    "unbalanced marks": lambda: _with_content(_pdf(GOOD), b"EMC EMC BT (after) Tj ET"),
}


@pytest.mark.parametrize("case", CASES)
def test_the_check_finds_what_pdfua_finds(case):
    pdf = CASES[case]()
    before, after = _views(pdf)
    assert before == after
    result = check_accessibility(pdf, unprintable=["\uf0b7"])
    assert result.problems[0] == unprintable_problem(["\uf0b7"])
    assert _pdfua_part(result) == _validated(pdf)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        findings = _findings(CheckedDocument(doc))
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        assert findings == [_finding(f) for f in validate(handle.name).findings]
    if case != "good":  # each is broken somewhere pdfua sees (a stream it cannot parse: INFO)
        with pikepdf.open(io.BytesIO(CASES["good"]())) as doc:
            assert findings != _findings(CheckedDocument(doc))


def test_a_broken_pdf_is_refused_by_both_checks():
    result = check_accessibility(CASES["untagged"](), lang="cy")
    assert result.problems[:3] == [
        "The PDF is not tagged (no structure tree)",
        "The PDF is not marked as tagged (MarkInfo/Marked)",
        "The document language is not set to cy",
    ]
    assert any(problem.startswith("UA-01-005") for problem in result.problems)
    assert "Viewers are not asked to show the title (DisplayDocTitle)" in result.warnings


@pytest.mark.parametrize("alt", ["A pixel", None])
def test_a_render_checked_as_it_is_saved_finds_what_the_check_of_its_bytes_finds(
    tmp_path, settings, alt
):
    """render_pdf(check=True) checks the document it has open after mending and saving
    it: the same findings as check_accessibility on the bytes, and the bytes unchanged."""
    rows = "".join(f"<tr><td>Row {n}</td><td>Value {n}</td></tr>" for n in range(120))
    icon = "{% static 'vendor/govuk-frontend/assets/images/govuk-icon-180.png' %}"
    image = f"<img src=\"{icon}\" alt='{alt}'>" if alt else f'<img src="{icon}">'
    (tmp_path / "checked.html").write_text(
        '{% extends "reporting/pdf/base.html" %}{% load static %}'
        "{% block title %}Rows{% endblock %}"
        f"{{% block content %}}<h1>Rows</h1><p>{image}</p><table><caption>Rows</caption>"
        f'<thead><tr><th scope="col">Row</th><th scope="col">Value</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>{{% endblock %}}"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    rendered = render_pdf(template_name="checked.html", context={}, check=True)
    assert rendered.refused_urls == []
    assert rendered.accessibility == check_accessibility(rendered.pdf)
    assert rendered.accessibility is not None
    assert _pdfua_part(rendered.accessibility) == _validated(rendered.pdf)
    assert rendered.accessibility.passed == bool(alt)
    unchecked = render_pdf(template_name="checked.html", context={})
    assert len(rendered.pdf) == len(unchecked.pdf)
