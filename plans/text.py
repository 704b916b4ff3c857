"""Section text: Markdown, rendered and then sanitised with nh3.

Allowed: paragraphs, headings, lists, emphasis, links (http, https and mailto only, with
rel="noopener"), tables. Everything else — scripts, images, styles, iframes, other
link types such as file: or rel="attachment" — is removed, so text a person wrote can
neither run in a browser nor make the PDF renderer fetch anything.

Text also has limits (``text_limit_errors``): lists and quotes nested at most
``MAX_NESTING`` deep, and tables of at most ``MAX_TABLE_ROWS`` rows and
``MAX_TABLE_COLUMNS`` columns, ``MAX_TABLE_CELLS`` cells in all. The forms refuse text
over them and publishing stops on it, because a PDF's cost grows with them: a 58 KB
table took 44 s and 722 MB to render. ``markdown_to_html`` itself stays bounded for any
text, including text saved before the limits: Python-Markdown recurses once per level of
nesting (``"- " * 500`` is a RecursionError) and takes time quadratic in the number of
``[`` that open no link and of ``<`` that open no tag (4,000 ``[`` took 15 s), so those
are made plain text before it sees them (``_defuse``).
"""

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "b", "i",
    "a", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "caption", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope", "colspan"}, "td": {"colspan"}}
URL_SCHEMES = {"http", "https", "mailto"}

# The limits a person's text is held to (the forms and publishing), and how deep
# markdown_to_html lets any text nest (deeper markers are shown as written).
MAX_SECTION_LENGTH = 60_000
MAX_NESTING = 5
MAX_TABLE_ROWS = 100
MAX_TABLE_COLUMNS = 8
MAX_TABLE_CELLS = 500
NESTING_CAP = 8

