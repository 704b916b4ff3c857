"""A lead written over several lines ("Domestic Abuse Group⏎CSP Executive", five demo
actions) keeps its lines through every edit: the lead boxes are textareas, and a form
saved unchanged, as a browser posts it, changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from actions.models import Action, Milestone
from demo.loader import load_demo
from priorities.models import Priority
from tests.html_forms import form_data, html_forms

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_demo()


@pytest.fixture
def coordinator(demo):
    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email="coordinator@swale.example"))
    return client


def _save_unchanged(client: Client, url: str, box: str) -> None:
    page = client.get(url).content.decode()
    assert f'<textarea name="{box}"' in page, f"{box} is not a text box on {url}"
    (form,) = html_forms(page)
    response = client.post(url, form_data(form))
    assert response.status_code == 302, response.content.decode()[:2000]


def test_the_demo_has_multi_line_leads(demo):
    leads = sorted(
        Action.objects.filter(lead_text__contains="\n").values_list("reference", flat=True)
    )
    assert leads == ["1.3", "2.2", "3.2", "3.3", "4.4"]


def test_saving_an_action_unchanged_keeps_its_lead_lines(coordinator):
    for action in Action.objects.filter(lead_text__contains="\n"):
        before = action.lead_text
        _save_unchanged(coordinator, reverse("actions:edit", kwargs={"pk": action.pk}), "lead_text")
        action.refresh_from_db()
        assert action.lead_text == before


def test_saving_a_milestone_unchanged_keeps_its_lead_as_written(coordinator):
    milestones = (
        Milestone.objects.filter(action__plan__partnership__slug="swale")
        .exclude(lead_text="")
        .select_related("lead")
    )
    assert any(m.lead and m.lead_text != m.lead.short_name for m in milestones)
    multi = milestones.first()
    assert multi is not None
    Milestone.objects.filter(pk=multi.pk).update(lead_text="Domestic Abuse Group\nCSP Executive")
    for milestone in milestones:
        before = Milestone.objects.get(pk=milestone.pk).lead_text
        url = reverse("actions:milestone_edit", kwargs={"pk": milestone.pk})
        _save_unchanged(coordinator, url, "lead_text")
        assert Milestone.objects.get(pk=milestone.pk).lead_text == before


def test_saving_a_priority_unchanged_keeps_its_lead_lines(coordinator):
    priority = Priority.objects.filter(plan__partnership__slug="swale").first()
    assert priority is not None
    lead = "Superintendent of Strategic Prevention\nKent Police"
    Priority.objects.filter(pk=priority.pk).update(lead=lead)
    url = reverse("priorities:priority_edit", kwargs={"pk": priority.pk})
    _save_unchanged(coordinator, url, "lead")
    priority.refresh_from_db()
    assert priority.lead == lead


def test_a_new_action_keeps_its_lead_lines(coordinator):
    priority = Priority.objects.filter(plan__partnership__slug="swale").first()
    assert priority is not None
    response = coordinator.post(
        reverse("actions:add", kwargs={"pk": priority.plan_id}),
        {
            "heading": f"p{priority.pk}",
            "title": "Run a campaign",
            "lead_text": "Domestic Abuse Group\r\nCSP Executive",
        },
    )
    assert response.status_code == 302
    assert Action.objects.get(title="Run a campaign").lead_text == (
        "Domestic Abuse Group\nCSP Executive"
    )
