"""Writes for partnerships, agencies, memberships and plans."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypedDict, cast

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User
from csp_tracker.db import checked_save
from csp_tracker.ordering import renumber, swap_with_neighbour
from plans.images import CleanImage
from plans.models import (
    Agency,
    Membership,
    Partnership,
    Plan,
    PlanSection,
    PlanShape,
    PlanVersion,
    PlanVersionChange,
    SectionImage,
)
from plans.rules import InAction, InPlan, plan_is_open, plan_of


def agency_upsert(
    *,
    short_name: str,
    name: str,
    kind: str = Agency.Kind.ORGANISATION,
    is_responsible_authority: bool = False,
) -> Agency:
    agency, _ = Agency.objects.update_or_create(
        short_name=short_name,
        defaults={"name": name, "kind": kind, "is_responsible_authority": is_responsible_authority},
    )
    return agency


def coordinators_publish_by_default(kind: str) -> bool:
    """Districts and unitaries publish their own plans; a county's team publishes its CSA."""
    return kind != Partnership.Kind.COUNTY


@transaction.atomic
def partnership_upsert(
    *,
    slug: str,
    name: str,
    short_name: str,
    kind: str,
    parent: Partnership | None = None,
    agencies: Iterable[Agency] = (),
    coordinators_publish: bool | None = None,
) -> Partnership:
    partnership, _ = Partnership.objects.update_or_create(
        slug=slug,
        defaults={
            "name": name,
            "short_name": short_name,
            "kind": kind,
            "parent": parent,
            "coordinators_publish": coordinators_publish_by_default(kind)
            if coordinators_publish is None
            else coordinators_publish,
        },
    )
    partnership.full_clean()
    partnership.agencies.set(list(agencies))
    return partnership


def membership_grant(
    *, user: User, partnership: Partnership, role: str, agency: Agency | None = None
) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, partnership=partnership, defaults={"role": role, "agency": agency}
    )
    membership.full_clean()
    return membership


def plan_create(
    *,
    partnership: Partnership,
    kind: str,
    title: str,
    start_year: int,
    end_year: int,
    status: str = Plan.Status.DRAFT,
    previous: Plan | None = None,
    action_plan_year: int | None = None,
) -> Plan:
    """A new plan. ``action_plan_year`` makes it a multi-year strategy's yearly action
    plan (for that financial year)."""
    return checked_save(
        Plan(
            partnership=partnership,
            kind=kind,
            title=title,
            start_year=start_year,
            end_year=end_year,
            action_plan_year=action_plan_year,
            status=status,
            previous=previous,
        )
    )


class SectionData(TypedDict):
    """A section's own text and settings: what plan_section_create and
    plan_section_update take, what the section form edits, and what a refreshed plan's
    copy of the section keeps."""

    title: str
    body: str
    is_restricted: bool
    generated: str
    starts_new_page: bool


def section_data(section: PlanSection) -> SectionData:
    return cast(SectionData, {name: getattr(section, name) for name in SectionData.__annotations__})


def plan_section_create(
    *,
    plan: Plan,
    title: str,
    body: str = "",
    is_restricted: bool = False,
    order: int | None = None,
    generated: str = "",
    starts_new_page: bool = False,
) -> PlanSection:
    plan_open_guard(obj=plan)
    if order is None:
        order = plan.sections.count() + 1
    return checked_save(
        PlanSection(plan=plan, order=order),
        title=title,
        body=body,
        is_restricted=is_restricted,
        generated=generated,
        starts_new_page=starts_new_page,
    )


@dataclass
class VersionChange:
    chapter: str
    description: str


@transaction.atomic
def plan_version_record(
    *,
    plan: Plan,
    number: str,
    effective_date: date,
    summary: str = "",
    changes: Sequence[VersionChange] = (),
) -> PlanVersion:
    """Add a row to the version control table (a record of what was agreed)."""
    version = checked_save(
        PlanVersion(plan=plan, number=number, effective_date=effective_date, summary=summary)
    )
    PlanVersionChange.objects.bulk_create(
        PlanVersionChange(version=version, order=i, chapter=c.chapter, description=c.description)
        for i, c in enumerate(changes, start=1)
    )
    return version


class PublishedVersionFrozen(Exception):
    """A published version never changes; a correction is a new version."""


