"""Writes for setting partnerships up and running them: partnerships, their member
agencies, their people and the invitations that bring people in."""

import secrets
from datetime import timedelta
from importlib import import_module
from typing import TypedDict, Unpack

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from csp_tracker import clock
from csp_tracker.db import checked_save
from csp_tracker.links import SignedLink
from jobs.services import job_record
from partnerships.models import Invitation
from plans.images import CleanImage
from plans.models import Agency, Membership, Partnership, PartnershipAgency
from plans.services import coordinators_publish_by_default, image_file, membership_grant

# How long an invitation link works.
INVITATION_VALID_FOR = timedelta(days=7)
# What the link's token is signed for (salted_hmac's key_salt).
TOKEN_SALT = "partnerships.Invitation.link"


class Refused(Exception):
    """A change the service will not make; the message says why, for the page."""


# --- partnerships ---------------------------------------------------------------------


# Words of the /partnerships/ addresses that cannot be a partnership's.
RESERVED_SLUGS = {"new", "invitations"}


def partnership_slug(short_name: str) -> str:
    """The partnership's part of the web address: "Medway CSP" → "medway"."""
    slug = slugify(short_name)
    return slug.removesuffix("-csp") or slug


@transaction.atomic
def partnership_create(
    *, name: str, short_name: str, kind: str, parent: Partnership | None = None
) -> Partnership:
    """A new county, district (under its county) or unitary partnership. Its first
    coordinator is invited next (invitation_send)."""
    partnership = Partnership(
        name=name,
        short_name=short_name,
        slug=partnership_slug(short_name),
        kind=kind,
        parent=parent if kind == Partnership.Kind.DISTRICT else None,
        coordinators_publish=coordinators_publish_by_default(kind),
    )
    if parent is not None and parent.kind != Partnership.Kind.COUNTY:
        raise ValidationError({"parent": "A district sits under a county partnership."})
    if partnership.slug in RESERVED_SLUGS:
        raise ValidationError({"slug": "This short name cannot be used."})
    return checked_save(partnership)


def partnership_update(
    *,
    partnership: Partnership,
    name: str | None = None,
    short_name: str | None = None,
    coordinators_publish: bool | None = None,
) -> Partnership:
    """Change what is given: the names (service administrators) or whether its
    coordinators publish its plans (the county team)."""
    if name is not None:
        partnership.name = name
    if short_name is not None:
        partnership.short_name = short_name
    if coordinators_publish is not None:
        partnership.coordinators_publish = coordinators_publish
    return checked_save(partnership)


def partnership_logo_set(
    *, partnership: Partnership, image: CleanImage | None, alt: str, is_decorative: bool
) -> Partnership:
    """Give the partnership a logo (``image``) or change its text. A new logo is a new
    file: the one a published version used stays in the storage, named by its snapshot."""
    if image is None and not partnership.logo:
        raise ValidationError({"logo": "Select a logo file"})
    if image is not None:
        partnership.logo = image_file(image)
    partnership.logo_alt = "" if is_decorative else alt.strip()
    partnership.logo_is_decorative = is_decorative
    partnership.full_clean(exclude=["logo"])
    partnership.save()
    return partnership


def partnership_logo_remove(*, partnership: Partnership) -> None:
    """No logo on the cover from now on; published versions keep theirs."""
    partnership.logo = ""
    partnership.logo_alt = ""
    partnership.logo_is_decorative = False
    partnership.save(update_fields=["logo", "logo_alt", "logo_is_decorative"])


# --- member agencies ------------------------------------------------------------------


def partnership_agency_add(*, partnership: Partnership, agency: Agency) -> None:
    PartnershipAgency.objects.get_or_create(partnership=partnership, agency=agency)


@transaction.atomic
def agency_create(
    *,
    partnership: Partnership,
    name: str,
    short_name: str,
    kind: str = Agency.Kind.ORGANISATION,
    is_responsible_authority: bool = False,
) -> Agency:
    """A new agency, a member of the partnership."""
    agency = checked_save(
        Agency(
            name=name,
            short_name=short_name,
            kind=kind,
            is_responsible_authority=is_responsible_authority,
        )
    )
    partnership_agency_add(partnership=partnership, agency=agency)
    return agency


