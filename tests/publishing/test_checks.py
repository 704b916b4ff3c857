"""The editor's check (publishing/checks.py) and its confirmation on the publish page."""

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from demo.loader import load_demo
from plans.models import Plan, PlanVersion
from publishing import services
from publishing.checks import document_check_findings
from publishing.snapshot import document_snapshot
from tests import factories
from tests.html_forms import publish_data
from tests.publishing.conftest import publish_start

pytestmark = pytest.mark.django_db
# The pages read the document snapshot (for the editor's check) in a fixed number (one of
# them the sections' images, in one query whatever the number of sections).
PUBLISH_PAGE_QUERIES = 21
PREVIEW_PAGE_QUERIES = 20


def _messages(plan: Plan) -> list[str]:
    return [f.message for f in document_check_findings(snapshot=document_snapshot(plan=plan))]


def test_the_demo_csa_shows_its_drafts_placeholders() -> None:
    load_demo()
    found = _messages(Plan.objects.get(partnership__slug="kent"))
    text = "\n".join(found)
    assert any(m.startswith("Foreword: draft wording: “This page will be updated") for m in found)
    assert any(
        m.startswith("Appendix B: Crime Data Summary: draft wording:") and "in development" in m
        for m in found
    )
    # The draft's typed "page 22" and "p.20" are references in the demo ([[County
    # Priorities]]), which name a chapter, and chapter 6 has its figure: nothing to check.
    assert "page number typed" not in text and "reference names no" not in text
    assert not any("figure is referred to" in m and "The diagram below" in m for m in found)


@pytest.fixture
def clean(plan: Plan) -> Plan:
    """The draft plan with its action's columns filled in: nothing to check."""
    action = plan.actions.get()
    action.lead_text = "Swale BC"
    action.save(update_fields=["lead_text"])
    factories.MilestoneFactory(action=action, description="Campaign launched", timescale="Ongoing")
    return plan


def test_a_clean_document_passes(clean: Plan) -> None:
    assert _messages(clean) == []


def test_the_plan_without_milestones_lists_the_empty_columns(plan: Plan) -> None:
    assert [m for m in _messages(plan) if "column" in m] == [
        "Action plan: the “Key milestones” column is empty for every action",
        "Action plan: the “Timescales” column is empty for every action",
        "Action plan: the “Lead agency” column is empty for every action",
    ]


@pytest.mark.parametrize(
    ("body", "kind", "quoted"),
    [
        ("Figures are TBC.", "draft wording", "Figures are TBC."),
        ("Dates to be confirmed.", "draft wording", "Dates to be confirmed."),
        ("Insert the chart here.", "draft wording", "Insert the chart here."),
        ("Spent £XX on it.", "draft wording", "Spent £XX on it."),
        ("Partners [...] agreed.", "draft wording", "Partners [...] agreed."),
        ("Details: see page 4.", "a page number typed", "Details: see page 4."),
        (
            "Details: see page 4.",
            "a page number typed in the text (the PDF's pages may differ): refer to the chapter "
            "or priority as [[its heading]] and the PDF prints its page",
            "Details: see page 4.",
        ),
        ("See [[Nowhere]].", "a reference names no chapter", "See [[Nowhere]]."),
        ("The chart below shows it.", "a figure is referred to", "The chart below shows it."),
    ],
)
@pytest.mark.usefixtures("clean")
def test_each_rule_names_the_chapter_and_quotes_the_words(
    plan: Plan, body: str, kind: str, quoted: str
) -> None:
    factories.SectionFactory(plan=plan, title="Our year", body=f"A good year.\n\n{body}")
    [found] = _messages(plan)
    assert found.startswith(f"Our year: {kind}")
    assert found.endswith(f"“{quoted}”")


@pytest.mark.usefixtures("clean")
def test_ordinary_words_are_not_placeholders(plan: Plan) -> None:
    factories.SectionFactory(
        plan=plan, title="Our year", body="Tbc and xx in lower case; inserted; developments."
    )
    assert _messages(plan) == []


def test_empty_chapters_and_empty_action_plan_columns(plan: Plan) -> None:
    factories.SectionFactory(plan=plan, title="Governance", body="")
    factories.SectionFactory(plan=plan, title="Action plan", body="", generated="action_plan")
    plan.actions.update(desired_outcome="", lead_text="")
    plan.actions.get().lead_agencies.clear()
    found = _messages(plan)
    assert "Governance: the chapter is empty" in found
    assert not any(m.startswith("Action plan: the chapter") for m in found)
    assert "Action plan: the “Desired outcome” column is empty for every action" in found
    assert "Action plan: the “Key milestones” column is empty for every action" in found


