"""Reads for exception reports: what each person may see (the report list, a partnership's
reports, the county view) and who gets the executives' email. The rules of the report are
reporting/snapshot.py."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.core.paginator import Page
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from accounts.types import AnyUser
from csp_tracker.pagination import page_get
from csp_tracker.periods import Quarter
from plans.models import Membership, Partnership
from plans.rules import access_for
from reporting.calendars import DEFAULT, CalendarRules, Round, round_for
from reporting.models import EmailDelivery, ExceptionReport, ReportingCalendar

REPORT_ROLES = (
    Membership.Role.EXECUTIVE,
    Membership.Role.COORDINATOR,
    Membership.Role.COUNTY_ADMIN,
)


# --- what people may see ---------------------------------------------------------------


def _report_filter(user: AnyUser, prefix: str = "") -> Q:
    """Partnerships whose reports the user may read: executive, coordinator or county."""
    access = access_for(user)
    if access.is_superuser:
        return Q()
    ids = {m.partnership_id for m in access.memberships if m.role in REPORT_ROLES}
    q = Q(**{f"{prefix}id__in": ids})
    if access.county_admin_of:
        q |= Q(**{f"{prefix}parent_id__in": access.county_admin_of})
    return q


def report_partnership_list(*, user: AnyUser) -> QuerySet[Partnership]:
    return Partnership.objects.filter(_report_filter(user)).order_by("kind", "name")


def partnership_get(*, user: AnyUser, slug: str) -> Partnership:
    """A partnership the user can see at all (so others' are a 404); DoesNotExist otherwise."""
    return (
        Partnership.objects.filter(access_for(user).partnership_filter())
        .select_related("parent")
        .get(slug=slug)
    )


def exception_report_list(*, user: AnyUser) -> QuerySet[ExceptionReport]:
    """Reports the user may read, without their (large) snapshots."""
    return (
        ExceptionReport.objects.filter(_report_filter(user, "partnership__"))
        .select_related("partnership")
        .defer("snapshot")
        .order_by("-financial_year", "-quarter", "partnership__name", "-revision")
    )


# Reports on one page of the report list.
REPORT_PAGE_SIZE = 50


def exception_report_latest_list(*, user: AnyUser) -> QuerySet[ExceptionReport]:
    """The latest revision of each partnership's report for each quarter, newest quarter
    first: earlier revisions are left out by the database, not read and dropped here."""
    later = ExceptionReport.objects.filter(
        partnership_id=OuterRef("partnership_id"),
        financial_year=OuterRef("financial_year"),
        quarter=OuterRef("quarter"),
        revision__gt=OuterRef("revision"),
    )
    return exception_report_list(user=user).filter(~Exists(later))


def exception_report_latest_page(
    *, user: AnyUser, number: int | str | None, per_page: int = REPORT_PAGE_SIZE
) -> Page[ExceptionReport]:
    """One page of exception_report_latest_list (an unknown number is the nearest page)."""
    return page_get(exception_report_latest_list(user=user), number=number, per_page=per_page)


def exception_report_get(*, user: AnyUser, pk: int) -> ExceptionReport:
    """One report of a partnership the user can see; DoesNotExist otherwise. Whether they
    may read it is a permission (plans/rules.py), so an officer gets a 403."""
    return (
        ExceptionReport.objects.filter(access_for(user).partnership_filter("partnership__"))
        .select_related("partnership__parent", "requested_by")
        .get(pk=pk)
    )


def exception_report_revisions(*, report: ExceptionReport) -> QuerySet[ExceptionReport]:
    return (
        ExceptionReport.objects.filter(
            partnership_id=report.partnership_id,
            financial_year=report.financial_year,
            quarter=report.quarter,
        )
        .defer("snapshot")
        .order_by("-revision")
    )


# A partnership's reports page: two years of quarters a page, each with all its revisions.
QUARTERS_PAGE_SIZE = 8


def partnership_report_quarters(
    *, partnership: Partnership, number: int | str | None
) -> tuple[Page[Any], list[ExceptionReport]]:
    """A page of the quarters the partnership has reports for, latest first, and every
    revision of those quarters, latest first: a list that grows a quarter at a time, read
    in the same few queries however long it has grown."""
    reports = ExceptionReport.objects.filter(partnership=partnership)
    # Rows of the quarters ({"financial_year": …, "quarter": …}), as page_of_keys_get's.
    quarters: Page[Any] = page_get(
        cast(
            Any,
            reports.values("financial_year", "quarter")
            .distinct()
            .order_by("-financial_year", "-quarter"),
        ),
        number=number,
        per_page=QUARTERS_PAGE_SIZE,
    )
    on_page = Q(pk__in=[])
    for quarter in quarters.object_list:
        on_page |= Q(financial_year=quarter["financial_year"], quarter=quarter["quarter"])
    return quarters, list(
        reports.filter(on_page)
        .defer("snapshot")
        .select_related("requested_by")
        .order_by("-financial_year", "-quarter", "-revision")
    )


@dataclass(frozen=True)
class CountyRow:
    partnership: Partnership
    report: ExceptionReport | None


def county_overview(*, county: Partnership, quarter: Quarter) -> list[CountyRow]:
    """The county and each of its districts, with the latest ready report of the quarter."""
    partnerships = list(
        Partnership.objects.filter(Q(pk=county.pk) | Q(parent=county)).order_by("kind", "name")
    )
    reports = (
        ExceptionReport.objects.filter(
            partnership__in=partnerships,
            **quarter.columns,
            status=ExceptionReport.Status.READY,
        )
        .defer("snapshot")
        .order_by("partnership_id", "-revision")
    )
    latest: dict[int, ExceptionReport] = {}
    for report in reports:
        latest.setdefault(report.partnership_id, report)
    return [CountyRow(p, latest.get(p.pk)) for p in partnerships]


def county_quarters(*, county: Partnership) -> list[Quarter]:
    """Quarters with at least one ready report in the county, newest first."""
    rows = (
        ExceptionReport.objects.filter(
            Q(partnership=county) | Q(partnership__parent=county),
            status=ExceptionReport.Status.READY,
        )
        .values_list("financial_year", "quarter")
        .distinct()
    )
    return sorted({Quarter(fy, q) for fy, q in rows}, reverse=True)


def executive_recipients(*, partnership: Partnership) -> list[User]:
    """The executive members who get the report's email, each once."""
    return list(
        User.objects.filter(
            memberships__partnership=partnership,
            memberships__role=Membership.Role.EXECUTIVE,
            is_active=True,
        )
        .exclude(email="")
        .distinct()
        .order_by("email")
    )


@dataclass(frozen=True)
class EmailTrouble:
    """A partnership's emails that gave up (newest first), and how many are waiting for
    another try, for its coordinators to act on."""

    failed: list[EmailDelivery]
    retrying: int


def email_trouble(*, partnership: Partnership) -> EmailTrouble:
    """In one query: the emails that could not be sent and those being tried again."""
    rows = list(
        EmailDelivery.objects.filter(partnership=partnership)
        .filter(
            Q(state=EmailDelivery.State.FAILED)
            | Q(state=EmailDelivery.State.PENDING, attempts__gt=0)
        )
        .order_by("-last_attempt_at", "to")[:200]
    )
    failed = [d for d in rows if d.state == EmailDelivery.State.FAILED]
    return EmailTrouble(failed=failed[:50], retrying=len(rows) - len(failed))


# --- the reporting calendar ------------------------------------------------------------


def calendar_rules(*, partnership_ids: Iterable[int]) -> dict[int, CalendarRules]:
    """Each partnership's calendar (``reporting.calendars``); the default for one without,
    in two queries whatever the number of partnerships."""
    ids = list(partnership_ids)
    found = {
        c.partnership_id: c
        for c in ReportingCalendar.objects.filter(partnership_id__in=ids).prefetch_related("dates")
    }
    return {
        pk: CalendarRules.of(found[pk], found[pk].dates.all()) if pk in found else DEFAULT
        for pk in ids
    }


def calendar_get(*, partnership: Partnership) -> ReportingCalendar | None:
    return (
        ReportingCalendar.objects.filter(partnership=partnership).prefetch_related("dates").first()
    )


def round_of(*, partnership: Partnership, day: date) -> Round | None:
    """The partnership's round on ``day`` (reporting.calendars.round_for, on its own
    calendar): the round whose updates are owed and chased."""
    rules = calendar_rules(partnership_ids=[partnership.pk])[partnership.pk]
    return round_for(rules, day=day)
