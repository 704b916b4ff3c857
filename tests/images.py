"""Image files for the tests of logos and section images, made here (Pillow for PNG and
JPEG), and the objects that hold them."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from partnerships.services import partnership_logo_set
from plans.images import image_clean
from plans.models import Partnership, Plan, PlanSection, PlanVersion, SectionImage
from plans.services import section_image_save

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 60" width="200" height="60">'
    b'<rect width="200" height="60" fill="#4c2c92"/>'
    b'<text x="10" y="40" font-size="24" fill="#ffffff">Test CSP</text></svg>'
)


def bitmap(kind: str = "PNG", size: tuple[int, int] = (40, 20)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (76, 44, 146)).save(out, format=kind)
    return out.getvalue()


def upload(data: bytes, name: str = "image.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def logo_give(partnership: Partnership, *, alt: str = "Test Community Safety Partnership") -> None:
    partnership_logo_set(
        partnership=partnership, image=image_clean(SVG), alt=alt, is_decorative=False
    )


def section_image_add(
    section: PlanSection,
    *,
    alt: str = "A chart of the test",
    decorative: bool = False,
    caption: str = "",
) -> SectionImage:
    return section_image_save(
        section=section,
        image=image_clean(bitmap()),
        alt=alt,
        is_decorative=decorative,
        caption=caption,
    )


def published_with_snapshot(plan: Plan, number: str = "5.0") -> PlanVersion:
    """A published version whose snapshot is the plan's document now, as publishing
    leaves it (with a stand-in PDF)."""
    from datetime import date

    from publishing.snapshot import document_snapshot
    from tests.factories import published_version

    day = date(plan.start_year, 4, 1)
    snapshot = document_snapshot(plan=plan, number=number, effective_date=day)
    return published_version(plan, number, snapshot=dict(snapshot))
