import io

import pytest
from pypdf import PdfReader

from reporting import services
from reporting.pdf import check_accessibility, render_pdf
from reporting.snapshot import exception_report_snapshot
from tests import factories
from tests.pdfs import fonts_outside_the_stylesheet, pdf_fonts
from tests.reporting.conftest import Q2, Q3, record

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _render_page(tmp_path, settings, title, content):
    """Render a PDF page of its own: the base PDF template with ``title`` and ``content``
    (markup the renderer is given as it is)."""
    (tmp_path / "page.html").write_text(
        '{% extends "reporting/pdf/base.html" %}'
        f"{{% block title %}}{title}{{% endblock %}}{{% block content %}}{content}{{% endblock %}}",
        encoding="utf-8",
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    return render_pdf(template_name="page.html", context={})


@pytest.fixture
def report_with_exceptions(district, make_action, author, settings):
    settings.CSP_TODAY = "2024-01-05"
    off = make_action(title="Develop a youth drop in")
    record(off, Q2, "on_track", author)
    record(off, Q3, "off_track", author, commentary="The drop in has not opened")
    done = make_action(title="Agree the VAWG action plan")
    record(done, Q3, "completed", author)
    make_action(title="Map perpetrator services")  # no update at all
    from datetime import date

    factories.MilestoneFactory(action=off, description="Venue booked", due_date=date(2023, 11, 30))
    report = services.exception_report_request(partnership=district, quarter=Q3)
    return services.exception_report_build(report_id=report.pk, task_id=report.task_id)


def test_the_pdf_text_has_the_exceptions(report_with_exceptions):
    text = _text(report_with_exceptions.pdf.read())
    assert "Exception report 2023/24 Q3" in text
    for words in [
        "Off track (1)",
        "The drop in has not opened",
        "Milestones overdue (1)",
        "Venue booked",
        "30 November 2023",
        "No update this quarter (1)",
        "Map perpetrator services",
        "Got worse since last quarter (1)",
        "Completed this quarter (1)",
        "Agree the VAWG action plan",
        "What changed since last quarter",
    ]:
        assert words in text, words


def test_the_pdf_is_tagged_and_accessible(report_with_exceptions):
    import pikepdf

    data = report_with_exceptions.pdf.read()
    result = check_accessibility(data)
    assert result.passed, result.problems
    # Every header cell has its /Scope, and a table split over two pages is one /Table,
    # not one that is only the caption (reporting.pdf_tags mends both; WeasyPrint does not).
    assert result.warnings == []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.Root.Lang) == "en-GB"
        assert str(pdf.docinfo["/Title"]) == "Swale CSP exception report 2023/24 Q3"
        assert pdf.pdf_version and len(pdf.pages) >= 2
        width, height = (float(x) for x in pdf.pages[0].MediaBox[2:])
        assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_the_pdf_html_has_headings_and_table_headers_with_scope(district, make_action):
    make_action()
    snapshot = exception_report_snapshot(partnership=district, quarter=Q3)
    html = render_pdf(
        template_name="reporting/pdf/exception_report.html",
        context={"report": None, "snapshot": snapshot, "pdf": True, "site_url": ""},
    ).html
    assert '<html lang="en-GB">' in html
    assert "<h1>Exception report 2023/24 Q3</h1>" in html
    assert '<th scope="col"' in html and '<th scope="row"' in html
    assert "<svg" in html and 'role="img"' in html and "<desc" in html


def test_markup_in_a_commentary_is_text_and_fetches_nothing(district, make_action, author):
    action = make_action()
    evil = '<img src="file:///etc/passwd"> see http://attacker.invalid/x.png'
    record(
        action, Q3, "off_track", author, commentary=evil, reason='<link href="http://x.invalid">'
    )
    snapshot = exception_report_snapshot(partnership=district, quarter=Q3)
    rendered = render_pdf(
        template_name="reporting/pdf/exception_report.html",
        context={"report": None, "snapshot": snapshot, "pdf": True, "site_url": ""},
    )
    assert rendered.refused_urls == []
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in rendered.html
    assert '<img src="file:///etc/passwd">' not in rendered.html
    text = _text(rendered.pdf)
    assert '<img src="file:///etc/passwd">' in text.replace("\n", " ")


