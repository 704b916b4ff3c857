"""The frame of every inline SVG chart (the report's and performance's): an image with a
title and a text alternative, drawn the same in the browser and in the PDF."""

from django.utils.html import format_html
from django.utils.safestring import SafeString


def svg_chart(
    *,
    width: int,
    height: int,
    id_prefix: str,
    title: str,
    description: str,
    defs: SafeString,
    body: SafeString,
) -> SafeString:
    """``defs`` (patterns) and ``body`` (the drawing) are markup built with format_html;
    ``id_prefix`` keeps two charts on one page apart."""
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'aria-labelledby="{p}-title {p}-desc" font-family="Arial, sans-serif">'
        '<title id="{p}-title">{title}</title><desc id="{p}-desc">{desc}</desc>'
        "<defs>{defs}</defs>{body}</svg>",
        w=width,
        h=height,
        p=id_prefix,
        title=title,
        desc=description,
        defs=defs,
        body=body,
    )