def agency_update(
    *, agency: Agency, name: str, short_name: str, kind: str, is_responsible_authority: bool
) -> Agency:
    return checked_save(
        agency,
        name=name,
        short_name=short_name,
        kind=kind,
        is_responsible_authority=is_responsible_authority,
    )


def partnership_agency_remove(*, partnership: Partnership, agency: Agency) -> None:
    """Take the agency off the partnership's members, unless its people or its plans
    still name it (the agency itself stays, for the other partnerships)."""
    people = Membership.objects.filter(partnership=partnership, agency=agency).count()
    if people:
        raise Refused(
            f"{people} {'person works' if people == 1 else 'people work'} for "
            f"{agency.short_name} in {partnership.short_name}: change their agency first"
        )
    # Actions and milestones belong to a higher app; their reverse relations are enough.
    leads = Agency.objects.filter(
        Q(led_actions__plan__partnership=partnership)
        | Q(led_milestones__action__plan__partnership=partnership),
        pk=agency.pk,
    )
    if leads.exists():
        raise Refused(
            f"{agency.short_name} leads actions in {partnership.short_name}’s plans: "
            "choose other leads for them first"
        )
    PartnershipAgency.objects.filter(partnership=partnership, agency=agency).delete()


# --- people ---------------------------------------------------------------------------


def _check_role(*, partnership: Partnership, role: str, agency: Agency | None) -> None:
    """What every membership and invitation must hold, whoever asks."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Select a role from the list."})
    if role == Membership.Role.COUNTY_ADMIN and partnership.kind != Partnership.Kind.COUNTY:
        raise ValidationError({"role": "County admins belong to a county partnership."})
    if role == Membership.Role.OFFICER and agency is None:
        raise ValidationError({"agency": "An officer works for an agency."})
    if agency is not None and not partnership.agencies.filter(pk=agency.pk).exists():
        raise ValidationError({"agency": f"The agency is not a member of {partnership}."})


def membership_change(
    *, membership: Membership, role: str, agency: Agency | None, changed_by: User
) -> Membership:
    if membership.user_id == changed_by.pk:
        raise Refused("You cannot change your own role: ask another coordinator")
    _check_role(partnership=membership.partnership, role=role, agency=agency)
    return checked_save(membership, role=role, agency=agency)


@transaction.atomic
def membership_remove(*, membership: Membership, removed_by: User) -> int:
    """Take the person out of the partnership and sign them out everywhere (they sign in
    again for any other partnership they belong to). Returns the sessions ended."""
    if membership.user_id == removed_by.pk:
        raise Refused("You cannot remove yourself: ask another coordinator")
    user = membership.user
    membership.delete()
    return user_sessions_end(user=user)


def user_sessions_end(*, user: User) -> int:
    """End every live session of the person. Sessions are kept in the database (Django's
    db or cached_db session engine): the live ones are read one at a time, and each of
    theirs is deleted through the engine, so a cached copy goes too."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    live = store.get_model_class().objects.filter(expire_date__gt=timezone.now())
    for session in live.only("session_key", "session_data").iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


# --- invitations ----------------------------------------------------------------------


SEND_INVITATION_TASK = "partnerships.send_invitation"


INVITATION_LINK = SignedLink(view="partnerships:invitation_accept", salt=TOKEN_SALT)

invitation_token = INVITATION_LINK.token
invitation_token_matches = INVITATION_LINK.matches
invitation_link = INVITATION_LINK.url


class Invitee(TypedDict):
    """Whom an invitation is for, in which role, and who invites them: the Invitation's
    fields of the same names, which invitation_create records and invitation_send
    passes on."""

    partnership: Partnership
    email: str
    full_name: str
    role: str
    agency: Agency | None
    invited_by: User | None


