from datetime import date

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from actions.templatetags.actions_tags import TAG_CLASSES
from csp_tracker import reversing
from csp_tracker.periods import format_date
from reporting.charts import status_bar_chart
from reporting.snapshot import BUCKET_LABELS, NO_UPDATE

register = template.Library()


@register.simple_tag(takes_context=True)
def action_link(context: template.Context, item: dict) -> SafeString:
    """A report's action, linked to its page (from the site's address in the PDF): its
    reference and the first 30 words of its title. A tag rather than an included template:
    a report links every action it lists, and an include per row was a third of its page."""
    href = reversing.row_url("actions:detail", item["id"])
    if context.get("pdf"):
        href = f"{context.get('site_url', '')}{href}"
    return format_html(
        '<a class="govuk-link" href="{}">{} {}</a>\n',
        href,
        item["reference"],
        Truncator(item["title"]).words(30, truncate=" …"),
    )


@register.filter
def iso_date(value: str | None) -> str:
    """A snapshot's ISO date, '2023-12-31' → '31 December 2023'."""
    return format_date(date.fromisoformat(value)) if value else ""


@register.filter
def bucket_label(key: str | None) -> str:
    if not key:
        return "No update yet"
    return BUCKET_LABELS.get(key, key)


@register.simple_tag
def bucket_tag(key: str | None) -> SafeString:
    """A GOV.UK tag with the status in words (never colour alone)."""
    css = "govuk-tag--yellow" if key == NO_UPDATE else TAG_CLASSES.get(key or "", "")
    if not key:
        css = "govuk-tag--grey"
    return format_html('<strong class="govuk-tag {}">{}</strong>', css, bucket_label(key))


@register.filter
def signed(change: int) -> str:
    if change > 0:
        return f"{change} more"
    if change < 0:
        return f"{-change} fewer"
    return "No change"


@register.simple_tag
def summary_chart(snapshot: dict, id_prefix: str = "chart") -> SafeString:
    rows = [(t["key"], t["label"], t["count"]) for t in snapshot["summary"]["totals"]]
    title = (
        f"Bar chart: the {snapshot['action_count']} actions by status, "
        f"{snapshot['quarter']['label']}"
    )
    return status_bar_chart(rows=rows, title=title, id_prefix=id_prefix)


@register.filter
def count_of(counts: dict[str, int] | None, key: str) -> int | str:
    """counts[key] for the county view's table; '' when there is no report."""
    if not counts:
        return ""
    return counts.get(key, 0)
