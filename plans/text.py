"""Section text: Markdown, rendered and then sanitised with nh3.

Allowed: paragraphs, headings, lists, emphasis, links (http, https and mailto only, with
rel="noopener"), tables. Everything else — scripts, images, styles, iframes, other
link types such as file: or rel="attachment" — is removed, so text a person wrote can
neither run in a browser nor make the PDF renderer fetch anything.
"""

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "b", "i",
    "a", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "caption", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope", "colspan"}, "td": {"colspan"}}
URL_SCHEMES = {"http", "https", "mailto"}


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


def markdown_to_html(text: str) -> str:
    """Safe HTML for a section body, for the pages and the PDFs alike."""
    if not text.strip():
        return ""
    raw = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        _shift_headings(raw),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )
    return _add_header_scope(clean)
