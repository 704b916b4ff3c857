"""The demo's published documents: the partnerships' logos, a diagram in the CSA's
governance chapter, and the CSA April 2024 (8.0) and Swale's plan 2023/24 published, so
/published/ shows them on ``make run``. The logos and the diagram are sample drawings
made for the demo (fixtures/demo/images), not the partnerships' own; they go through the
same checks as an upload."""

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from django.db import transaction

from accounts.models import User
from partnerships.services import partnership_logo_set
from plans.images import image_clean
from plans.models import Partnership, Plan, PlanSection, PlanVersion
from plans.services import section_image_save
from publishing import services as publishing_services

logger = logging.getLogger(__name__)

IMAGES = Path(__file__).resolve().parent.parent / "fixtures" / "demo" / "images"

LOGOS = {
    "kent": ("kent-csp-logo.svg", "Kent Community Safety Partnership"),
    "swale": ("swale-csp-logo.svg", "Swale Community Safety Partnership"),
}
GOVERNANCE = (
    "kent-governance.svg",
    "The KCC Scrutiny Committee scrutinises the Kent Community Safety Partnership (KCSP). "
    "The district and borough CSPs and the responsible authorities take part in the KCSP. "
    "The KCSP Working Group and the Kent Community Safety Team support it.",
    "How the Kent Community Safety Partnership is run (a sample diagram drawn for the demo)",
)


class Counter(Protocol):
    def count(self, what: str, n: int = 1) -> None: ...


def demo_images_load(report: Counter) -> None:
    """The logos and the governance diagram, where they are not there yet."""
    for slug, (name, alt) in LOGOS.items():
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None or partnership.logo:
            continue
        image = image_clean((IMAGES / name).read_bytes())
        partnership_logo_set(partnership=partnership, image=image, alt=alt, is_decorative=False)
        report.count("logos")
    section = PlanSection.objects.filter(
        plan__partnership__slug="kent", plan__kind=Plan.Kind.CSA, title="4. Governance"
    ).first()
    if section is not None and not section.images.exists():
        name, alt, caption = GOVERNANCE
        section_image_save(
            section=section,
            image=image_clean((IMAGES / name).read_bytes()),
            alt=alt,
            is_decorative=False,
            caption=caption,
        )
        report.count("section images")


@dataclass(frozen=True)
class DemoDocument:
    slug: str
    kind: str
    start_year: int
    number: str
    effective_date: date


DOCUMENTS = (
    DemoDocument("kent", Plan.Kind.CSA, 2024, "8.0", date(2024, 4, 1)),
    DemoDocument("swale", Plan.Kind.COMMUNITY_SAFETY_PLAN, 2023, "1.0", date(2023, 4, 1)),
)


def demo_documents_publish(*, publisher: User) -> list[PlanVersion]:
    """Publish the demo's documents not published yet, as the county team would (the
    editor's check confirmed: the CSA keeps its April 2024 draft's placeholders). Each is
    rendered here, not left to a worker, so the list is full when the command ends;
    rendering is safe to run twice, so a worker that also runs it changes nothing."""
    published = []
    for document in DOCUMENTS:
        plan = Plan.objects.filter(
            partnership__slug=document.slug,
            kind=document.kind,
            start_year=document.start_year,
            action_plan_year__isnull=True,
        ).first()
        if plan is None or plan.versions.filter(status=PlanVersion.Status.PUBLISHED).exists():
            continue
        with transaction.atomic():
            version = publishing_services.plan_version_publish_start(
                plan=plan,
                user=publisher,
                number=document.number,
                effective_date=document.effective_date,
                warnings_confirmed=True,
            )
        status = publishing_services.plan_version_render(version_id=version.pk)
        version.refresh_from_db()
        if status != PlanVersion.Status.PUBLISHED:
            logger.warning("The demo's %s was not published: %s", plan, version.failure_reasons)
            continue
        published.append(version)
    return published
