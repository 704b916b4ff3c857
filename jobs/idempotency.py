"""Idempotency keys for the forms that queue a job ("Build now", "Publish", "Try again").

Each render of such a form carries a fresh random key in a hidden field; the service
records the job under it, so the same form submitted twice (a double click, a resent
POST) finds the job it queued the first time instead of queuing another.
"""

import re
import uuid
from collections.abc import Mapping

FIELD = "request_key"
_SHAPE = re.compile(r"[0-9a-f]{32}")


def new_key() -> str:
    return uuid.uuid4().hex


def key_from(data: Mapping[str, object]) -> str:
    """The submitted key, or "" if there is none or it is not one of ours (then the
    request is simply not deduplicated beyond the service's own rules)."""
    value = data.get(FIELD, "")
    return value if isinstance(value, str) and _SHAPE.fullmatch(value) else ""
