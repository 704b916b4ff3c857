"""Publishing a plan: the preview, publish, the version's progress and "Start the next
refresh". The public pages are plans/public_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts.types import AuthenticatedHttpRequest
from csp_tracker.http import post_only, visible_or_404
from jobs.idempotency import key_from
from jobs.selectors import job_for_task
from plans.models import Plan, PlanVersion
from plans.rules import who_publishes
from plans.selectors import plan_get
from plans.services import PlanNotEditable, PublishedVersionFrozen
from publishing import selectors, services
from publishing.checks import document_check_findings
from publishing.forms import PublishForm
from publishing.refresh import plan_refresh_start, refresh_label
from publishing.snapshot import document_snapshot, template_for


def _plan(request: HttpRequest, pk: int) -> Plan:
    return visible_or_404(request, plan_get, Plan, pk=pk)


def _version(request: HttpRequest, pk: int) -> PlanVersion:
    return visible_or_404(request, selectors.version_get, PlanVersion, pk=pk)


@login_required
@require_safe
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    snapshot = document_snapshot(plan=plan)
    made = services.preview_render(
        snapshot=snapshot, body_template=template_for(plan=plan).replace(".html", "_body.html")
    )
    return render(
        request,
        "publishing/preview.html",
        {
            "plan": plan,
            "can_publish": request.user.has_perm("plans.publish_plan", plan),
            "who_publishes": who_publishes(plan.partnership),
            "doc": snapshot,
            "preview": made,
            "findings": document_check_findings(snapshot=snapshot),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not request.user.has_perm("plans.publish_plan", plan):
        if plan.status == Plan.Status.SUPERSEDED:
            raise PermissionDenied("A superseded plan cannot be published again")
        return render(
            request,
            "publishing/publish_refused.html",
            {"plan": plan, "who_publishes": who_publishes(plan.partnership)},
            status=403,
        )
    if request.method == "POST":
        # The same form posted again (a double click) goes to the version it started.
        started = services.plan_version_for_request(plan=plan, request_key=key_from(request.POST))
        if started is not None:
            return redirect("publishing:version", pk=started.pk)
    latest = plan.versions.order_by("-effective_date", "-number").first()
    findings = document_check_findings(snapshot=document_snapshot(plan=plan))
    form = PublishForm(
        request.POST or None,
        plan=plan,
        findings=findings,
        initial={"number": latest.number if latest and latest.status == "recorded" else ""},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            version = services.plan_version_publish_start(
                plan=plan,
                user=request.user,
                number=d["number"],
                effective_date=d["effective_date"],
                summary=d["summary"].strip(),
                changes=services.parse_changes(d["changes"]),
                request_key=d["request_key"],
                warnings_confirmed=bool(d.get("warnings_confirmed")),
                findings=findings,
            )
        except (services.PublishRefused, PublishedVersionFrozen, PlanNotEditable) as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("publishing:version", pk=version.pk)
    return render(
        request, "publishing/publish.html", {"plan": plan, "form": form, "findings": findings}
    )


@login_required
@require_safe
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    rendering = version.status == PlanVersion.Status.RENDERING
    return render(
        request,
        "publishing/version.html",
        {
            "version": version,
            "plan": version.plan,
            "rendering": rendering,
            "job": job_for_task(task_id=version.task_id) if rendering else None,
            "can_retry": version.status == PlanVersion.Status.FAILED
            and version.plan.status != Plan.Status.SUPERSEDED
            and request.user.has_perm("plans.publish_plan", version.plan),
        },
    )


@login_required
def version_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """ "Try again" on a version that was not published: render it again."""
    version = _version(request, pk)
    if refused := post_only(request, "plans.publish_plan", version.plan):
        return refused
    try:
        again = services.plan_version_retry(
            version=version, user=request.user, request_key=key_from(request.POST)
        )
    except services.PublishWarningsUnconfirmed:
        messages.error(
            request,
            "The editor's check finds something new since this version was started: "
            "check its findings and publish again",
        )
        return redirect("publishing:publish", pk=version.plan_id)
    except (services.PublishRefused, PublishedVersionFrozen, PlanNotEditable) as refused:
        messages.error(request, str(refused))
        return redirect("publishing:version", pk=version.pk)
    return redirect("publishing:version", pk=again.pk)


@login_required
@require_http_methods(["GET", "POST"])
def refresh(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if not request.user.has_perm("plans.change_plan", plan):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            new = plan_refresh_start(plan=plan, user=request.user)
        except services.PublishRefused as refused:
            error = str(refused)
        else:
            messages.success(
                request,
                f"{new.title} was started from {plan.title}: its open actions were carried forward",
            )
            return redirect("plans:overview", pk=new.pk)
    return render(
        request,
        "publishing/refresh.html",
        {"plan": plan, "next_label": refresh_label(plan=plan), "error": error},
    )
