"""A priority's lists (key facts, what it includes, outcomes sought) as structured data:
each item its text and the items under it, so a nested list keeps its shape.

People type or paste them: one item a line; a line indented further than the one above,
or marked as Word marks a second level ("o" after "•"), is an item under it.
"""

import re
from typing import TypedDict

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


class ListItem(TypedDict):
    text: str
    items: list["ListItem"]


MAX_DEPTH = 4
MAX_ITEMS = 200

# Bullets as people type them and as Word and Excel paste them; Word's plain text marks
# its levels "•", "o", "▪" (or "§" where the Symbol font is lost).
_LEVEL_MARKERS = {"•": 0, "·": 0, "o": 1, "◦": 1, "▪": 2, "§": 2, "■": 2}
_MARKER = re.compile(r"^(?:[-*•·◦▪§■–—]|o(?=\s)|\d{1,2}[.)]|[a-z][.)](?=\s))\s*")


def _indent(line: str) -> int:
    expanded = line.replace("\t", "    ")
    return len(expanded) - len(expanded.lstrip(" "))


def list_from_text(text: str) -> list[ListItem]:
    """'- a\\n  - b\\n- c' → [{a, [b]}, {c, []}]; a line with no bullet is an item too."""
    root: list[ListItem] = []
    # (indent, the list items at that level go into)
    stack: list[tuple[int, list[ListItem]]] = [(-1, root)]
    count = 0
    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw.strip() or count >= MAX_ITEMS:
            continue
        stripped = raw.strip().replace("\u00a0", " ")
        indent = _indent(raw.replace("\u00a0", " "))
        marker = stripped[0]
        if marker in _LEVEL_MARKERS and stripped[1:2] in (" ", "\t", ""):
            indent = max(indent, _LEVEL_MARKERS[marker] * 4)
        words = _MARKER.sub("", stripped, count=1).strip()
        if not words:
            continue
        while len(stack) > 1 and indent <= stack[-1][0]:
            stack.pop()
        if len(stack) > MAX_DEPTH:
            stack = stack[:MAX_DEPTH]
        item: ListItem = {"text": words, "items": []}
        stack[-1][1].append(item)
        stack.append((indent, item["items"]))
        count += 1
    return root


def list_to_text(items: list[ListItem], depth: int = 0) -> str:
    """The text to edit: '- a\\n  - b'. list_from_text reads it back the same."""
    lines = []
    for item in items or []:
        lines.append(f"{'  ' * depth}- {item['text']}")
        if item.get("items"):
            lines.append(list_to_text(item["items"], depth + 1))
    return "\n".join(lines)


def list_plain_text(items: list[ListItem]) -> str:
    """One line: 'a (b, c); d', for a spreadsheet cell or a search."""
    parts = []
    for item in items or []:
        inner = list_plain_text(item.get("items", []))
        parts.append(f"{item['text']} ({inner})" if inner else item["text"])
    return "; ".join(parts)


def list_html(items: list[ListItem], *, ul_class: str = "", p_class: str = "") -> SafeString:
    """A nested <ul>; one item with nothing under it is a paragraph, not a bullet."""
    if not items:
        return mark_safe("")
    if len(items) == 1 and not items[0].get("items"):
        return format_html("<p{}>{}</p>", _class(p_class), items[0]["text"])
    return _ul(items, _class(ul_class))


def _class(css_class: str) -> SafeString:
    return format_html(' class="{}"', css_class) if css_class else mark_safe("")


def _ul(items: list[ListItem], css: SafeString) -> SafeString:
    rows = format_html_join(
        "",
        "<li>{}{}</li>",
        ((item["text"], _ul(item["items"], css) if item.get("items") else "") for item in items),
    )
    return format_html("<ul{}>{}</ul>", css, rows)
