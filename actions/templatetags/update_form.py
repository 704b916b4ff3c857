"""The status update form's fields (``{% status_update_fields form %}``), for its page.

A form as opened, not yet sent, shows the same fields on every page but for the action's
milestones, its version and the CSRF token: its template (actions/includes/
status_update_fields.html) is rendered once per process with markers for those three
(csp_tracker.rows.row_template) and each page fills them in. Its three rows of numbers
and their fields, built and rendered for every page, were two thirds of the page's work.
A form sent back with errors, or set up otherwise, is rendered by its template as it is.

The page puts the fields within crispy-forms' ``{% specialspaceless %}``, as crispy-forms
does: so the fields filled in are spaced as the template rendered in full spaces them.
"""

from functools import cache
from typing import Any, cast

from django import template
from django.template.loader import get_template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from actions.forms import StatusUpdateForm
from actions.models import Action, Milestone
from csp_tracker.rows import row_template
from csp_tracker.templatetags.govuk_fields import govuk_checkboxes, widget_html

register = template.Library()

_FIELDS = "actions/includes/status_update_fields.html"
_VALUES = ("csrf_token", "milestones", "updates_version")


class _NoMilestones:
    """What StatusUpdateForm reads of its action, for a form with none to offer: the
    form whose fields, less the milestones', every form as opened shows."""

    class milestones:  # (the relation's name)
        @staticmethod
        def all() -> list[Milestone]:
            return []


@cache
def _as_opened() -> StatusUpdateForm:
    # Never sent, nor shown itself: only its template's rendering is kept.
    return StatusUpdateForm(action=cast(Action, _NoMilestones()))


def _is_as_opened(form: StatusUpdateForm) -> bool:
    """The form as its page opens it: not sent, with no prefix, only its version given."""
    return (
        type(form) is StatusUpdateForm
        and not form.is_bound
        and form.prefix is None
        and form.initial.keys() <= {"updates_version"}
    )


@register.simple_tag(takes_context=True)
def status_update_fields(context: template.Context, form: StatusUpdateForm) -> SafeString:
    """The form's fields (its template's), the milestones' checkboxes among them when it
    offers any."""
    milestones = (
        govuk_checkboxes(
            form["milestones_completed"], legend_size="govuk-fieldset__legend--m", legend_tag="h2"
        )
        if "milestones_completed" in form.fields
        else ""
    )
    values: dict[str, Any] = {
        "csrf_token": context.get("csrf_token"),
        "milestones": milestones,
        "updates_version": widget_html(form["updates_version"]),
    }
    if values["csrf_token"] is None or not _is_as_opened(form):
        return SafeString(get_template(_FIELDS).render({"form": form, **values}))
    # Kept by language too: its words are the form's, in the language they are shown in.
    shape = {"form": _as_opened(), "language": get_language()}
    return row_template(_FIELDS, shape, _VALUES).render(values)
