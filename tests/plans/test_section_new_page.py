"""A section's "Start on a new page" option: off by default (chapters follow on), saved by
the section's form, carried to a refreshed plan and into the document snapshot."""

import pytest
from django.test import Client
from django.urls import reverse

from plans.models import Plan, PlanSection
from publishing.snapshot import document_snapshot
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(district) -> Plan:
    return factories.PlanFactory(partnership=district)


@pytest.fixture
def client(coordinator) -> Client:
    client = Client()
    client.force_login(coordinator)
    return client


def test_a_section_follows_on_unless_its_author_asks_for_a_new_page(client, plan):
    url = reverse("plans:section_add", kwargs={"pk": plan.pk})
    assert client.post(url, {"title": "Introduction", "body": "Hello."}).status_code == 302
    section = PlanSection.objects.get()
    assert section.starts_new_page is False
    response = client.post(
        reverse("plans:section_edit", kwargs={"pk": section.pk}),
        {"title": "Introduction", "body": "Hello.", "starts_new_page": "on"},
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.starts_new_page is True
    edit = client.get(reverse("plans:section_edit", kwargs={"pk": section.pk}))
    assert edit.context["form"].initial["starts_new_page"] is True
    [entry] = document_snapshot(plan=plan)["sections"]
    assert entry["starts_new_page"] is True


def test_the_section_form_explains_the_reference_markup(client, plan):
    page = client.get(reverse("plans:section_add", kwargs={"pk": plan.pk})).content.decode()
    assert "[[County Priorities]]" in page and "never type a page number" in page
    assert "Start on a new page" in page
