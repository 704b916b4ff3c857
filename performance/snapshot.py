"""Grants, projects and indicators as plain JSON, for the snapshots that freeze what the
executive and the public were shown: the quarterly exception report
(reporting/snapshot.py) and a published document (publishing/snapshot.py). Money and
values are strings ("39661.00"), never floats.

The exception report's rules, for a partnership and a quarter:

* Indicators moving the wrong way or off target: each of the partnership's indicators
  with a value for a period ending by the quarter's end, judged on the latest such value
  (its current value: corrections count): worse than the baseline is the wrong way;
  on the wrong side of the target is off target (performance/indicators.py). Values for
  later periods are ignored, so rebuilding an old quarter gives the same answer.
* Funded projects not on track: the projects of the partnership's grants for the
  quarter's financial year whose status in the quarter (the latest status labelled with
  the quarter or an earlier one, as an action's update is) is at risk or off track, or
  is not started (or none yet) although the project's start date has passed by the
  report's as-at date. Delivered, part delivered, withdrawn and on track are not listed.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from csp_tracker.periods import Quarter, financial_year_label
from performance.grants import grant_money
from performance.indicators import indicator_series
from performance.models import (
    Bid,
    FundedProject,
    FundedProjectStatus,
    Grant,
    Indicator,
    IndicatorValue,
    ProjectStatus,
)
from performance.money import format_money, format_number, money_json
from performance.periods import Period
from performance.selectors import with_current_status

if TYPE_CHECKING:
    from performance.selectors import ProjectWithStatus
from plans.models import Partnership

NOT_ON_TRACK = {ProjectStatus.AT_RISK.value, ProjectStatus.OFF_TRACK.value}


def _number(value: object) -> str | None:
    return None if value is None else str(value)


def _indicator_dict(
    indicator: Indicator, values: list[IndicatorValue], until: Period | None
) -> dict[str, Any]:
    series = indicator_series(indicator=indicator, values=values, until=until)
    latest = series.latest
    return {
        "id": indicator.pk,
        "name": indicator.name,
        "unit": indicator.unit,
        "source": indicator.source,
        "direction": indicator.direction,
        "direction_label": indicator.get_direction_display(),
        "frequency": indicator.get_frequency_display(),
        "baseline": _number(indicator.baseline_value),
        "baseline_text": format_number(indicator.baseline_value),
        "baseline_period": indicator.baseline_period,
        "target": _number(indicator.target_value),
        "target_text": format_number(indicator.target_value),
        "period": latest.period.label if latest else "",
        "value": _number(latest.value) if latest else None,
        "value_text": format_number(latest.value) if latest else "",
        "trend": series.trend.words,
        "verdict": series.trend.verdict,
        "wrong_way": series.moving_the_wrong_way,
        "off_target": bool(series.off_target),
        "missing": [p.label for p in series.missing],
    }


def _indicators(*partnerships: Partnership | int) -> list[Indicator]:
    """Two queries: the partnerships' indicators and all their values."""
    return list(
        Indicator.objects.filter(partnership__in=partnerships)
        .prefetch_related("values")
        .order_by("order", "name")
    )


def indicators_for_reports(
    *, partnership_ids: Sequence[int], quarter: Quarter
) -> dict[int, dict[str, Any]]:
    """Each partnership's indicators moving the wrong way or off target as at the quarter
    (see above), for many partnerships in the same two queries."""
    rows: dict[int, list[dict[str, Any]]] = {pk: [] for pk in partnership_ids}
    for indicator in _indicators(*partnership_ids):
        until = Period.last_of(quarter, indicator.frequency)
        rows[indicator.partnership_id].append(
            _indicator_dict(indicator, list(indicator.values.all()), until)
        )
    return {pk: _indicators_listed(found) for pk, found in rows.items()}


def _indicators_listed(rows: list[dict[str, Any]]) -> dict[str, Any]:
    judged = [r for r in rows if r["value"] is not None]
    return {
        "count": len(rows),
        "judged": len(judged),
        "listed": [r for r in judged if r["wrong_way"] or r["off_target"]],
    }


def _status_in(statuses: list[FundedProjectStatus]) -> FundedProjectStatus | None:
    ordered = sorted(statuses, key=lambda s: (s.recorded_at, s.pk))
    return ordered[-1] if ordered else None


