"""Actions inside plan authoring: add an action with its milestones, move it, renumber
the plan's actions. The writes are actions.services (action_create, milestone_create,
action_move, action_plan_renumber); the form is actions.forms.ActionAddForm."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from actions import selectors
from actions.forms import ActionAddForm
from actions.models import Action
from actions.services import (
    action_create,
    action_move,
    action_next_reference,
    action_plan_renumber,
)
from plans.models import Plan
from plans.rules import access_for


def _authored_plan(request: HttpRequest, pk: int) -> Plan:
    plans = Plan.objects.filter(access_for(request.user).partnership_filter("partnership__"))
    try:
        plan = plans.select_related("partnership").get(pk=pk)
    except Plan.DoesNotExist:
        raise Http404("No such plan") from None
    if not request.user.has_perm("plans.change_plan", plan):
        raise PermissionDenied
    if plan.status == Plan.Status.SUPERSEDED:
        raise PermissionDenied("A superseded plan cannot change")
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _authored_plan(request, pk)
    if not plan.priorities.exists() and not plan.themes.exists():
        messages.info(request, "Add a priority or a theme first: every action sits under one")
        return redirect("authoring:overview", pk=plan.pk)
    form = ActionAddForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"].strip() or action_next_reference(
            plan=plan, heading=form.selected_heading()
        )
        action = action_create(
            plan=plan, data=form.to_data(reference=reference), milestones=form.milestones()
        )
        messages.success(request, f"Action {action.reference} was added")
        if "add_another" in request.POST:
            return redirect("action_authoring:add", pk=plan.pk)
        return redirect(reverse("authoring:overview", kwargs={"pk": plan.pk}) + "#actions")
    return render(request, "actions/authoring/action_add.html", {"form": form, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
def action_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        action = selectors.action_queryset(user=request.user).select_related("plan").get(pk=pk)
    except Action.DoesNotExist:
        raise Http404("No such action") from None
    if request.method != "POST":
        # A POST form; checked after the lookup so another partnership's action is a 404.
        return HttpResponseNotAllowed(["POST"])
    plan = _authored_plan(request, action.plan_id)
    action_move(action=action, up=request.POST.get("direction") != "down")
    return redirect(reverse("authoring:overview", kwargs={"pk": plan.pk}) + "#actions")


@login_required
@require_http_methods(["GET", "POST"])
def renumber(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _authored_plan(request, pk)
    if request.method == "POST":
        changed = action_plan_renumber(plan=plan)
        messages.success(
            request,
            f"The actions were renumbered: {changed} number{'s' if changed != 1 else ''} changed",
        )
        return redirect(reverse("authoring:overview", kwargs={"pk": plan.pk}) + "#actions")
    return render(request, "actions/authoring/renumber.html", {"plan": plan})
