from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from jobs.idempotency import FIELD, new_key

register = template.Library()


@register.simple_tag
def request_key_field() -> SafeString:
    """The hidden idempotency key of a form that queues a job (jobs/idempotency.py)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
