"""Every permission rule of the service, in one place (django-rules predicates).

Roles are held per partnership through a Membership: officer (of an agency), coordinator,
executive member and county admin (the county team, KCST, who act for the county and every
district under it). A superuser is a service administrator: they set partnerships up and
act as the county team of every partnership. What a user may *see* is also enforced by the
selectors, which filter with ``access_for(user).partnership_filter()``, so another
partnership's object is a 404 before any rule here is asked.

This module sits in the lowest app so every app can use it; the predicates reach an
object's partnership through its attributes (an action's ``plan``, a milestone's
``action``, a report's ``partnership``) rather than importing the higher apps' models.
"""

from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Protocol, TypeGuard, cast

import rules
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.functional import LazyObject, empty

from accounts.models import User
from accounts.types import AnyUser
from csp_tracker.compiled import compiled_objects, markers_like
from plans.models import Agency, Membership, Partnership, Plan

Role = Membership.Role


# The shapes of the higher apps' objects that the rules read, so this module need not
# import their models (an exception report, an action, a milestone). Which shape an
# object has is asked by ``_in_partnership``, ``_in_plan`` and ``_milestone_like``: what
# ``isinstance`` asks of a ``runtime_checkable`` Protocol (has it each attribute), at a
# fiftieth of the cost: the Protocol's check walks its classes for their attributes on
# every call, and the rules ask it several times on every page.
class InPartnership(Protocol):
    @property
    def partnership(self) -> Partnership: ...


class InPlan(Protocol):
    @property
    def plan(self) -> Plan: ...


class ActionLike(InPlan, Protocol):
    @property
    def lead_agencies(self) -> "_AgencyRelated": ...
    @property
    def milestones(self) -> "_MilestoneRelated": ...


class MilestoneLike(Protocol):
    lead_id: int | None

    @property
    def action(self) -> ActionLike: ...


class InAction(Protocol):
    """A milestone or a status update."""

    @property
    def action(self) -> InPlan: ...


def _in_partnership(obj: object) -> TypeGuard[InPartnership]:
    return hasattr(obj, "partnership")


def _in_plan(obj: object) -> TypeGuard[InPlan]:
    return hasattr(obj, "plan")


def _milestone_like(obj: object) -> TypeGuard[MilestoneLike]:
    return hasattr(obj, "action") and hasattr(obj, "lead_id")


class _AgencyRelated(Protocol):
    def all(self) -> Iterable[Agency]: ...


class _LeadRow(Protocol):
    lead_id: int | None


class _MilestoneRelated(Protocol):
    def all(self) -> Iterable[_LeadRow]: ...


Governed = Partnership | Plan | InPartnership | InPlan | MilestoneLike


class Access:
    """A user's memberships, read once per request."""

    def __init__(self, user: AnyUser) -> None:
        # request.user is a lazy object, each attribute read through it a few calls: the
        # rules read the user it stands for (once it has been read).
        if isinstance(user, LazyObject) and user._wrapped is not empty:
            user = cast(AnyUser, user._wrapped)
        self.user = user

    @cached_property
    def memberships(self) -> list[Membership]:
        if isinstance(self.user, AnonymousUser):
            return []

        def read(users: Sequence[int]) -> QuerySet[Membership]:
            return Membership.objects.filter(user_id=users[0]).select_related("partnership")

        # Read on every page: compiled once (compiled_objects).
        user = [self.user.pk]
        return compiled_objects(("memberships",), read, user, markers_like(user))

    @property
    def is_superuser(self) -> bool:
        return self.user.is_superuser

    @cached_property
    def county_admin_of(self) -> set[int]:
        return {m.partnership_id for m in self.memberships if m.role == Role.COUNTY_ADMIN}

    def partnership_filter(self, prefix: str = "") -> Q:
        """A filter for the partnerships this user may see, for use in any queryset."""
        if self.is_superuser:
            return Q()
        q = Q(**{f"{prefix}id__in": {m.partnership_id for m in self.memberships}})
        if self.county_admin_of:
            q |= Q(**{f"{prefix}parent_id__in": self.county_admin_of})
        return q

    @cached_property
    def _membership_in(self) -> dict[int, Membership]:
        """Partnership id → the user's membership of it (the first read, should there be
        two): asked several times a page, by every rule."""
        return {m.partnership_id: m for m in reversed(self.memberships)}

    def role_in(self, partnership: Partnership) -> str | None:
        if self.is_superuser:
            return Role.COUNTY_ADMIN
        membership = self._membership_in.get(partnership.pk)
        if membership is not None:
            return membership.role
        if partnership.parent_id in self.county_admin_of:
            return Role.COUNTY_ADMIN
        return None

    def agency_in(self, partnership: Partnership) -> int | None:
        membership = self._membership_in.get(partnership.pk)
        return None if membership is None else membership.agency_id

    def officer_agencies(self) -> dict[int, int]:
        """partnership id → agency id, for the partnerships where the user is an officer."""
        return {
            m.partnership_id: m.agency_id
            for m in self.memberships
            if m.role == Role.OFFICER and m.agency_id
        }


