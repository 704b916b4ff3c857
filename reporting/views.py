from functools import lru_cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods, require_safe

from accounts.types import AuthenticatedHttpRequest
from csp_tracker import clock
from csp_tracker.http import post_only, posted_data, visible_or_404
from csp_tracker.periods import Quarter
from csp_tracker.reversing import url_maker
from csp_tracker.rows import escaped_texts, row_template, row_templates
from csp_tracker.storage import file_download
from csp_tracker.templatetags.gds import local_datetime_writer
from jobs.idempotency import key_from
from jobs.selectors import job_for_task
from plans.models import Partnership
from reporting import calendars, reminders, selectors, services, snapshot
from reporting.forms import CalendarForm, UpdateRequestForm
from reporting.models import ExceptionReport


def _get_partnership(request: HttpRequest, slug: str, perm: str | None = None) -> Partnership:
    """The partnership of the URL: a 404 if the user cannot see it, a 403 if they can but
    lack ``perm`` on it."""
    return visible_or_404(request, selectors.partnership_get, Partnership, perm=perm, slug=slug)


def _get_report(request: HttpRequest, pk: int, perm: str | None) -> ExceptionReport:
    return visible_or_404(
        request, selectors.exception_report_get, ExceptionReport, perm=perm, pk=pk
    )


# Quarters the report list's filter offers: the current one and the seven before it.
FILTER_QUARTERS = 8


def _quarter_chosen(request: HttpRequest) -> Quarter | None:
    """The quarter of ``?quarter=2023-q3`` (None for none, with a message for nonsense)."""
    chosen = request.GET.get("quarter", "")
    if not chosen:
        return None
    try:
        return Quarter.parse(chosen)
    except ValueError:
        messages.error(request, "Choose a quarter from the list")
        return None


@login_required
@require_safe
def report_index(request: HttpRequest) -> HttpResponse:
    """The latest reports a page at a time, and a bounded list of partnerships: both found
    by a partnership's name and a quarter (a county admin reads every district's)."""
    name = request.GET.get("partnership", "").strip()[:100]
    quarter = _quarter_chosen(request)
    size = selectors.PARTNERSHIP_LIST_SIZE
    partnerships = selectors.report_partnership_first(user=request.user, name=name, limit=size + 1)
    more = len(partnerships) > size
    del partnerships[size:]
    # Only a county partnership has a county view (plans.rules.is_county_partnership_team),
    # but a service administrator has every permission: the permission is asked of those
    # alone, not of every district listed (each ask is some sixty calls).
    superuser = request.user.is_superuser
    counties = [
        p
        for p in partnerships
        if (superuser or p.kind == Partnership.Kind.COUNTY)
        and request.user.has_perm("reporting.view_county_overview", p)
    ]
    page = selectors.exception_report_latest_page(
        user=request.user, number=request.GET.get("page"), name=name, quarter=quarter
    )
    filters = {"partnership": name, "quarter": quarter.slug if quarter else ""}
    return render(
        request,
        "reporting/index.html",
        {
            "page": page,
            "report_rows": _report_rows(page),
            "partnership_items": _partnership_items(partnerships),
            "more_partnerships": more,
            "reads_reports": bool(partnerships)
            or (bool(name) and selectors.reads_reports(user=request.user)),
            "counties": counties,
            "name": name,
            "quarter_options": _quarter_options(
                _quarters_back(clock.current_quarter(), FILTER_QUARTERS), quarter
            ),
            "filtered": bool(name or quarter),
            "query": urlencode({k: v for k, v in filters.items() if v}),
        },
    )


# The report list's rows, partnerships and quarters are each written from a template rendered
# once per process with markers for its values (csp_tracker.rows.row_template), their texts
# escaped at once (escaped_texts): fifty rows of a template's variables, tags and include
# cost more than the rest of the page, and the rows' times, links and labels as many again.


@lru_cache(maxsize=16)  # a handful of statuses, on every row of every list
def _status_tag(status: str) -> SafeString:
    """A report's status tag (report_status.html), rendered once per process."""
    return SafeString(
        render_to_string("reporting/includes/report_status.html", {"r": {"status": status}})
    )


