"""Access rules for running partnerships (partnerships app) and their strategic-assessment
choices (priorities app).

Coordinators run their own partnership, the county team its county and districts, a
service administrator every partnership and sets new ones up. Officers and executive
members belong to the partnership but do not run it (403). Another partnership is a 404,
and so is Medway (a unitary, in no county) for everyone but the service administrator:
the county admin of Kent included.
"""

from collections.abc import Callable
from typing import Any

from tests.access_rules import NOBODY_ELSE, Route, _only
from tests.world import ROLES, World

RUNNERS = {"coordinator", "county_admin", "service_admin"}


def _signed_in(allowed: set[str]) -> dict[str, int]:
    """For a page of no partnership: 200 for the allowed, 403 for anyone else signed in."""
    return {role: 200 if role in allowed else 403 for role in ROLES} | {"anonymous": 302}


SERVICE_ADMIN_ONLY = _signed_in({"service_admin"})
# Who publishes is decided by those who always may publish: the county team.
PUBLISHERS_DECIDE = {"county_admin", "service_admin"}


def swale(w: World) -> dict[str, object]:
    return {"slug": w.district.slug}


def basildon(w: World) -> dict[str, object]:
    return {"slug": w.other_district.slug}


def medway(w: World) -> dict[str, object]:
    return {"slug": w.unitary.slug}


Kwargs = Callable[[World], dict[str, object]]


def _with_logo(kwargs: Kwargs) -> Kwargs:
    """The partnership's URL keys, once it has a logo (to remove)."""

    def with_logo(w: World) -> dict[str, object]:
        from plans.models import Partnership
        from tests.images import logo_give

        keys = kwargs(w)
        partnership = Partnership.objects.get(slug=keys["slug"])
        if not partnership.logo:
            logo_give(partnership)
        return keys

    return with_logo


def _of(partnership: str, what: str) -> Kwargs:
    """The partnership's agency an officer works for, that officer, or its invitation."""

    def kwargs(w: World) -> dict[str, object]:
        slug = {"swale": w.district, "basildon": w.other_district, "medway": w.unitary}[
            partnership
        ].slug
        objects: dict[str, dict[str, Any]] = {
            "agency": w.agency_of,
            "officer": w.officer_of,
            "invitation": w.invitation_of,
        }
        return {"slug": slug, "pk": objects[what][slug].pk}

    return kwargs


def _in_partnerships(**codes: Any) -> Route:
    """A page of Swale's, Basildon's (another county's district) and Medway's."""
    return Route(own=swale, other=basildon, unitary=medway, **codes)


def _in_each(what: str, *, get: dict[str, int], post: dict[str, int]) -> Route:
    """A route of one object in Swale, Basildon (another county) and Medway."""
    return Route(
        own=_of("swale", what),
        other=_of("basildon", what),
        unitary=_of("medway", what),
        get=get,
        post=post,
    )


PARTNERSHIP_ROUTES: dict[str, Route] = {
    "partnerships:list": Route(get=_signed_in(RUNNERS | {"other_coordinator"})),
    "partnerships:create": Route(get=SERVICE_ADMIN_ONLY, post=SERVICE_ADMIN_ONLY),
    "partnerships:detail": _in_partnerships(get=_only(RUNNERS)),
    # The county team saves "who publishes" (302); the service administrator must also
    # give the names, which are missing here (200, the form with its errors).
    "partnerships:edit": _in_partnerships(
        get=_only(PUBLISHERS_DECIDE),
        post=_only(PUBLISHERS_DECIDE) | {"county_admin": 302},
        post_data={"coordinators_publish": "on"},
    ),
    # The logo on its documents' covers: an empty form is refused with its errors (200).
    "partnerships:logo": _in_partnerships(get=_only(RUNNERS), post=_only(RUNNERS)),
    "partnerships:logo_remove": Route(
        own=_with_logo(swale),
        other=_with_logo(basildon),
        unitary=_with_logo(medway),
        get=_only(RUNNERS),
        post=_only(RUNNERS, ok=302),
    ),
    "partnerships:agencies": _in_partnerships(get=_only(RUNNERS)),
    "partnerships:agency_add": _in_partnerships(get=_only(RUNNERS), post=_only(RUNNERS)),
    "partnerships:agency_create": _in_partnerships(get=_only(RUNNERS), post=_only(RUNNERS)),
    "partnerships:agency_edit": _in_each("agency", get=_only(RUNNERS), post=_only(RUNNERS)),
    # An officer works for the agency, so removing it is refused on the page (200).
    "partnerships:agency_remove": _in_each("agency", get=_only(RUNNERS), post=_only(RUNNERS)),
    "partnerships:people": _in_partnerships(get=_only(RUNNERS)),
    "partnerships:invite": _in_partnerships(get=_only(RUNNERS), post=_only(RUNNERS)),
    "partnerships:membership_edit": _in_each("officer", get=_only(RUNNERS), post=_only(RUNNERS)),
    "partnerships:membership_remove": _in_each(
        "officer", get=_only(RUNNERS), post=_only(RUNNERS, ok=302)
    ),
    "partnerships:invitation_withdraw": _in_each(
        "invitation", get=_only(RUNNERS), post=_only(RUNNERS, ok=302)
    ),
    # The link is the proof: anyone holding it sees the page; an empty form is refused
    # with its errors (200).
    "partnerships:invitation_accept": Route(
        own=lambda w: w.invitation_link(),
        get={role: 200 for role in ROLES},
        post={role: 200 for role in ROLES},
    ),
    # Strategic-assessment choices: a district's (so never Medway's, a unitary: 403).
    "priorities:assessments": _in_partnerships(
        get=_only(RUNNERS), unitary_get=dict(NOBODY_ELSE) | {"service_admin": 403}
    ),
    # 2022/23: Swale's plan in the world covers 2023/24 only.
    "priorities:assessment_edit": Route(
        own=lambda w: {"slug": w.district.slug, "year": 2022},
        other=lambda w: {"slug": w.other_district.slug, "year": 2022},
        unitary=lambda w: {"slug": w.unitary.slug, "year": 2022},
        get=_only(RUNNERS),
        post=_only(RUNNERS, ok=302),
        unitary_get=dict(NOBODY_ELSE) | {"service_admin": 403},
        unitary_post=dict(NOBODY_ELSE) | {"service_admin": 403},
    ),
}
