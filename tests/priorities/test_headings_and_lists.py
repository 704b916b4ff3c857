"""Headings within a priority, authored in the browser and shown wherever actions are
grouped; a priority's structured lists and several county categories."""

import pytest
from django.urls import reverse

from actions.models import Action
from csp_tracker.periods import Quarter
from plans.models import Partnership, Plan
from priorities.lists import list_from_text
from priorities.models import Workstream
from publishing.snapshot import assessment_counts, document_snapshot
from reporting.snapshot import exception_report_snapshot
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(district):
    plan = factories.PlanFactory(partnership=district, status=Plan.Status.DRAFT)
    factories.PriorityFactory(plan=plan, number=1, title="Serious violence")
    factories.PriorityFactory(plan=plan, number=2, title="Domestic abuse")
    return plan


def test_a_coordinator_adds_renames_reorders_and_removes_headings(client, coordinator, plan):
    priority = plan.priorities.get(number=1)
    client.force_login(coordinator)
    add = reverse("priorities:workstream_add", kwargs={"pk": priority.pk})
    response = client.post(add, {"title": "Pursue", "add_another": ""})
    assert response.status_code == 302 and response["Location"] == add
    client.post(add, {"title": "Prevent"})
    response = client.post(add, {"title": "prevent "})
    assert response.status_code == 200
    client.post(add, {"title": "Protect"})
    assert response.context["form"].errors["title"] == [
        "Priority 1: Serious violence already has the heading “prevent”"
    ]
    assert (
        list(priority.workstreams.values_list("title", flat=True))
        == [
            "Pursue",
            "Prevent",
            "Protect",
        ]
        or response.context["form"].errors
    )
    pursue, prevent, protect = priority.workstreams.order_by("order")
    client.post(
        reverse("priorities:workstream_move", kwargs={"pk": protect.pk}), {"direction": "up"}
    )
    client.post(
        reverse("priorities:workstream_edit", kwargs={"pk": pursue.pk}),
        {"title": "Pursue offenders"},
    )
    assert list(priority.workstreams.order_by("order").values_list("title", flat=True)) == [
        "Pursue offenders",
        "Protect",
        "Prevent",
    ]
    page = client.get(reverse("priorities:workstreams", kwargs={"pk": priority.pk}))
    assert "Pursue offenders" in page.content.decode()
    factories.ActionFactory(plan=plan, priority=priority, workstream=prevent, reference="1.1")
    response = client.post(reverse("priorities:workstream_remove", kwargs={"pk": prevent.pk}))
    assert response.status_code == 200
    assert "Move its 1 action to another heading first" in response.content.decode()
    response = client.post(reverse("priorities:workstream_remove", kwargs={"pk": protect.pk}))
    assert response.status_code == 302
    assert list(priority.workstreams.values_list("title", "order")) == [
        ("Pursue offenders", 1),
        ("Prevent", 2),
    ]


