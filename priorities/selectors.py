"""Reads for authoring priorities and themes. Only ever returns what the user may see."""

from django.db.models import QuerySet

from accounts.types import AnyUser
from plans.selectors import plan_authoring_list
from priorities.models import CrossCuttingTheme, Priority, PriorityCategory


def heading_get(
    *, user: AnyUser, model: type[Priority] | type[CrossCuttingTheme], pk: int
) -> Priority | CrossCuttingTheme:
    return model.objects.select_related("plan__partnership", "category").get(
        plan__in=plan_authoring_list(user=user), pk=pk
    )


def category_list() -> QuerySet[PriorityCategory]:
    return PriorityCategory.objects.order_by("order", "name")
