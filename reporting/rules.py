"""Who may read and build exception reports (django-rules predicates).

The report is the executive group's: its executive members read it, its coordinators
also build it, and the county team (county_admin) reads and builds every report in the
county. Officers update actions but do not get the report. Selectors return only the
partnerships a user can see, so another partnership's report is a 404 first.
"""

import rules

from actions.rules import access_for
from plans.models import Membership, Partnership
from reporting.models import ExceptionReport

READERS = {Membership.Role.EXECUTIVE, Membership.Role.COORDINATOR, Membership.Role.COUNTY_ADMIN}
BUILDERS = {Membership.Role.COORDINATOR, Membership.Role.COUNTY_ADMIN}


def _role(user: object, obj: Partnership | ExceptionReport) -> str | None:
    access = access_for(user)
    if access.is_superuser:
        return Membership.Role.COUNTY_ADMIN
    partnership = obj.partnership if isinstance(obj, ExceptionReport) else obj
    return access.role_in(partnership)


@rules.predicate
def can_read_reports(user: object, obj: Partnership | ExceptionReport | None) -> bool:
    return obj is not None and _role(user, obj) in READERS


@rules.predicate
def can_build_reports(user: object, obj: Partnership | ExceptionReport | None) -> bool:
    return obj is not None and _role(user, obj) in BUILDERS


@rules.predicate
def is_county_team(user: object, county: Partnership | None) -> bool:
    """County admin of this county partnership (the county view of all partnerships)."""
    if county is None or county.kind != Partnership.Kind.COUNTY:
        return False
    return _role(user, county) == Membership.Role.COUNTY_ADMIN


rules.add_perm("reporting.view_exceptionreport", can_read_reports)
rules.add_perm("reporting.add_exceptionreport", can_build_reports)
rules.add_perm("reporting.view_county_overview", is_county_team)
