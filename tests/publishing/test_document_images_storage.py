"""Logos and section images live in the project's storage, as production keeps them: an
S3-compatible bucket (SeaweedFS) when S3_BUCKET is set. Uploaded through the pages, read
back for the PDF (which fetches nothing itself) and served on the public page from the
bucket; nothing is written to the machine's disk."""

from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from plans.models import Plan, PlanVersion, SectionImage
from tests.images import SVG, bitmap, upload
from tests.pdfs import figures
from tests.publishing.conftest import publish

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def test_uploaded_images_are_objects_of_the_bucket_and_reach_the_pdf_and_the_page(
    s3_server: Any,
    s3_storage: str,
    settings: Any,
    plan: Plan,
    coordinator: Any,
    county_admin: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = Client()
    client.force_login(coordinator)
    slug = plan.partnership.slug
    logo_page = reverse("partnerships:logo", kwargs={"slug": slug})
    assert (
        client.post(logo_page, {"file": upload(SVG, "logo.svg"), "alt": "Swale CSP"}).status_code
        == 302
    )
    section = plan.sections.get()
    images_page = reverse("plans:section_images", kwargs={"pk": section.pk})
    posted = client.post(images_page, {"file": upload(bitmap()), "alt": "A chart of incidents"})
    assert posted.status_code == 302
    plan.partnership.refresh_from_db()
    image = SectionImage.objects.get()
    listing = s3_server.client().list_objects_v2(Bucket=s3_storage)
    stored = {o["Key"] for o in listing.get("Contents", [])}
    assert stored == {plan.partnership.logo.name, image.file.name}
    root = settings.MEDIA_ROOT
    assert not (root.exists() and any(p.is_file() for p in root.rglob("*")))
    # The pages behind sign-in show them from the bucket too.
    assert 'alt="Swale CSP"' in client.get(logo_page).content.decode()

    version = publish(plan, county_admin, capture=django_capture_on_commit_callbacks)
    assert version.status == PlanVersion.Status.PUBLISHED, version.failure_reasons
    pdf = version.pdf.open("rb").read()
    version.pdf.close()
    assert figures(pdf) == ["Swale CSP", "A chart of incidents"]

    image_id = f"image-{image.pk}"
    response = Client().get(reverse("public:image", kwargs={"pk": version.pk, "image": image_id}))
    assert isinstance(response, StreamingHttpResponse)
    assert b"".join(response.streaming_content) == bitmap()
