"""An action's page above its history (``{% action_summary action milestones ... %}``):
its heading, status, buttons, details and milestones.

Written from actions/includes/action_summary.html rendered once per process for each
shape of page (what its ifs ask: a heading, an overdue milestone, who may do what…) and
filled in with the action's values (csp_tracker.rows.row_template): the template's two
dozen variables, ifs and loops, and its table's tags, cost the page more than its
history. What it shows, and how, is as the template showed it.
"""

from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING

from django import template
from django.utils.safestring import SafeString

from actions.models import Milestone
from actions.templatetags.actions_tags import status_tag
from actions.templatetags.milestone_rows import milestone_rows
from csp_tracker.periods import Quarter
from csp_tracker.reversing import row_url
from csp_tracker.rows import escaped_lines, list_breadcrumbs, row_template

if TYPE_CHECKING:
    from actions.selectors import ActionOnItsPage

register = template.Library()

_SUMMARY = "actions/includes/action_summary.html"
_VALUES = (
    "partnership",
    "heading",
    "workstream",
    "reference",
    "title",
    "status",
    "update_url",
    "quarter",
    "edit_url",
    "desired_outcome",
    "leads",
    "lead_text",
    "plan",
    "period",
    "themes",
    "linked_to",
    "milestone_rows",
    "milestone_add_url",
)
# Each lead agency as the list's loop wrote it, spaces and all.
_LEAD = "\n                        <li>{}</li>\n                    "
_NO_LEAD = _LEAD.format("None recorded")


def _leads(action: "ActionOnItsPage") -> SafeString:
    written = []
    for agency in action.lead_agencies.all():
        name = escape(agency.name)
        if agency.short_name != agency.name:
            name = f"{name} ({escape(agency.short_name)})"
        written.append(_LEAD.format(name))
    return SafeString("".join(written) or _NO_LEAD)


@register.simple_tag
def action_summary(
    action: "ActionOnItsPage",
    milestones: Iterable[Milestone],
    *,
    can_update: bool,
    can_edit: bool,
    quarter: Quarter,
) -> SafeString:
    """The action's heading, status, its update and change buttons (``can_update``,
    ``can_edit``), its details and its ``milestones``' table, as read by ``action_get``."""
    milestones = list(milestones)
    themes = action.supports_themes.all()
    workstream = action.workstream
    shape = {
        "has_workstream": workstream is not None,
        "has_overdue": action.has_overdue,
        "can_update": can_update,
        "updated_this_quarter": can_update and action.updated_this_quarter,
        "can_edit": can_edit,
        "has_lead_text": bool(action.lead_text),
        "has_themes": bool(themes),
        "is_linked": action.is_linked,
        "is_grant_funded": action.is_grant_funded,
        "has_milestones": bool(milestones),
    }
    heading = action.parent.label
    plan = action.plan
    return row_template(_SUMMARY, shape, _VALUES).render(
        {
            "partnership": plan.partnership.short_name,
            "heading": heading,
            "workstream": workstream.title if workstream is not None else "",
            "reference": action.reference,
            "title": action.title,
            "status": status_tag(action.current_status),
            "update_url": row_url("actions:update", action.pk) if can_update else "",
            "quarter": quarter,
            "edit_url": row_url("actions:edit", action.pk) if can_edit else "",
            "desired_outcome": action.desired_outcome or "Not given",
            "leads": _leads(action),
            "lead_text": escaped_lines(action.lead_text),
            "plan": plan.title,
            "period": plan.period_label,
            "themes": SafeString(", ".join([escape(theme.title) for theme in themes])),
            "linked_to": action.linked_to or "another group or strategy",
            "milestone_rows": milestone_rows(milestones, can_edit),
            "milestone_add_url": row_url("actions:milestone_add", action.pk) if can_edit else "",
        }
    )


@register.simple_tag
def action_breadcrumbs(action: "ActionOnItsPage") -> SafeString:
    """The page's breadcrumbs: "All actions", then the action's plan."""
    return list_breadcrumbs("actions:list", "All actions", action.plan.title)
