from django.conf import settings
from django.db import models
from django.db.models import Q

from plans.models import Agency, Membership, Partnership


class Invitation(models.Model):
    """An invitation to join a partnership with a role, sent by email as a link that works
    once and expires. The link carries a token signed with the service's secret key over
    the invitation and its random ``secret`` (Django's salted HMAC, as its password-reset
    links are), so the table alone gives no link that works, and the email task can make
    the link again from the invitation's id. The membership is made when the invitation is
    accepted."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField("email address")
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Membership.Role.choices)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The agency the person works for.",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    secret = models.CharField(
        max_length=64, editable=False, help_text="Random; the link's token is signed over it."
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="Withdrawn, or replaced by a newer invitation."
    )
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the mail server took the invitation's email."
    )

    class Meta:
        ordering = ["partnership", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "email"],
                condition=Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="invitation_one_open_per_person",
                violation_error_message="This person already has an invitation to this "
                "partnership.",
            ),
            models.CheckConstraint(
                condition=~Q(role="officer") | Q(agency__isnull=False),
                name="invitation_officer_has_agency",
                violation_error_message="An officer works for an agency.",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(withdrawn_at__isnull=True),
                name="invitation_accepted_or_withdrawn",
                violation_error_message="An invitation is accepted or withdrawn, not both.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.partnership} as {self.get_role_display()}"

    @property
    def is_open(self) -> bool:
        """Neither accepted nor withdrawn (it may still have expired)."""
        return self.accepted_at is None and self.withdrawn_at is None
