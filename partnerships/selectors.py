"""Reads for running partnerships. Only ever returns what the user may see: another
partnership's partnership, agency, person or invitation is a DoesNotExist (a 404)."""

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from csp_tracker import clock
from partnerships.models import Invitation
from partnerships.services import invitation_token_matches
from plans.models import Agency, Membership, Partnership
from plans.rules import access_for, is_coordinator_or_county


def _visible(user: User) -> QuerySet[Partnership]:
    return Partnership.objects.filter(access_for(user).partnership_filter()).select_related(
        "parent"
    )


def partnership_manage_list(*, user: User) -> list[Partnership]:
    """The partnerships the user runs, each county followed by its districts, with how many
    agencies and people each has."""
    partnerships = _visible(user).annotate(
        agency_count=Count("agencies", distinct=True),
        people_count=Count("memberships", distinct=True),
    )
    managed = [p for p in partnerships if is_coordinator_or_county(user, p)]
    return sorted(
        managed,
        key=lambda p: (p.parent.name if p.parent else p.name, p.parent_id is not None, p.name),
    )


def partnership_get(*, user: User, slug: str) -> Partnership:
    return _visible(user).get(slug=slug)


def partnership_overview(*, user: User, slug: str) -> Partnership:
    """A partnership with its districts and how many agencies, people and open
    invitations it has, in a fixed number of queries."""
    now = clock.now()
    return (
        _visible(user)
        .annotate(
            agency_count=Count("agencies", distinct=True),
            people_count=Count("memberships", distinct=True),
            invitation_count=Count(
                "invitations",
                filter=Q(
                    invitations__accepted_at__isnull=True,
                    invitations__withdrawn_at__isnull=True,
                    invitations__expires_at__gt=now,
                ),
                distinct=True,
            ),
        )
        .prefetch_related("children")
        .get(slug=slug)
    )


def county_list() -> QuerySet[Partnership]:
    return Partnership.objects.filter(kind=Partnership.Kind.COUNTY).order_by("name")


# --- member agencies ------------------------------------------------------------------


def member_agency_list(*, partnership: Partnership) -> QuerySet[Agency]:
    """The partnership's agencies, each with the partnerships it is a member of."""
    return partnership.agencies.prefetch_related("partnerships").order_by("short_name")


def member_agency_get(*, partnership: Partnership, pk: int) -> Agency:
    return partnership.agencies.get(pk=pk)


def agencies_to_add(*, partnership: Partnership) -> QuerySet[Agency]:
    """Agencies already in CSP Tracker that are not yet members of the partnership."""
    return Agency.objects.exclude(partnerships=partnership).order_by("short_name")


# --- people ---------------------------------------------------------------------------


def people_list(*, partnership: Partnership) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(partnership=partnership)
        .select_related("user", "agency", "partnership")
        .order_by("user__full_name", "user__email")
    )


def membership_get(*, partnership: Partnership, pk: int) -> Membership:
    return Membership.objects.select_related("user", "agency", "partnership__parent").get(
        partnership=partnership, pk=pk
    )


def _open(invitations: QuerySet[Invitation]) -> QuerySet[Invitation]:
    return invitations.filter(
        accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=clock.now()
    )


def invitation_open_list(*, partnership: Partnership) -> QuerySet[Invitation]:
    """Invitations of the partnership that may still be accepted, newest first."""
    return (
        _open(Invitation.objects.filter(partnership=partnership))
        .select_related("agency", "invited_by")
        .order_by("-created_at")
    )


def invitation_get(*, partnership: Partnership, pk: int) -> Invitation:
    """One of the partnership's invitations that may still be accepted."""
    return invitation_open_list(partnership=partnership).get(pk=pk)


def invitation_by_link(*, pk: int, token: str) -> Invitation:
    """The invitation of a link (in any state) if its token is the one the service made;
    DoesNotExist otherwise."""
    invitation = Invitation.objects.select_related("partnership", "agency").get(pk=pk)
    if not invitation_token_matches(invitation, token):
        raise Invitation.DoesNotExist
    return invitation


def user_exists(*, email: str) -> bool:
    return User.objects.filter(email=email).exists()