def test_table_headers_get_their_scope(tmp_path, settings):
    import pikepdf

    rendered = _render_page(
        tmp_path,
        settings,
        "Scopes",
        "<h1>Scopes</h1><table><caption>Leads</caption><thead><tr>"
        '<th scope="col">Priority</th><th scope="col">Lead</th></tr></thead><tbody><tr>'
        '<th scope="row">Domestic Abuse</th><td>Kent Police</td></tr></tbody></table>',
    )
    scopes = []
    with pikepdf.open(io.BytesIO(rendered.pdf)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/TH":
                scopes.append(str(obj.A.Scope))
    assert sorted(scopes) == ["/Column", "/Column", "/Row"]
    assert check_accessibility(rendered.pdf).warnings == []


def test_the_fetcher_serves_static_files_and_refuses_everything_else(tmp_path, settings):
    """Markup that reaches the renderer unescaped still cannot read files or call out."""
    rendered = _render_page(
        tmp_path,
        settings,
        "Raw",
        "<h1>Raw</h1>"
        '<img src="file:///etc/passwd" alt="a file">'
        '<img src="http://example.com/x.png" alt="a web image">'
        '<img src="https://pdf.csp-tracker.invalid/static/../../etc/passwd" alt="escape">'
        '<link rel="attachment" href="file:///etc/hostname">',
    )
    refused = " ".join(rendered.refused_urls)
    assert "file:///etc/passwd" in refused
    assert "http://example.com/x.png" in refused
    assert "etc/passwd" in refused.replace("file:///etc/passwd", "")  # the ../ escape too
    assert b"root:" not in rendered.pdf
    # The project's own stylesheet was served: the body font is the one pdf.css sets.
    assert "static/css/pdf.css" in rendered.html
    assert not any("pdf.css" in url for url in rendered.refused_urls)


@pytest.fixture
def manifest_static(settings, tmp_path):
    """Static files as production serves them: collected, with hashed names (DEBUG off)."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path / "static-root"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["admin"])
    return settings.STATIC_ROOT


def test_the_fetcher_serves_hashed_static_names_under_the_manifest_storage(
    manifest_static, tmp_path, settings
):
    """Production's {% static %} writes css/pdf.<hash>.css: it is served (the PDF keeps its
    stylesheet and its fonts); plain names, the manifest and what lies outside are not."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    assert isinstance(staticfiles_storage, ManifestFilesMixin)
    hashed = staticfiles_storage.stored_name("css/pdf.css")
    assert hashed != "css/pdf.css"
    rendered = _render_page(
        tmp_path,
        settings,
        "Hashed",
        "<h1>Hashed</h1><p>Body text.</p>"
        '<img src="https://pdf.csp-tracker.invalid/static/css/pdf.css" alt="plain name">'
        '<img src="https://pdf.csp-tracker.invalid/static/staticfiles.json" alt="manifest">'
        '<img src="https://pdf.csp-tracker.invalid/static/css/%2e%2e/%2e%2e/x" alt="up">',
    )
    assert f"/static/{hashed}" in rendered.html
    assert not any(hashed in url for url in rendered.refused_urls)
    refused = " ".join(rendered.refused_urls)
    assert "static/css/pdf.css" in refused
    assert "staticfiles.json" in refused
    assert "%2e%2e" in refused
    assert fonts_outside_the_stylesheet(rendered.pdf) == []
    assert any(name.startswith("Liberation-Sans") for name in pdf_fonts(rendered.pdf))


def test_an_exception_report_keeps_its_stylesheet_under_the_manifest_storage(
    manifest_static, report_with_exceptions
):
    pdf = report_with_exceptions.pdf.read()
    assert fonts_outside_the_stylesheet(pdf) == []
    assert check_accessibility(pdf).passed


# Community text as partnerships publish it (the same sentence where the language has it).
LANGUAGES = {
    "Welsh": "Cynllun Diogelwch Cymunedol: ŵyr, ŷd, Gŵyl, ẃ ẁ ẅ",
    "Polish": "Plan bezpieczeństwa społeczności: zażółć gęślą jaźń, Łódź",
    "Romanian": "Planul de siguranță al comunității: și, ţară, Ș, Ț, ă, î, â",
    "Urdu": "کمیونٹی سیفٹی پلان",
    "Punjabi (Gurmukhi)": "ਭਾਈਚਾਰਕ ਸੁਰੱਖਿਆ ਯੋਜਨਾ",
    "Punjabi (Shahmukhi)": "برادری دی حفاظت دا منصوبہ",
    "Chinese": "社区安全计划",
    "Emoji": "Well done 👍 🚓 ✅",
}


