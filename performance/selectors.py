"""Reads for grants, funded projects, bids and indicators. Every selector only returns
what the user may see: another partnership's objects are DoesNotExist (a 404)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from accounts.types import AnyUser
from actions.models import StatusUpdate
from csp_tracker import clock
from performance.grants import GrantMoney, grant_money
from performance.indicators import Series, indicator_series
from performance.models import (
    Bid,
    FundedProject,
    FundedProjectStatus,
    Grant,
    Indicator,
    IndicatorValue,
)
from performance.periods import Frequency, Period
from plans.models import Partnership
from plans.rules import access_for


class StatusNow(TypedDict):
    """What ``with_current_status`` adds to each project."""

    current_status: str | None
    current_note: str | None
    status_recorded_at: datetime | None


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # A project read with its current status: the stubs' type of an annotated model.
    ProjectWithStatus = WithAnnotations[FundedProject, StatusNow]


def _latest_status(field: str) -> Subquery:
    return Subquery(
        FundedProjectStatus.objects.filter(project=OuterRef("pk"))
        .order_by("-recorded_at", "-id")
        .values(field)[:1]
    )


def with_current_status(qs: QuerySet[FundedProject]) -> "QuerySet[ProjectWithStatus]":
    """A project's current status is its latest (``current_status``, ``current_note``,
    ``status_recorded_at``)."""
    return qs.annotate(
        current_status=_latest_status("status"),
        current_note=_latest_status("note"),
        status_recorded_at=_latest_status("recorded_at"),
    )


# --- partnerships -------------------------------------------------------------------------


def partnership_list(*, user: AnyUser) -> QuerySet[Partnership]:
    return Partnership.objects.filter(access_for(user).partnership_filter()).order_by(
        "kind", "name"
    )


def partnership_get(*, user: AnyUser, slug: str) -> Partnership:
    return partnership_list(user=user).get(slug=slug)


# --- grants, projects and bids --------------------------------------------------------------


def grant_queryset(*, user: AnyUser) -> QuerySet[Grant]:
    return Grant.objects.filter(access_for(user).partnership_filter("partnership__"))


def project_queryset(*, grant: Grant) -> "QuerySet[ProjectWithStatus]":
    return with_current_status(
        FundedProject.objects.filter(grant=grant).select_related("lead_agency", "action__plan")
    ).order_by("order", "id")


@dataclass
class GrantPage:
    grant: Grant
    projects: "list[ProjectWithStatus]"
    bids: list[Bid]
    money: GrantMoney

    @property
    def pending_bids(self) -> list[Bid]:
        return [b for b in self.bids if b.status == Bid.Decision.PENDING]


def grant_page(*, user: AnyUser, pk: int) -> GrantPage:
    """A visible grant with its projects (current status), bids and money, in a fixed
    number of queries; Grant.DoesNotExist otherwise."""
    grant = grant_queryset(user=user).select_related("partnership").get(pk=pk)
    return grant_page_for(grant=grant)


def grant_page_for(*, grant: Grant) -> GrantPage:
    projects = list(project_queryset(grant=grant))
    bids = list(
        Bid.objects.filter(grant=grant)
        .select_related("lead_agency", "project", "decided_by")
        .order_by("created_at", "id")
    )
    return GrantPage(grant, projects, bids, grant_money(grant=grant, projects=projects, bids=bids))


def grant_list(*, partnership: Partnership) -> list[GrantPage]:
    """The partnership's grants, newest year first, each with its money: four queries
    however many grants, projects and bids."""
    grants = list(Grant.objects.filter(partnership=partnership).order_by("-financial_year", "name"))
    projects: dict[int, list[ProjectWithStatus]] = defaultdict(list)
    for project in with_current_status(
        FundedProject.objects.filter(grant__in=grants).select_related("lead_agency")
    ).order_by("order", "id"):
        projects[project.grant_id].append(project)
    bids: dict[int, list[Bid]] = defaultdict(list)
    for bid in Bid.objects.filter(grant__in=grants).order_by("created_at", "id"):
        bids[bid.grant_id].append(bid)
    return [
        GrantPage(
            g,
            projects[g.pk],
            bids[g.pk],
            grant_money(grant=g, projects=projects[g.pk], bids=bids[g.pk]),
        )
        for g in grants
    ]


def project_get(*, user: AnyUser, pk: int) -> "ProjectWithStatus":
    return with_current_status(
        FundedProject.objects.filter(
            access_for(user).partnership_filter("grant__partnership__")
        ).select_related("grant__partnership", "lead_agency", "action__plan")
    ).get(pk=pk)


def project_history(*, project: FundedProject) -> QuerySet[FundedProjectStatus]:
    return project.statuses.select_related("recorded_by").order_by("-recorded_at", "-id")


def bid_get(*, user: AnyUser, pk: int) -> Bid:
    return (
        Bid.objects.filter(access_for(user).partnership_filter("grant__partnership__"))
        .select_related("grant__partnership", "project", "lead_agency", "decided_by")
        .get(pk=pk)
    )


# --- indicators ---------------------------------------------------------------------------


def indicator_queryset(*, user: AnyUser) -> QuerySet[Indicator]:
    return Indicator.objects.filter(access_for(user).partnership_filter("partnership__"))


def values_prefetch() -> Prefetch:
    return Prefetch(
        "values",
        queryset=IndicatorValue.objects.select_related(
            "recorded_by", "source_update__action"
        ).order_by("financial_year", "period", "recorded_at", "id"),
    )


def last_ended_period(frequency: str) -> Period:
    """The last period that has ended by today: the one a value is next due for."""
    current = Period.containing(clock.today(), frequency)
    return Period.containing(current.start - timedelta(days=1), frequency)


def indicator_list(*, partnership: Partnership) -> list[Series]:
    """The partnership's indicators, each with its series: two queries however many."""
    indicators = Indicator.objects.filter(partnership=partnership).prefetch_related(
        values_prefetch()
    )
    return [
        indicator_series(
            indicator=i,
            values=i.values.all(),
            extend_to=last_ended_period(i.frequency),
        )
        for i in indicators.order_by("order", "name")
    ]


