from django import template
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from actions.models import Status

register = template.Library()

# RAG as GOV.UK tags, always with the words: never colour alone. A funded project's
# status (performance's project_status_tag) has the same four and more of its own.
RAG_TAG_CLASSES: dict[str, str] = {
    Status.NOT_STARTED: "govuk-tag--grey",
    Status.ON_TRACK: "govuk-tag--green",
    Status.AT_RISK: "govuk-tag--orange",
    Status.OFF_TRACK: "govuk-tag--red",
}
TAG_CLASSES: dict[str, str] = {**RAG_TAG_CLASSES, Status.COMPLETED: "govuk-tag--blue"}
# Each status's words, read once (``Status.values`` builds its list at every call; a page's
# history shows two dozen statuses).
STATUS_LABELS: dict[str, str] = {status.value: str(status.label) for status in Status}


@register.simple_tag
def status_tag(status: str | None) -> SafeString:
    if not status:
        return format_html('<strong class="govuk-tag govuk-tag--grey">{}</strong>', "No update yet")
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>',
        TAG_CLASSES.get(status, ""),
        STATUS_LABELS.get(status, status),
    )


@register.filter
def status_label(status: str | None) -> str:
    if not status:
        return "No update yet"
    return STATUS_LABELS.get(status, status)


# What ``html.escape`` (Django's ``escape``) replaces, in one pass of ``str.translate``.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _escaped(value: object) -> str:
    """``conditional_escape`` without its lazy-text wrapper, for many small values."""
    return value.__html__() if hasattr(value, "__html__") else str(value).translate(_ESCAPES)


@register.simple_tag
def select_options(field: BoundField) -> SafeString:
    """A filter's select options, the chosen one selected (the chosen value and each
    option's compared as text). In one go: the county team's select of every plan is a
    hundred and more options, each a template ``if`` otherwise; each escaped as
    ``format_html_join`` would, without its per-value wrappers (the county's select of
    every heading of a plan is a few hundred values)."""
    chosen = str(field.value())
    return mark_safe(
        "\n".join(
            f'<option value="{_escaped(value)}"'
            f"{' selected' if str(value) == chosen else ''}>{_escaped(label)}</option>"
            for value, label in field.field.widget.choices
        )
    )