def _report_rows(page: Page[selectors.ReportRow]) -> SafeString:
    """The rows of the report list's page: each report's link (its URL pattern reversed
    once per process, url_maker), label, revision, status tag (rendered once for each
    status) and when it was built."""
    report_url = url_maker("reporting:detail")
    written_at = local_datetime_writer()
    labels: dict[tuple[int, int], str] = {}
    texts: list[str] = []
    rows = page.object_list
    for row in rows:
        key = (row["financial_year"], row["quarter"])
        label = labels.get(key)
        if label is None:
            label = labels[key] = str(Quarter(*key))
        built_at = row["built_at"]
        texts += (
            report_url(row["pk"]),
            f"{row['partnership__short_name']} {label}",
            written_at(built_at) if built_at else "Not built yet",
        )
    texts = escaped_texts(texts)
    values = []
    for n, row in enumerate(rows):
        status, revision = row["status"], row["revision"]
        tag = _status_tag(status)
        # The revision's number is an int: as it is, escaped.
        note = f'<span class="govuk-body-s">(revision {revision:d})</span>' if revision > 1 else ""
        values.append((texts[3 * n], texts[3 * n + 1], note, tag, texts[3 * n + 2]))
    report_row = row_template(
        "reporting/includes/report_row.html", {}, ("url", "label", "revision", "status", "built")
    )
    return SafeString(report_row.write_rows(values))


def _partnership_items(partnerships: list[Partnership]) -> list[SafeString]:
    """Each partnership of the list as its item: its link to its reports and its name."""
    partnership_url = url_maker("reporting:partnership", "slug")
    texts = escaped_texts([t for p in partnerships for t in (partnership_url(p.slug), p.name)])
    item = row_template("reporting/includes/partnership_item.html", {}, ("url", "name"))
    return item.each(zip(texts[::2], texts[1::2], strict=True))


def _quarter_options(quarters: list[Quarter], chosen: Quarter | None) -> list[SafeString]:
    """Each quarter of the filter as its option, the chosen one selected."""
    texts = escaped_texts([t for q in quarters for t in (q.slug, str(q))])
    option = row_template(
        "reporting/includes/quarter_option.html", {}, ("slug", "selected", "label")
    )
    return option.each(
        (slug, "selected" if quarter == chosen else "", label)
        for quarter, slug, label in zip(quarters, texts[::2], texts[1::2], strict=True)
    )


def _quarters_back(last: Quarter, n: int) -> list[Quarter]:
    """``last`` and the ``n - 1`` quarters before it, newest first."""
    quarters = [last]
    while len(quarters) < n:
        quarters.append(quarters[-1].previous)
    return quarters


