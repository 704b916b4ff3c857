"""Reads for authoring priorities and themes. Only ever returns what the user may see."""

from django.db.models import Count, Q, QuerySet

from plans.selectors import plan_authoring_list
from priorities.models import CrossCuttingTheme, Priority, PriorityCategory, Workstream


def heading_get(
    *, user: object, model: type[Priority] | type[CrossCuttingTheme], pk: int
) -> Priority | CrossCuttingTheme:
    return model.objects.select_related("plan__partnership").get(
        plan__in=plan_authoring_list(user=user), pk=pk
    )


def category_list() -> QuerySet[PriorityCategory]:
    return PriorityCategory.objects.order_by("order", "name")


def workstream_get(*, user: object, pk: int) -> Workstream:
    """One heading of a plan the user may author or read; DoesNotExist otherwise."""
    plans = plan_authoring_list(user=user)
    return Workstream.objects.select_related(
        "priority__plan__partnership", "theme__plan__partnership"
    ).get(Q(priority__plan__in=plans) | Q(theme__plan__in=plans), pk=pk)


def workstream_list(*, parent: Priority | CrossCuttingTheme) -> list[Workstream]:
    """A priority's (or theme's) headings in order, each with its number of actions."""
    return list(parent.workstreams.annotate(action_count=Count("actions")).order_by("order", "id"))
