"""Writes for partnerships, agencies, memberships and plans."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from accounts.models import User
from plans.models import (
    Agency,
    Membership,
    Partnership,
    Plan,
    PlanSection,
    PlanVersion,
    PlanVersionChange,
)


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


@transaction.atomic
def partnership_upsert(
    *,
    slug: str,
    name: str,
    short_name: str,
    kind: str,
    parent: Partnership | None = None,
    agencies: Iterable[Agency] = (),
) -> Partnership:
    partnership, _ = Partnership.objects.update_or_create(
        slug=slug,
        defaults={"name": name, "short_name": short_name, "kind": kind, "parent": parent},
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
) -> Plan:
    plan = Plan(
        partnership=partnership,
        kind=kind,
        title=title,
        start_year=start_year,
        end_year=end_year,
        status=status,
        previous=previous,
    )
    plan.full_clean()
    plan.save()
    return plan


def plan_section_create(
    *, plan: Plan, title: str, body: str = "", is_restricted: bool = False, order: int | None = None
) -> PlanSection:
    if order is None:
        order = plan.sections.count() + 1
    section = PlanSection(
        plan=plan, title=title, body=body, is_restricted=is_restricted, order=order
    )
    section.full_clean()
    section.save()
    return section


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
    version = PlanVersion(plan=plan, number=number, effective_date=effective_date, summary=summary)
    version.full_clean()
    version.save()
    PlanVersionChange.objects.bulk_create(
        PlanVersionChange(version=version, order=i, chapter=c.chapter, description=c.description)
        for i, c in enumerate(changes, start=1)
    )
    return version