def projects_for_reports(
    *, partnership_ids: Sequence[int], quarter: Quarter, as_at: date
) -> dict[int, dict[str, Any]]:
    """Each partnership's funded projects not on track in the quarter (see above), for
    many partnerships in the same three queries."""
    projects = list(
        FundedProject.objects.filter(
            grant__partnership__in=partnership_ids, grant__financial_year=quarter.financial_year
        )
        .select_related("grant", "lead_agency")
        .order_by("grant__name", "order", "id")
    )
    ids = [p.pk for p in projects]
    statuses: dict[int, list[FundedProjectStatus]] = defaultdict(list)
    for row in FundedProjectStatus.objects.filter(
        Q(financial_year__lt=quarter.financial_year)
        | Q(financial_year=quarter.financial_year, quarter__lte=quarter.number),
        project_id__in=ids,
    ):
        statuses[row.project_id].append(row)
    top_ups: dict[int, Any] = defaultdict(int)
    for project_id, amount in Bid.objects.filter(
        project_id__in=ids, is_top_up=True, status=Bid.Decision.APPROVED
    ).values_list("project_id", "amount"):
        top_ups[project_id] += amount
    counts: dict[int, int] = defaultdict(int)
    items: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for project in projects:
        partnership_id = project.grant.partnership_id
        counts[partnership_id] += 1
        latest = _status_in(statuses[project.pk])
        status = latest.status if latest else ""
        late_start = (
            status in ("", ProjectStatus.NOT_STARTED)
            and project.start_date is not None
            and project.start_date <= as_at
        )
        if status in NOT_ON_TRACK or late_start:
            approved = project.amount_approved + top_ups[project.pk]
            items[partnership_id].append(
                {
                    "id": project.pk,
                    "title": project.title,
                    "grant": str(project.grant),
                    "lead": project.lead,
                    "amount": money_json(approved),
                    "amount_text": format_money(approved),
                    "status": status or ProjectStatus.NOT_STARTED.value,
                    "status_label": ProjectStatus(status).label if status else "No status yet",
                    "note": latest.note if latest else "",
                    "start_date": project.start_date.isoformat() if project.start_date else "",
                    "late_start": late_start,
                }
            )
    year = financial_year_label(quarter.financial_year)
    return {pk: {"count": counts[pk], "year": year, "listed": items[pk]} for pk in partnership_ids}


# --- published documents ------------------------------------------------------------------


def grants_for_document(
    *, partnership: Partnership, start_year: int, end_year: int
) -> list[dict[str, Any]]:
    """The funded-projects table of a plan for financial years ``start_year`` to
    ``end_year``: the partnership's grants of those years and of the year before (a
    document refreshed in April reports on the year just ended), each with its projects.
    Four queries."""
    grants = list(
        Grant.objects.filter(
            partnership=partnership,
            financial_year__gte=start_year - 1,
            financial_year__lt=end_year,
        ).order_by("financial_year", "name")
    )
    projects: dict[int, list[ProjectWithStatus]] = defaultdict(list)
    for project in with_current_status(
        FundedProject.objects.filter(grant__in=grants).select_related("lead_agency")
    ).order_by("order", "id"):
        projects[project.grant_id].append(project)
    bids: dict[int, list[Bid]] = defaultdict(list)
    for bid in Bid.objects.filter(grant__in=grants):
        bids[bid.grant_id].append(bid)
    out = []
    for grant in grants:
        money = grant_money(grant=grant, projects=projects[grant.pk], bids=bids[grant.pk])
        out.append(
            {
                "name": grant.name,
                "funder": grant.funder,
                "year": grant.year_label,
                "amount": format_money(grant.amount),
                "up_front": format_money(grant.up_front_amount),
                "tactical": format_money(grant.tactical_amount),
                "approved": format_money(money.whole.approved),
                "left": format_money(money.whole.left),
                "project_count": money.approved_project_count,
                "projects": [
                    {
                        "title": p.title,
                        "lead": p.lead,
                        "pot": p.get_pot_display(),
                        "amount": format_money(money.projects[p.pk].approved),
                        "status": ProjectStatus(p.current_status).label
                        if p.current_status
                        else "No status yet",
                    }
                    for p in projects[grant.pk]
                ],
            }
        )
    return out


def indicators_for_document(*, partnership: Partnership) -> list[dict[str, Any]]:
    """The partnership's indicator set with each one's latest value and trend."""
    return [
        _indicator_dict(indicator, list(indicator.values.all()), None)
        for indicator in _indicators(partnership)
    ]
