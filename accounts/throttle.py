"""How sign-in and password reset requests are counted.

Sign-in failures are django-axes's (settings: AXES_*); password reset requests are
counted here, in the cache, per email address and per client address.
"""

import hashlib

from axes.helpers import get_client_ip_address
from django.core.cache import cache
from django.http import HttpRequest


def username_of(request: HttpRequest, credentials: dict[str, str] | None) -> str:
    """The email being signed in with, as django-axes should count failures for it.

    Normalised like the sign-in form does, so "Sam@Example.org " and "sam@example.org"
    are one person.
    """
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw).strip().lower()


def client_address(request: HttpRequest) -> str:
    """The client's address, as django-axes reads it (behind the trusted proxies, if any)."""
    return get_client_ip_address(request) or ""


def counted_within(*, key: str, limit: int, window: int) -> bool:
    """Count one more request under key; True while the count is within limit.

    A fixed window of `window` seconds from the first request; cache.incr keeps the key's
    expiry (and is atomic on Redis).
    """
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= limit


def hashed(value: str) -> str:
    """Keys name no email address in the cache."""
    return hashlib.sha256(value.encode()).hexdigest()
