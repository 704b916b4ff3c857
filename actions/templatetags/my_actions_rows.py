"""The rows of "Your actions" (``actions/my_actions.html``): its actions
(``{% my_action_rows work.actions %}``) and the milestones overdue or due
(``{% my_milestone_rows milestones overdue %}``, in ``milestone_table.html``).

Each row is written from its template rendered once per process for its kind of row
(csp_tracker.rows.row_template), its links' URL patterns reversed once (url_maker) and
the page's texts escaped in one go (``escaped_texts``): the template's loops cost an
officer's page of a dozen rows some four thousand Python calls, a third of the page.
What a row shows is as the loops showed it.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django import template
from django.utils.safestring import SafeString, mark_safe

from actions.models import Milestone, Status
from actions.templatetags.actions_tags import status_tag
from csp_tracker.periods import format_date
from csp_tracker.reversing import url_maker
from csp_tracker.rows import RowTemplate, escaped_texts, row_template

if TYPE_CHECKING:
    from actions.selectors import ActionWithProgress

register = template.Library()

_ACTION_ROW = "actions/includes/my_action_row.html"
# A row's own text (escaped for the page at once), then its status's tag.
_ACTION_TEXT = ("reference", "url", "title", "plan", "update_url")
_ACTION_VALUES = (*_ACTION_TEXT, "status")
# Around each action's row, as the page's loop stood it (row_template strips a row's own).
_ACTION_START = "\n" + " " * 16
_ACTION_END = "\n" + " " * 12

_MILESTONE_ROW = "actions/includes/my_milestone_row.html"
_MILESTONE_VALUES = ("url", "reference", "description", "due", "timescale")
# Around each milestone's row, as milestone_table.html's loop stood it.
_MILESTONE_START = "\n" + " " * 8
_MILESTONE_END = "\n" + " " * 4


def _update_kind(action: "ActionWithProgress") -> str:
    """What the row's update cell shows: updated this quarter, no update needed (the
    action is completed), or a link to update it."""
    if action.updated_this_quarter:
        return "updated"
    return "completed" if action.current_status == Status.COMPLETED else ""


@register.simple_tag
def my_action_rows(actions: "Sequence[ActionWithProgress]") -> SafeString:
    """The rows of ``actions`` (read with their plan and progress, ``set_progress``),
    each with its status's tag (``status_tag``) and what its quarter's update needs."""
    detail, update = url_maker("actions:detail"), url_maker("actions:update")
    texts: list[str] = []
    for action in actions:
        texts += (action.reference, detail(action.pk), action.title, action.plan.title)
        texts.append(update(action.pk))
    written = escaped_texts(texts)
    kinds: dict[str, RowTemplate] = {}
    rows = []
    for n, action in enumerate(actions):
        kind = _update_kind(action)
        row = kinds.get(kind)
        if row is None:
            row = kinds[kind] = row_template(_ACTION_ROW, {"update": kind}, _ACTION_VALUES)
        at = n * len(_ACTION_TEXT)
        values = [*written[at : at + len(_ACTION_TEXT)], status_tag(action.current_status)]
        rows.append(f"{_ACTION_START}{row.write_rows([values])}{_ACTION_END}")
    return mark_safe("".join(rows))


@register.simple_tag
def my_milestone_rows(milestones: Sequence[Milestone], overdue: bool) -> SafeString:
    """The rows of ``milestones`` (read with their actions), each with the red tag when
    ``overdue`` (the table of those overdue)."""
    detail = url_maker("actions:detail")
    texts: list[str] = []
    for m in milestones:
        texts += (detail(m.action_id), m.action.reference, m.description)
        texts += (format_date(m.due_date), m.timescale)
    written = escaped_texts(texts)
    size = len(_MILESTONE_VALUES)
    rows = [written[at : at + size] for at in range(0, len(written), size)]
    row = row_template(_MILESTONE_ROW, {"overdue": bool(overdue)}, _MILESTONE_VALUES)
    table = row.write_rows(rows, between=_MILESTONE_END + _MILESTONE_START)
    return mark_safe(f"{_MILESTONE_START}{table}{_MILESTONE_END}" if rows else "")
