"""The GOV.UK table in its own scrolling region, for every page and the PDFs.

On a narrow screen a wide table scrolls in a region of its own, which a keyboard can
reach and a screen reader names after the table's caption (issue 12). The tag writes
the region, the table, its caption, head and body; a page writes the caption, the
head's cells and the rows::

    {% load tables %}
    {% scroll_table testid="overdue" compact=True %}
        Milestones overdue in {{ quarter }}
    {% head %}
        {% column_headers "Action" "Milestone" "Due" %}
    {% rows %}
        {% for item in items %}
            <tr class="govuk-table__row">…</tr>
        {% endfor %}
    {% endscroll_table %}

With ``items=`` a table of no rows is not written: the tag writes what follows
``{% empty %}`` instead (a sentence saying there is nothing), so a page needs no
``{% if %}`` around it::

    {% scroll_table testid="overdue" items=items %}
        …
    {% rows %}
        {% for item in items %}…{% endfor %}
    {% empty %}
        <p class="govuk-body">No milestone is overdue.</p>
    {% endscroll_table %}

The caption is also the region's label (its text, on one line). ``caption`` is "hidden"
(the default: the heading above already says it), "m" or "s" (a visible caption of that
size). In ``column_headers`` a heading ending in ":numeric" right-aligns its column's
header, as GOV.UK tables do for numbers, and one ending in ":hidden" is read out to
screen readers only (a column of buttons); a head with looped columns writes its
``<th>`` cells itself.

A printed document's table (the publications' PDFs and their preview) is
``{% print_table %}``: the same parts and options, without the scrolling region (paper
does not scroll) or the GOV.UK classes (its stylesheet is the publication's). ``class``
is the table's class; ``cols`` the classes of its columns (a ``<colgroup>``, space
separated); the caption is always visible; ``column_headers ... plain=True`` writes the
head's cells without the GOV.UK class::

    {% print_table class="two-column" cols="c-name c-lead" items=doc.priorities %}
        Leads of the priorities
    {% head %}
        {% column_headers "Priority" "Lead" plain=True %}
    {% rows %}
        {% for p in doc.priorities %}<tr>…</tr>{% endfor %}
    {% empty %}
        <p>No priority yet.</p>
    {% endprint_table %}
"""

from abc import ABC, abstractmethod
from functools import lru_cache
from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token, token_kwargs
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.safestring import SafeString, mark_safe

from csp_tracker.rows import escaped

register = template.Library()

CAPTIONS = {
    "hidden": "govuk-visually-hidden",
    "m": "govuk-table__caption--m",
    "s": "govuk-table__caption--s",
}


class TableNode(template.Node, ABC):
    """A table tag's parts; a subclass writes the frame around them."""

    def __init__(
        self,
        options: dict[str, FilterExpression],
        caption: NodeList,
        head: NodeList,
        rows: NodeList,
        empty: NodeList,
    ) -> None:
        self.options = options
        self.caption = caption
        self.head = head
        self.rows = rows
        self.empty = empty

    def render(self, context: template.Context) -> str:
        options = {name: value.resolve(context) for name, value in self.options.items()}
        if "items" in options and not options["items"]:
            return self.empty.render(context)
        # The caption on one line (what it renders is escaped already).
        caption = mark_safe(" ".join(self.caption.render(context).split()))
        return self.frame(
            options, caption, head=self.head.render(context), rows=self.rows.render(context)
        )

    @abstractmethod
    def frame(self, options: dict[str, Any], caption: SafeString, *, head: str, rows: str) -> str:
        """The table around its rendered caption, head and rows."""


