"""Actions inside plan authoring: add an action with its milestones, move it, renumber
the plan's actions. Writes go through actions.services (action_create, milestone_create);
the ordering writes specific to authoring are the services at the top of this module."""

import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fluid, Layout, Size, Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from actions import selectors
from actions.models import Action
from actions.services import ActionData, MilestoneData, action_create
from plans.models import Agency, Plan
from plans.rules import access_for
from priorities.models import CrossCuttingTheme, Priority

MILESTONE_ROWS = 4

# --- services ---------------------------------------------------------------------------


def heading_prefix(*, heading: Priority | CrossCuttingTheme, priority_count: int) -> int:
    """The first part of an action's number: priorities 1..P, then themes P+1.. (as Swale
    numbers its theme actions 5.1 and 6.1 after four priorities)."""
    if isinstance(heading, Priority):
        return heading.number
    return priority_count + heading.number


def action_next_reference(*, plan: Plan, heading: Priority | CrossCuttingTheme) -> str:
    prefix = heading_prefix(heading=heading, priority_count=plan.priorities.count())
    taken = set(plan.actions.values_list("reference", flat=True))
    n = 1
    while f"{prefix}.{n}" in taken:
        n += 1
    return f"{prefix}.{n}"


def _ordered_headings(plan: Plan) -> list[Priority | CrossCuttingTheme]:
    return [*plan.priorities.order_by("number"), *plan.themes.order_by("number")]


@transaction.atomic
def action_plan_renumber(*, plan: Plan) -> int:
    """Number every action of the plan "<heading>.<position>" in its order, and put the
    plan's order in heading order. Returns how many numbers changed.

    Each changed action's lock_version goes up, so an edit opened before is refused.
    """
    headings = _ordered_headings(plan)
    priority_count = sum(isinstance(h, Priority) for h in headings)
    actions = list(plan.actions.order_by("order", "id"))
    by_heading: dict[tuple[str, int], list[Action]] = {}
    for action in actions:
        key = ("p", action.priority_id) if action.priority_id else ("t", action.theme_id)
        by_heading.setdefault(key, []).append(action)  # type: ignore[arg-type]
    wanted: list[tuple[Action, str, int]] = []
    position = 0
    for heading in headings:
        key = ("p" if isinstance(heading, Priority) else "t", heading.pk)
        prefix = heading_prefix(heading=heading, priority_count=priority_count)
        for n, action in enumerate(by_heading.get(key, []), start=1):
            position += 1
            wanted.append((action, f"{prefix}.{n}", position))
    changed = [(a, ref, pos) for a, ref, pos in wanted if a.reference != ref or a.order != pos]
    # References are unique in a plan: move the changing ones out of the way first.
    for action, _, _ in changed:
        Action.objects.filter(pk=action.pk).update(reference=f"~{action.pk}")
    renumbered = 0
    for action, reference, order in changed:
        renumbered += action.reference != reference
        action.reference = reference
        action.order = order
        action.lock_version += 1
        action.save(update_fields=["reference", "order", "lock_version", "updated_at"])
    return renumbered


