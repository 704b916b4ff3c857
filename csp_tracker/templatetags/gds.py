"""Template filters for every page: a time as GOV.UK writes it.

Dates use Django's own ``date`` filter: ``{{ day|date:"j F Y" }}`` is "31 March 2024".
"""

from datetime import datetime

from django import template
from django.utils.dateformat import format as date_format

register = template.Library()


@register.filter(expects_localtime=True)
def gds_datetime(value: datetime | None) -> str:
    """'31 March 2024 at 6:01pm' (GOV.UK: lower-case am and pm, no leading zero)."""
    if not isinstance(value, datetime):
        return ""
    return f"{date_format(value, 'j F Y')} at {date_format(value, 'g:iA').lower()}"
