"""Pages of a list in one query: the rows of the page and, on each row, the total.

Django's Paginator asks the database twice (COUNT(*), then the page's rows). Here the
total rides on every row of the page as a window count (COUNT(*) OVER (), worked out before
LIMIT), or as a count of its own in the same query (``CountOf``), so a page costs one
query; only a page past the end asks for the count on its own, to show the last page
instead.
"""

from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import cache, cached_property
from typing import Any, TypeVar, cast, overload

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, Model, QuerySet, Subquery, Window

from csp_tracker.compiled import compiled_rows

M = TypeVar("M", bound=Model)
R = TypeVar("R")
TOTAL = "page_total"


class CountedPaginator(Paginator):
    """A paginator told its total (read with the page's rows), so it never counts."""

    def __init__(
        self, object_list: QuerySet[Any] | Sequence[Any], per_page: int, total: int
    ) -> None:
        super().__init__(object_list, per_page)
        self._total = total

    @cached_property
    def count(self) -> int:
        return self._total


class CountOf(Subquery):
    """How many rows a query has, as a scalar subquery (``COUNT(*)`` over it): worked out
    once for the query it is selected in, with no order, so PostgreSQL counts by its
    cheapest plan and still reads the page's rows in order only as far as the page."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()

    def __init__(self, queryset: QuerySet[Any]) -> None:
        super().__init__(queryset.order_by().values("pk"))


def page_number(number: int | str | None) -> int:
    """The page asked for: a number of 1 or more; 1 for anything else."""
    try:
        return max(int(str(number)), 1)
    except (TypeError, ValueError):
        return 1


def page_get(queryset: QuerySet[M], *, number: int | str | None, per_page: int) -> Page[M]:
    """The page of queryset numbered number (the first for a number that is not one, the
    last for one past the end), as Paginator.get_page gives it."""
    if queryset.query.distinct:
        # A window count is taken before DISTINCT: count the distinct rows on their own.
        return Paginator(queryset, per_page).get_page(number)
    counted = queryset.annotate(**{TOTAL: Window(Count("pk"))})
    page = page_number(number)
    rows = list(counted[(page - 1) * per_page : page * per_page])
    if rows:
        first = rows[0]
        total = first[TOTAL] if isinstance(first, dict) else getattr(first, TOTAL)
    else:
        total = queryset.count()
        last = max((total + per_page - 1) // per_page, 1)
        if page != last and total:
            page = last
            rows = list(counted[(page - 1) * per_page : page * per_page])
        else:
            page = 1
    paginator = CountedPaginator(queryset, per_page, total)
    return Page(rows, page, paginator)


@overload
def page_of_keys_get(
    queryset: QuerySet[M] | Callable[[], QuerySet[M]],
    *,
    number: int | str | None,
    per_page: int,
    rows: QuerySet[M] | None = None,
    shape: Hashable | None = None,
) -> Page[M]: ...


@overload
def page_of_keys_get(
    queryset: QuerySet[Any] | Callable[[], QuerySet[Any]],
    *,
    number: int | str | None,
    per_page: int,
    rows: Callable[[list[Any]], Iterable[R]],
    shape: Hashable | None = None,
) -> Page[R]: ...


def page_of_keys_get(
    queryset: QuerySet[Any] | Callable[[], QuerySet[Any]],
    *,
    number: int | str | None,
    per_page: int,
    rows: QuerySet[Any] | Callable[[list[Any]], Iterable[Any]] | None = None,
    shape: Hashable | None = None,
) -> Page[Any]:
    """page_get for a queryset whose annotations are costly per row (an action's status
    across its lineage): the page's keys are chosen first, in the queryset's order and
    with its filters but without computing the annotations for every row the order passes
    over, and only the page's rows are then read with them (from ``rows``, if given: the
    same rows read otherwise, without what the queryset only filters by; or by ``rows``
    itself, a function reading the rows of the keys given, objects with a ``pk`` but not
    necessarily models). Two queries, as page_get and a prefetch would be.

    With a ``shape`` (naming everything of the queryset, its values too: see
    ``compiled_rows``), the query of a page's keys is compiled once per shape and page
    rather than built and compiled for every request; the queryset may then be given as
    a function making it, called only if the compiled query does not answer (an action
    list's, built for every page, was a twentieth of an officer's)."""
    made = cache(queryset if callable(queryset) else lambda: queryset)
    keys = _keys_page(made, number=number, per_page=per_page, shape=shape)
    ids = list(keys.object_list)
    if rows is None or isinstance(rows, QuerySet):
        read: Iterable[Any] = (made() if rows is None else rows).filter(pk__in=ids)
    else:
        read = rows(ids)
    by_pk = {row.pk: row for row in read}
    return Page([by_pk[pk] for pk in ids], keys.number, keys.paginator)


class _Distinct(Exception):
    """A DISTINCT query's keys, read as ``page_get`` reads them (not kept compiled)."""


# The pages whose keys' query is kept compiled (``_keys_page``): the first, most asked for.
# A later page's is built and compiled for each request, so that asking for page after page
# cannot fill what ``compiled_rows`` keeps.
COMPILED_PAGES = 10


def _keys_page(
    made: Callable[[], QuerySet[Any]],
    *,
    number: int | str | None,
    per_page: int,
    shape: Hashable | None,
) -> Page[Any]:
    """The keys of ``page_of_keys_get``'s page: read as ``page_get`` reads them, or, with a
    ``shape``, by their query compiled once per shape and page (``compiled_rows``) for the
    first pages (``COMPILED_PAGES``); a page past the end, or of nothing, is then read as
    ``page_get`` reads it."""
    page = page_number(number)
    if shape is not None and page <= COMPILED_PAGES:
        start = (page - 1) * per_page

        def build(_: Sequence[object]) -> QuerySet[Any, tuple[Any, Any]]:
            queryset = made()
            if queryset.query.distinct:  # (read as page_get reads it)
                raise _Distinct
            # The total counted on its own (``CountOf``), not as a window: a window is
            # taken over every row sorted (all the county's actions joined to their
            # plan and partnership to be ordered) before the page is cut from them.
            counted = queryset.annotate(**{TOTAL: CountOf(queryset)})
            return counted.values_list("pk", TOTAL)[start : start + per_page]

        try:
            found = compiled_rows(("page keys", shape, start, per_page), build, [], [])
        except _Distinct:  # (no SQL to keep): read as page_get reads it
            found = []
        if found:
            ids = [pk for pk, _ in found]
            return Page(ids, page, CountedPaginator(ids, per_page, found[0][1]))
    queryset = made()
    keys: Page[Any] = page_get(cast(Any, queryset.values("pk")), number=number, per_page=per_page)
    return Page([row["pk"] for row in keys.object_list], keys.number, keys.paginator)
