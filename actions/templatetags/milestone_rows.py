"""An action's milestones as its page's table rows (``{% milestone_rows milestones can_edit %}``).

Each row is written from ``actions/includes/milestone_row.html`` rendered once per process
for its kind of row (csp_tracker.rows.row_template) and its link's URL pattern reversed
once (url_maker): the template's loop cost each milestone some four hundred Python calls,
two dates through Django's ``date`` filter among them. What a row shows is as the loop
showed it.
"""

from django import template
from django.utils.safestring import SafeString, mark_safe

from actions.models import Milestone
from csp_tracker.periods import format_date
from csp_tracker.reversing import url_maker
from csp_tracker.rows import RowTemplate, escaped_lines, row_template

register = template.Library()

_VALUES = ("description", "timescale", "due", "lead", "done", "edit_url", "number")
# The template's words for what is not given, as it wrote them (not escaped).
_NO_TIMESCALE = mark_safe("None given")
_ACTIONS_LEADS = mark_safe("Action's leads")
# Between the rows, as the template's loop put them.
_BETWEEN = "\n        \n            "


def _progress(milestone: Milestone) -> str:
    if milestone.done_date:
        return "done"
    # Set by the page's selector (actions.selectors.set_overdue).
    return "overdue" if getattr(milestone, "is_overdue", False) else ""


@register.simple_tag
def milestone_rows(milestones: list[Milestone], can_edit: bool) -> SafeString:
    """The rows of ``milestones`` (read with their leads and whether each is overdue),
    each with a "Change" link when ``can_edit``; nothing when there are none."""
    edit = url_maker("actions:milestone_edit")
    kinds: dict[tuple[bool, str], RowTemplate] = {}
    rows = []
    for number, m in enumerate(milestones, start=1):
        kind = (bool(m.due_date), _progress(m))
        row = kinds.get(kind)
        if row is None:
            has_due, progress = kind
            row = kinds[kind] = row_template(
                "actions/includes/milestone_row.html",
                {"can_edit": can_edit, "has_due": has_due, "progress": progress},
                _VALUES,
            )
        if m.lead_text:
            lead: str = escaped_lines(m.lead_text)
        else:
            lead = (m.lead.short_name if m.lead is not None else "") or _ACTIONS_LEADS
        rows.append(
            row.render(
                {
                    "description": m.description,
                    "timescale": m.timescale or _NO_TIMESCALE,
                    "due": format_date(m.due_date),
                    "lead": lead,
                    "done": format_date(m.done_date),
                    "edit_url": edit(m.pk) if can_edit else "",
                    "number": number,
                }
            )
        )
    return mark_safe(_BETWEEN.join(rows))