def access_for(user: AnyUser) -> Access:
    """One Access per user object, so a request reads memberships once."""
    cached = getattr(user, "_csp_access", None)
    if not isinstance(cached, Access):
        cached = Access(user)
        if isinstance(user, User):
            user._csp_access = cached
    return cached


def partnership_of(obj: Governed) -> Partnership:
    """The partnership a partnership, plan, action, milestone or report belongs to."""
    if isinstance(obj, Partnership):
        return obj
    if isinstance(obj, Plan):
        return obj.partnership
    if _in_partnership(obj):  # an exception report
        return obj.partnership
    if _in_plan(obj):  # an action
        return obj.plan.partnership
    milestone: MilestoneLike = obj  # type: ignore[assignment]  # (the last shape left)
    return milestone.action.plan.partnership


def role_of(user: AnyUser, obj: Governed) -> str | None:
    return access_for(user).role_in(partnership_of(obj))


READERS = {Role.EXECUTIVE, Role.COORDINATOR, Role.COUNTY_ADMIN}
EDITORS = {Role.COORDINATOR, Role.COUNTY_ADMIN}


@rules.predicate
def can_view(user: AnyUser, obj: Governed | None) -> bool:
    return obj is not None and role_of(user, obj) is not None


@rules.predicate
def is_coordinator_or_county(user: AnyUser, obj: Governed | None) -> bool:
    """Coordinators of the partnership, and the county team for it."""
    return obj is not None and role_of(user, obj) in EDITORS


@rules.predicate
def is_county_team(user: AnyUser, obj: Governed | None) -> bool:
    return obj is not None and role_of(user, obj) == Role.COUNTY_ADMIN


@rules.predicate
def reads_reports(user: AnyUser, obj: Governed | None) -> bool:
    """Exception reports are the executive group's: officers do not get them."""
    return obj is not None and role_of(user, obj) in READERS


def agency_leads(agency_id: int | None, action: ActionLike) -> bool:
    """The agency leads the action or one of its milestones (uses prefetched data)."""
    if agency_id is None:
        return False
    if any(a.pk == agency_id for a in action.lead_agencies.all()):
        return True
    return any(m.lead_id == agency_id for m in action.milestones.all())


@rules.predicate
def is_lead_officer(user: AnyUser, obj: ActionLike | MilestoneLike | None) -> bool:
    """An officer whose agency leads the action (or the milestone, or one of its
    milestones)."""
    if obj is None:
        return False
    milestone = obj if _milestone_like(obj) else None
    action: ActionLike = milestone.action if milestone is not None else obj  # type: ignore[assignment]
    partnership = action.plan.partnership
    access = access_for(user)
    if access.role_in(partnership) != Role.OFFICER:
        return False
    agency = access.agency_in(partnership)
    if milestone is not None and milestone.lead_id is not None:
        return milestone.lead_id == agency
    return agency_leads(agency, action)


