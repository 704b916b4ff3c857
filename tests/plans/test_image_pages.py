"""The pages where a coordinator uploads the partnership's logo and a section's images:
the file goes to the project's storage, a bad file is refused with the GOV.UK error next
to the field, and alternative text is required unless the image is decorative."""

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from plans.images import TYPE_ERROR
from plans.models import Partnership, Plan, SectionImage
from tests import factories
from tests.images import SVG, bitmap, logo_give, section_image_add, upload

pytestmark = pytest.mark.django_db

ALT_ERROR = "Enter the alternative text, or say the image is decorative"


@pytest.fixture
def client(coordinator: Any) -> Client:
    client = Client()
    client.force_login(coordinator)
    return client


@pytest.fixture
def section(district: Partnership) -> Any:
    plan = factories.PlanFactory(partnership=district, status=Plan.Status.DRAFT)
    return factories.SectionFactory(plan=plan, title="Governance", body="The chart below…")


def _error_next_to(page: str, field: str, message: str) -> bool:
    """The GOV.UK error message in the field's group, and the summary linking to it."""
    group = page.split(f'id="id_{field}"')[0].rsplit("govuk-form-group", 1)[-1]
    return (
        f'<span class="govuk-visually-hidden">Error:</span> {message}' in group
        and f'href="#id_{field}"' in page
    )


def test_a_coordinator_adds_an_image_to_a_section_stored_through_the_storage(
    client: Client, section: Any
) -> None:
    url = reverse("plans:section_images", kwargs={"pk": section.pk})
    response = client.post(
        url, {"file": upload(bitmap()), "alt": "How the CSP is run", "caption": "Figure 1"}
    )
    assert response.status_code == 302 and response["Location"] == url
    image = SectionImage.objects.get(section=section)
    assert (image.alt, image.caption, image.content_type) == (
        "How the CSP is run",
        "Figure 1",
        "image/png",
    )
    name = image.file.name or ""
    assert name.startswith("section-images/") and default_storage.exists(name)
    page = client.get(url).content.decode()
    assert 'alt="How the CSP is run"' in page and 'src="data:image/png;base64,' in page


@pytest.mark.parametrize(
    ("data", "name", "field", "message"),
    [
        (bitmap("GIF"), "chart.gif", "file", TYPE_ERROR),
        (b"", "empty.png", "file", "The selected file is empty"),
        (bitmap(), "chart.png", "alt", ALT_ERROR),
    ],
)
def test_a_bad_upload_is_refused_with_the_error_next_to_its_field(
    client: Client, section: Any, data: bytes, name: str, field: str, message: str
) -> None:
    response = client.post(
        reverse("plans:section_images", kwargs={"pk": section.pk}),
        {"file": upload(data, name), "alt": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert _error_next_to(page, field, message), page
    assert page.count("<title>Error: ") == 1
    assert not SectionImage.objects.exists()


def test_an_svg_is_stored_sanitised(client: Client, section: Any) -> None:
    evil = SVG.replace(b"<rect", b'<script>alert(1)</script><rect onload="alert(2)"')
    client.post(
        reverse("plans:section_images", kwargs={"pk": section.pk}),
        {"file": upload(evil, "chart.svg"), "alt": "A chart"},
    )
    stored = SectionImage.objects.get().file.open("rb").read()
    assert b"alert" not in stored and b"<rect" in stored


def test_an_image_is_changed_and_removed_but_its_file_is_kept(client: Client, section: Any) -> None:
    image = section_image_add(section)
    name = image.file.name or ""
    response = client.post(
        reverse("plans:section_image_edit", kwargs={"pk": image.pk}),
        {"alt": "", "is_decorative": "on", "caption": "A photograph"},
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.alt, image.is_decorative, image.caption, image.file.name) == (
        "",
        True,
        "A photograph",
        name,
    )
    response = client.post(reverse("plans:section_image_remove", kwargs={"pk": image.pk}))
    assert response.status_code == 302 and not SectionImage.objects.exists()
    assert default_storage.exists(name)  # published versions may name it


def test_a_superseded_plans_images_cannot_change(client: Client, section: Any) -> None:
    Plan.objects.filter(pk=section.plan_id).update(status=Plan.Status.SUPERSEDED)
    url = reverse("plans:section_images", kwargs={"pk": section.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": upload(bitmap()), "alt": "A chart"}).status_code == 403


def test_a_coordinator_uploads_the_logo_on_its_own_page(
    client: Client, district: Partnership
) -> None:
    url = reverse("partnerships:logo", kwargs={"slug": district.slug})
    assert (
        f'href="{url}"'
        in client.get(
            reverse("partnerships:detail", kwargs={"slug": district.slug})
        ).content.decode()
    )
    response = client.post(url, {"file": upload(SVG, "logo.svg"), "alt": "Swale CSP"})
    assert response.status_code == 302
    district.refresh_from_db()
    first = district.logo.name or ""
    assert first.startswith("logos/") and first.endswith(".svg")
    assert default_storage.exists(first) and district.logo_alt == "Swale CSP"
    # Its text changes without a new file; then it is removed, its file kept.
    assert client.post(url, {"alt": "Swale Community Safety Partnership"}).status_code == 302
    district.refresh_from_db()
    assert (district.logo.name, district.logo_alt) == (first, "Swale Community Safety Partnership")
    assert (
        client.post(reverse("partnerships:logo_remove", kwargs={"slug": district.slug})).status_code
        == 302
    )
    district.refresh_from_db()
    assert not district.logo and default_storage.exists(first)


def test_a_logo_needs_its_alternative_text_or_to_be_decorative(
    client: Client, district: Partnership
) -> None:
    url = reverse("partnerships:logo", kwargs={"slug": district.slug})
    page = client.post(url, {"file": upload(bitmap(), "logo.png"), "alt": ""}).content.decode()
    assert _error_next_to(page, "alt", ALT_ERROR)
    page = client.post(url, {"file": upload(b"GIF89a", "logo.gif"), "alt": "Logo"}).content.decode()
    assert _error_next_to(page, "file", TYPE_ERROR)
    district.refresh_from_db()
    assert not district.logo
    assert (
        client.post(url, {"file": upload(bitmap(), "logo.png"), "is_decorative": "on"}).status_code
        == 302
    )


def test_the_logo_remove_page_is_not_found_without_a_logo(
    client: Client, district: Partnership
) -> None:
    url = reverse("partnerships:logo_remove", kwargs={"slug": district.slug})
    assert client.get(url).status_code == 404
    logo_give(district)
    assert client.get(url).status_code == 200
