from typing import TYPE_CHECKING, Any, cast

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from actions.models import Action, Status
from csp_tracker.forms import GovukErrorsMixin
from plans.models import Agency, Plan
from priorities.models import CrossCuttingTheme, Priority, Workstream

if TYPE_CHECKING:
    from actions.selectors import ActionsWithProgress


class ActionFilterForm(GovukErrorsMixin, forms.Form):
    error_names = {"q": "Words in the title"}


class ActionFilter(django_filters.FilterSet):
    """Filters for the partnership's action list. Choices only offer what the user can see.

    A filter that is not valid (a choice the user cannot see, a changed link) is shown as
    an error and lists no actions: never all of them as if it had matched."""

    q = django_filters.CharFilter(
        label="Words in the title",
        method="filter_words",
        max_length=200,
        error_messages={"max_length": "Enter words of 200 characters or fewer"},
    )
    plan = django_filters.ModelChoiceFilter(
        queryset=Plan.objects.none(),
        empty_label="All plans",
        label="Plan",
        error_messages={"invalid_choice": "Select a plan from the list"},
    )
    heading = django_filters.ChoiceFilter(
        label="Priority or theme",
        method="filter_heading",
        empty_label="All priorities and themes",
        error_messages={"invalid_choice": "Select a priority or theme from the list"},
    )
    workstream = django_filters.ChoiceFilter(
        label="Heading",
        method="filter_workstream",
        empty_label="All headings",
        error_messages={"invalid_choice": "Select a heading from the list"},
    )
    lead = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.none(),
        field_name="lead_agencies",
        empty_label="All lead agencies",
        label="Lead agency",
        distinct=True,
        error_messages={"invalid_choice": "Select a lead agency from the list"},
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=Status.choices,
        method="filter_status",
        empty_label="Any status",
        error_messages={"invalid_choice": "Select a status from the list"},
    )
    overdue = django_filters.BooleanFilter(
        label="Only actions with overdue milestones",
        method="filter_overdue",
        widget=forms.CheckboxInput,
    )
    no_update = django_filters.BooleanFilter(
        label="Only actions with no update this quarter",
        method="filter_no_update",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Action
        fields: list[str] = []
        form = ActionFilterForm

    def __init__(self, *args: Any, plans: QuerySet[Plan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan_list = list(plans)
        cast(django_filters.ModelChoiceFilter, self.filters["plan"]).queryset = plans
        cast(django_filters.ModelChoiceFilter, self.filters["lead"]).queryset = (
            Agency.objects.filter(led_actions__plan__in=plan_list).distinct().order_by("short_name")
        )
        headings: list[tuple[str, str]] = []
        for p in Priority.objects.filter(plan__in=plan_list).select_related("plan"):
            headings.append((f"p{p.pk}", f"{p.plan.title} – Priority {p.number}: {p.title}"))
        for t in CrossCuttingTheme.objects.filter(plan__in=plan_list).select_related("plan"):
            headings.append((f"t{t.pk}", f"{t.plan.title} – Theme {t.number}: {t.title}"))
        self.filters["heading"].extra["choices"] = headings
        self.filters["workstream"].extra["choices"] = [
            (str(w.pk), f"{w.parent.plan.title} – {w.parent.label}: {w.title}")
            for w in Workstream.objects.filter(
                Q(priority__plan__in=plan_list) | Q(theme__plan__in=plan_list)
            )
            .select_related("priority__plan", "theme__plan")
            .order_by("priority__plan", "theme__plan", "priority__number", "theme__number", "order")
        ]

    def filter_words(self, qs: QuerySet[Action], name: str, value: str) -> QuerySet[Action]:
        for word in value.split()[:10]:
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(reference__iexact=word)
                | Q(desired_outcome__icontains=word)
            )
        return qs

    def filter_heading(self, qs: QuerySet[Action], name: str, value: str) -> QuerySet[Action]:
        kind, pk = value[0], int(value[1:])
        return qs.filter(priority_id=pk) if kind == "p" else qs.filter(theme_id=pk)

    def filter_workstream(
        self, qs: "ActionsWithProgress", name: str, value: str
    ) -> "ActionsWithProgress":
        return qs.filter(workstream_id=int(value))

    def filter_status(
        self, qs: "ActionsWithProgress", name: str, value: str
    ) -> "ActionsWithProgress":
        if value == Status.NOT_STARTED:
            return qs.filter(Q(current_status=value) | Q(current_status__isnull=True))
        return qs.filter(current_status=value)

    def filter_overdue(
        self, qs: "ActionsWithProgress", name: str, value: bool
    ) -> "ActionsWithProgress":
        return qs.filter(has_overdue=True) if value else qs

    def filter_no_update(
        self, qs: "ActionsWithProgress", name: str, value: bool
    ) -> "ActionsWithProgress":
        return qs.filter(needs_update=True) if value else qs
