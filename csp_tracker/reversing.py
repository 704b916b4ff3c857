"""One URL per row without reversing each: a page that links every row of a long list
reverses the URL's name once and fills each row's key into the result.

Django's reverse() walks the resolver and checks the arguments on every call (a tenth of
a millisecond or so); a list of a hundred rows with two links each spent more time there
than reading its rows. The pattern is reversed with a marker standing for the key, so the
URL is exactly the one reverse() gives for that key (keys here are plain ints and slugs,
which reverse() writes as they are)."""

from collections.abc import Callable
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

# Stands for the row's key in the reversed URL: a valid int and slug that no real URL prefix holds.
_MARKER = "9081726354"


def url_for_each(viewname: str, kwarg: str = "pk") -> Callable[[object], str]:
    """A function giving reverse(viewname, kwargs={kwarg: key}) for any key."""
    prefix, found, suffix = reverse(viewname, kwargs={kwarg: _MARKER}).partition(_MARKER)
    if not found:  # the marker was rewritten: fall back to reversing each
        return lambda key: reverse(viewname, kwargs={kwarg: key})
    return lambda key: f"{prefix}{key}{suffix}"


def url_maker(viewname: str, kwarg: str = "pk") -> Callable[[object], str]:
    """``url_for_each``, its pattern reversed once per process (for the URL configuration
    and script prefix in force) rather than once per page."""
    return _url_maker(viewname, kwarg, get_urlconf(), get_script_prefix())


def row_url(viewname: str, key: object, kwarg: str = "pk") -> str:
    """reverse(viewname, kwargs={kwarg: key}), the pattern reversed once per process for
    the URL configuration and script prefix in force (``{% row_url %}`` in a template's
    rows, where ``{% url %}`` reversed it again for every row)."""
    return _url_maker(viewname, kwarg, get_urlconf(), get_script_prefix())(key)


def path_of(viewname: str) -> str:
    """reverse(viewname) of a URL without arguments (a list's, for a breadcrumb),
    reversed once per process for the URL configuration and script prefix in force."""
    return _path_of(viewname, get_urlconf(), get_script_prefix())


@lru_cache(maxsize=64)
def _path_of(viewname: str, urlconf: object, script_prefix: str) -> str:
    return reverse(viewname)


@lru_cache(maxsize=128)
def _url_maker(
    viewname: str, kwarg: str, urlconf: object, script_prefix: str
) -> Callable[[object], str]:
    """``url_for_each``, kept by what the reversed URL depends on besides the key."""
    return url_for_each(viewname, kwarg)
