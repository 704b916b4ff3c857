"""An indicator's chart as inline SVG, made the way the exception report's chart is
(reporting/charts.py): it works in the browser and in the PDF, and never relies on
colour alone.

One bar per period with its number above it and a hatched pattern; a period with no value
says so in words where its bar would be; the baseline is a dashed line and the target a
dotted one, each labelled in words with its number. The SVG has a title and a text
alternative giving every number, and the table beside it is the accessible equivalent.
"""

from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from csp_tracker.svg_charts import svg_chart
from performance.indicators import Series
from performance.money import format_number

LEFT = 16
SLOT = 64
BAR = 36
TOP = 28
PLOT = 180
AXIS = 40
LINE_LABELS = 230


def _y(value: Decimal, top: Decimal) -> int:
    return TOP + PLOT - round(PLOT * float(value) / float(top)) if top else TOP + PLOT


def indicator_chart(*, series: Series, id_prefix: str = "indicator-chart") -> SafeString:
    indicator = series.indicator
    rows = series.rows
    numbers = [row.value for row in rows if row.value is not None]
    numbers += [v for v in (indicator.baseline_value, indicator.target_value) if v is not None]
    top = max([Decimal(0), *numbers]) * Decimal("1.1") or Decimal(1)
    width = LEFT + SLOT * max(len(rows), 1) + LINE_LABELS
    height = TOP + PLOT + AXIS
    bottom = TOP + PLOT
    parts = []
    for index, row in enumerate(rows):
        x = LEFT + index * SLOT + (SLOT - BAR) // 2
        middle = x + BAR // 2
        if row.value is None:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" font-size="12">no value</text>',
                    middle,
                    bottom - 6,
                )
            )
        else:
            y = _y(row.value, top)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{}-bar)" '
                    'stroke="#0b0c0c" stroke-width="1"/>'
                    '<text x="{}" y="{}" text-anchor="middle" font-size="13" '
                    'font-weight="bold">{}</text>',
                    x,
                    y,
                    BAR,
                    max(bottom - y, 1),
                    id_prefix,
                    middle,
                    y - 5,
                    format_number(row.value),
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="12">{}</text>',
                middle,
                bottom + 18,
                row.period.short_label,
            )
        )
    end = LEFT + SLOT * max(len(rows), 1)
    lines = [
        (indicator.baseline_value, "8 5", 2, f"Baseline ({indicator.baseline_period})"),
        (indicator.target_value, "2 4", 3, "Target"),
    ]
    for value, dashes, stroke_width, label in lines:
        if value is None:
            continue
        y = _y(value, top)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#0b0c0c" stroke-width="{}" '
                'stroke-dasharray="{}"/>'
                '<text x="{}" y="{}" font-size="13">{}: {}</text>',
                LEFT,
                y,
                end,
                y,
                stroke_width,
                dashes,
                end + 6,
                y + 4,
                label,
                format_number(value),
            )
        )
    title = f"Bar chart: {indicator.name} ({indicator.unit})"
    if rows:
        title += f", {rows[0].period.label} to {rows[-1].period.label}"
    described = [
        f"{row.period.label}: {format_number(row.value) if row.value is not None else 'no value'}"
        for row in rows
    ]
    if indicator.baseline_value is not None:
        described.append(
            f"baseline ({indicator.baseline_period}): {format_number(indicator.baseline_value)}"
        )
    if indicator.target_value is not None:
        described.append(f"target: {format_number(indicator.target_value)}")
    description = "; ".join(described) + f". Latest: {series.trend.words}."
    return svg_chart(
        width=width,
        height=height,
        id_prefix=id_prefix,
        title=title,
        description=description,
        defs=format_html(
            '<pattern id="{}-bar" width="8" height="8" patternUnits="userSpaceOnUse">'
            '<rect width="8" height="8" fill="#1d70b8"/>'
            '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#ffffff" stroke-width="1.5"/>'
            "</pattern>",
            id_prefix,
        ),
        body=format_html(
            '<line x1="{left}" y1="{bottom}" x2="{end}" y2="{bottom}" stroke="#0b0c0c" '
            'stroke-width="1"/>{parts}',
            left=LEFT,
            bottom=bottom,
            end=end,
            parts=mark_safe("".join(parts)),  # each part built with format_html
        ),
    )
