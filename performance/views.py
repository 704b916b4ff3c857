"""The performance pages (/performance/): a partnership's grants and indicators, a grant
with its pots at a glance, projects and bids, the Working Group's update table, an
indicator with its chart, values and the numbers reported in updates, and the exports."""

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe
from django.views.generic import FormView

from accounts.models import User
from actions.models import StatusUpdate
from csp_tracker import clock
from csp_tracker.http import (
    found_or_404,
    permitted_or_404,
    post_only,
    posted_data,
    require_perm,
    visible_or_404,
)
from csp_tracker.service_errors import service_errors_to_form
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


def _partnership(request: HttpRequest, slug: str) -> Partnership:
    return visible_or_404(request, selectors.partnership_get, Partnership, slug=slug)


def _grant_page(request: HttpRequest, pk: int) -> selectors.GrantPage:
    user = _user(request)
    return found_or_404(lambda: selectors.grant_page(user=user, pk=pk), Grant.DoesNotExist, "grant")


def _grant(request: HttpRequest, pk: int, perm: str = "performance.change_grant") -> Grant:
    grants = selectors.grant_queryset(user=request.user).select_related("partnership")
    grant = permitted_or_404(request, perm, lambda: grants.get(pk=pk), Grant.DoesNotExist, "grant")
    return grant


def _project(request: HttpRequest, pk: int, perm: str) -> "selectors.ProjectWithStatus":
    project = visible_or_404(request, selectors.project_get, FundedProject, pk=pk)
    require_perm(request, perm, project.grant)
    return project


def _indicator(request: HttpRequest, pk: int, perm: str) -> Indicator:
    user = _user(request)
    indicator = permitted_or_404(
        request,
        perm,
        lambda: selectors.indicator_get(user=user, pk=pk),
        Indicator.DoesNotExist,
        "indicator",
    )
    return indicator


def _user(request: HttpRequest) -> User:
    """The signed-in person (every page here is login_required)."""
    user = request.user
    assert isinstance(user, User)
    return user


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
        service_errors_to_form(form, error)
    else:
        attempt.saved = True


PROJECT_REFUSALS = [(services.OverCommitted, "amount_approved"), (services.Refused, None)]


class _ServiceFormView(LoginRequiredMixin, FormView, Generic[FormT], ABC):
    """A page with one form whose data a service saves. What the page is about is
    found from the URL first (``load``: another partnership's is a 404, a person who
    may not change it is refused). ``save`` calls the service and says where to go
    next; what the service refuses goes on the form, on the field ``refusals`` names
    for its kind, and so do a model's validation errors. Where the page carries a
    version (``stale``), an edit someone else saved first shows the form again on top
    of what is saved now."""

    http_method_names = ["get", "post"]
    refusals: Sequence[tuple[type[services.Refused], str | None]] = ((services.Refused, None),)
    stale = False

    @abstractmethod
    def load(self) -> None:
        """Find the records the page is about, on ``self``."""

    def form_args(self) -> dict[str, Any]:
        """The form's own keyword arguments, beyond its data and initial values."""
        return {}

    @abstractmethod
    def save(self, form: FormT) -> HttpResponse:
        """Call the service; say what was saved and where to go next."""

    def again(self, form: FormT) -> FormT:
        """The form to show after a stale edit (only a page with ``stale`` has one: the
        posted form, unless the page shows it over what is saved now)."""
        return form

    def page(self) -> dict[str, Any]:
        """What the template shows beside the form."""
        return {}

    @property
    def user(self) -> User:
        return _user(self.request)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.load()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | self.form_args()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | self.page()

    def form_valid(self, form: FormT) -> HttpResponse:
        with _attempt(form, refusals=self.refusals, stale=self.stale) as attempt:
            done = self.save(form)
        if attempt.saved:
            return done
        if attempt.stale:
            form = self.again(form)
        return self.form_invalid(form)


