"""Every permission rule of the service, in one place (django-rules predicates).

Roles are held per partnership through a Membership. What a user may *see* is also
enforced by the selectors, which only ever return visible objects, so another
partnership's object is a 404 before any of these rules is asked.
"""

from functools import cached_property

import rules
from django.db.models import Q

from actions.models import Action, Milestone
from plans.models import Membership, Partnership, Plan


class Access:
    """A user's memberships, read once per request."""

    def __init__(self, user: object) -> None:
        self.user = user

    @cached_property
    def memberships(self) -> list[Membership]:
        if not getattr(self.user, "is_authenticated", False):
            return []
        return list(Membership.objects.filter(user=self.user).select_related("partnership"))

    @property
    def is_superuser(self) -> bool:
        return bool(getattr(self.user, "is_superuser", False))

    @cached_property
    def county_admin_of(self) -> set[int]:
        return {
            m.partnership_id for m in self.memberships if m.role == Membership.Role.COUNTY_ADMIN
        }

    def partnership_filter(self, prefix: str = "") -> Q:
        """A filter for the partnerships this user may see, for use in any queryset."""
        if self.is_superuser:
            return Q()
        ids = {m.partnership_id for m in self.memberships}
        q = Q(**{f"{prefix}id__in": ids})
        if self.county_admin_of:
            q |= Q(**{f"{prefix}parent_id__in": self.county_admin_of})
        return q if ids else Q(**{f"{prefix}id__in": []})

    def role_in(self, partnership: Partnership) -> str | None:
        for m in self.memberships:
            if m.partnership_id == partnership.pk:
                return m.role
        if partnership.parent_id in self.county_admin_of:
            return Membership.Role.COUNTY_ADMIN
        return None

    def agency_in(self, partnership: Partnership) -> int | None:
        for m in self.memberships:
            if m.partnership_id == partnership.pk:
                return m.agency_id
        return None

    def officer_agencies(self) -> dict[int, int]:
        """partnership id → agency id, for the partnerships where the user is an officer."""
        return {
            m.partnership_id: m.agency_id
            for m in self.memberships
            if m.role == Membership.Role.OFFICER and m.agency_id
        }


def access_for(user: object) -> Access:
    """One Access per user object, so a request reads memberships once."""
    cached = getattr(user, "_csp_access", None)
    if cached is None:
        cached = Access(user)
        if getattr(user, "is_authenticated", False):
            user._csp_access = cached  # type: ignore[attr-defined]
    return cached


def _partnership_of(obj: Partnership | Plan | Action | Milestone) -> Partnership:
    if isinstance(obj, Partnership):
        return obj
    if isinstance(obj, Plan):
        return obj.partnership
    if isinstance(obj, Action):
        return obj.plan.partnership
    return obj.action.plan.partnership


def _role(user: object, obj: Partnership | Plan | Action | Milestone) -> str | None:
    access = access_for(user)
    if access.is_superuser:
        return Membership.Role.COUNTY_ADMIN
    return access.role_in(_partnership_of(obj))


@rules.predicate
def can_view(user: object, obj: Partnership | Plan | Action | Milestone | None) -> bool:
    return obj is not None and _role(user, obj) is not None


@rules.predicate
def is_coordinator_or_county(
    user: object, obj: Partnership | Plan | Action | Milestone | None
) -> bool:
    return obj is not None and _role(user, obj) in (
        Membership.Role.COORDINATOR,
        Membership.Role.COUNTY_ADMIN,
    )


def agency_leads(agency_id: int | None, action: Action) -> bool:
    """The agency leads the action or one of its milestones (uses prefetched data)."""
    if agency_id is None:
        return False
    if any(a.pk == agency_id for a in action.lead_agencies.all()):
        return True
    return any(m.lead_id == agency_id for m in action.milestones.all())


@rules.predicate
def is_lead_officer(user: object, obj: Action | Milestone | None) -> bool:
    if obj is None:
        return False
    action = obj if isinstance(obj, Action) else obj.action
    partnership = action.plan.partnership
    access = access_for(user)
    if access.role_in(partnership) != Membership.Role.OFFICER:
        return False
    if isinstance(obj, Milestone) and obj.lead_id is not None:
        return obj.lead_id == access.agency_in(partnership)
    return agency_leads(access.agency_in(partnership), action)


rules.add_perm("plans.view_partnership", can_view)
rules.add_perm("actions.view_action", can_view)
rules.add_perm("actions.add_statusupdate", is_lead_officer | is_coordinator_or_county)
rules.add_perm("actions.change_action", is_coordinator_or_county)
rules.add_perm("actions.change_milestone", is_coordinator_or_county)
rules.add_perm("actions.add_milestone", is_coordinator_or_county)
