"""Reads for exception reports: what each person may see (the report list, a partnership's
reports, the county view) and who gets the executives' email. The rules of the report are
reporting/snapshot.py."""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypedDict, cast

from django.core.paginator import Page
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Window

from accounts.models import User
from accounts.types import AnyUser
from csp_tracker.compiled import compiled_objects, compiled_rows, markers_like, padded
from csp_tracker.pagination import CountedPaginator, page_get, page_number
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


@dataclass(frozen=True)
class _ReportAccess:
    """Whose reports a user may read: every partnership's (a service administrator), or
    those of ``ids`` (executive, coordinator or county admin) and of the districts of
    ``counties`` (county admin)."""

    everyone: bool
    ids: tuple[int, ...]
    counties: tuple[int, ...]

    def where(self, prefix: str = "") -> Q:
        return self.where_of([*self.ids, *self.counties], prefix)

    def where_of(self, values: Sequence[int], prefix: str = "") -> Q:
        """The filter with ``values`` standing for ids then counties (as many of each as
        here, or their padded numbers in a compiled query's)."""
        if self.everyone:
            return Q()
        ids = values[: len(values) - len(self.counties)]
        counties = values[len(ids) :]
        q = Q(**{f"{prefix}id__in": ids})
        if counties:
            q |= Q(**{f"{prefix}parent_id__in": counties})
        return q

    def padded(self) -> tuple["_ReportAccess", list[int]]:
        """The same access with its keys padded (``padded``: a few compiled shapes, not
        one per number of memberships), and those keys as a compiled query's values."""
        ids = padded(self.ids) if self.ids else []
        counties = padded(self.counties) if self.counties else []
        return _ReportAccess(self.everyone, tuple(ids), tuple(counties)), [*ids, *counties]

    @property
    def shape(self) -> Hashable:
        return (self.everyone, len(self.ids), len(self.counties))


def _report_access(user: AnyUser) -> _ReportAccess:
    access = access_for(user)
    if access.is_superuser:
        return _ReportAccess(True, (), ())
    ids = {m.partnership_id for m in access.memberships if m.role in REPORT_ROLES}
    return _ReportAccess(False, tuple(sorted(ids)), tuple(sorted(access.county_admin_of)))


def _report_filter(user: AnyUser, prefix: str = "") -> Q:
    """Partnerships whose reports the user may read: executive, coordinator or county."""
    return _report_access(user).where(prefix)


def reads_reports(*, user: AnyUser) -> bool:
    """Whether the user may read some partnership's reports (from what access_for holds, no
    query): a list of them found empty by a name is then "none named so", not "none"."""
    access = access_for(user)
    return access.is_superuser or any(m.role in REPORT_ROLES for m in access.memberships)


# Partnerships the report list names at most (a county admin reads every district of the
# county, a service administrator every partnership): the rest are found by name.
PARTNERSHIP_LIST_SIZE = 20


def _named(name: str, prefix: str = "") -> Q:
    """Partnerships whose name or short name holds ``name`` (any case); all for ''."""
    if not name:
        return Q()
    return Q(**{f"{prefix}name__icontains": name}) | Q(**{f"{prefix}short_name__icontains": name})


def report_partnership_list(*, user: AnyUser, name: str = "") -> QuerySet[Partnership]:
    """Partnerships whose reports the user may read (named like ``name``), counties first."""
    return Partnership.objects.filter(_report_filter(user), _named(name)).order_by("kind", "name")


def report_partnership_first(*, user: AnyUser, name: str = "", limit: int) -> list[Partnership]:
    """The first ``limit`` of report_partnership_list. Unnamed, its query is compiled once
    per number of the user's keys (``compiled_objects``): the list is on every visit to
    the report list."""
    access = _report_access(user)
    if name or not (access.everyone or access.ids):
        return list(report_partnership_list(user=user, name=name)[:limit])
    access, values = access.padded()

    def build(keys: Sequence[int]) -> QuerySet[Partnership]:
        where = access.where_of(keys)
        return Partnership.objects.filter(where).order_by("kind", "name")[:limit]

    shape = ("report_partnership_first", access.shape, limit)
    return compiled_objects(shape, build, values, markers_like(values))


def partnership_get(*, user: AnyUser, slug: str) -> Partnership:
    """A partnership the user can see at all (so others' are a 404); DoesNotExist otherwise."""
    return (
        Partnership.objects.filter(access_for(user).partnership_filter())
        .select_related("parent")
        .get(slug=slug)
    )


_LATEST_ORDER = ("-financial_year", "-quarter", "partnership__name", "-revision")


def exception_report_list(*, user: AnyUser) -> QuerySet[ExceptionReport]:
    """Reports the user may read, without their (large) snapshots."""
    return (
        ExceptionReport.objects.filter(_report_filter(user, "partnership__"))
        .select_related("partnership")
        .defer("snapshot")
        .order_by(*_LATEST_ORDER)
    )