class _ChangeView(_ServiceFormView[FormT]):
    """Changes a record that carries a ``lock_version``: after a stale edit the page
    shows what is saved now (``conflict``) and the form again with what the person
    typed, over the version saved now."""

    stale = True
    record: Grant | FundedProject | Indicator
    conflict: Model | None = None

    def again(self, form: FormT) -> FormT:
        self.load()
        self.conflict = self.record
        return _again(
            self.get_form_class(), self.request, self.record.lock_version, **self.form_args()
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"conflict": self.conflict}


def _version(form: forms.Form) -> int:
    """The version the person opened the record at (0: not sent, so surely stale)."""
    return form.cleaned_data["lock_version"] or 0


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


class GrantAdd(_ServiceFormView[GrantForm]):
    form_class = GrantForm
    template_name = "performance/grant_form.html"
    refusals = ()

    def load(self) -> None:
        self.partnership = _partnership(self.request, self.kwargs["slug"])
        require_perm(self.request, "performance.change_grant", self.partnership)

    def save(self, form: GrantForm) -> HttpResponse:
        grant = services.grant_create(partnership=self.partnership, data=form.to_data())
        messages.success(self.request, f"The {grant} was recorded")
        return redirect("performance:grant_detail", pk=grant.pk)

    def page(self) -> dict[str, Any]:
        return {"partnership": self.partnership, "grant": None, "title": "Record a grant"}


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


class GrantEdit(_ChangeView[GrantForm]):
    form_class = GrantForm
    template_name = "performance/grant_form.html"
    refusals = [(services.Refused, "amount")]
    record: Grant

    def load(self) -> None:
        self.record = _grant(self.request, self.kwargs["pk"])

    def form_args(self) -> dict[str, Any]:
        return {"editing": True}

    def get_initial(self) -> dict[str, Any]:
        return GrantForm.initial_for(self.record)

    def save(self, form: GrantForm) -> HttpResponse:
        grant = self.record
        services.grant_update(grant=grant, data=form.to_data(), expected_version=_version(form))
        messages.success(self.request, f"The {grant} was changed")
        return redirect("performance:grant_detail", pk=grant.pk)

    def page(self) -> dict[str, Any]:
        grant = self.record
        return {"partnership": grant.partnership, "grant": grant, "title": f"Change the {grant}"}


class GrantReturn(_ServiceFormView[ReturnForm]):
    form_class = ReturnForm
    template_name = "performance/grant_return.html"
    refusals = [(services.Refused, "amount")]
    stale = True

    def load(self) -> None:
        self.grant = _grant(self.request, self.kwargs["pk"])
        self.money = selectors.grant_page_for(grant=self.grant).money

    def get_initial(self) -> dict[str, Any]:
        return {"amount": self.money.whole.left, "lock_version": self.grant.lock_version}

    def save(self, form: ReturnForm) -> HttpResponse:
        d = form.cleaned_data
        services.grant_return_record(
            grant=self.grant,
            amount=d["amount"],
            returned_on=d["returned_on"],
            note=d["note"].strip(),
            expected_version=_version(form),
        )
        messages.success(self.request, "The underspend returned was recorded")
        return redirect("performance:grant_detail", pk=self.grant.pk)

    def again(self, form: ReturnForm) -> ReturnForm:
        form.add_error(None, STALE)
        return form

    def page(self) -> dict[str, Any]:
        return {"grant": self.grant, "money": self.money}