def _render_languages(tmp_path, settings, extra=""):
    paragraphs = "".join(f"<h2>{name}</h2><p>{text}</p>" for name, text in LANGUAGES.items())
    return _render_page(
        tmp_path,
        settings,
        "Languages",
        f"<h1>Languages</h1>{paragraphs}{extra}<p><strong>Bold: 社区 ਯੋਜਨਾ منصوبہ Łódź</strong></p>",
    )


def test_welsh_polish_urdu_punjabi_romanian_chinese_and_emoji_print(tmp_path, settings):
    """Every character has a glyph, from a font the stylesheet names (no fallback to
    whatever the machine has), and the PDF passes the accessibility check."""
    rendered = _render_languages(tmp_path, settings)
    assert rendered.unprintable == []
    result = check_accessibility(rendered.pdf, unprintable=rendered.unprintable)
    assert result.passed, result.problems
    assert fonts_outside_the_stylesheet(rendered.pdf) == []
    fonts = " ".join(pdf_fonts(rendered.pdf))
    for font in ["Liberation-Sans", "Noto-Sans-Gurmukhi", "Noto-Nastaliq-Urdu"]:
        assert font in fonts
    assert "Noto-Sans-CJK-SC" in fonts  # simplified Chinese forms, not the Japanese ones
    assert "Noto-Color-Emoji" in fonts
    text = _text(rendered.pdf)
    for name in ["Welsh", "Polish", "Romanian", "Chinese"]:
        assert LANGUAGES[name] in text, name


def test_characters_no_font_has_fail_the_accessibility_check_by_name(tmp_path, settings):
    # U+F0B7 is what a Word bullet from the Symbol font pastes as; U+E000 is private.
    rendered = _render_languages(tmp_path, settings, extra="<p>\uf0b7 Pasted \ue000</p>")
    assert rendered.unprintable == ["\uf0b7", "\ue000"]
    result = check_accessibility(rendered.pdf, unprintable=rendered.unprintable)
    assert not result.passed
    assert result.problems[0] == (
        "These characters cannot be printed: “\uf0b7” (U+F0B7), “\ue000” (U+E000)"
    )


def test_a_heading_and_caption_are_never_left_at_a_page_foot_without_their_table():
    """The report's "Completed this quarter": its heading and caption stayed at a page's
    foot with the table on the next page (and pdfua warned of a /Table with no rows). Set
    with the report's stylesheets, at every height of text before it that brings the table
    near a page's foot, the heading, the caption and the first row share a page."""
    from django.conf import settings
    from weasyprint import CSS, HTML

    from tests.pdfs import pdf_page_texts

    css = "".join(
        (settings.BASE_DIR / "static" / "css" / name).read_text()
        for name in ("pdf.css", "reporting-pdf.css")
    )
    rows = "".join(
        f"<tr><td>Action {n}</td><td>KCC</td><td>{'Done and reported to the group. ' * 6}</td></tr>"
        for n in range(3)
    )
    table = (
        '<h3 class="govuk-heading-m">Completed this quarter (3)</h3><div class="app-table-scroll">'
        '<table><caption class="govuk-visually-hidden">Actions completed in Q3</caption><thead>'
        '<tr><th scope="col">Action</th><th scope="col">Lead</th><th scope="col">Commentary</th>'
        f"</tr></thead><tbody>{rows}</tbody></table></div>"
    )
    for lines in range(50, 58):
        filler = "".join(f"<p>Line {n} of the report.</p>" for n in range(lines))
        html = f"<html lang='en-GB'><title>Report</title><body>{filler}{table}</body></html>"
        pdf = HTML(string=html).write_pdf(stylesheets=[CSS(string=css)])
        for page in pdf_page_texts(pdf):
            if "Completed this quarter" in page or "Actions completed in Q3" in page:
                assert "Completed this quarter" in page and "Actions completed" in page, lines
                assert "KCC" in page, lines


def test_the_pdf_stylesheets_load_under_the_embedded_default(settings):
    """`make run`'s settings: the manifest storage with DEBUG on and no collectstatic, where
    `{% static %}` names the plain files; the PDF's stylesheets are read all the same."""
    from reporting.pdf import static_file_bytes

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.DEBUG = True
    assert static_file_bytes("css/pdf.css")
    assert static_file_bytes("../settings.py") is None
    settings.DEBUG = False
    assert (
        static_file_bytes("css/pdf.css") is None
    )  # not collected: production names hashed files only
