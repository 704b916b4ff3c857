"""The performance pages (/performance/): a partnership's grants and indicators, a grant
with its pots at a glance, projects and bids, the Working Group's update table, an
indicator with its chart, values and the numbers reported in updates, and the exports."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from actions.models import StatusUpdate
from csp_tracker import clock
from performance import exports, selectors, services
from performance.forms import (
    BidDecisionForm,
    BidForm,
    FigureChoiceForm,
    GrantForm,
    IndicatorForm,
    IndicatorValueForm,
    ProjectForm,
    ProjectStatusForm,
    ReturnForm,
)
from performance.models import Bid, FundedProject, Grant, Indicator
from plans.models import Partnership

EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", exports.csv_bytes),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.xlsx_bytes,
    ),
}


T = TypeVar("T")


def _found(get: Callable[[], T], missing: type[Exception], what: str) -> T:
    """What the selector finds for this person, or a 404."""
    try:
        return get()
    except missing:
        raise Http404(f"No such {what}") from None


def _allowed(request: HttpRequest, perm: str, obj: Model) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _partnership(request: HttpRequest, slug: str) -> Partnership:
    user = _user(request)
    return _found(
        lambda: selectors.partnership_get(user=user, slug=slug),
        Partnership.DoesNotExist,
        "partnership",
    )


def _grant_page(request: HttpRequest, pk: int) -> selectors.GrantPage:
    user = _user(request)
    return _found(lambda: selectors.grant_page(user=user, pk=pk), Grant.DoesNotExist, "grant")


def _grant(request: HttpRequest, pk: int, perm: str = "performance.change_grant") -> Grant:
    grants = selectors.grant_queryset(user=request.user).select_related("partnership")
    grant = _found(lambda: grants.get(pk=pk), Grant.DoesNotExist, "grant")
    _allowed(request, perm, grant)
    return grant


def _project(request: HttpRequest, pk: int, perm: str) -> "selectors.ProjectWithStatus":
    user = _user(request)
    project = _found(
        lambda: selectors.project_get(user=user, pk=pk), FundedProject.DoesNotExist, "project"
    )
    _allowed(request, perm, project.grant)
    return project


def _indicator(request: HttpRequest, pk: int, perm: str) -> Indicator:
    user = _user(request)
    indicator = _found(
        lambda: selectors.indicator_get(user=user, pk=pk), Indicator.DoesNotExist, "indicator"
    )
    _allowed(request, perm, indicator)
    return indicator


def _user(request: HttpRequest) -> User:
    """The signed-in person (every page here is login_required)."""
    user = request.user
    assert isinstance(user, User)
    return user


def _form_errors(form: forms.Form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        target = field if field in form.fields else None
        for message in errors:
            form.add_error(target, message)


def _posted(request: HttpRequest) -> QueryDict | None:
    """The form's data on a POST, even an empty one (``request.POST or None`` would
    leave an empty POST unbound, with no errors shown)."""
    return request.POST if request.method == "POST" else None


STALE = (
    "Someone else changed this after you opened it. What is saved now is shown below; "
    "check it, then save yours again if it is still right."
)

FormT = TypeVar("FormT", bound=forms.Form)


def _again(
    form_class: type[FormT],
    request: HttpRequest,
    version: int,
    *,
    message: str = STALE,
    **kwargs: Any,
) -> FormT:
    """The form with what the person typed, on top of the version saved now, with the
    stale-edit error: saving again replaces the other person's change knowingly."""
    data = request.POST.copy()
    data["lock_version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, message)
    return form


class _Attempt:
    """How a service call went: saved, or stale (someone else saved first)."""

    saved = False
    stale = False


@contextmanager
def _attempt(
    form: forms.Form,
    *,
    refusals: Sequence[tuple[type[services.Refused], str | None]] = ((services.Refused, None),),
    stale: bool = False,
) -> Iterator[_Attempt]:
    """Runs the service call inside it. A refusal goes on the form, on the field
    ``refusals`` names for its kind (the first that fits; a kind not named is not
    caught), and so do a model's validation errors; a stale edit is caught only where
    the page handles one (``stale``)."""
    attempt = _Attempt()
    try:
        yield attempt
    except services.StaleEdit:
        if not stale:
            raise
        attempt.stale = True
    except services.Refused as refused:
        for kind, field in refusals:
            if isinstance(refused, kind):
                form.add_error(field, refused.message)
                break
        else:
            raise
    except ValidationError as error:
        _form_errors(form, error)
    else:
        attempt.saved = True


PROJECT_REFUSALS = [(services.OverCommitted, "amount_approved"), (services.Refused, None)]


# --- partnerships ---------------------------------------------------------------------


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    partnerships = selectors.partnership_list(user=request.user).annotate(
        grant_count=Count("grants", distinct=True),
        indicator_count=Count("indicators", distinct=True),
    )
    return render(request, "performance/index.html", {"partnerships": partnerships})


@login_required
@require_safe
def partnership(request: HttpRequest, slug: str) -> HttpResponse:
    found = _partnership(request, slug)
    return render(
        request,
        "performance/partnership.html",
        {
            "partnership": found,
            "grants": selectors.grant_list(partnership=found),
            "indicators": selectors.indicator_list(partnership=found),
            "can_edit": request.user.has_perm("performance.change_grant", found),
        },
    )


# --- grants ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def grant_add(request: HttpRequest, slug: str) -> HttpResponse:
    found = _partnership(request, slug)
    _allowed(request, "performance.change_grant", found)
    form = GrantForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        with _attempt(form, refusals=()) as attempt:
            grant = services.grant_create(partnership=found, data=form.to_data())
        if attempt.saved:
            messages.success(request, f"The {grant} was recorded")
            return redirect("performance:grant_detail", pk=grant.pk)
    return render(
        request, "performance/grant_form.html", {"form": form, "partnership": found, "grant": None}
    )


@login_required
@require_safe
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = _grant_page(request, pk)
    return render(
        request,
        "performance/grant_detail.html",
        {
            "page": page,
            "grant": page.grant,
            "money": page.money,
            "today": clock.today(),
            "can_edit": request.user.has_perm("performance.change_grant", page.grant),
        },
    )


@login_required
@require_safe
def grant_update_table(request: HttpRequest, pk: int) -> HttpResponse:
    """The Working Group's update: the grant, its split, and each project with its
    amount, status and update, as the meeting pack sets it out."""
    page = _grant_page(request, pk)
    return render(
        request,
        "performance/grant_update_table.html",
        {"page": page, "grant": page.grant, "money": page.money},
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    form = GrantForm(_posted(request), initial=GrantForm.initial_for(grant), editing=True)
    conflict = None
    if request.method == "POST" and form.is_valid():
        with _attempt(form, refusals=[(services.Refused, "amount")], stale=True) as attempt:
            services.grant_update(
                grant=grant,
                data=form.to_data(),
                expected_version=form.cleaned_data["lock_version"] or 0,
            )
        if attempt.stale:
            grant = _grant(request, pk)
            conflict = grant
            form = _again(GrantForm, request, grant.lock_version, editing=True)
        elif attempt.saved:
            messages.success(request, f"The {grant} was changed")
            return redirect("performance:grant_detail", pk=grant.pk)
    return render(
        request,
        "performance/grant_form.html",
        {"form": form, "partnership": grant.partnership, "grant": grant, "conflict": conflict},
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_return(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    page = selectors.grant_page_for(grant=grant)
    form = ReturnForm(
        _posted(request),
        initial={"amount": page.money.whole.left, "lock_version": grant.lock_version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_return_record(
                grant=grant,
                amount=form.cleaned_data["amount"],
                returned_on=form.cleaned_data["returned_on"],
                note=form.cleaned_data["note"].strip(),
                expected_version=form.cleaned_data["lock_version"],
            )
        except services.StaleEdit:
            form.add_error(None, STALE)
        except services.Refused as refused:
            form.add_error("amount", refused.message)
        else:
            messages.success(request, "The underspend returned was recorded")
            return redirect("performance:grant_detail", pk=grant.pk)
    return render(
        request,
        "performance/grant_return.html",
        {"form": form, "grant": grant, "money": page.money},
    )


@login_required
@require_safe
def projects_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_TYPES:
        raise Http404("No such format")
    page = _grant_page(request, pk)
    grant = page.grant
    content_type, write = EXPORT_TYPES[fmt]
    table = exports.projects_table(grant_label=str(grant), projects=page.projects, money=page.money)
    response = HttpResponse(write(table), content_type=content_type)
    name = f"{grant.partnership.slug}-{grant.name}-{grant.year_label}-projects".lower()
    name = "".join(c if c.isalnum() else "-" for c in name)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- projects -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def project_add(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    form = ProjectForm(_posted(request), grant=grant)
    if request.method == "POST" and form.is_valid():
        with _attempt(form, refusals=PROJECT_REFUSALS) as attempt:
            project = services.project_create(
                grant=grant,
                data=form.to_data(),
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"].strip(),
                user=_user(request),
            )
        if attempt.saved:
            messages.success(request, f"{project.title} was added")
            return redirect("performance:grant_detail", pk=grant.pk)
    return render(
        request, "performance/project_form.html", {"form": form, "grant": grant, "project": None}
    )


@login_required
@require_safe
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "performance.view_grant")
    page = selectors.grant_page_for(grant=project.grant)
    return render(
        request,
        "performance/project_detail.html",
        {
            "project": project,
            "grant": project.grant,
            "share": page.money.projects[project.pk],
            "bids": [b for b in page.bids if b.project_id == project.pk],
            "history": selectors.project_history(project=project),
            "can_edit": request.user.has_perm("performance.change_grant", project.grant),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "performance.change_grant")
    grant = project.grant
    form = ProjectForm(
        _posted(request),
        grant=grant,
        project=project,
        initial=ProjectForm.initial_for(project),
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        with _attempt(form, refusals=PROJECT_REFUSALS, stale=True) as attempt:
            services.project_update(
                project=project,
                data=form.to_data(),
                expected_version=form.cleaned_data["lock_version"] or 0,
            )
        if attempt.stale:
            project = _project(request, pk, "performance.change_grant")
            conflict = project
            form = _again(ProjectForm, request, project.lock_version, grant=grant, project=project)
        elif attempt.saved:
            messages.success(request, f"{project.title} was changed")
            return redirect("performance:project_detail", pk=project.pk)
    return render(
        request,
        "performance/project_form.html",
        {"form": form, "grant": grant, "project": project, "conflict": conflict},
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_status(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "performance.change_grant")
    form = ProjectStatusForm(
        _posted(request),
        initial={"status": project.current_status, "lock_version": project.lock_version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_status_record(
                project=project,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"].strip(),
                user=_user(request),
                expected_version=form.cleaned_data["lock_version"],
            )
        except services.OverCommitted as refused:
            form.add_error("status", refused.message)
        except services.StaleEdit:
            project = _project(request, pk, "performance.change_grant")
            form = _again(
                ProjectStatusForm,
                request,
                project.lock_version,
                message="Someone else changed this project after you opened it: its status "
                "now is shown below. Save again if yours is still right.",
            )
        else:
            messages.success(request, f"The status of {project.title} was saved")
            return redirect("performance:project_detail", pk=project.pk)
    return render(request, "performance/project_status.html", {"form": form, "project": project})


# --- bids -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def bid_add(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    page = selectors.grant_page_for(grant=grant)
    form = BidForm(_posted(request), grant=grant, initial={"submitted_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        refusals = [(services.PotClosed, "submitted_on"), (services.Refused, None)]
        with _attempt(form, refusals=refusals) as attempt:
            bid = services.bid_submit(grant=grant, data=form.to_data())
        if attempt.saved:
            messages.success(request, f"The bid “{bid.title}” was recorded")
            return redirect("performance:grant_detail", pk=grant.pk)
    return render(
        request,
        "performance/bid_form.html",
        {"form": form, "grant": grant, "money": page.money},
    )


@login_required
@require_http_methods(["GET", "POST"])
def bid_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    bid = _found(lambda: selectors.bid_get(user=user, pk=pk), Bid.DoesNotExist, "bid")
    _allowed(request, "performance.change_grant", bid.grant)
    page = selectors.grant_page_for(grant=bid.grant)
    form = BidDecisionForm(_posted(request), initial={"decided_on": clock.today()})
    if bid.status != Bid.Decision.PENDING:
        messages.info(request, f"This bid was {bid.get_status_display().lower()} already")
        return redirect("performance:grant_detail", pk=bid.grant_id)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.bid_decide(
                bid=bid,
                approve=approve,
                user=_user(request),
                decided_on=form.cleaned_data["decided_on"],
                note=form.cleaned_data["note"].strip(),
            )
        except services.OverCommitted as refused:
            form.add_error("decision", refused.message)
        except services.AlreadyDecided as refused:
            messages.info(request, refused.message)
            return redirect("performance:grant_detail", pk=bid.grant_id)
        else:
            messages.success(
                request, f"The bid “{bid.title}” was {'approved' if approve else 'declined'}"
            )
            return redirect("performance:grant_detail", pk=bid.grant_id)
    return render(
        request,
        "performance/bid_decide.html",
        {"form": form, "bid": bid, "grant": bid.grant, "money": page.money},
    )


# --- indicators -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def indicator_add(request: HttpRequest, slug: str) -> HttpResponse:
    found = _partnership(request, slug)
    _allowed(request, "performance.change_indicator", found)
    form = IndicatorForm(_posted(request), partnership=found)
    if request.method == "POST" and form.is_valid():
        with _attempt(form) as attempt:
            indicator = services.indicator_create(partnership=found, data=form.to_data())
        if attempt.saved:
            messages.success(request, f"The indicator “{indicator.name}” was added")
            return redirect("performance:indicator_detail", pk=indicator.pk)
    return render(
        request,
        "performance/indicator_form.html",
        {"form": form, "partnership": found, "indicator": None},
    )


@login_required
@require_safe
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk, "performance.view_indicator")
    series = selectors.indicator_page_series(indicator=indicator)
    can_edit = request.user.has_perm("performance.change_indicator", indicator)
    return render(
        request,
        "performance/indicator_detail.html",
        {
            "indicator": indicator,
            "series": series,
            "rows": list(reversed(series.rows)),
            "figures": selectors.reported_figures(indicator=indicator, series=series)
            if can_edit
            else [],
            "can_edit": can_edit,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk, "performance.change_indicator")
    form = IndicatorForm(
        _posted(request),
        partnership=indicator.partnership,
        indicator=indicator,
        initial=IndicatorForm.initial_for(indicator),
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        refusals = [(services.Refused, "frequency")]
        with _attempt(form, refusals=refusals, stale=True) as attempt:
            services.indicator_update(
                indicator=indicator,
                data=form.to_data(),
                expected_version=form.cleaned_data["lock_version"] or 0,
            )
        if attempt.stale:
            indicator = _indicator(request, pk, "performance.change_indicator")
            conflict = indicator
            form = _again(
                IndicatorForm,
                request,
                indicator.lock_version,
                partnership=indicator.partnership,
                indicator=indicator,
            )
        elif attempt.saved:
            messages.success(request, f"The indicator “{indicator.name}” was changed")
            return redirect("performance:indicator_detail", pk=indicator.pk)
    return render(
        request,
        "performance/indicator_form.html",
        {
            "form": form,
            "partnership": indicator.partnership,
            "indicator": indicator,
            "conflict": conflict,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def value_add(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk, "performance.change_indicator")
    series = selectors.indicator_page_series(indicator=indicator)
    recorded = {row.period for row in series.rows if row.current is not None}
    form = IndicatorValueForm(_posted(request), indicator=indicator, recorded=recorded)
    if request.method == "POST" and form.is_valid():
        period = form.cleaned_data["period"]
        services.indicator_value_record(
            indicator=indicator,
            period=period,
            value=form.cleaned_data["value"],
            note=form.cleaned_data["note"].strip(),
            user=_user(request),
        )
        messages.success(request, f"The value for {period.label} was saved")
        return redirect("performance:indicator_detail", pk=indicator.pk)
    return render(request, "performance/value_form.html", {"form": form, "indicator": indicator})


@login_required
def value_from_update(request: HttpRequest, pk: int) -> HttpResponse:
    """A POST form on the indicator page; checked after the lookup, so another
    partnership's indicator is a 404."""
    indicator = _indicator(request, pk, "performance.view_indicator")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _allowed(request, "performance.change_indicator", indicator)
    form = FigureChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a number reported in an update")
        return redirect("performance:indicator_detail", pk=indicator.pk)
    update_id, index = form.choice()
    update = (
        StatusUpdate.objects.filter(action__in=indicator.actions.all())
        .select_related("action")
        .filter(pk=update_id)
        .first()
    )
    if update is None:
        messages.error(request, "Choose a number reported in an update of a linked action")
        return redirect("performance:indicator_detail", pk=indicator.pk)
    try:
        value = services.indicator_value_from_update(
            indicator=indicator, update=update, index=index, user=_user(request)
        )
    except services.Refused as refused:
        messages.error(request, refused.message)
    else:
        period = indicator.period(value.financial_year, value.period)
        messages.success(request, f"The reported number was saved as the value for {period.label}")
    return redirect("performance:indicator_detail", pk=indicator.pk)


@login_required
@require_safe
def values_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_TYPES:
        raise Http404("No such format")
    found = _partnership(request, slug)
    indicators = list(
        Indicator.objects.filter(partnership=found)
        .prefetch_related(selectors.values_prefetch())
        .order_by("order", "name")
    )
    content_type, write = EXPORT_TYPES[fmt]
    response = HttpResponse(
        write(exports.indicator_values_table(indicators=indicators)), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{found.slug}-indicator-values.{fmt}"'
    return response