def plan_of(obj: Plan | InPlan | InAction) -> Plan:
    """The plan a plan, section, priority, theme, action, milestone or status update
    belongs to."""
    if isinstance(obj, Plan):
        return obj
    if _in_plan(obj):  # a section, priority, theme or action
        return obj.plan
    in_action: InAction = obj  # type: ignore[assignment]  # a milestone or status update
    return plan_of(in_action.action)


@rules.predicate
def plan_is_open(user: AnyUser, obj: Plan | InPlan | InAction | None) -> bool:
    """Who may change a plan, part one: only an open plan changes. A superseded plan is
    the record of a past year: neither it nor its sections, priorities, themes, actions,
    milestones or status updates change any more. The services refuse it too
    (plans.services.plan_open_guard), for callers that ask no permission."""
    if obj is None:
        return False
    return plan_of(obj).status != Plan.Status.SUPERSEDED


@rules.predicate
def is_county_partnership_team(user: AnyUser, county: Partnership | None) -> bool:
    """County admin of this county partnership (the county view of all partnerships)."""
    if county is None or county.kind != Partnership.Kind.COUNTY:
        return False
    return role_of(user, county) == Role.COUNTY_ADMIN


@rules.predicate
def is_service_admin(user: AnyUser) -> bool:
    """A service administrator (a superuser) runs the service for every partnership: sets
    partnerships up and uses the Django admin."""
    return access_for(user).is_superuser


@rules.predicate
def may_publish(user: AnyUser, obj: Governed | None) -> bool:
    """The county team publishes for its county and every district under it; a
    partnership's own coordinators publish its plans where it lets them
    (``Partnership.coordinators_publish``). who_publishes() says the same in words."""
    if obj is None:
        return False
    partnership = partnership_of(obj)
    role = access_for(user).role_in(partnership)
    if role == Role.COUNTY_ADMIN:
        return True
    return role == Role.COORDINATOR and partnership.coordinators_publish


def who_publishes(partnership: Partnership) -> str:
    """may_publish in words, for the pages that cannot offer "Publish"."""
    publishers = []
    if partnership.coordinators_publish:
        publishers.append("its coordinators")
    if partnership.kind == Partnership.Kind.COUNTY:
        publishers.append("its county team")
    elif partnership.parent is not None:
        publishers.append(f"the county team of {partnership.parent.short_name}")
    if not publishers:
        publishers.append("a service administrator")
    return f"{partnership.short_name}’s plans are published by {' and '.join(publishers)}."


@rules.predicate
def grants_county_admin(user: AnyUser, partnership: Partnership | None) -> bool:
    """Only the county team (or a service administrator) makes someone a county admin, and
    only of a county partnership."""
    if partnership is None or partnership.kind != Partnership.Kind.COUNTY:
        return False
    return role_of(user, partnership) == Role.COUNTY_ADMIN


def grantable_roles(user: AnyUser, partnership: Partnership) -> list[str]:
    """The roles the user may give people of the partnership."""
    roles: list[str] = [Role.OFFICER, Role.COORDINATOR, Role.EXECUTIVE]
    if grants_county_admin(user, partnership):
        roles.append(Role.COUNTY_ADMIN)
    return roles


@rules.predicate
def may_change_membership(user: AnyUser, membership: Membership | None) -> bool:
    """Those who run the partnership change anyone's role but their own; a county admin's
    only those who make county admins."""
    if membership is None or membership.user_id == getattr(user, "pk", None):
        return False
    if not is_coordinator_or_county(user, membership.partnership):
        return False
    return membership.role != Role.COUNTY_ADMIN or grants_county_admin(user, membership.partnership)