def _post(client: Client, plan: Plan, **extra: str) -> Any:
    form = client.get(reverse("publishing:publish", kwargs={"pk": plan.pk})).context["form"]
    data = {
        **publish_data("1.0", date(2023, 4, 1)),
        "request_key": form.initial["request_key"],
        "findings_key": form.initial.get("findings_key", ""),
        **extra,
    }
    return client.post(reverse("publishing:publish", kwargs={"pk": plan.pk}), data)


@pytest.mark.usefixtures("clean")
def test_the_publish_page_refuses_without_the_confirmation_and_publishes_with_it(
    plan: Plan, county_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    factories.SectionFactory(plan=plan, title="Foreword", body="This page will be updated.")
    client = Client()
    client.force_login(county_admin)
    page = client.get(reverse("publishing:publish", kwargs={"pk": plan.pk}))
    assert "Foreword: draft wording: “This page will be updated.”" in page.content.decode()
    assert "I have checked these and want to publish" in page.content.decode()
    refused = _post(client, plan)
    assert refused.status_code == 200
    assert refused.context["form"].errors["warnings_confirmed"] == [
        "Confirm you have checked the warnings and want to publish"
    ]
    assert not plan.versions.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = _post(client, plan, warnings_confirmed="on")
    assert done.status_code == 302
    assert plan.versions.get().status == PlanVersion.Status.PUBLISHED


@pytest.mark.usefixtures("clean")
def test_a_confirmation_of_other_findings_than_these_is_asked_again(
    plan: Plan, county_admin: Any
) -> None:
    factories.SectionFactory(plan=plan, title="Foreword", body="This page will be updated.")
    client = Client()
    client.force_login(county_admin)
    url = reverse("publishing:publish", kwargs={"pk": plan.pk})
    form = client.get(url).context["form"]
    # Someone adds a placeholder while the page is open.
    factories.SectionFactory(plan=plan, title="Appendix B", body="In development.")
    again = _post(client, plan, warnings_confirmed="on", findings_key=form.initial["findings_key"])
    assert again.status_code == 200
    assert again.context["form"].errors["warnings_confirmed"] == [
        "The warnings changed since the page was shown: check them again and confirm"
    ]
    assert "Appendix B: draft wording: “In development.”" in again.content.decode()
    shown = again.context["form"]
    assert not shown["warnings_confirmed"].value()
    assert shown["findings_key"].value() != form.initial["findings_key"]
    assert not plan.versions.exists()


@pytest.mark.usefixtures("clean")
def test_a_clean_document_is_published_without_the_question(plan: Plan, county_admin: Any) -> None:
    client = Client()
    client.force_login(county_admin)
    page = client.get(reverse("publishing:publish", kwargs={"pk": plan.pk}))
    assert "warnings_confirmed" not in page.context["form"].fields
    assert b"editor-check" not in page.content


@pytest.mark.usefixtures("clean")
def test_the_service_refuses_unconfirmed_warnings(plan: Plan, county_admin: Any) -> None:
    factories.SectionFactory(plan=plan, title="Appendix B", body="This section is in development.")
    with pytest.raises(services.PublishWarningsUnconfirmed) as refused:
        services.plan_version_publish_start(
            plan=plan, user=county_admin, number="1.0", effective_date=date(2023, 4, 1)
        )
    assert [f.chapter for f in refused.value.findings] == ["Appendix B"]
    assert not plan.versions.exists()
    publish_start(plan, county_admin)
    assert plan.versions.get().status == PlanVersion.Status.RENDERING


@pytest.mark.usefixtures("clean")
def test_the_preview_shows_the_findings(plan: Plan, county_admin: Any) -> None:
    factories.SectionFactory(plan=plan, title="Foreword", body="Numbers TBC.")
    client = Client()
    client.force_login(county_admin)
    page = client.get(reverse("publishing:preview", kwargs={"pk": plan.pk}))
    assert "Foreword: draft wording: “Numbers TBC.”" in page.content.decode()


def test_the_publish_and_preview_pages_query_counts_do_not_grow(
    plan: Plan, county_admin: Any, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    client.force_login(county_admin)
    for n in range(2, 6):
        priority = factories.PriorityFactory(plan=plan, number=n)
        factories.SectionFactory(plan=plan, body="Figures TBC.")
        action = factories.ActionFactory(plan=plan, priority=priority, reference=f"{n}.1")
        factories.MilestoneFactory(action=action)
        with django_assert_max_num_queries(PUBLISH_PAGE_QUERIES):
            page = client.get(reverse("publishing:publish", kwargs={"pk": plan.pk}))
        assert page.context["findings"]
        with django_assert_max_num_queries(PREVIEW_PAGE_QUERIES):
            client.get(reverse("publishing:preview", kwargs={"pk": plan.pk}))
