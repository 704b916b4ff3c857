"""The report's bar chart as inline SVG: works in the browser and in the PDF.

Never colour alone: every bar has its status written beside it, its number at its end,
and its own pattern; the SVG has a title and a text alternative, and the summary table
next to it is the accessible equivalent.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from csp_tracker.svg_charts import svg_chart

# fill colour, pattern markup drawn over it (in a 8x8 tile), stroke colour
_STYLES: dict[str, tuple[str, str, str]] = {
    "on_track": ("#00703c", "", "#0b0c0c"),
    "at_risk": (
        "#ffdd00",
        '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#0b0c0c" stroke-width="1.5"/>',
        "#0b0c0c",
    ),
    "off_track": (
        "#d4351c",
        '<path d="M0,0 L8,8 M8,0 L0,8" stroke="#ffffff" stroke-width="1.5"/>',
        "#0b0c0c",
    ),
    "completed": (
        "#1d70b8",
        '<circle cx="4" cy="4" r="1.6" fill="#ffffff"/>',
        "#0b0c0c",
    ),
    "not_started": (
        "#b1b4b6",
        '<path d="M0,4 L8,4" stroke="#0b0c0c" stroke-width="1"/>',
        "#0b0c0c",
    ),
    "no_update": (
        "#ffffff",
        '<path d="M4,0 L4,8" stroke="#505a5f" stroke-width="1.5"/>',
        "#0b0c0c",
    ),
}
LABEL_WIDTH = 190
BAR_AREA = 380
ROW = 30
BAR = 20


def status_bar_chart(
    *, rows: list[tuple[str, str, int]], title: str, id_prefix: str = "chart"
) -> SafeString:
    """rows: (key, label, count). Returns an accessible inline SVG."""
    top = max([count for _, _, count in rows] + [1])
    height = ROW * len(rows) + 10
    width = LABEL_WIDTH + BAR_AREA + 50
    description = "; ".join(f"{label}: {count}" for _, label, count in rows)
    patterns = format_html_join(
        "",
        '<pattern id="{}-{}" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<rect width="8" height="8" fill="{}"/>{}</pattern>',
        (
            (
                id_prefix,
                key,
                _STYLES.get(key, _STYLES["no_update"])[0],
                mark_safe(_STYLES.get(key, _STYLES["no_update"])[1]),
            )  # fixed markup above
            for key, _, _ in rows
        ),
    )
    bars = []
    for index, (key, label, count) in enumerate(rows):
        y = 5 + index * ROW
        length = round(BAR_AREA * count / top) if count else 0
        stroke = _STYLES.get(key, _STYLES["no_update"])[2]
        bars.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="14">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{}-{})" '
                'stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="14" font-weight="bold">{}</text>',
                LABEL_WIDTH - 8,
                y + BAR - 5,
                label,
                LABEL_WIDTH,
                y,
                max(length, 1),
                BAR,
                id_prefix,
                key,
                stroke,
                LABEL_WIDTH + length + 6,
                y + BAR - 5,
                count,
            )
        )
    axis = format_html(
        '<line x1="{x}" y1="0" x2="{x}" y2="{h}" stroke="#0b0c0c" stroke-width="1"/>',
        x=LABEL_WIDTH,
        h=height,
    )
    return svg_chart(
        width=width,
        height=height,
        id_prefix=id_prefix,
        title=title,
        description=description,
        defs=patterns,
        body=axis + mark_safe("".join(bars)),  # each part built with format_html
    )
