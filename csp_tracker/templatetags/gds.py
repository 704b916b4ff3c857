"""Template filters and tags for every page: a time as GOV.UK writes it, the GOV.UK
error summary and warning text, and a row's link reversed once for a list (``row_url``).

Dates use Django's own ``date`` filter: ``{{ day|date:"j F Y" }}`` is "31 March 2024".
"""

from collections.abc import Callable
from datetime import datetime

from django import template
from django.template.base import FilterExpression, Parser, Token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone

from csp_tracker import reversing
from csp_tracker.periods import month_name, month_names

register = template.Library()


@register.simple_tag
def row_url(viewname: str, key: object) -> str:
    """``{% url viewname key %}`` for a row of a long list: the pattern is reversed once,
    not once per row (``csp_tracker.reversing.row_url``)."""
    return reversing.row_url(viewname, key)


@register.filter(expects_localtime=True)
def gds_datetime(value: datetime | None) -> str:
    """'31 March 2024 at 6:01pm' (GOV.UK: lower-case am and pm, no leading zero)."""
    if not isinstance(value, datetime):
        return ""
    return _written(value, month_name(value))


def _written(value: datetime, month: str) -> str:
    """``value`` as gds_datetime writes it, its month's name ``month``."""
    # Put together here rather than by Django's DateFormat, which builds an object and
    # looks up each letter for every time shown: an action's history shows dozens.
    hour = value.hour % 12 or 12
    return f"{value.day} {month} {value.year} at {hour}:{value.minute:02d}" + (
        "am" if value.hour < 12 else "pm"
    )


def local_datetime_writer() -> Callable[[datetime], str]:
    """A function writing an aware time as ``{{ value|gds_datetime }}`` does (in the current
    time zone, as ``localtime``): for a list's many times, the time zone and the active
    language's month names are looked up once (a dozen calls each), not for each time."""
    zone = get_current_timezone()
    months = month_names()

    def write(value: datetime) -> str:
        local = value.astimezone(zone)
        return _written(local, months[local.month])

    return write


class _FrameNode(template.Node):
    """What a block tag encloses, rendered into a component's template (as ``items``)."""

    def __init__(
        self, nodelist: template.NodeList, options: dict[str, FilterExpression], frame: str
    ):
        self.nodelist = nodelist
        self.options = options
        self.frame = frame

    def render(self, context: template.Context) -> str:
        values = {name: value.resolve(context) for name, value in self.options.items()}
        # The items are the template's own output, escaped as it rendered them.
        items = mark_safe(self.nodelist.render(context))
        return render_to_string(self.frame, {**values, "items": items})


def _frame_tag(parser: Parser, token: Token, allowed: set[str], frame: str) -> _FrameNode:
    tag, *bits = token.split_contents()
    options = {}
    for bit in bits:
        name, _, value = bit.partition("=")
        if name not in allowed or not value:
            raise template.TemplateSyntaxError(f"{tag} does not take {bit!r}")
        options[name] = parser.compile_filter(value)
    nodelist = parser.parse((f"end{tag}",))
    parser.delete_first_token()
    return _FrameNode(nodelist, options, frame)


@register.tag
def govuk_error_summary(parser: Parser, token: Token) -> _FrameNode:
    """The GOV.UK error summary around the ``<li>`` items between
    ``{% govuk_error_summary %}`` and ``{% endgovuk_error_summary %}``. Options:
    ``title`` (default "There is a problem"), ``column`` ("full" for a full-width one,
    default two-thirds) and ``testid`` (the list's ``data-testid``)."""
    return _frame_tag(
        parser, token, {"title", "column", "testid"}, "includes/error_summary_frame.html"
    )


@register.tag
def govuk_warning(parser: Parser, token: Token) -> _FrameNode:
    """The GOV.UK warning text ("!", then "Warning" for screen readers) around what is
    between ``{% govuk_warning %}`` and ``{% endgovuk_warning %}``. Options: ``testid``
    and ``block`` (True when the text holds a list: a ``<div>``, not ``<strong>``)."""
    return _frame_tag(parser, token, {"testid", "block"}, "includes/warning_text.html")
