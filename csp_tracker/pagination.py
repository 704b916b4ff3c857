"""Pages of a list in one query: the rows of the page and, on each row, the total.

Django's Paginator asks the database twice (COUNT(*), then the page's rows). Here the
total rides on every row of the page as a window count (COUNT(*) OVER (), worked out before
LIMIT), so a page costs one query; only a page past the end asks for the count on its
own, to show the last page instead.
"""

from functools import cached_property
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, QuerySet, Window

M = TypeVar("M", bound=Model)
TOTAL = "page_total"


class _CountedPaginator(Paginator):
    def __init__(self, object_list: QuerySet[Any], per_page: int, total: int) -> None:
        super().__init__(object_list, per_page)
        self._total = total

    @cached_property
    def count(self) -> int:
        return self._total


def _page_number(number: object) -> int:
    try:
        return max(int(str(number)), 1)
    except (TypeError, ValueError):
        return 1


def page_get(queryset: QuerySet[M], *, number: object, per_page: int) -> Page[M]:
    """The page of queryset numbered number (the first for a number that is not one, the
    last for one past the end), as Paginator.get_page gives it."""
    counted = queryset.annotate(**{TOTAL: Window(Count("pk"))})
    page = _page_number(number)
    rows = list(counted[(page - 1) * per_page : page * per_page])
    if rows:
        total = getattr(rows[0], TOTAL)
    else:
        total = queryset.count()
        last = max((total + per_page - 1) // per_page, 1)
        if page != last and total:
            page = last
            rows = list(counted[(page - 1) * per_page : page * per_page])
        else:
            page = 1
    paginator = _CountedPaginator(queryset, per_page, total)
    return Page(rows, page, paginator)
