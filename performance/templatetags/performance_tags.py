from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from actions.templatetags.actions_tags import RAG_TAG_CLASSES
from performance.charts import indicator_chart
from performance.grants import GrantMoney, ProjectMoney
from performance.indicators import BETTER, SAME, WORSE, Series
from performance.models import FundedProject, Indicator, ProjectStatus
from performance.money import format_money, format_number

register = template.Library()

# Project statuses as GOV.UK tags, always with the words: never colour alone. The four
# a project shares with an action (not started, on/at risk/off track) are coloured alike.
PROJECT_TAG_CLASSES: dict[str, str] = {
    **RAG_TAG_CLASSES,
    ProjectStatus.PART_DELIVERED: "govuk-tag--turquoise",
    ProjectStatus.DELIVERED: "govuk-tag--blue",
    ProjectStatus.WITHDRAWN: "govuk-tag--purple",
}

VERDICT_CLASSES: dict[str, str] = {
    BETTER: "govuk-tag--green",
    WORSE: "govuk-tag--red",
    SAME: "govuk-tag--grey",
}


@register.filter
def money(value: Decimal | int | str | None) -> str:
    """The one way money is shown: "£39,661", or "£1,234.50" when there are pence."""
    return format_money(value)


@register.filter
def number(value: Decimal | int | str | None) -> str:
    return format_number(value)


@register.filter
def baseline(indicator: Indicator) -> str:
    """An indicator's baseline as the pages write it: "1,114 (2022/23)", or "None"."""
    if indicator.baseline_value is None:
        return "None"
    return f"{format_number(indicator.baseline_value)} ({indicator.baseline_period})"


@register.filter
def project_status_label(status: str | None) -> str:
    if not status:
        return "No status yet"
    return ProjectStatus(status).label if status in ProjectStatus.values else status


@register.simple_tag
def project_status_tag(status: str | None) -> SafeString:
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>',
        PROJECT_TAG_CLASSES.get(status or "", "govuk-tag--grey"),
        project_status_label(status),
    )


@register.simple_tag
def verdict_tag(verdict: str | None) -> SafeString:
    if not verdict:
        return SafeString("")
    words = {BETTER: "Better", WORSE: "Worse", SAME: "No change"}[verdict]
    return format_html('<strong class="govuk-tag {}">{}</strong>', VERDICT_CLASSES[verdict], words)


@register.simple_tag
def chart(series: Series, id_prefix: str = "indicator-chart") -> SafeString:
    return indicator_chart(series=series, id_prefix=id_prefix)


@register.filter
def share_of(money: GrantMoney, project: FundedProject) -> ProjectMoney | None:
    """The project's part of the grant's money: its own approval and its top-ups."""
    return money.projects.get(project.pk)
