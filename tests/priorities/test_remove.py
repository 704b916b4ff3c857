import pytest
from django.urls import reverse

from priorities.models import Priority
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(district):
    return factories.PlanFactory(partnership=district, status="draft")


def test_removing_an_empty_priority_numbers_the_rest_again(client, coordinator, plan):
    first = factories.PriorityFactory(plan=plan, number=1, title="First")
    factories.PriorityFactory(plan=plan, number=2, title="Second")
    factories.PriorityFactory(plan=plan, number=3, title="Third")
    client.force_login(coordinator)
    url = reverse("priorities:priority_remove", kwargs={"pk": first.pk})
    assert "Remove the priority “First”?" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "The priority “First” was removed" in response.content.decode()
    assert list(plan.priorities.values_list("number", "title")) == [(1, "Second"), (2, "Third")]


def test_a_priority_with_actions_is_not_removed(client, coordinator, plan):
    priority = factories.PriorityFactory(plan=plan, number=1)
    factories.ActionFactory(priority=priority, plan=plan)
    client.force_login(coordinator)
    response = client.post(reverse("priorities:priority_remove", kwargs={"pk": priority.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Move or remove its 1 action first" in page and "govuk-error-summary" in page
    assert Priority.objects.filter(pk=priority.pk).exists()


def test_removing_a_section(client, coordinator, plan):
    section = factories.SectionFactory(plan=plan, title="Risk Assessment")
    client.force_login(coordinator)
    response = client.post(reverse("plans:section_remove", kwargs={"pk": section.pk}))
    assert response.status_code == 302
    assert not plan.sections.exists()


def test_a_superseded_plan_keeps_its_sections(client, coordinator, plan):
    plan.status = "superseded"
    plan.save()
    section = factories.SectionFactory(plan=plan)
    client.force_login(coordinator)
    response = client.post(reverse("plans:section_remove", kwargs={"pk": section.pk}))
    assert response.status_code == 403
    assert plan.sections.exists()
