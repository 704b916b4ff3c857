from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

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


@register.simple_tag
def status_tag(status: str | None) -> SafeString:
    if not status:
        return format_html('<strong class="govuk-tag govuk-tag--grey">{}</strong>', "No update yet")
    label = Status(status).label if status in Status.values else status
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', TAG_CLASSES.get(status, ""), label
    )


@register.filter
def status_label(status: str | None) -> str:
    if not status:
        return "No update yet"
    return Status(status).label if status in Status.values else status