@login_required
@require_safe
def partnership_reports(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _get_partnership(request, slug, "reporting.view_exceptionreport")
    page, reports = selectors.partnership_report_quarters(
        partnership=partnership, number=request.GET.get("page")
    )
    quarters: dict[tuple[int, int], list[ExceptionReport]] = {}
    for report in reports:
        quarters.setdefault((report.financial_year, report.quarter), []).append(report)
    can_build = request.user.has_perm("reporting.add_exceptionreport", partnership)
    return render(
        request,
        "reporting/partnership.html",
        {
            "partnership": partnership,
            "quarters": [(Quarter(*key), items) for key, items in quarters.items()],
            "page": page,
            "current_quarter": clock.current_quarter(),
            "can_build": can_build,
            # The coordinators act on emails that could not be sent.
            "emails": selectors.email_trouble(partnership=partnership) if can_build else None,
        },
    )


@login_required
def report_build(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Build now: the current quarter's report, in the background."""
    partnership = _get_partnership(request, slug)
    if refused := post_only(request, "reporting.add_exceptionreport", partnership):
        return refused
    report = services.exception_report_request(
        partnership=partnership,
        quarter=clock.current_quarter(),
        requested_by=request.user,
        request_key=key_from(request.POST),
    )
    return redirect("reporting:detail", pk=report.pk)


@login_required
def report_rebuild(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Try again (after a failure) or build again: a new revision of the same quarter."""
    report = _get_report(request, pk, None)
    if refused := post_only(request, "reporting.add_exceptionreport", report):
        return refused
    new = services.exception_report_rebuild(
        report=report, requested_by=request.user, request_key=key_from(request.POST)
    )
    return redirect("reporting:detail", pk=new.pk)


@login_required
@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report(request, pk, "reporting.view_exceptionreport")
    revisions = selectors.exception_report_revisions(report=report)
    latest_ready = next(
        (r for r in revisions if r.status == ExceptionReport.Status.READY and r.pk != report.pk),
        None,
    )
    return render(
        request,
        "reporting/detail.html",
        {
            "report": report,
            "snapshot": report.snapshot,
            "revision_rows": _revision_rows(revisions, report),
            "newer_ready": latest_ready
            if latest_ready and latest_ready.revision > report.revision
            else None,
            "can_build": request.user.has_perm("reporting.add_exceptionreport", report),
            "job": job_for_task(task_id=report.task_id) if report.in_progress else None,
        },
    )


def _revision_rows(revisions: list[ExceptionReport], report: ExceptionReport) -> list[SafeString]:
    """The rows of the revisions of ``report``'s quarter, each written from its template
    rendered once per process (row_template; ``report``'s own without its link): the
    revision's number, link, status tag (rendered once for each status) and when it was
    built."""
    report_url = url_maker("reporting:detail")
    written_at = local_datetime_writer()
    texts = escaped_texts(
        [
            text
            for r in revisions
            for text in (report_url(r.pk), written_at(r.built_at) if r.built_at else "Not built")
        ]
    )
    revision_row = row_templates(
        "reporting/includes/revision_row.html", ("number", "url", "status", "built")
    )
    rows = []
    for n, r in enumerate(revisions):
        row = revision_row({"this_page": r.pk == report.pk})
        values = (str(r.revision), texts[2 * n], _status_tag(r.status), texts[2 * n + 1])
        rows.extend(row.each([values]))
    return rows


@login_required
@require_safe
def report_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress region alone, for the page's script to poll."""
    report = _get_report(request, pk, "reporting.view_exceptionreport")
    return render(
        request,
        "reporting/_progress.html",
        {
            "report": report,
            "fragment": True,
            "job": job_for_task(task_id=report.task_id) if report.in_progress else None,
        },
    )


@login_required
@require_safe
def report_pdf(request: HttpRequest, pk: int) -> FileResponse:
    report = _get_report(request, pk, "reporting.view_exceptionreport")
    if report.status != ExceptionReport.Status.READY or not report.pdf:
        raise Http404("This report has no PDF yet")
    quarter = report.quarter_obj
    filename = (
        f"{report.partnership.slug}-exception-report-{quarter.year_label.replace('/', '-')}-"
        f"q{quarter.number}-revision-{report.revision}.pdf"
    )
    response = file_download(report.pdf, filename=filename, content_type="application/pdf")
    response["ETag"] = f'"{report.pdf_sha256}"'
    return response


@login_required
@require_safe
def county_overview(request: HttpRequest, slug: str) -> HttpResponse:
    county = _get_partnership(request, slug)
    if not request.user.has_perm("reporting.view_county_overview", county):
        raise Http404("No county view for this partnership")
    quarters = selectors.county_quarters(county=county)
    quarter = quarters[0] if quarters else clock.current_quarter().previous
    chosen = request.GET.get("quarter")
    if chosen:
        try:
            quarter = Quarter.parse(chosen)
        except ValueError:
            messages.error(request, "Choose a quarter from the list")
    return render(
        request,
        "reporting/county.html",
        {
            "county": county,
            "quarter": quarter,
            "quarters": quarters,
            "rows": selectors.county_overview(county=county, quarter=quarter),
            "buckets": snapshot.BUCKETS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The partnership's reporting calendar, and the dates it gives this year and next."""
    partnership = _get_partnership(request, slug, "reporting.change_reportingcalendar")
    calendar = selectors.calendar_get(partnership=partnership)
    form = CalendarForm(
        posted_data(request),
        initial=CalendarForm.initial_for(calendar, sign_off=partnership.updates_need_sign_off),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.calendar_save(
                partnership=partnership, data=form.data_for_service(), user=request.user
            )
        except ValidationError as refused:
            form.add_service_errors(refused)
        else:
            messages.success(request, f"The reporting calendar of {partnership.name} was saved")
            return redirect("reporting:calendar", slug=partnership.slug)
    rules = (
        calendars.CalendarRules.of(calendar, calendar.dates.all())
        if calendar is not None
        else calendars.DEFAULT
    )
    year = clock.current_quarter().financial_year
    return render(
        request,
        "reporting/calendar.html",
        {
            "partnership": partnership,
            "form": form,
            "rounds": [
                r for fy in (year, year + 1) for r in calendars.rounds(rules, financial_year=fy)
            ],
            "unbuilt_meetings": calendars.meetings_without_a_round(rules),
        },
    )


@login_required
@require_safe
def missing_updates(request: HttpRequest, slug: str) -> HttpResponse:
    """Who has not updated for the partnership's current round, by lead, with "Chase now"."""
    partnership = _get_partnership(request, slug, "reporting.add_updatereminder")
    due_round, leads = reminders.missing_updates_due(partnership=partnership, day=clock.today())
    return render(
        request,
        "reporting/missing.html",
        {"partnership": partnership, "round": due_round, "leads": leads},
    )


@login_required
def missing_chase(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Chase now: one lead's officers (``agency``) or every lead's."""
    partnership = _get_partnership(request, slug)
    if refused := post_only(request, "reporting.add_updatereminder", partnership):
        return refused
    agency = request.POST.get("agency", "")
    if agency and not agency.isdigit():
        raise Http404("No such lead")
    result = services.missing_updates_chase(
        partnership=partnership, agency_id=int(agency) if agency else None, by=request.user
    )
    if result.emailed:
        count = len(result.emailed)
        messages.success(request, f"Chased {count} {'person' if count == 1 else 'people'}")
    if result.already_today:
        messages.info(
            request,
            "Already emailed today, so not emailed again: " + ", ".join(result.already_today),
        )
    if result.nobody_to_chase:
        messages.info(
            request,
            "Nobody has an account to chase at: " + ", ".join(result.nobody_to_chase),
        )
    if not (result.emailed or result.already_today or result.nobody_to_chase):
        messages.info(request, "Nobody owes an update: nobody was chased")
    return redirect("reporting:missing", slug=partnership.slug)


@login_required
@require_http_methods(["GET", "POST"])
def update_request_send(request: AuthenticatedHttpRequest, slug: str, agency: int) -> HttpResponse:
    """Send a lead's contact without an account a link for the actions they still owe."""
    partnership = _get_partnership(request, slug, "reporting.add_updatereminder")
    due_round, leads = reminders.missing_updates_due(partnership=partnership, day=clock.today())
    lead = next((lead for lead in leads if lead.agency.pk == agency), None)
    if lead is None:
        raise Http404("This lead owes no update")
    form = UpdateRequestForm(
        posted_data(request),
        actions=lead.actions,
        initial={"actions": [str(a.pk) for a in lead.actions]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_request_send(
                partnership=partnership,
                agency=lead.agency,
                contact_name=form.cleaned_data["contact_name"],
                contact_email=form.cleaned_data["contact_email"],
                actions=form.chosen(),
                by=request.user,
            )
        except ValidationError as refused:
            form.add_service_errors(refused)
        else:
            messages.success(
                request,
                f"An update request was sent to {form.cleaned_data['contact_email']}",
            )
            return redirect("reporting:missing", slug=partnership.slug)
    return render(
        request,
        "reporting/update_request_form.html",
        {"partnership": partnership, "lead": lead, "form": form, "round": due_round},
    )