def indicator_get(*, user: AnyUser, pk: int) -> Indicator:
    """A visible indicator with its links and values; DoesNotExist otherwise."""
    return (
        indicator_queryset(user=user)
        .select_related("partnership")
        .prefetch_related("priorities__plan", "actions__plan", values_prefetch())
        .get(pk=pk)
    )


def indicator_page_series(*, indicator: Indicator) -> Series:
    return indicator_series(
        indicator=indicator,
        values=indicator.values.all(),
        extend_to=last_ended_period(indicator.frequency),
    )


@dataclass(frozen=True)
class ReportedFigure:
    """A number an officer reported in an update of a linked action."""

    update: StatusUpdate
    index: int
    label: str
    value: object
    period: Period
    used: bool  # already recorded as the indicator's current value for its period

    @property
    def key(self) -> str:
        return f"{self.update.pk}:{self.index}"


def reported_figures(*, indicator: Indicator, series: Series | None = None) -> list[ReportedFigure]:
    """The numbers reported in updates of the indicator's linked actions whose label is
    its figure label (any label when it has none), newest first. Only a quarterly
    indicator takes them: an update reports on a quarter."""
    if indicator.frequency != Frequency.QUARTERLY:
        return []
    actions = [a.pk for a in indicator.actions.all()]
    if not actions:
        return []
    wanted = indicator.figure_label.strip().casefold()
    used_updates = {
        (row.current.source_update_id, row.period)
        for row in (series.rows if series else [])
        if row.current is not None and row.current.source_update_id
    }
    out = []
    updates = (
        StatusUpdate.objects.filter(action_id__in=actions)
        .exclude(figures=[])
        .select_related("action", "author")
        .order_by("-financial_year", "-quarter", "-created_at", "-id")
    )
    for update in updates:
        period = Period(update.financial_year, update.quarter, Frequency.QUARTERLY)
        for index, figure in enumerate(update.figures or []):
            label = str(figure.get("label", ""))
            if wanted and label.strip().casefold() != wanted:
                continue
            out.append(
                ReportedFigure(
                    update=update,
                    index=index,
                    label=label,
                    value=figure.get("value"),
                    period=period,
                    used=(update.pk, period) in used_updates,
                )
            )
    return out