@rules.predicate
def may_change_agency(user: AnyUser, agency: Agency | None) -> bool:
    """An agency's names are shared by every partnership it is a member of: whoever runs
    all of them (a coordinator of each, their county team, a service administrator)."""
    if agency is None:
        return False
    partnerships = list(agency.partnerships.all())
    return bool(partnerships) and all(is_coordinator_or_county(user, p) for p in partnerships)


@rules.predicate
def manages_a_partnership(user: AnyUser) -> bool:
    """Coordinators, county admins and service administrators run partnerships (the
    Partnerships pages and their place in the navigation)."""
    access = access_for(user)
    return access.is_superuser or any(m.role in EDITORS for m in access.memberships)


@rules.predicate
def is_district(user: AnyUser, partnership: Partnership | None) -> bool:
    return partnership is not None and partnership.kind == Partnership.Kind.DISTRICT


# Partnerships and plans
rules.add_perm("plans.view_partnership", can_view)
rules.add_perm("plans.add_partnership", is_service_admin)
# Its member agencies and its people: its coordinators, and the county team for it.
rules.add_perm("plans.change_partnership", is_coordinator_or_county)
# Whether its coordinators publish: decided by those who always may publish.
rules.add_perm("plans.change_partnership_publishers", is_county_team)
rules.add_perm("plans.grant_county_admin", grants_county_admin)
rules.add_perm("plans.change_membership", may_change_membership)
rules.add_perm("plans.change_agency", may_change_agency)
# Asked without an object (the navigation), so a rule rather than a permission.
rules.add_rule("plans.manages_a_partnership", manages_a_partnership)
rules.add_perm("plans.view_plan", can_view)
rules.add_perm("plans.add_plan", is_coordinator_or_county)
rules.add_perm("plans.change_plan", is_coordinator_or_county & plan_is_open)
rules.add_perm("plans.publish_plan", may_publish & plan_is_open)
# Actions, milestones and status updates
rules.add_perm("actions.view_action", can_view)
rules.add_perm(
    "actions.add_statusupdate", (is_lead_officer | is_coordinator_or_county) & plan_is_open
)
rules.add_perm("actions.change_action", is_coordinator_or_county & plan_is_open)
# Sign-off of updates (where the partnership wants it): its coordinators and the county team.
rules.add_perm("actions.add_updatereview", is_coordinator_or_county)
rules.add_perm("actions.change_milestone", is_coordinator_or_county & plan_is_open)
rules.add_perm("actions.add_milestone", is_coordinator_or_county & plan_is_open)
# Strategic-assessment choices (CSA Appendix A), for a district whose plan is not kept here
rules.add_perm(
    "priorities.change_strategicassessmentchoice", is_coordinator_or_county & is_district
)
# Exception reports
rules.add_perm("reporting.view_exceptionreport", reads_reports)
rules.add_perm("reporting.add_exceptionreport", is_coordinator_or_county)
rules.add_perm("reporting.view_county_overview", is_county_partnership_team)
# A partnership's reporting calendar: when updates are due and its report is built.
rules.add_perm("reporting.change_reportingcalendar", is_coordinator_or_county)
# Who is missing this round's updates, and chasing them.
rules.add_perm("reporting.add_updatereminder", is_coordinator_or_county)
# Grants, funded projects, bids and indicators: asked of the partnership or the grant
# (a project's or a bid's rules are its grant's). Everyone in the partnership reads them;
# coordinators and the county team record them.
rules.add_perm("performance.view_grant", can_view)
rules.add_perm("performance.change_grant", is_coordinator_or_county)
rules.add_perm("performance.view_indicator", can_view)
rules.add_perm("performance.change_indicator", is_coordinator_or_county)


@rules.predicate
def needs_two_factor(user: AnyUser) -> bool:
    """Service administrators (superusers) and county admins reach many partnerships, so
    they sign in with a second factor; for everyone else it is a choice."""
    access = access_for(user)
    return access.is_superuser or bool(access.county_admin_of)


# Accounts (a rule, not a permission: a superuser has every permission)
rules.add_rule("accounts.two_factor_required", needs_two_factor)