@transaction.atomic
def action_move(*, action: Action, up: bool) -> None:
    """Swap an action with its neighbour under the same priority or theme."""
    siblings = list(
        Action.objects.filter(
            plan=action.plan, priority=action.priority_id, theme=action.theme_id
        ).order_by("order", "id")
    )
    index = next(i for i, a in enumerate(siblings) if a.pk == action.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    neighbour = siblings[other]
    mine, theirs = action.order, neighbour.order
    if mine == theirs:
        theirs = mine - 1 if up else mine + 1
    Action.objects.filter(pk=action.pk).update(order=theirs, lock_version=F("lock_version") + 1)
    Action.objects.filter(pk=neighbour.pk).update(order=mine, lock_version=F("lock_version") + 1)


# --- forms ------------------------------------------------------------------------------


class ActionAddForm(forms.Form):
    heading = forms.ChoiceField(
        label="Which priority or cross-cutting theme is it under?",
        error_messages={
            "required": "Select the priority or theme the action belongs to",
            "invalid_choice": "Select a priority or theme of this plan",
        },
    )
    reference = forms.CharField(
        label="Number",
        required=False,
        max_length=20,
        help_text="As the plan numbers it, like 1.3. Leave blank to number it next under "
        "its priority or theme.",
        error_messages={"max_length": "Enter a number of 20 characters or fewer"},
    )
    title = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={
            "required": "Enter the action",
            "max_length": "Enter an action of 1,000 characters or fewer",
        },
    )
    desired_outcome = forms.CharField(
        label="Desired outcome",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        error_messages={"max_length": "Enter a desired outcome of 2,000 characters or fewer"},
    )
    lead_agencies = forms.ModelMultipleChoiceField(
        label="Lead agencies",
        help_text="The officers of these agencies update the action each quarter.",
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select lead agencies of this partnership"},
    )
    lead_text = forms.CharField(
        label="Lead as written in the plan",
        required=False,
        max_length=300,
        help_text='For example "Police/SBC - CSU".',
        error_messages={"max_length": "Enter a lead of 300 characters or fewer"},
    )

    def __init__(self, *args: object, plan: Plan, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.plan = plan
        self._headings: dict[str, Priority | CrossCuttingTheme] = {
            **{f"p{p.pk}": p for p in plan.priorities.order_by("number")},
            **{f"t{t.pk}": t for t in plan.themes.order_by("number")},
        }
        self.fields["heading"].choices = [("", "Select a priority or theme")] + [
            (key, h.label) for key, h in self._headings.items()
        ]
        agencies = Agency.objects.filter(partnerships=plan.partnership).order_by("short_name")
        self.fields["lead_agencies"].queryset = agencies
        milestone_fields = []
        for i in range(1, MILESTONE_ROWS + 1):
            self.fields[f"milestone_{i}"] = forms.CharField(
                label=f"Milestone {i}",
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"max_length": "Enter a milestone of 1,000 characters or fewer"},
            )
            self.fields[f"timescale_{i}"] = forms.CharField(
                label=f"Timescale of milestone {i}",
                required=False,
                max_length=100,
                error_messages={"max_length": "Enter a timescale of 100 characters or fewer"},
            )
            milestone_fields += [
                Field.textarea(f"milestone_{i}", rows=2),
                Field.text(f"timescale_{i}", field_width=Fluid.ONE_THIRD),
            ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("heading"),
            Field.text("reference", field_width=5),
            Field.textarea("title", rows=3),
            Field.textarea("desired_outcome", rows=3),
            Field.checkboxes("lead_agencies", legend_size=Size.SMALL, small=True)
            if agencies.exists()
            else HTML(""),
            Field.text("lead_text", field_width=Fluid.TWO_THIRDS),
            Fieldset(
                HTML(
                    '<p class="govuk-hint">The key milestones, each with its timescale as '
                    'the plan writes it: "Sept 23", "By March 24", "Ongoing", "Quarterly". '
                    "Leave the rows you do not need blank; you can add more later.</p>"
                ),
                *milestone_fields,
                legend="Key milestones",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Submit("submit", "Save action"),
        )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        reference = (data.get("reference") or "").strip()
        if reference and self.plan.actions.filter(reference=reference).exists():
            self.add_error("reference", f"Action {reference} is already in this plan")
        for i in range(1, MILESTONE_ROWS + 1):
            if (data.get(f"timescale_{i}") or "").strip() and not (
                data.get(f"milestone_{i}") or ""
            ).strip():
                self.add_error(f"milestone_{i}", f"Enter milestone {i} or clear its timescale")
        return data

    def selected_heading(self) -> Priority | CrossCuttingTheme:
        return self._headings[self.cleaned_data["heading"]]

    def to_data(self, *, reference: str) -> ActionData:
        d = self.cleaned_data
        heading = self.selected_heading()
        return ActionData(
            reference=reference,
            title=d["title"].strip(),
            priority=heading if isinstance(heading, Priority) else None,
            theme=heading if isinstance(heading, CrossCuttingTheme) else None,
            desired_outcome=d["desired_outcome"].strip(),
            lead_text=d["lead_text"].strip(),
            lead_agencies=list(d["lead_agencies"] or []),
        )

    def milestones(self) -> list[MilestoneData]:
        out = []
        for i in range(1, MILESTONE_ROWS + 1):
            text = (self.cleaned_data.get(f"milestone_{i}") or "").strip()
            if text:
                timescale = re.sub(r"\s+", " ", self.cleaned_data.get(f"timescale_{i}") or "")
                out.append(MilestoneData(description=text, timescale=timescale.strip()))
        return out


# --- views ------------------------------------------------------------------------------


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
