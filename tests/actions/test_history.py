"""An action's history of updates as its page shows it (actions/templatetags/history_tags):
each update's quarter, change of status, author and time, where it was made, its sign-off
steps, reason, milestones done and numbers, all escaped."""

import re
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from actions.models import UpdateReview
from actions.services import Figure, status_update_record
from csp_tracker.periods import Quarter
from tests import factories

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _text(html: str) -> str:
    """The page's text, a line per paragraph or heading, as a person reads it."""
    html = re.sub(r"<(?:p|h3|li|div)\b[^>]*>", "\n", re.sub(r"\s+", " ", html))
    text = re.sub(r"<[^>]+>", " ", html)
    lines = (re.sub(r"\s+", " ", unescape(line)).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _review(update, decision, when, reviewer=None, comment=""):
    UpdateReview.objects.create(
        update=update, decision=decision, reviewer=reviewer, comment=comment, created_at=when
    )


def test_the_history_shows_each_update_with_its_steps_reason_milestones_and_numbers(
    client, district, agency
):
    officer = factories.MembershipFactory(
        partnership=district, role="officer", agency=agency, user__full_name="Olu <Officer>"
    ).user
    reviewer = factories.UserFactory(full_name="Rita Reviewer")
    old_plan = factories.PlanFactory(
        partnership=district, title="Plan 2022 & 23", start_year=2022, end_year=2023
    )
    old = factories.ActionFactory(
        plan=old_plan, priority=factories.PriorityFactory(plan=old_plan), reference="1.1"
    )
    plan = factories.PlanFactory(partnership=district, start_year=2023, end_year=2024)
    action = factories.ActionFactory(
        plan=plan,
        priority=factories.PriorityFactory(plan=plan),
        lineage=old.lineage,
        carried_from=old,
        lead_agencies=[agency],
    )
    forum = factories.MilestoneFactory(action=action, description="Hold the <forum>")
    at = [datetime(2023, m, 10, 9, 5, tzinfo=LONDON) for m in (6, 9, 12)]
    first = status_update_record(
        action=old,
        author=officer,
        status="on_track",
        commentary="Begun",
        created_at=at[0],
        quarter=Quarter(2023, 1),
    )
    _review(first, UpdateReview.Decision.SUBMITTED, at[0])
    _review(first, UpdateReview.Decision.APPROVED, at[0].replace(hour=15), reviewer)
    second = status_update_record(
        action=action,
        author=officer,
        status="off_track",
        commentary="Venue lost\nPartners <re-planning>",
        reason="The venue closed",
        figures=[Figure("People reached", 12), Figure("Sessions & talks", 2.5)],
        milestones_completed=[forum],
        created_at=at[1],
        quarter=Quarter(2023, 2),
    )
    _review(second, UpdateReview.Decision.SUBMITTED, at[1])
    _review(
        second,
        UpdateReview.Decision.RETURNED,
        at[1].replace(hour=16),
        reviewer,
        comment="Give the numbers\nfor each session",
    )
    third = status_update_record(
        action=action,
        author=officer,
        status="off_track",
        commentary="Still closed",
        reason="Its return: still closed",
        created_at=at[2],
        quarter=Quarter(2023, 3),
    )
    _review(third, UpdateReview.Decision.SUBMITTED, at[2])
    client.force_login(officer)

    page = client.get(reverse("actions:detail", args=[action.pk])).content.decode()

    history = page[page.index('id="history"') : page.index("Changes to this action")]
    assert history.count('data-testid="update"') == 3
    assert _text(history).split("\n")[1:] == [
        "2023/24 Q3: On track → Off track",
        "Off track by Olu <Officer> on 10 December 2023 at 9:05am",
        "Submitted on 10 December 2023 at 9:05am, awaiting sign-off",
        "Still closed",
        "Reason for the change: Its return: still closed",
        "2023/24 Q2: On track → Off track",
        "Off track by Olu <Officer> on 10 September 2023 at 9:05am",
        "Submitted on 10 September 2023 at 9:05am",
        "Returned by Rita Reviewer on 10 September 2023 at 4:05pm: "
        "Give the numbers for each session",
        "Venue lost Partners <re-planning>",
        "Reason for the change: The venue closed",
        "Milestones completed:",
        "Hold the <forum>",
        "Numbers reported:",
        "People reached: 12",
        "Sessions & talks: 2.5",
        "2023/24 Q1: On track",
        "On track by Olu <Officer> on 10 June 2023 at 9:05am (in Plan 2022 & 23, action 1.1)",
        "Submitted on 10 June 2023 at 9:05am",
        "Approved by Rita Reviewer on 10 June 2023 at 3:05pm",
        "Begun",
    ]
    # Escaped once, never twice, and line breaks kept as <br>.
    assert "Olu &lt;Officer&gt;" in history and "&amp;lt;" not in history
    assert "Venue lost<br>Partners &lt;re-planning&gt;" in history
    assert "Give the numbers<br>for each session" in history
    assert '<strong class="govuk-tag govuk-tag--red">Off track</strong> by' in history


def test_an_action_with_no_update_says_so(client, district, agency):
    officer = factories.MembershipFactory(partnership=district, role="officer", agency=agency)
    action = factories.ActionFactory(priority=factories.PriorityFactory(plan__partnership=district))
    client.force_login(officer.user)
    page = client.get(reverse("actions:detail", args=[action.pk])).content.decode()
    assert "No updates have been recorded yet." in page
