"""Reads of published versions: a version's page, and the public list of documents (anyone,
signed in or not)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from accounts.types import AnyUser
from csp_tracker.pagination import page_get
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


# Published documents on one page of /published/.
PUBLIC_PAGE_SIZE = 30


def _published_after(
    *, plan_id: int | OuterRef, effective_date: object, published_at: object
) -> QuerySet[PlanVersion]:
    """The plan's published versions later than the one given (by effective date, then
    publication time): values, or OuterRef()s of a subquery."""
    return (
        published_versions()
        .filter(plan_id=plan_id)
        .filter(
            Q(effective_date__gt=effective_date)
            | Q(effective_date=effective_date, published_at__gt=published_at)
        )
    )


def published_document_rows() -> QuerySet[PlanVersion]:
    """Every published version, each marked is_current, in the public list's order: by
    partnership, current first, then newest first. A version is current if it is the
    latest (by effective date, then publication time) of a plan that is still published.
    Worked out by the database, so a page of the list reads only its own rows."""
    later = _published_after(
        plan_id=OuterRef("plan_id"),
        effective_date=OuterRef("effective_date"),
        published_at=OuterRef("published_at"),
    )
    return (
        published_versions()
        .select_related("plan__partnership")
        .defer("snapshot")
        .annotate(
            is_current=ExpressionWrapper(
                Q(plan__status=Plan.Status.PUBLISHED) & ~Exists(later),
                output_field=BooleanField(),
            )
        )
        .order_by(
            "plan__partnership__name",
            "plan__partnership_id",
            "-is_current",
            "-effective_date",
            "-published_at",
            "-pk",
        )
    )


def published_document_groups(versions: Iterable[PlanVersion]) -> list[PartnershipDocuments]:
    """Rows of published_document_rows grouped by partnership, in their order."""
    grouped: dict[int, PartnershipDocuments] = {}
    for v in versions:
        entry = grouped.setdefault(
            v.plan.partnership_id, PartnershipDocuments(v.plan.partnership, [])
        )
        entry.documents.append(PublishedDocument(v, bool(v.is_current)))  # type: ignore[attr-defined]
    return list(grouped.values())


def published_document_list() -> list[PartnershipDocuments]:
    """Every partnership's published versions, current first, then superseded, newest
    first."""
    return published_document_groups(published_document_rows())


def published_document_page(
    *, number: int | str | None, per_page: int = PUBLIC_PAGE_SIZE
) -> tuple[Page[PlanVersion], list[PartnershipDocuments]]:
    """One page of the public list (an unknown page number is the nearest page) and its
    rows grouped by partnership; a partnership may continue on the next page."""
    page = page_get(published_document_rows(), number=number, per_page=per_page)
    return page, published_document_groups(page.object_list)


def public_version_get(*, pk: int) -> PlanVersion:
    return published_versions().select_related("plan__partnership").get(pk=pk)


def version_is_current(*, version: PlanVersion) -> bool:
    """Whether the published version is its plan's current one (as the public list
    marks it): no later published version, and the plan not superseded."""
    if version.plan.status != Plan.Status.PUBLISHED:
        return False
    return not _published_after(
        plan_id=version.plan_id,
        effective_date=version.effective_date,
        published_at=version.published_at,
    ).exists()
