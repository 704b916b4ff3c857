from django import template
from django.utils.safestring import SafeString, mark_safe

from plans.text import markdown_to_html

register = template.Library()


@register.filter
def section_html(text: str) -> SafeString:
    """Section text (Markdown) as sanitised HTML: see plans/text.py."""
    return mark_safe(markdown_to_html(text or ""))  # sanitised by nh3
