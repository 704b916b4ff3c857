from typing import Any

import pytest

from csp_tracker.pagination import page_get
from plans.models import Agency
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("number", "expected_page", "expected_names"),
    [
        (None, 1, ["a00", "a01", "a02", "a03"]),
        ("2", 2, ["a04", "a05", "a06", "a07"]),
        ("3", 3, ["a08", "a09"]),
        ("99", 3, ["a08", "a09"]),
        ("x", 1, ["a00", "a01", "a02", "a03"]),
        ("-1", 1, ["a00", "a01", "a02", "a03"]),
    ],
)
def test_a_page_and_its_total_in_one_query(
    number: str | None,
    expected_page: int,
    expected_names: list[str],
    django_assert_max_num_queries: object,
) -> None:
    for i in range(10):
        factories.AgencyFactory(name=f"a{i:02d}", short_name=f"a{i:02d}")
    queryset = Agency.objects.filter(name__startswith="a").order_by("name")
    in_range = number in (None, "2", "3", "x", "-1")
    with django_assert_max_num_queries(1 if in_range else 3):  # type: ignore[operator]
        page = page_get(queryset, number=number, per_page=4)
        names = [a.name for a in page.object_list]
    assert page.number == expected_page and names == expected_names
    assert page.paginator.count == 10 and page.paginator.num_pages == 3


def test_an_empty_list_is_one_empty_page() -> None:
    page = page_get(Agency.objects.filter(name="nothing"), number="2", per_page=4)
    assert page.number == 1 and list(page.object_list) == [] and page.paginator.count == 0
    assert not page.has_other_pages()


def test_a_page_of_keys_reads_only_its_rows_with_their_annotations(
    django_assert_max_num_queries: object,
) -> None:
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    from csp_tracker.pagination import page_of_keys_get

    for i in range(10):
        factories.AgencyFactory(name=f"a{i:02d}", short_name=f"a{i:02d}")
    queryset = (
        Agency.objects.filter(name__startswith="a")
        .annotate(label=Concat(F("name"), Value("!")))
        .order_by("-name")
    )
    with django_assert_max_num_queries(2):  # type: ignore[operator]
        page = page_of_keys_get(queryset, number="2", per_page=4)
        labels = [a.label for a in page.object_list]  # type: ignore[attr-defined]
    assert labels == ["a05!", "a04!", "a03!", "a02!"]
    assert page.paginator.count == 10 and page.number == 2


@pytest.mark.parametrize("number", [None, "2", "3", "99", "x", "-1"])
def test_a_page_of_keys_compiled_by_its_shape_is_the_page_read_otherwise(
    number: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from csp_tracker import compiled
    from csp_tracker.pagination import page_of_keys_get

    monkeypatch.setattr(compiled, "_compiled", {})
    for i in range(10):
        factories.AgencyFactory(name=f"a{i:02d}", short_name=f"a{i:02d}")
    queryset = Agency.objects.filter(name__startswith="a").order_by("-name")
    for _ in range(2):  # compiled, then run as compiled
        kept = page_of_keys_get(queryset, number=number, per_page=4, shape=("agencies a",))
        read = page_of_keys_get(queryset, number=number, per_page=4)
        assert list(kept.object_list) == list(read.object_list)
        assert (kept.number, kept.paginator.count) == (read.number, read.paginator.count)
    nothing = page_of_keys_get(Agency.objects.none(), number="2", per_page=4, shape=("none",))
    assert nothing.number == 1 and list(nothing.object_list) == []


def test_a_page_of_keys_compiled_by_its_shape_needs_no_queryset_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from csp_tracker import compiled
    from csp_tracker.pagination import page_of_keys_get

    monkeypatch.setattr(compiled, "_compiled", {})
    for i in range(6):
        factories.AgencyFactory(name=f"b{i:02d}", short_name=f"b{i:02d}")
    made = []

    def queryset() -> Any:
        made.append(1)
        return Agency.objects.filter(name__startswith="b").order_by("name")

    def rows(keys: list[int]) -> list[Agency]:
        return list(Agency.objects.filter(pk__in=keys))

    first = page_of_keys_get(queryset, number="2", per_page=4, rows=rows, shape=("agencies b",))
    again = page_of_keys_get(queryset, number="2", per_page=4, rows=rows, shape=("agencies b",))
    # Made to compile the page's query, not to run it again.
    assert len(made) == 1
    assert list(first.object_list) == list(again.object_list) == list(queryset()[4:])
    assert again.paginator.count == 6
    # A page past the compiled ones is read as page_get reads it, the queryset made.
    assert page_of_keys_get(queryset, number="99", per_page=4, shape=("agencies b",)).number == 2
