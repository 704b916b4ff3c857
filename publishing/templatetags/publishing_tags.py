from django import template
from django.utils.safestring import SafeString, mark_safe

from plans.text import markdown_to_html
from publishing import contents, layout
from publishing.layout import ActionPlanLayout
from publishing.snapshot import DocumentSnapshot
from publishing.xref import document_targets, link_references

register = template.Library()


@register.filter
def section_html(text: str) -> SafeString:
    """Section text (Markdown) as sanitised HTML: see plans/text.py."""
    return mark_safe(markdown_to_html(text or ""))  # sanitised by nh3


@register.simple_tag
def action_plan_layout(doc: DocumentSnapshot) -> ActionPlanLayout:
    """The action plan table's columns, blocks and orientation: see publishing/layout.py."""
    return layout.action_plan_layout(doc)


@register.simple_tag
def section_body(text: str, doc: DocumentSnapshot) -> SafeString:
    """Section text as sanitised HTML, its [[references]] linked: see publishing/xref.py."""
    return link_references(markdown_to_html(text or ""), document_targets(doc))


@register.filter
def heading_tables(doc: DocumentSnapshot) -> list[tuple[str, str, list[contents.Entry]]]:
    return contents.heading_tables(doc)


@register.filter
def document_contents(doc: DocumentSnapshot) -> list[contents.ContentsLine]:
    return contents.document_contents(doc)


@register.filter
def priorities_home(doc: DocumentSnapshot) -> str:
    return contents.priorities_home(doc)