_NESTED = {"ul", "ol", "blockquote"}
# A list or quote marker at the start of a line (after any others): "- ", "* ", "+ ",
# "1. ", "1) ", ">".
_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)|>")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")
# A link or image written whole, [words](target), a target holding at most one level
# of brackets; every other "[" is plain text. Lengths are bounded so each "[" costs a
# bounded look ahead.
_LINK_AT = re.compile(r"\[[^\[\]]{0,1000}\]\((?:[^()\n]|\([^()\n]{0,200}\)){0,2000}\)")
# A tag, comment or autolink written whole: <strong>, </p>, <!-- x -->, <https://…>.
_TAG_AT = re.compile(r"<[A-Za-z/!?][^<>]{0,1000}>")
_SPECIAL = re.compile(r"\\[\\`*_{}\[\]()>#+\-.!<]|\[|<")
# Characters to print as written go through Python-Markdown as private-use characters
# and come back after it. A backslash escape or an entity would work too, but each one
# is an inline match, and Python-Markdown's inline matches cost time linear in the
# paragraph's length each.
_LITERAL = {c: chr(0xE000 + i) for i, c in enumerate("\\`*_{}[]()>#+-.!<&")}
_RESTORE = {ord(v): {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(c, c) for c, v in _LITERAL.items()}
# A block (text between blank lines) with more inline marks than this prints them as
# written (_quiet): no person writes 2,000 links or emphases in one paragraph.
MAX_INLINE = 2000
_INLINE_MARKS = "\\`*_[<&"
_INLINE = re.compile("[" + re.escape(_INLINE_MARKS) + "]")
_QUIET = {ord(c): _LITERAL[c] for c in _INLINE_MARKS}
_LEAD = re.compile(r"[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|>[ \t]*)*")
_BLANK_LINE = re.compile(r"(\n[ \t]*\n)")
_PRIVATE = re.compile("[\ue000-\ue0ff]")
# Longer text (only ever saved past the forms) is shown as plain paragraphs.
MAX_MARKDOWN = 100_000


@dataclass
class TableSize:
    rows: int = 0
    columns: int = 0
    cells: int = 0


@dataclass
class TextMeasure:
    """What the limits are about, measured on the HTML a text becomes."""

    nesting: int = 0
    tables: list[TableSize] = field(default_factory=list)

    @property
    def cells(self) -> int:
        return sum(t.cells for t in self.tables)


def _shift_headings(html: str) -> str:
    """A section's own headings sit under its title (an h2): the body's top heading level,
    whatever the writer used (# or ###), becomes h3 and the others follow it."""
    levels = [n for n in range(1, 7) if f"<h{n}" in html]
    if not levels:
        return html
    offset = 3 - min(levels)
    if offset == 0:
        return html
    order = sorted(levels, reverse=offset > 0)
    for level in order:
        new = min(max(level + offset, 3), 6)
        html = html.replace(f"<h{level}>", f"<h{new}>").replace(f"</h{level}>", f"</h{new}>")
    return html


def _add_header_scope(html: str) -> str:
    # Markdown tables have one header row of column headers.
    return html.replace("<th>", '<th scope="col">').replace(
        '<th style="text-align: left;">', '<th scope="col">'
    )


def _escape_marker(marker: str) -> str:
    return marker[:-1] + _LITERAL[marker[-1]]


def _cap_nesting(line: str) -> str:
    """The line with at most NESTING_CAP levels of indentation and markers; the markers
    past it are escaped, so they print as written instead of nesting deeper."""
    if _RULE.fullmatch(line):
        return line
    pos, columns, indent = 0, 0, 0
    markers: list[str] = []
    while True:
        while pos < len(line) and line[pos] in " \t":
            columns += 4 if line[pos] == "\t" else 1
            pos += 1
        if not markers:
            indent = columns
        found = _MARKER.match(line, pos)
        if found is None:
            break
        markers.append(found.group())
        pos = found.end()
    if len(markers) + columns // 4 <= NESTING_CAP:
        return line
    levels = min(indent // 4, NESTING_CAP)
    keep = NESTING_CAP - levels
    written = [m if i < keep else _escape_marker(m) for i, m in enumerate(markers)]
    return " " * (4 * levels) + " ".join(written) + " " + line[pos:].lstrip(" \t")


def _quiet(block: str) -> str:
    """A block with so many inline marks that Python-Markdown would take long over it,
    every mark after a line's list markers printed as written."""
    lines = []
    for line in block.split("\n"):
        lead = _LEAD.match(line)
        start = lead.end() if lead else 0
        lines.append(line[:start] + line[start:].translate(_QUIET))
    return "\n".join(lines)


def _defuse(text: str) -> str:
    """The text with what would make Python-Markdown recurse or go quadratic printed as
    written: nesting past NESTING_CAP, a "[" that opens no whole link, a "<" that opens no
    whole tag, and the marks of a block that has more than MAX_INLINE of them."""

    def plain(found: re.Match[str]) -> str:
        token = found.group()
        if token == "[" and _LINK_AT.match(found.string, found.start()):
            return token
        if token == "<" and _TAG_AT.match(found.string, found.start()):
            return token
        return _LITERAL[token[-1]]

    text = _PRIVATE.sub("\ufffd", text)
    text = "\n".join(_cap_nesting(line) for line in text.split("\n"))
    blocks = _BLANK_LINE.split(text)
    for i, block in enumerate(blocks):
        if len(_INLINE.findall(block)) > MAX_INLINE:
            blocks[i] = _quiet(block)
        else:
            blocks[i] = _SPECIAL.sub(plain, block)
    return "".join(blocks)


def _plain_html(text: str) -> str:
    return "".join(
        f"<p>{html.escape(block.strip())}</p>" for block in re.split(r"\n\s*\n", text) if block
    )


def markdown_to_html(text: str) -> str:
    """Safe HTML for a section body, for the pages and the PDFs alike. Bounded for any
    text: see _defuse."""
    if not text.strip():
        return ""
    text = text.replace("\r\n", "\n")
    if len(text) > MAX_MARKDOWN:
        raw = _plain_html(text)
    else:
        try:
            raw = markdown.markdown(
                _defuse(text), extensions=["tables", "sane_lists"], output_format="html"
            ).translate(_RESTORE)
        except RecursionError:  # not seen since _defuse: a safety net, never a 500
            raw = _plain_html(text)
    clean = nh3.clean(
        _shift_headings(raw),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )
    return _add_header_scope(clean)


class _Measurer(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.measure = TextMeasure()
        self.depth = 0
        self.row = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _NESTED:
            self.depth += 1
            self.measure.nesting = max(self.measure.nesting, self.depth)
        elif tag == "table":
            self.measure.tables.append(TableSize())
        elif tag == "tr" and self.measure.tables:
            self.measure.tables[-1].rows += 1
            self.row = 0
        elif tag in ("td", "th") and self.measure.tables:
            table = self.measure.tables[-1]
            self.row += 1
            table.cells += 1
            table.columns = max(table.columns, self.row)

    def handle_endtag(self, tag: str) -> None:
        if tag in _NESTED:
            self.depth -= 1


def text_measure(text: str) -> TextMeasure:
    """Nesting and tables of the text as it prints. The sanitised HTML is well formed and
    every "<" in its words is escaped, so reading it back is linear."""
    measurer = _Measurer()
    measurer.feed(markdown_to_html(text))
    measurer.close()
    return measurer.measure


def text_limit_errors(text: str, *, label: str) -> list[str]:
    """What is over the limits, in GOV.UK words naming the field ("Section text can
    have lists nested at most 5 deep"); empty when the text is within them."""
    if not text or not text.strip():
        return []
    measure = text_measure(text)
    errors = []
    if measure.nesting > MAX_NESTING:
        errors.append(
            f"{label} can have lists nested at most {MAX_NESTING} deep: "
            f"this has {measure.nesting} levels"
        )
    rows = max((t.rows for t in measure.tables), default=0)
    if rows > MAX_TABLE_ROWS:
        errors.append(f"{label} can have tables of at most {MAX_TABLE_ROWS} rows: one has {rows:,}")
    columns = max((t.columns for t in measure.tables), default=0)
    if columns > MAX_TABLE_COLUMNS:
        errors.append(
            f"{label} can have tables of at most {MAX_TABLE_COLUMNS} columns: one has {columns:,}"
        )
    if measure.cells > MAX_TABLE_CELLS:
        errors.append(
            f"{label} can have at most {MAX_TABLE_CELLS} table cells in all: "
            f"this has {measure.cells:,}"
        )
    return errors
