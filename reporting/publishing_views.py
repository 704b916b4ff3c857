"""Preview, publish (KCST), the version's progress, the refresh; and the public pages."""

from datetime import date

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from csp_tracker.forms import UKDateField
from plans.models import Plan, PlanVersion
from plans.services import PlanNotEditable, PublishedVersionFrozen
from priorities.selectors import plan_get
from reporting import publishing


class PublishForm(forms.Form):
    number = forms.RegexField(
        label="Version number",
        regex=r"^\d{1,3}(\.\d{1,3})?$",
        max_length=10,
        help_text="For example 8.0 for a yearly refresh, 8.1 for a correction.",
        error_messages={
            "required": "Enter the version number",
            "invalid": "Enter the version number like 8.0",
            "max_length": "Enter the version number like 8.0",
        },
    )
    effective_date = UKDateField(
        label="Effective date",
        help_text="For example, 1 4 2024.",
        required_message="Enter the date the version takes effect",
        invalid="Enter the effective date as a real date, like 1 4 2024",
    )
    summary = forms.CharField(
        label="Summary (optional)",
        required=False,
        max_length=300,
        help_text='For example "Refreshed Kent Community Safety Agreement (CSA)".',
        error_messages={"max_length": "Enter a summary of 300 characters or fewer"},
    )
    changes = forms.CharField(
        label="Changes by chapter",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One change a line, the chapter first: “Ch.5 – achievements for 2023/24 "
        "added”. They are listed in the version control table.",
        error_messages={"max_length": "Enter changes of 5,000 characters or fewer"},
    )

    def __init__(self, *args: object, plan: Plan, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.plan = plan
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("number", field_width=5),
            Field.text("effective_date", field_width=10),
            Field.text("summary", field_width=Fluid.FULL),
            Field.textarea("changes", rows=8),
            Submit("submit", "Publish"),
        )

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        if "." not in number:
            number += ".0"
        if self.plan.versions.filter(number=number, status=PlanVersion.Status.PUBLISHED).exists():
            raise forms.ValidationError(
                f"Version {number} is published already: a published version never changes. "
                "Enter a new number"
            )
        return number

    def clean_effective_date(self) -> date:
        day = self.cleaned_data["effective_date"]
        if day.year < 2000 or day.year > 2100:
            raise forms.ValidationError("Enter an effective date between 2000 and 2100")
        return day


def _plan(request: HttpRequest, pk: int) -> Plan:
    try:
        return plan_get(user=request.user, pk=pk)
    except Plan.DoesNotExist:
        raise Http404("No such plan") from None


@login_required
@require_safe
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    snapshot = publishing.document_snapshot(plan=plan)
    return render(
        request,
        "reporting/publishing/preview.html",
        {
            "plan": plan,
            "doc": snapshot,
            "draft": True,
            "body_template": publishing.template_for(plan=plan).replace(".html", "_body.html"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not request.user.has_perm("plans.publish_plan", plan):
        raise PermissionDenied
    if plan.status == Plan.Status.SUPERSEDED:
        raise PermissionDenied("A superseded plan cannot be published again")
    latest = plan.versions.order_by("-effective_date", "-number").first()
    form = PublishForm(
        request.POST or None,
        plan=plan,
        initial={"number": latest.number if latest and latest.status == "recorded" else ""},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            version = publishing.plan_version_publish_start(
                plan=plan,
                user=request.user,
                number=d["number"],
                effective_date=d["effective_date"],
                summary=d["summary"].strip(),
                changes=publishing.parse_changes(d["changes"]),
            )
        except (publishing.PublishRefused, PublishedVersionFrozen, PlanNotEditable) as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("publishing:version", pk=version.pk)
    return render(request, "reporting/publishing/publish.html", {"plan": plan, "form": form})


@login_required
@require_safe
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        version = publishing.version_get(user=request.user, pk=pk)
    except PlanVersion.DoesNotExist:
        raise Http404("No such version") from None
    return render(
        request,
        "reporting/publishing/version.html",
        {
            "version": version,
            "plan": version.plan,
            "rendering": version.status == PlanVersion.Status.RENDERING,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def refresh(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not request.user.has_perm("plans.change_plan", plan):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            new = publishing.plan_refresh_start(plan=plan, user=request.user)
        except publishing.PublishRefused as refused:
            error = str(refused)
        else:
            messages.success(
                request,
                f"{new.title} was started from {plan.title}: its open actions were carried forward",
            )
            return redirect("authoring:overview", pk=new.pk)
    return render(
        request,
        "reporting/publishing/refresh.html",
        {"plan": plan, "next_label": publishing.refresh_label(plan=plan), "error": error},
    )


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reporting/publishing/public_list.html",
        {"partnerships": publishing.published_document_list()},
    )


@require_safe
def public_download(request: HttpRequest, pk: int) -> FileResponse:
    try:
        version = publishing.public_version_get(pk=pk)
    except PlanVersion.DoesNotExist:
        raise Http404("No such document") from None
    response = FileResponse(
        version.pdf.open("rb"),
        as_attachment=True,
        filename=publishing.download_name(version=version),
        content_type="application/pdf",
    )
    response["X-Content-SHA256"] = version.sha256
    return response