@transaction.atomic
def invitation_create(**invitee: Unpack[Invitee]) -> Invitation:
    """An invitation for a person by email; an earlier open invitation of theirs to the
    partnership is replaced (its link stops working)."""
    partnership = invitee["partnership"]
    email = invitee["email"].strip().lower()
    invitee["email"], invitee["full_name"] = email, invitee["full_name"].strip()
    _check_role(partnership=partnership, role=invitee["role"], agency=invitee["agency"])
    if Membership.objects.filter(partnership=partnership, user__email=email).exists():
        raise Refused(f"{email} is already a member of {partnership}: change their role instead")
    now = clock.now()
    Invitation.objects.filter(
        partnership=partnership, email=email, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)
    invitation = Invitation(
        **invitee,
        secret=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + INVITATION_VALID_FOR,
    )
    return checked_save(invitation)


@transaction.atomic
def invitation_send(*, site_url: str, **invitee: Unpack[Invitee]) -> Invitation:
    """Invite a person; the email goes after the commit, through the job outbox
    (jobs/services.py), tried again while the mail server is down."""
    invitation = invitation_create(**invitee)
    job_record(name=SEND_INVITATION_TASK, args=[invitation.pk, site_url])
    return invitation


@transaction.atomic
def invitation_email_send(*, invitation_id: int, site_url: str) -> int:
    """Email the invitation's link, once: 1 if sent, 0 if it was sent already or can no
    longer be accepted. A mail server that is down raises, and the job is tried again."""
    invitation = (
        # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer
        # joins that the optional agency and inviter need.
        Invitation.objects.select_for_update(of=("self",))
        .select_related("partnership", "agency", "invited_by")
        .filter(pk=invitation_id, emailed_at__isnull=True)
        .first()
    )
    if invitation is None or not invitation.is_open:
        return 0
    invited_by = invitation.invited_by
    context = {
        "invitation": invitation,
        "invited_by": invited_by.get_full_name() if invited_by else "CSP Tracker",
        "link": invitation_link(invitation, site_url=site_url),
        "has_account": User.objects.filter(email=invitation.email).exists(),
    }
    send_mail(
        subject=render_to_string("partnerships/email/invitation_subject.txt", context).strip(),
        message=render_to_string("partnerships/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
    invitation.emailed_at = clock.now()
    invitation.save(update_fields=["emailed_at"])
    return 1


def invitation_withdraw(*, invitation: Invitation) -> None:
    if not invitation.is_open:
        raise Refused("The invitation was already accepted or withdrawn")
    invitation.withdrawn_at = clock.now()
    invitation.save(update_fields=["withdrawn_at"])


class InvitationNotValid(Exception):
    """Why an invitation link does not work: the reason is the page's heading."""

    def __init__(self, reason: str, *, used: bool = False) -> None:
        super().__init__(reason)
        self.used = used


def invitation_check(*, invitation: Invitation) -> None:
    """Raise InvitationNotValid unless the invitation can still be accepted."""
    if invitation.accepted_at is not None:
        raise InvitationNotValid("This invitation has already been used", used=True)
    if invitation.withdrawn_at is not None:
        raise InvitationNotValid("This invitation was withdrawn")
    if invitation.expires_at <= clock.now():
        raise InvitationNotValid("This invitation has expired")


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, full_name: str = "", password: str | None = None
) -> Membership:
    """Accept the invitation once: the person's account is made with the password they
    chose (someone who has an account already keeps theirs) and given the role."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation_check(invitation=invitation)
    user = User.objects.filter(email=invitation.email).first()
    if user is None:
        if not password:
            raise ValidationError({"new_password1": "Choose a password."})
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            full_name=full_name.strip() or invitation.full_name,
        )
    elif not user.is_active:
        raise InvitationNotValid("This account has been closed")
    membership = membership_grant(
        user=user,
        partnership=invitation.partnership,
        role=invitation.role,
        agency=invitation.agency,
    )
    invitation.accepted_at = clock.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership
