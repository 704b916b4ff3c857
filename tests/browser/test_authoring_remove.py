import pytest
from django.urls import reverse

from tests import factories
from tests.world import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_removes_a_section_and_is_refused_a_priority_with_actions(site):
    world = build_world()
    factories.SectionFactory(plan=world.plan, title="Risk Assessment")
    coordinator = world.users["coordinator"]
    assert coordinator is not None
    site.sign_in(coordinator.email, PASSWORD)
    site.goto(reverse("plans:overview", kwargs={"pk": world.plan.pk}))
    site.click(site.page.get_by_role("link", name="Remove Risk Assessment"))
    site.press("Remove the section")
    assert "The section “Risk Assessment” was removed" in site.page.inner_text("main")
    priority = world.plan.priorities.earliest("number")
    site.goto(reverse("priorities:priority_remove", kwargs={"pk": priority.pk}))
    site.press("Remove the priority")
    assert "Move or remove its 1 action first" in site.page.inner_text(".govuk-error-summary")
