"""A GOV.UK table's frame and head, written once.

``{% scroll_table "Your partnerships" testid="partnerships" %}…{% endscroll_table %}``
puts the table in its own labelled region that scrolls at 320 CSS px (static/css/app.css),
with the caption read out to screen readers only, or shown as a heading of the size
given (``heading="m"``); ``compact=False`` keeps GOV.UK's own cell padding.

``{% table_head "Grant" "Amount:numeric" %}`` gives a header cell a column, in order. A
name ending in ":numeric" right-aligns its column's header, as GOV.UK tables do for
numbers; one ending in ":hidden" is read out to screen readers only (a column of
buttons).
"""

import itertools

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token, token_kwargs
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

NUMERIC = "govuk-table__header govuk-table__header--numeric"


def _header(column: str) -> tuple[str, SafeString]:
    """A column's header cell: its class and its words."""
    name, _, kind = column.rpartition(":")
    if kind == "numeric":
        return NUMERIC, format_html("{}", name)
    if kind == "hidden":
        return "govuk-table__header", format_html(
            '<span class="govuk-visually-hidden">{}</span>', name
        )
    return "govuk-table__header", format_html("{}", column)


@register.simple_tag
def table_head(*columns: str) -> SafeString:
    cells = format_html_join(
        "", '<th scope="col" class="{}">{}</th>', (_header(str(column)) for column in columns)
    )
    return format_html(
        '<thead class="govuk-table__head"><tr class="govuk-table__row">{}</tr></thead>', cells
    )


class ScrollTableNode(template.Node):
    def __init__(
        self, nodelist: NodeList, caption: list[FilterExpression], **options: FilterExpression
    ) -> None:
        self.nodelist = nodelist
        self.caption = caption
        self.options = options

    def render(self, context: template.Context) -> SafeString:
        caption = "".join(str(part.resolve(context)) for part in self.caption)
        options = {name: value.resolve(context) for name, value in self.options.items()}
        heading = options.get("heading")
        caption_class = f"govuk-table__caption--{heading}" if heading else "govuk-visually-hidden"
        compact = options.get("compact", True)
        return format_html(
            '<div class="app-table-scroll" role="region" aria-label="{}" tabindex="0">'
            '<table class="govuk-table{}" data-testid="{}">'
            '<caption class="govuk-table__caption {}">{}</caption>{}</table></div>',
            caption,
            " app-table--compact" if compact else "",
            options.get("testid", ""),
            caption_class,
            caption,
            self.nodelist.render(context),
        )


@register.tag
def scroll_table(parser: Parser, token: Token) -> ScrollTableNode:
    """``{% scroll_table "Projects the " grant " funds" testid="projects" %}``: the
    caption in one or more parts (strings and variables, run together), then the
    options."""
    bits = token.split_contents()[1:]
    parts = list(itertools.takewhile(lambda bit: "=" not in bit, bits))
    options = token_kwargs(bits[len(parts) :], parser)
    if not parts or len(parts) + len(options) != len(bits):
        raise template.TemplateSyntaxError(
            "scroll_table takes the caption, then testid=, heading= and compact="
        )
    if not set(options) <= {"testid", "heading", "compact"}:
        raise template.TemplateSyntaxError("scroll_table knows testid=, heading= and compact=")
    nodelist = parser.parse(("endscroll_table",))
    parser.delete_first_token()
    return ScrollTableNode(nodelist, [parser.compile_filter(part) for part in parts], **options)
