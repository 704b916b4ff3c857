"""An action's history of updates, written by one tag (``{% update_history history action %}``).

Each update's markup is put together here once, its values escaped as the template
escaped them: an action carried through four years' plans shows a dozen updates and more,
and the template's variables, filters and ifs for each cost its page more than the rest
of it together (issue 15). What it shows, and how, is as the template showed it. Its
values are escaped by ``html.escape``, as Django's ``escape`` does, without the lazy-text
wrapper and safe string each call of Django's makes (a hundred values and more).

Not a csp_tracker.rows.RowTemplate, the project's way for a list's rows: an update is
a dozen values, most of them already markup (its steps, milestones and numbers), and
RowTemplate's escape check for each value cost twice this one ``str.format`` (1,784
calls against 804 for the sixteen updates of an action at 10x Kent, measured with the
same values).
"""

from collections.abc import Iterable
from functools import lru_cache
from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from actions.models import Action, StatusUpdate, UpdateReview
from actions.templatetags.actions_tags import STATUS_LABELS, status_label, status_tag
from csp_tracker.periods import Quarter
from csp_tracker.rows import escaped_lines
from csp_tracker.templatetags.gds import local_datetime_writer

register = template.Library()

_UPDATE = """<div class="app-update" data-testid="update">
<h3 class="govuk-heading-s">{period}: {change}</h3>
<p class="govuk-body-s app-update__meta">{tag} by {author} on {when}{elsewhere}</p>
{steps}<p class="govuk-body">{commentary}</p>
{reason}{milestones}{figures}<hr class="{rule}">
</div>
"""
_RULE = "govuk-section-break govuk-section-break--m govuk-section-break--visible"
_ELSEWHERE = " (in {plan}, action {reference})"
_REASON = '<p class="govuk-body"><strong>Reason for the change:</strong> {}</p>\n'
_LIST = (
    '<p class="govuk-body govuk-!-margin-bottom-1"><strong>{}</strong></p>\n'
    '<ul class="govuk-list govuk-list--bullet">{}</ul>\n'
)
_STEP = '<p class="govuk-body-s" data-testid="sign-off-step">{}</p>\n'
_SUBMITTED = '<strong class="govuk-tag govuk-tag--yellow">Submitted</strong> on {when}{waiting}'
_APPROVED = '<strong class="govuk-tag govuk-tag--green">Approved</strong> by {who} on {when}'
_RETURNED = (
    '<strong class="govuk-tag govuk-tag--orange">Returned</strong> by {who} on {when}: {comment}'
)


# Each status's words, escaped, and its change from another: a handful, written once.
_LABELS = {status: escape(label) for status, label in STATUS_LABELS.items()}


def _label(status: str) -> str:
    return _LABELS.get(status) or escape(status_label(status))


@lru_cache(maxsize=128)
def _period(financial_year: int, quarter: int) -> str:
    """A quarter's name, escaped: the same few dozen quarters on every page."""
    return escape(str(Quarter(financial_year, quarter)))


class _Page:
    """What a page's history writes again and again (a dozen updates by the same few
    people over a few years), escaped once for the page."""

    def __init__(self, action: Action) -> None:
        self.action_id = action.pk
        # A time as ``{{ value|gds_datetime }}`` writes it, the time zone and month names
        # looked up once for the page.
        self.written_at = local_datetime_writer()
        self.authors: dict[tuple[int | None, int | None], str] = {}

    def author(self, update: StatusUpdate) -> str:
        key = (update.author_id, update.request_id)
        written = self.authors.get(key)
        if written is None:
            written = self.authors[key] = escape(update.author_name)
        return written


def _step(step: UpdateReview, last: bool, page: _Page) -> str:
    when = page.written_at(step.created_at)
    if step.decision == UpdateReview.Decision.SUBMITTED:
        return _STEP.format(
            _SUBMITTED.format(when=when, waiting=", awaiting sign-off" if last else "")
        )
    reviewer = step.reviewer
    who = escape(reviewer.get_full_name() or reviewer.email) if reviewer is not None else ""
    if step.decision == UpdateReview.Decision.APPROVED:
        return _STEP.format(_APPROVED.format(who=who, when=when))
    return _STEP.format(_RETURNED.format(who=who, when=when, comment=escaped_lines(step.comment)))


def _update(update: Any, page: _Page) -> str:
    status, before = update.status, update.previous_status
    if before and before != status:
        change = f"{_label(before)} → {_label(status)}"
    else:
        change = _label(status)
    steps: list[UpdateReview] = update.review_steps
    elsewhere = ""
    if update.action_id != page.action_id:
        elsewhere = _ELSEWHERE.format(
            plan=escape(update.plan_title), reference=escape(update.action_reference)
        )
    done = update.done_milestones
    figures = update.figures
    return _UPDATE.format(
        rule=_RULE,
        period=_period(update.financial_year, update.quarter),
        change=change,
        tag=status_tag(status),
        author=page.author(update),
        when=page.written_at(update.created_at),
        elsewhere=elsewhere,
        steps="".join(_step(step, n == len(steps) - 1, page) for n, step in enumerate(steps))
        if steps
        else "",
        commentary=escaped_lines(update.commentary),
        reason=_REASON.format(escaped_lines(update.reason)) if update.reason else "",
        milestones=_LIST.format(
            "Milestones completed:",
            "".join(f"<li>{escape(m.description)}</li>" for m in done),
        )
        if done
        else "",
        figures=_LIST.format(
            "Numbers reported:",
            "".join(
                f"<li>{escape(str(f.get('label', '')))}: {escape(str(f.get('value', '')))}</li>"
                for f in figures
            ),
        )
        if figures
        else "",
    )


@register.simple_tag
def update_history(history: Iterable[StatusUpdate], action: Action) -> SafeString:
    """The updates of ``status_history``, newest first, each with its sign-off steps,
    milestones done and numbers; or that there are none."""
    page = _Page(action)
    written = "".join([_update(update, page) for update in history])
    return mark_safe(written or '<p class="govuk-body">No updates have been recorded yet.</p>\n')
