"""The published PDF's cover and images: the partnership's logo (a /Figure with its /Alt),
name, title, period, version and effective date; a section's images after its text, a
decorative one an artifact; the snapshot freezes which files a version used."""

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from partnerships.services import partnership_logo_set
from plans.images import image_clean
from plans.models import Plan, PlanVersion
from publishing.snapshot import document_snapshot, logo_ref
from reporting.pdf import check_accessibility
from tests import factories
from tests.images import SVG, bitmap, logo_give, section_image_add
from tests.pdfs import figures, pdf_page_texts
from tests.publishing.conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def illustrated(plan: Plan) -> Plan:
    """The draft plan with its partnership's logo, a chart and a decorative picture."""
    logo_give(plan.partnership, alt="Swale Community Safety Partnership")
    section = plan.sections.get()
    section_image_add(
        section, alt="Chart: incidents fell by a third", caption="Figure 1: incidents"
    )
    section_image_add(section, alt="", decorative=True)
    return plan


def test_the_cover_shows_the_partnership_period_version_and_its_logo_as_a_figure(
    illustrated: Plan, county_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Plan.objects.filter(pk=illustrated.pk).update(start_year=2024, end_year=2028)
    illustrated.refresh_from_db()
    version = publish(illustrated, county_admin, capture=django_capture_on_commit_callbacks)
    assert version.status == PlanVersion.Status.PUBLISHED, version.failure_reasons
    pdf = version.pdf.open("rb").read()
    version.pdf.close()

    cover = " ".join(pdf_page_texts(pdf)[0].split())
    for words in (
        illustrated.partnership.name,
        illustrated.title,
        "2024 to 2028",
        "Version 1.0",
        "Effective from 1 April 2023",
    ):
        assert words in cover, (words, cover)
    assert "DRAFT" not in " ".join(pdf_page_texts(pdf))
    # The logo first, then the chart; the decorative picture is no figure at all.
    assert figures(pdf) == [
        "Swale Community Safety Partnership",
        "Chart: incidents fell by a third",
    ]
    assert "Figure 1: incidents" in " ".join(pdf_page_texts(pdf)[1:])
    result = check_accessibility(pdf)
    assert (result.problems, result.warnings) == ([], [])
    assert version.accessibility_warnings == []


def test_the_snapshot_keeps_the_logo_a_version_was_published_with(
    illustrated: Plan, county_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    partnership = illustrated.partnership
    first_logo = partnership.logo.name or ""
    snapshot = document_snapshot(plan=illustrated, number="1.0")
    version = factories.published_version(illustrated, snapshot=dict(snapshot))
    assert version.snapshot["logo"]["name"] == first_logo

    partnership_logo_set(
        partnership=partnership, image=image_clean(bitmap()), alt="New logo", is_decorative=False
    )
    partnership.refresh_from_db()
    assert partnership.logo.name != first_logo
    assert default_storage.exists(first_logo), "the published version's logo was deleted"
    response = Client().get(reverse("public:image", kwargs={"pk": version.pk, "image": "logo"}))
    assert isinstance(response, StreamingHttpResponse)
    assert b"".join(response.streaming_content) == image_clean(SVG).content
    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]
    # The next document names the new one.
    assert document_snapshot(plan=illustrated).get("logo") == logo_ref(partnership)
    assert logo_ref(partnership) is not None


def test_the_preview_shows_draft_in_words_and_the_images_with_their_text(
    illustrated: Plan, coordinator: Any
) -> None:
    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("publishing:preview", kwargs={"pk": illustrated.pk})).content.decode()
    assert '<p class="draft">DRAFT' in page
    assert 'alt="Swale Community Safety Partnership"' in page
    assert 'alt="Chart: incidents fell by a third"' in page and "Figure 1: incidents" in page
    assert page.count('src="data:image/') == 3  # logo, chart and the decorative one (alt="")
    assert 'alt=""' in page


def test_a_draft_pdf_says_draft_on_its_cover_and_every_page(illustrated: Plan) -> None:
    from publishing.services import document_render

    rendered = document_render(snapshot=document_snapshot(plan=illustrated), draft=True)
    assert rendered.refused_urls == []
    pages = pdf_page_texts(rendered.pdf)
    assert "DRAFT" in pages[0] and "Not published" in pages[0]
    assert all("DRAFT – not published" in page for page in pages)


def test_the_line_under_the_title_says_only_what_the_title_does_not(plan: Plan) -> None:
    from publishing.templatetags.document_front import cover_subtitle

    snapshot = document_snapshot(plan=plan)
    period = plan.period_label
    for title, subtitle in (
        ("Safer Swale", f"Community Safety Plan {period}"),
        ("Swale Community Safety Plan", period),
        (f"Swale Community Safety Plan {period}", ""),
    ):
        snapshot["title"] = title
        assert cover_subtitle(snapshot) == subtitle
