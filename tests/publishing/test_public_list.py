"""The public documents page is paginated, and reads only its own page's rows."""

import pytest
from django.test import Client
from django.urls import reverse

from plans.models import Plan
from publishing import selectors
from tests import factories

pytestmark = pytest.mark.django_db


def _publish_documents(n: int) -> list[Plan]:
    plans = [factories.PlanFactory(start_year=2000 + i, end_year=2001 + i) for i in range(n)]
    for plan in plans:
        factories.published_version(plan)
    return plans


@pytest.mark.parametrize("n", [2, 40])
def test_the_public_list_query_count_does_not_grow(
    n: int, django_assert_max_num_queries: object
) -> None:
    _publish_documents(n)
    client = Client()
    # The page's rows with the total (csp_tracker.pagination) and each version's plan and
    # partnership, inside the request's savepoint (ATOMIC_REQUESTS): 3.
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        response = client.get(reverse("public:list"))
    assert response.status_code == 200
    if n > selectors.PUBLIC_PAGE_SIZE:
        with django_assert_max_num_queries(3):  # type: ignore[operator]
            assert client.get(reverse("public:list") + "?page=2").status_code == 200


def test_the_public_list_is_paginated_and_each_document_is_on_one_page() -> None:
    plans = _publish_documents(selectors.PUBLIC_PAGE_SIZE + 5)
    client = Client()
    first = client.get(reverse("public:list")).content.decode()
    second = client.get(reverse("public:list") + "?page=2").content.decode()
    assert 'class="govuk-pagination"' in first and "Page 1 of 2" in first
    assert 'rel="next"' in first and 'rel="prev"' in second
    for plan in plans:
        href = reverse("public:download", kwargs={"pk": plan.versions.get().pk})
        assert (href in first) != (href in second)
    assert f"Showing documents 1 to {selectors.PUBLIC_PAGE_SIZE} of {len(plans)}" in first
    # A page past the end is the last page, not an error.
    assert client.get(reverse("public:list") + "?page=99").status_code == 200


def test_current_versions_come_first_within_a_partnership(district: object) -> None:
    plan = factories.PlanFactory(partnership=district, start_year=2022, end_year=2023)
    old = factories.published_version(plan, "1.0")
    newer = factories.PlanFactory(partnership=district, start_year=2023, end_year=2024)
    current = factories.published_version(newer, "1.0")
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.SUPERSEDED)
    listed = selectors.published_document_list()
    assert len(listed) == 1
    assert [(d.version.pk, d.is_current) for d in listed[0].documents] == [
        (current.pk, True),
        (old.pk, False),
    ]
