from django import template
from django.utils.safestring import SafeString

from priorities.lists import ListItem, list_from_text, list_html

register = template.Library()

STYLES = {
    "page": {"ul_class": "govuk-list govuk-list--bullet", "p_class": "govuk-body"},
    "cell": {"ul_class": "govuk-list govuk-list--bullet", "p_class": "govuk-!-margin-0"},
    "pdf": {},
}


@register.filter
def item_list(items: list[ListItem] | str | None, style: str = "page") -> SafeString:
    """A priority's list (key facts, what it includes, outcomes) as a nested list. Text
    is read as a list too: versions published before the lists were structured kept
    their lists as text."""
    if isinstance(items, str):
        items = list_from_text(items)
    return list_html(items or [], **STYLES.get(style, {}))
