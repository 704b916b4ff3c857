"""The rows of "Your actions" (actions/templatetags/my_actions_rows.py) are the rows its
template's loops wrote, to the byte: each kind of update cell, no status yet, text to
escape, a milestone without a timescale, in either table."""

from datetime import date
from typing import Any, cast

from django.template import engines

from actions.models import Action, Milestone
from actions.templatetags.my_actions_rows import my_action_rows, my_milestone_rows
from plans.models import Plan

# The loops as the page's template and milestone_table.html wrote them before, each
# after the line that loads its tags (the text around the loop as it stood).
ACTION_LOOP = """{% load actions_tags gds %}
            {% for action in actions %}
                <tr class="govuk-table__row">
                    <td class="govuk-table__cell">{{ action.reference }}</td>
                    <td class="govuk-table__cell">
                        <a class="govuk-link" href="{% row_url 'actions:detail' action.pk %}">{{ action.title }}</a>
                        <br>
                        <span class="govuk-body-s">{{ action.plan.title }}</span>
                    </td>
                    <td class="govuk-table__cell">
                        {% status_tag action.current_status %}
                    </td>
                    <td class="govuk-table__cell">
                        {% if action.updated_this_quarter %}
                            <strong class="govuk-tag govuk-tag--green">Updated</strong>
                        {% elif action.current_status == "completed" %}
                            Not needed: completed
                        {% else %}
                            <a class="govuk-link" href="{% row_url 'actions:update' action.pk %}">Update<span class="govuk-visually-hidden"> action {{ action.reference }}</span></a>
                        {% endif %}
                    </td>
                </tr>
            {% endfor %}
        """  # noqa: E501
MILESTONE_LOOP = """{% load gds %}
    {% for m in milestones %}
        <tr class="govuk-table__row">
            <td class="govuk-table__cell">
                <a class="govuk-link" href="{% row_url 'actions:detail' m.action_id %}">{{ m.action.reference }}</a>
            </td>
            <td class="govuk-table__cell">{{ m.description }}</td>
            <td class="govuk-table__cell">
                {% if overdue %}<strong class="govuk-tag govuk-tag--red">Overdue</strong>{% endif %}
                {{ m.due_date|date:"j F Y" }} ({{ m.timescale }})
            </td>
        </tr>
    {% endfor %}
"""  # noqa: E501


def _loop(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def _action(pk: int, reference: str, status: str | None, *, updated: bool) -> Action:
    plan = Plan(pk=pk, title=f'Plan "{pk}" & <b>')
    action = Action(pk=pk, reference=reference, title=f"Action <{pk}> & 'more'", plan=plan)
    action.current_status = status  # type: ignore[attr-defined]
    action.updated_this_quarter = updated  # type: ignore[attr-defined]
    return action


def test_action_rows_are_the_loops_rows():
    actions = [
        _action(1, "1.1", "on_track", updated=True),
        _action(2, "1.<2>", "completed", updated=False),
        _action(3, "2.1", "completed", updated=True),
        _action(4, "2.2", "off_track", updated=False),
        _action(5, "3&1", None, updated=False),
    ]
    rows = "            " + my_action_rows(cast(Any, actions)) + "\n        "
    assert rows == _loop(ACTION_LOOP, actions=actions).removeprefix("\n")
    assert my_action_rows([]) == ""


def test_milestone_rows_are_the_loops_rows():
    action = Action(pk=7, reference="4.<1>")
    milestones = [
        Milestone(pk=1, action=action, description="Train <staff> & 'others'",
                  due_date=date(2023, 6, 30), timescale="By June 23"),
        Milestone(pk=2, action=action, description="Report", due_date=date(2024, 3, 1),
                  timescale=""),
    ]  # fmt: skip
    for overdue in (True, False):
        rows = "    " + my_milestone_rows(milestones, overdue) + "\n"
        assert rows == _loop(MILESTONE_LOOP, milestones=milestones, overdue=overdue).removeprefix(
            "\n"
        )