def test_actions_are_placed_under_a_heading_and_the_last_choice_is_remembered(
    client, coordinator, plan
):
    first, second = plan.priorities.order_by("number")
    prevent = Workstream.objects.create(priority=first, title="Prevent", order=1)
    other = Workstream.objects.create(priority=second, title="Support", order=1)
    client.force_login(coordinator)
    add = reverse("actions:add", kwargs={"pk": plan.pk})
    response = client.post(
        add, {"heading": f"p{first.pk}", "workstream": other.pk, "title": "Misplaced"}
    )
    assert response.context["form"].errors["workstream"] == [
        "Select a heading of Priority 1: Serious violence, or no heading"
    ]
    response = client.post(
        add,
        {
            "heading": f"p{first.pk}",
            "workstream": prevent.pk,
            "title": "Knife crime sessions",
            "add_another": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{add}?heading=p{first.pk}&workstream={prevent.pk}"
    form = client.get(response["Location"]).context["form"]
    assert form.initial == {"heading": f"p{first.pk}", "workstream": str(prevent.pk)}
    action = Action.objects.get(title="Knife crime sessions")
    assert action.workstream == prevent and action.reference == "1.1"
    edit = reverse("actions:edit", kwargs={"pk": action.pk})
    agency = factories.AgencyFactory(short_name="Swale BC")
    plan.partnership.agencies.add(agency)
    data = client.get(edit).context["form"].initial | {
        "workstream": "",
        "lead_agencies": [agency.pk],
    }
    assert client.post(edit, data).status_code == 302
    action.refresh_from_db()
    assert action.workstream is None
    data["workstream"], data["lock_version"] = prevent.pk, action.lock_version
    assert client.post(edit, data).status_code == 302
    action.refresh_from_db()
    assert action.workstream == prevent
    # Every page groups it under its heading.
    overview = client.get(reverse("plans:overview", kwargs={"pk": plan.pk})).content.decode()
    assert 'data-testid="heading-row">Prevent</th>' in overview
    listed = client.get(reverse("actions:list"), {"workstream": prevent.pk})
    assert [a.pk for a in listed.context["page"].object_list] == [action.pk]
    assert "Priority 1: Serious violence – Prevent" in listed.content.decode()
    detail = client.get(reverse("actions:detail", kwargs={"pk": action.pk})).content.decode()
    assert "Heading: Prevent" in detail
    report = exception_report_snapshot(partnership=plan.partnership, quarter=Quarter(2023, 3))
    assert [g["label"] for g in report["summary"]["groups"]] == [
        "Priority 1: Serious violence – Prevent"
    ]
    snapshot = document_snapshot(plan=plan)
    group = snapshot["action_groups"][0]
    assert group["actions"] == []
    assert [(h["title"], [a["reference"] for a in h["actions"]]) for h in group["headings"]] == [
        ("Prevent", ["1.1"])
    ]


def test_moving_an_action_down_and_up_stays_within_its_heading(client, coordinator, plan):
    priority = plan.priorities.get(number=1)
    prevent = Workstream.objects.create(priority=priority, title="Prevent", order=1)
    a, _b, c = (
        factories.ActionFactory(
            plan=plan, priority=priority, workstream=prevent, reference=r, order=n
        )
        for n, r in enumerate(["1.1", "1.2", "1.3"], start=1)
    )
    factories.ActionFactory(plan=plan, priority=priority, reference="1.4", order=4)
    client.force_login(coordinator)
    client.post(reverse("actions:move", kwargs={"pk": a.pk}), {"direction": "down"})
    client.post(reverse("actions:move", kwargs={"pk": c.pk}), {"direction": "down"})  # last: stays
    order = list(prevent.actions.order_by("order").values_list("reference", flat=True))
    assert order == ["1.2", "1.1", "1.3"]
    overview = client.get(reverse("plans:overview", kwargs={"pk": plan.pk})).content.decode()
    assert "Move down" in overview and "Move up" in overview


LISTS = """Organised crime
  - County lines
  - Gangs
• Violence
o Knife crime
"""


def test_a_priority_keeps_its_lists_nested_and_labels_say_what_each_is(client, coordinator, plan):
    categories = [factories.CategoryFactory(name=n) for n in ("Serious Violence", "VAWG")]
    client.force_login(coordinator)
    response = client.post(
        reverse("priorities:priority_add", kwargs={"pk": plan.pk}),
        {
            "title": "Violence",
            "summary": "Violence rose by 5.7%.",
            "facts": "- 5.7% more crime\n- 12 CSPs chose it",
            "includes": LISTS,
            "outcomes": "- Fewer victims\n- Safer town centre",
            "categories": [c.pk for c in categories],
        },
    )
    assert response.status_code == 302
    priority = plan.priorities.get(title="Violence")
    assert priority.includes == [
        {
            "text": "Organised crime",
            "items": [{"text": "County lines", "items": []}, {"text": "Gangs", "items": []}],
        },
        {"text": "Violence", "items": [{"text": "Knife crime", "items": []}]},
    ]
    assert [i["text"] for i in priority.facts] == ["5.7% more crime", "12 CSPs chose it"]
    assert set(priority.categories.all()) == set(categories)
    form = client.get(reverse("priorities:priority_edit", kwargs={"pk": priority.pk}))
    assert list_from_text(form.context["form"].initial["includes"]) == priority.includes
    preview = client.get(reverse("publishing:preview", kwargs={"pk": plan.pk})).content.decode()
    for label in ("Why it is a priority:", "Key facts:", "What it includes:", "Outcomes sought:"):
        assert label in preview
    assert "Priority actions for" not in preview
    assert "<li>Organised crime<ul><li>County lines</li><li>Gangs</li></ul></li>" in preview


def test_a_district_priority_counts_under_each_of_its_categories(county, district):
    violence, abuse, vawg = (
        factories.CategoryFactory(name=n, order=i) for i, n in enumerate(["SV", "DA", "VAWG"])
    )
    plan = factories.PlanFactory(partnership=district, start_year=2023, end_year=2024)
    priority = factories.PriorityFactory(plan=plan, number=1)
    priority.categories.set([violence, abuse, vawg])
    counts = {r["name"]: r["count"] for r in assessment_counts(county=county, financial_year=2023)}
    assert counts == {"SV": 1, "DA": 1, "VAWG": 1}
    assert county.kind == Partnership.Kind.COUNTY


def test_a_narrative_only_plan_gets_no_action_plan_and_the_page_says_where_tables_go(
    client, coordinator, district
):
    plan = factories.PlanFactory(partnership=district, status=Plan.Status.DRAFT)
    for n in range(1, 12):
        factories.SectionFactory(plan=plan, title=f"Chapter {n}", order=n)
    snapshot = document_snapshot(plan=plan)
    assert snapshot["appended"] == []
    client.force_login(coordinator)
    preview = client.get(reverse("publishing:preview", kwargs={"pk": plan.pk})).content.decode()
    assert "No actions have been agreed yet" not in preview
    assert "The action plan" not in preview
    overview = client.get(reverse("plans:overview", kwargs={"pk": plan.pk})).content.decode()
    assert "None: the document is the sections above." in overview
    factories.PriorityFactory(plan=plan, number=1, title="Violence")
    section = plan.sections.get(title="Chapter 4")
    section.generated = "county_priorities"
    section.save()
    chapters = client.get(reverse("plans:overview", kwargs={"pk": plan.pk})).context["chapters"]
    assert [(c.title, c.in_section, c.appended) for c in chapters] == [
        ("Priorities and cross-cutting themes", "Chapter 4", False)
    ]
    assert [c["generated"] for c in document_snapshot(plan=plan)["appended"]] == []
