"""The section, priority and theme forms hold text to the limits, in GOV.UK words."""

import pytest
from django.test import Client
from django.urls import reverse

from plans.models import Plan, PlanSection
from priorities.models import Priority
from tests import factories

pytestmark = pytest.mark.django_db

DEEP = "- " * 500 + "x"  # made the preview a RecursionError


def _table(rows: int, columns: int) -> str:
    lines = ["|" + " Head |" * columns, "|" + "---|" * columns]
    return "\n".join(lines + ["|" + " cell |" * columns for _ in range(rows)])


@pytest.fixture
def plan(district):
    return factories.PlanFactory(partnership=district, status=Plan.Status.DRAFT)


@pytest.fixture
def client(coordinator):
    client = Client()
    client.force_login(coordinator)
    return client


def _errors(response) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    return page


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (DEEP, "Section text can have lists nested at most 5 deep: this has 8 levels"),
        (
            "\n".join("    " * level + "- item" for level in range(6)),
            "Section text can have lists nested at most 5 deep: this has 6 levels",
        ),
        ("> " * 7 + "quote", "Section text can have lists nested at most 5 deep: this has 7"),
        (_table(100, 3), "Section text can have tables of at most 100 rows: one has 101"),
        (_table(3, 9), "Section text can have tables of at most 8 columns: one has 9"),
        (
            _table(80, 4) + "\n\n" + _table(80, 4),
            "Section text can have at most 500 table cells in all: this has 648",
        ),
        ("x" * 60001, "Enter text of 60,000 characters or fewer"),
    ],
)
def test_the_section_form_refuses_text_over_the_limits(client, plan, body, message):
    response = client.post(
        reverse("plans:section_add", kwargs={"pk": plan.pk}), {"title": "Statistics", "body": body}
    )
    assert message in _errors(response)
    assert not PlanSection.objects.exists()


def test_the_section_form_takes_text_at_the_limits(client, plan):
    body = "\n".join("    " * level + "- item" for level in range(5))
    body += "\n\n" + _table(99, 5)
    response = client.post(
        reverse("plans:section_add", kwargs={"pk": plan.pk}), {"title": "Statistics", "body": body}
    )
    assert response.status_code == 302
    assert PlanSection.objects.get().body == body


def test_editing_a_section_is_held_to_the_limits_too(client, plan):
    section = factories.SectionFactory(plan=plan, title="Old", body=DEEP)
    response = client.post(
        reverse("plans:section_edit", kwargs={"pk": section.pk}), {"title": "Old", "body": DEEP}
    )
    assert "Section text can have lists nested at most 5 deep" in _errors(response)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("summary", "The summary can have lists nested at most 5 deep: this has 8 levels"),
    ],
)
def test_priority_and_theme_forms_hold_their_markdown_to_the_limits(client, plan, field, message):
    for name in ("priorities:priority_add", "priorities:theme_add"):
        response = client.post(
            reverse(name, kwargs={"pk": plan.pk}), {"title": "Violence", field: DEEP}
        )
        assert message in _errors(response)
    assert not Priority.objects.exists()
    response = client.post(
        reverse("priorities:priority_add", kwargs={"pk": plan.pk}),
        {"title": "Violence", field: _table(3, 9)},
    )
    assert "can have tables of at most 8 columns: one has 9" in _errors(response)


def test_a_priority_s_lists_are_points_whatever_is_typed(client, plan):
    """Key facts, focus and outcomes are lists of plain points (priorities/lists.py), not
    Markdown: text nested 8 deep is kept to the lists' 4 levels, so nothing in them can
    make a render recurse without bound."""
    from priorities.lists import MAX_DEPTH

    response = client.post(
        reverse("priorities:priority_add", kwargs={"pk": plan.pk}),
        {"title": "Violence", "outcomes": DEEP},
    )
    assert response.status_code == 302, _errors(response)
    outcomes = Priority.objects.get().outcomes

    def depth(items: list) -> int:
        return 1 + max((depth(i["items"]) for i in items), default=0) if items else 0

    assert 1 <= depth(outcomes) <= MAX_DEPTH