class ScrollTableNode(TableNode):
    def frame(self, options: dict[str, Any], caption: SafeString, *, head: str, rows: str) -> str:
        # The region's label is the caption's text without any tags (safe: the caption's
        # text is escaped already). The classes are this module's words, nothing to escape.
        label = strip_tags(caption) if "<" in caption else caption
        table_class = "govuk-table app-table--compact" if options.get("compact") else "govuk-table"
        return mark_safe(
            '<div class="app-table-scroll" role="region" aria-label="'
            + label
            + '" tabindex="0"><table class="'
            + table_class
            + '" data-testid="'
            + escaped(options.get("testid", ""))
            + '"><caption class="govuk-table__caption '
            + CAPTIONS[options.get("caption", "hidden")]
            + '">'
            + escaped(caption)
            + '</caption><thead class="govuk-table__head"><tr class="govuk-table__row">'
            + escaped(head)
            + '</tr></thead><tbody class="govuk-table__body">'
            + escaped(rows)
            + "</tbody></table></div>"
        )


class PrintTableNode(TableNode):
    def frame(self, options: dict[str, Any], caption: SafeString, *, head: str, rows: str) -> str:
        cols = options.get("cols", "").split()
        colgroup = format_html(
            "<colgroup>{}</colgroup>",
            format_html_join("", '<col class="{}">', ((c,) for c in cols)),
        )
        return format_html(
            "<table{table_class}><caption>{caption}</caption>{colgroup}"
            "<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>",
            table_class=format_html(' class="{}"', options["class"])
            if options.get("class")
            else "",
            caption=caption,
            colgroup=colgroup if cols else "",
            head=head,
            rows=rows,
        )


def _parse_table(
    parser: Parser, token: Token, known: set[str]
) -> tuple[dict[str, FilterExpression], NodeList, NodeList, NodeList, NodeList]:
    """A table tag's options and its parts: caption, head, rows and what {% empty %} writes."""
    name, *bits = token.split_contents()
    options = token_kwargs(bits, parser)  # takes the name=value bits off the list
    if bits:
        raise template.TemplateSyntaxError(f"{name}'s options are name=value")
    if not set(options) <= known:
        raise template.TemplateSyntaxError(f"{name} knows {'=, '.join(sorted(known))}=")
    parts = []
    for end in ("head", "rows"):
        parts.append(parser.parse((end,)))
        parser.delete_first_token()
    caption, head = parts
    rows = parser.parse(("empty", f"end{name}"))
    empty = NodeList()
    if parser.next_token().contents == "empty":
        empty = parser.parse((f"end{name}",))
        parser.delete_first_token()
    return options, caption, head, rows, empty


@register.tag
def scroll_table(parser: Parser, token: Token) -> ScrollTableNode:
    return ScrollTableNode(*_parse_table(parser, token, {"testid", "compact", "caption", "items"}))


@register.tag
def print_table(parser: Parser, token: Token) -> PrintTableNode:
    return PrintTableNode(*_parse_table(parser, token, {"class", "cols", "items"}))


HEADER = "govuk-table__header"
SUFFIXES = {
    ":numeric": (f"{HEADER} {HEADER}--numeric", "{}"),
    ":hidden": (HEADER, '<span class="govuk-visually-hidden">{}</span>'),
}


def _header(heading: Any) -> tuple[str, SafeString]:
    """A column's header cell: its class and its words, without the suffix."""
    for suffix, (css_class, words) in SUFFIXES.items():
        if isinstance(heading, str) and heading.endswith(suffix):
            return css_class, format_html(words, heading.removesuffix(suffix))
    return HEADER, format_html("{}", heading)


@register.simple_tag
def column_headers(*headings: Any, plain: bool = False) -> SafeString:
    """A table head's cells, one column each, in the order given (plain: a printed table's)."""
    try:
        return _column_headers(plain, *headings)
    except TypeError:  # a heading that cannot be a key: written each time
        return _column_headers.__wrapped__(plain, *headings)


# A page's headings are mostly the same words every time: each set written once. Typed
# (each heading's type in its key), so that a heading given as text, to be escaped, and
# the same words as safe text are kept apart.
@lru_cache(maxsize=256, typed=True)
def _column_headers(plain: bool, *headings: Any) -> SafeString:
    if plain:
        return format_html_join("", '<th scope="col">{}</th>', ((h,) for h in headings))
    return format_html_join(
        "", '<th scope="col" class="{}">{}</th>', (_header(h) for h in headings)
    )
