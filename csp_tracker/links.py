"""Signed links for people without an account (an invitation, an update request).

The token is Django's salted HMAC over the object's id and its random secret, so only
the service, with the site's secret key, makes a link that works, and can make it again
(for an email task). Each kind of link has its own salt, so one kind's token never opens
another kind's page.
"""

from typing import Protocol

from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac


class HasSecret(Protocol):
    @property
    def pk(self) -> int: ...

    @property
    def secret(self) -> str: ...


class SignedLink:
    def __init__(self, *, view: str, salt: str) -> None:
        self.view = view  # the URL name, taking ``pk`` and ``token``
        self.salt = salt  # what the token is signed for (salted_hmac's key_salt)

    def token(self, obj: HasSecret) -> str:
        return salted_hmac(self.salt, f"{obj.pk}:{obj.secret}", algorithm="sha256").hexdigest()

    def matches(self, obj: HasSecret, token: str) -> bool:
        return constant_time_compare(self.token(obj), token)

    def url(self, obj: HasSecret, *, site_url: str) -> str:
        path = reverse(self.view, kwargs={"pk": obj.pk, "token": self.token(obj)})
        return site_url.rstrip("/") + path