# Reports on one page of the report list.
REPORT_PAGE_SIZE = 50


def exception_report_latest_list(
    *, user: AnyUser, name: str = "", quarter: Quarter | None = None
) -> QuerySet[ExceptionReport]:
    """The latest revision of each partnership's report for each quarter, newest quarter
    first: earlier revisions are left out by the database, not read and dropped here. Only
    partnerships named like ``name`` and only ``quarter``, where given."""
    return _latest(exception_report_list(user=user), name=name, quarter=quarter)


def _latest(
    reports: QuerySet[ExceptionReport], *, name: str, quarter: Quarter | None
) -> QuerySet[ExceptionReport]:
    later = ExceptionReport.objects.filter(
        partnership_id=OuterRef("partnership_id"),
        financial_year=OuterRef("financial_year"),
        quarter=OuterRef("quarter"),
        revision__gt=OuterRef("revision"),
    )
    reports = reports.filter(~Exists(later), _named(name, "partnership__"))
    return reports.filter(**quarter.columns) if quarter else reports


class ReportRow(TypedDict):
    """A row of the report list, read as values (a page of 50 reports and their partnerships
    made into objects cost more than the rest of the page)."""

    pk: int
    partnership__short_name: str
    financial_year: int
    quarter: int
    revision: int
    status: str
    built_at: datetime | None


def exception_report_latest_page(
    *,
    user: AnyUser,
    number: int | str | None,
    name: str = "",
    quarter: Quarter | None = None,
    per_page: int = REPORT_PAGE_SIZE,
) -> Page[ReportRow]:
    """One page of exception_report_latest_list's rows (an unknown number is the nearest
    page). Unnamed, a page that has rows is read by a query compiled once per number of
    the user's keys, quarter and page (``compiled_rows``; with the list's total on each
    row, as page_get reads it); otherwise, and past the end, by page_get."""
    fields = list(ReportRow.__annotations__)
    access = _report_access(user)
    page = page_number(number)
    if not name and (access.everyone or access.ids):
        access, values = access.padded()

        def build(keys: Sequence[int]) -> QuerySet[Any]:
            reports = ExceptionReport.objects.filter(access.where_of(keys, "partnership__"))
            rows = _latest(reports, name="", quarter=quarter).order_by(*_LATEST_ORDER)
            counted = rows.values_list(*fields).annotate(total=Window(Count("pk")))
            return counted[(page - 1) * per_page : page * per_page]

        shape = ("exception_report_latest_page", access.shape, quarter, page, per_page)
        found = compiled_rows(shape, build, values, markers_like(values))
        if found:
            total = found[0][-1]
            return Page(
                [cast(ReportRow, dict(zip(fields, row, strict=False))) for row in found],
                page,
                CountedPaginator(found, per_page, total),
            )
    rows = exception_report_latest_list(user=user, name=name, quarter=quarter).values(*fields)
    return cast("Page[ReportRow]", page_get(cast(Any, rows), number=number, per_page=per_page))


def exception_report_get(*, user: AnyUser, pk: int) -> ExceptionReport:
    """One report of a partnership the user can see; DoesNotExist otherwise. Whether they
    may read it is a permission (plans/rules.py), so an officer gets a 403.

    Read by its key, by a query compiled once (``compiled_objects``: building and compiling
    it, with its partnership, county and requester, cost the report's page more than the
    rest of its Python), then held to what the user can see: its partnership is one they
    have a role in (``Access.role_in``, from the same memberships as
    ``Access.partnership_filter``), or it is not found."""
    keys = [int(pk)]
    found = compiled_objects(
        ("exception_report_get",),
        lambda k: (
            ExceptionReport.objects.filter(pk__in=k)
            .select_related("partnership__parent", "requested_by")
            .order_by()
        ),
        keys,
        markers_like(keys),
    )
    if not found or access_for(user).role_in(found[0].partnership) is None:
        raise ExceptionReport.DoesNotExist(f"No exception report {pk} that this person may see")
    return found[0]


def exception_report_revisions(*, report: ExceptionReport) -> list[ExceptionReport]:
    """Every revision of the report's quarter, latest first, without their snapshots: by a
    query compiled once (``compiled_objects``), as it is read with every report's page."""
    keys = [report.partnership_id, report.financial_year, report.quarter]

    def build(values: Sequence[int]) -> QuerySet[ExceptionReport]:
        partnership, financial_year, quarter = values
        return (
            ExceptionReport.objects.filter(
                partnership_id=partnership, financial_year=financial_year, quarter=quarter
            )
            .defer("snapshot")
            .order_by("-revision")
        )

    # Markers within a small integer's range for the year and quarter: the ORM finds no row
    # for a value outside its field's range, and so compiles no query to keep.
    markers = [markers_like(keys)[0], 32001, 32002]
    return compiled_objects(("exception_report_revisions",), build, keys, markers)


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
