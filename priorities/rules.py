"""Who may see, author and publish plans (django-rules predicates).

The same roles as actions/rules.py, read from plans.Membership: this app sits below
actions and cannot import it. A county admin acts for their county and its districts.
"""

from functools import cached_property

import rules
from django.db.models import Q

from plans.models import Membership, Partnership, Plan


class PlanAccess:
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
        if self.is_superuser:
            return Q()
        ids = {m.partnership_id for m in self.memberships}
        q = Q(**{f"{prefix}id__in": ids})
        if self.county_admin_of:
            q |= Q(**{f"{prefix}parent_id__in": self.county_admin_of})
        return q

    def role_in(self, partnership: Partnership) -> str | None:
        if self.is_superuser:
            return Membership.Role.COUNTY_ADMIN
        for m in self.memberships:
            if m.partnership_id == partnership.pk:
                return m.role
        if partnership.parent_id in self.county_admin_of:
            return Membership.Role.COUNTY_ADMIN
        return None


def plan_access(user: object) -> PlanAccess:
    cached = getattr(user, "_csp_plan_access", None)
    if cached is None:
        cached = PlanAccess(user)
        if getattr(user, "is_authenticated", False):
            user._csp_plan_access = cached  # type: ignore[attr-defined]
    return cached


def _partnership(obj: Partnership | Plan) -> Partnership:
    return obj if isinstance(obj, Partnership) else obj.partnership


@rules.predicate
def can_view_plan(user: object, obj: Partnership | Plan | None) -> bool:
    return obj is not None and plan_access(user).role_in(_partnership(obj)) is not None


@rules.predicate
def can_author_plan(user: object, obj: Partnership | Plan | None) -> bool:
    """Coordinators author their partnership's plans; county admins the county's and its
    districts'."""
    return obj is not None and plan_access(user).role_in(_partnership(obj)) in (
        Membership.Role.COORDINATOR,
        Membership.Role.COUNTY_ADMIN,
    )


@rules.predicate
def can_publish_plan(user: object, obj: Partnership | Plan | None) -> bool:
    """The county team (KCST, county admins) publishes."""
    return obj is not None and (
        plan_access(user).role_in(_partnership(obj)) == Membership.Role.COUNTY_ADMIN
    )


rules.add_perm("plans.view_plan", can_view_plan)
rules.add_perm("plans.change_plan", can_author_plan)
rules.add_perm("plans.add_plan", can_author_plan)
rules.add_perm("plans.publish_plan", can_publish_plan)