def _download(table: exports.Table, *, fmt: str, name: str) -> HttpResponse:
    """The table as a file to download, in the format the URL names."""
    if fmt not in EXPORT_TYPES:
        raise Http404("No such format")
    content_type, write = EXPORT_TYPES[fmt]
    response = HttpResponse(write(table), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_safe
def projects_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    page = _grant_page(request, pk)
    grant = page.grant
    table = exports.projects_table(grant_label=str(grant), projects=page.projects, money=page.money)
    name = f"{grant.partnership.slug}-{grant.name}-{grant.year_label}-projects".lower()
    return _download(table, fmt=fmt, name="".join(c if c.isalnum() else "-" for c in name))


# --- projects -------------------------------------------------------------------------


class ProjectAdd(_ServiceFormView[ProjectForm]):
    form_class = ProjectForm
    template_name = "performance/project_form.html"
    refusals = PROJECT_REFUSALS

    def load(self) -> None:
        self.grant = _grant(self.request, self.kwargs["pk"])

    def form_args(self) -> dict[str, Any]:
        return {"grant": self.grant}

    def save(self, form: ProjectForm) -> HttpResponse:
        project = services.project_create(
            grant=self.grant,
            data=form.to_data(),
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"].strip(),
            user=self.user,
        )
        messages.success(self.request, f"{project.title} was added")
        return redirect("performance:grant_detail", pk=self.grant.pk)

    def page(self) -> dict[str, Any]:
        return {"grant": self.grant, "project": None, "title": "Add a project"}


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


class ProjectEdit(_ChangeView[ProjectForm]):
    form_class = ProjectForm
    template_name = "performance/project_form.html"
    refusals = PROJECT_REFUSALS
    record: "selectors.ProjectWithStatus"

    def load(self) -> None:
        self.record = _project(self.request, self.kwargs["pk"], "performance.change_grant")

    def form_args(self) -> dict[str, Any]:
        return {"grant": self.record.grant, "project": self.record}

    def get_initial(self) -> dict[str, Any]:
        return ProjectForm.initial_for(self.record)

    def save(self, form: ProjectForm) -> HttpResponse:
        project = self.record
        services.project_update(
            project=project, data=form.to_data(), expected_version=_version(form)
        )
        messages.success(self.request, f"{project.title} was changed")
        return redirect("performance:project_detail", pk=project.pk)

    def page(self) -> dict[str, Any]:
        project = self.record
        return {"grant": project.grant, "project": project, "title": f"Change {project.title}"}


class ProjectStatusChange(_ServiceFormView[ProjectStatusForm]):
    form_class = ProjectStatusForm
    template_name = "performance/project_status.html"
    refusals = [(services.OverCommitted, "status")]
    stale = True

    def load(self) -> None:
        self.project = _project(self.request, self.kwargs["pk"], "performance.change_grant")

    def get_initial(self) -> dict[str, Any]:
        return {"status": self.project.current_status, "lock_version": self.project.lock_version}

    def save(self, form: ProjectStatusForm) -> HttpResponse:
        services.project_status_record(
            project=self.project,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"].strip(),
            user=self.user,
            expected_version=_version(form),
        )
        messages.success(self.request, f"The status of {self.project.title} was saved")
        return redirect("performance:project_detail", pk=self.project.pk)

    def again(self, form: ProjectStatusForm) -> ProjectStatusForm:
        self.load()
        return _again(
            ProjectStatusForm,
            self.request,
            self.project.lock_version,
            message="Someone else changed this project after you opened it: its status "
            "now is shown below. Save again if yours is still right.",
        )

    def page(self) -> dict[str, Any]:
        return {"project": self.project}


# --- bids -----------------------------------------------------------------------------


class BidAdd(_ServiceFormView[BidForm]):
    form_class = BidForm
    template_name = "performance/bid_form.html"
    refusals = [(services.PotClosed, "submitted_on"), (services.Refused, None)]

    def load(self) -> None:
        self.grant = _grant(self.request, self.kwargs["pk"])
        self.money = selectors.grant_page_for(grant=self.grant).money

    def form_args(self) -> dict[str, Any]:
        return {"grant": self.grant}

    def get_initial(self) -> dict[str, Any]:
        return {"submitted_on": clock.today()}

    def save(self, form: BidForm) -> HttpResponse:
        bid = services.bid_submit(grant=self.grant, data=form.to_data())
        messages.success(self.request, f"The bid “{bid.title}” was recorded")
        return redirect("performance:grant_detail", pk=self.grant.pk)

    def page(self) -> dict[str, Any]:
        return {"grant": self.grant, "money": self.money}


@login_required
@require_http_methods(["GET", "POST"])
def bid_decide(request: HttpRequest, pk: int) -> HttpResponse:
    bid = visible_or_404(request, selectors.bid_get, Bid, pk=pk)
    require_perm(request, "performance.change_grant", bid.grant)
    page = selectors.grant_page_for(grant=bid.grant)
    form = BidDecisionForm(posted_data(request), initial={"decided_on": clock.today()})
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


class IndicatorAdd(_ServiceFormView[IndicatorForm]):
    form_class = IndicatorForm
    template_name = "performance/indicator_form.html"

    def load(self) -> None:
        self.partnership = _partnership(self.request, self.kwargs["slug"])
        require_perm(self.request, "performance.change_indicator", self.partnership)

    def form_args(self) -> dict[str, Any]:
        return {"partnership": self.partnership}

    def save(self, form: IndicatorForm) -> HttpResponse:
        indicator = services.indicator_create(partnership=self.partnership, data=form.to_data())
        messages.success(self.request, f"The indicator “{indicator.name}” was added")
        return redirect("performance:indicator_detail", pk=indicator.pk)

    def page(self) -> dict[str, Any]:
        return {"partnership": self.partnership, "indicator": None, "title": "Add an indicator"}


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


class IndicatorEdit(_ChangeView[IndicatorForm]):
    form_class = IndicatorForm
    template_name = "performance/indicator_form.html"
    refusals = [(services.Refused, "frequency")]
    record: Indicator

    def load(self) -> None:
        self.record = _indicator(self.request, self.kwargs["pk"], "performance.change_indicator")

    def form_args(self) -> dict[str, Any]:
        return {"partnership": self.record.partnership, "indicator": self.record}

    def get_initial(self) -> dict[str, Any]:
        return IndicatorForm.initial_for(self.record)

    def save(self, form: IndicatorForm) -> HttpResponse:
        indicator = self.record
        services.indicator_update(
            indicator=indicator, data=form.to_data(), expected_version=_version(form)
        )
        messages.success(self.request, f"The indicator “{indicator.name}” was changed")
        return redirect("performance:indicator_detail", pk=indicator.pk)

    def page(self) -> dict[str, Any]:
        indicator = self.record
        return {
            "partnership": indicator.partnership,
            "indicator": indicator,
            "title": f"Change {indicator.name}",
        }


class ValueAdd(_ServiceFormView[IndicatorValueForm]):
    form_class = IndicatorValueForm
    template_name = "performance/value_form.html"
    refusals = ()

    def load(self) -> None:
        self.indicator = _indicator(self.request, self.kwargs["pk"], "performance.change_indicator")

    def form_args(self) -> dict[str, Any]:
        series = selectors.indicator_page_series(indicator=self.indicator)
        recorded = {row.period for row in series.rows if row.current is not None}
        return {"indicator": self.indicator, "recorded": recorded}

    def save(self, form: IndicatorValueForm) -> HttpResponse:
        period = form.cleaned_data["period"]
        services.indicator_value_record(
            indicator=self.indicator,
            period=period,
            value=form.cleaned_data["value"],
            note=form.cleaned_data["note"].strip(),
            user=self.user,
        )
        messages.success(self.request, f"The value for {period.label} was saved")
        return redirect("performance:indicator_detail", pk=self.indicator.pk)

    def page(self) -> dict[str, Any]:
        return {"indicator": self.indicator}


@login_required
def value_from_update(request: HttpRequest, pk: int) -> HttpResponse:
    """A POST form on the indicator page; checked after the lookup, so another
    partnership's indicator is a 404."""
    indicator = _indicator(request, pk, "performance.view_indicator")
    if not_post := post_only(request, "performance.change_indicator", indicator):
        return not_post
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
    found = _partnership(request, slug)
    indicators = list(
        Indicator.objects.filter(partnership=found)
        .prefetch_related(selectors.values_prefetch())
        .order_by("order", "name")
    )
    table = exports.indicator_values_table(indicators=indicators)
    return _download(table, fmt=fmt, name=f"{found.slug}-indicator-values")