class PlanNotEditable(PermissionDenied):
    """A superseded plan is a record of the past: start from the current one. A kind of
    PermissionDenied, so a page that does not catch it answers 403 with the reason."""


def plan_open_guard(*, obj: Plan | InPlan | InAction) -> None:
    """Refuse a change to a plan that is not open (plans.rules.plan_is_open), or to its
    sections, priorities, themes, actions, milestones or status updates.

    The plan's status is read again, so a plan superseded since the caller loaded it is
    refused too; the rule is the same one the pages ask through their permissions.
    """
    plan = plan_of(obj)
    if plan.pk is not None:
        plan.status = Plan.objects.values_list("status", flat=True).get(pk=plan.pk)
    if not plan_is_open(None, plan):
        raise PlanNotEditable(
            f"{plan.title} ({plan.period_label}) has been superseded: it is the record of "
            "a past year and cannot change"
        )


def plan_action_plan_year(
    *, shape: str, start_year: int, end_year: int, current: int | None
) -> int | None:
    """The action plan's year for a plan of this shape: a strategy with a yearly action
    plan keeps its year while it is within the period, else starts at the first year."""
    if shape != PlanShape.STRATEGY_YEARLY:
        return None
    if current is not None and start_year <= current < end_year:
        return current
    return start_year


def plan_update(
    *, plan: Plan, title: str, start_year: int, end_year: int, shape: str | None = None
) -> Plan:
    plan_open_guard(obj=plan)
    return checked_save(
        plan,
        title=title,
        start_year=start_year,
        end_year=end_year,
        action_plan_year=plan_action_plan_year(
            shape=shape or plan.shape,
            start_year=start_year,
            end_year=end_year,
            current=plan.action_plan_year,
        ),
    )


def plan_section_update(
    *,
    section: PlanSection,
    title: str,
    body: str,
    is_restricted: bool,
    generated: str = "",
    starts_new_page: bool = False,
) -> PlanSection:
    plan_open_guard(obj=section)
    return checked_save(
        section,
        title=title,
        body=body,
        is_restricted=is_restricted,
        generated=generated,
        starts_new_page=starts_new_page,
    )


@transaction.atomic
def plan_section_move(*, section: PlanSection, up: bool) -> None:
    """Move a section one place up or down; the sections are numbered 1, 2, 3… again."""
    plan_open_guard(obj=section)
    sections = list(section.plan.sections.order_by("order", "id"))
    swap_with_neighbour(sections, section, up=up)
    renumber(sections)


def plan_section_delete(*, section: PlanSection) -> None:
    plan_open_guard(obj=section)
    section.delete()


def image_file(image: CleanImage) -> "ContentFile[bytes]":
    """The accepted image as a file to store: a new name each time, so a file a published
    version names is never overwritten (the storage adds to a name already taken)."""
    return ContentFile(image.content, name=f"image.{image.extension}")


@transaction.atomic
def section_image_save(
    *,
    section: PlanSection,
    image: CleanImage | None,
    alt: str,
    is_decorative: bool,
    caption: str,
    existing: SectionImage | None = None,
) -> SectionImage:
    """Add an image to the section (``existing`` None), or change one's text and, given
    ``image``, its file. Alternative text or "decorative" is required (the model's
    constraint, checked by full_clean); a decorative image keeps no alternative text."""
    plan_open_guard(obj=section)
    if existing is None and image is None:
        raise ValueError("A new section image needs its file")
    row = existing or SectionImage(section=section, order=section.images.count() + 1)
    row.alt = "" if is_decorative else alt.strip()
    row.is_decorative = is_decorative
    row.caption = caption.strip()
    if image is not None:
        row.file = image_file(image)
        row.content_type = image.content_type
        row.width, row.height = image.width, image.height
    row.full_clean(exclude=["file"])
    row.save()
    return row


def section_image_remove(*, image: SectionImage) -> None:
    """The row goes; its file stays in the storage, where published versions may name it."""
    plan_open_guard(obj=image.section)
    image.delete()


def partnership_sign_off_set(*, partnership: Partnership, required: bool) -> None:
    """Whether the partnership's updates wait for a coordinator's sign-off from now on
    (updates already made keep the steps they were made with)."""
    if partnership.updates_need_sign_off != required:
        partnership.updates_need_sign_off = required
        partnership.save(update_fields=["updates_need_sign_off"])
