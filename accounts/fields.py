"""Model fields about people, for every app's models."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from accounts.models import User


def person_or_none(*, help_text: str = "") -> "models.ForeignKey[User | None, User | None]":
    """The person who did something (asked for a build, changed a setting, was emailed):
    empty where nobody did, and emptied, not deleted with the record, when their account
    goes. The user gets no reverse accessor."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=help_text,
    )
