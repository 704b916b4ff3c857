"""Reads of published versions: a version's page, and the public list of documents (anyone,
signed in or not)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.types import AnyUser
from plans.models import (
    Partnership,
    Plan,
    PlanVersion,
)
from plans.selectors import plan_authoring_list


def version_get(*, user: AnyUser, pk: int) -> PlanVersion:
    return (
        PlanVersion.objects.select_related("plan__partnership", "published_by")
        .prefetch_related("changes")
        .get(plan__in=plan_authoring_list(user=user), pk=pk)
    )


@dataclass(frozen=True)
class PublishedDocument:
    version: PlanVersion
    is_current: bool

    @property
    def plan(self) -> Plan:
        return self.version.plan


@dataclass(frozen=True)
class PartnershipDocuments:
    partnership: Partnership
    documents: list[PublishedDocument]


def published_versions() -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(status=PlanVersion.Status.PUBLISHED)


def published_document_list() -> list[PartnershipDocuments]:
    """Every partnership's published versions, current first, then superseded, newest
    first. A version is current if it is the latest of a plan that is still published."""
    versions = list(
        published_versions()
        .select_related("plan__partnership")
        .order_by("plan__partnership__name", "-effective_date", "-published_at")
    )
    latest_of_plan: dict[int, int] = {}
    for v in versions:
        latest_of_plan.setdefault(v.plan_id, v.pk)
    grouped: dict[int, PartnershipDocuments] = {}
    for v in versions:
        current = latest_of_plan[v.plan_id] == v.pk and v.plan.status == Plan.Status.PUBLISHED
        entry = grouped.setdefault(
            v.plan.partnership_id, PartnershipDocuments(v.plan.partnership, [])
        )
        entry.documents.append(PublishedDocument(v, current))
    for entry in grouped.values():
        entry.documents.sort(key=lambda d: (not d.is_current,))
    return list(grouped.values())


def public_version_get(*, pk: int) -> PlanVersion:
    return published_versions().select_related("plan__partnership").get(pk=pk)
