"""The vocabulary of the access test (tests/test_access.py): expected codes per role.

200 the page (or a form re-shown with errors), 302 a redirect (sign-in for the signed-out),
403 seen but not allowed, 404 another partnership's object, 405 method not allowed.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.world import ROLES, World

ALL = {role: 200 for role in ROLES} | {"anonymous": 302}
SIGNED_IN_ONLY = ALL
PUBLIC = {role: 200 for role in ROLES}
NOBODY_ELSE = {role: 404 for role in ROLES} | {"anonymous": 302}


def _only(allowed: set[str], *, denied: int = 403, ok: int = 200) -> dict[str, int]:
    codes = {role: (ok if role in allowed else denied) for role in ROLES}
    codes["anonymous"] = 302
    codes["other_coordinator"] = 404 if denied == 403 else codes["other_coordinator"]
    return codes


@dataclass
class Route:
    own: Callable[[World], dict[str, object]] | None = None
    other: Callable[[World], dict[str, object]] | None = None
    get: dict[str, int] = field(default_factory=lambda: dict(ALL))
    post: dict[str, int] | None = None  # None: POST is not allowed (405)
    post_data: dict[str, str] = field(default_factory=dict)
    # The unitary partnership's object (Medway, in no county: the county admin of Kent
    # must not see it). A 404 for everyone but the service administrator, who gets what
    # they get for the own partnership unless unitary_get/unitary_post say otherwise.
    unitary: Callable[[World], dict[str, object]] | None = None
    unitary_get: dict[str, int] | None = None
    unitary_post: dict[str, int] | None = None


def action_pk(w: World) -> dict[str, object]:
    return {"pk": w.action.pk}


def other_action_pk(w: World) -> dict[str, object]:
    return {"pk": w.other_action.pk}


VISIBLE = dict(ALL) | {"other_coordinator": 404}
# A service administrator (a superuser) acts as the county team of every partnership.
EDITORS = {"coordinator", "county_admin", "service_admin"}
UPDATERS = {"officer", "coordinator", "county_admin", "service_admin"}
# POST forms (moves, the figure picked on the indicator page): a GET is 405 for everyone
# who can see the object.
POST_ONLY_GET = {role: 405 for role in ROLES} | {"anonymous": 302, "other_coordinator": 404}

Keys = Callable[[World], dict[str, object]]


def district_slug(w: World) -> dict[str, object]:
    """The URL keys of a page of the world's district."""
    return {"slug": w.district.slug}


def other_district_slug(w: World) -> dict[str, object]:
    """The same page's keys for the other district (a 404 for the district's people)."""
    return {"slug": w.other_district.slug}


def district_route(**codes: Any) -> Route:
    """A page of the world's district, keyed by its slug (another district's is a 404)."""
    return Route(own=district_slug, other=other_district_slug, **codes)


def editors_route(own: Keys, other: Keys, *, post_ok: int = 200) -> Route:
    """A page only the editors open and post (``post_ok``: 302 where a post that works
    goes on to another page, as a removal does)."""
    return Route(own=own, other=other, get=_only(EDITORS), post=_only(EDITORS, ok=post_ok))


def post_only_route(own: Keys, other: Keys, **kwargs: Any) -> Route:
    """A POST form on another page (a move): only the editors post it, and go back."""
    return Route(own=own, other=other, get=POST_ONLY_GET, post=_only(EDITORS, ok=302), **kwargs)


def ordered_item_routes(
    name: str, own: Keys, other: Keys, *, direction: str, remove_post_ok: int = 302
) -> dict[str, Route]:
    """An item of an ordered list in plan authoring: its change page, its move (a POST
    from the list, ``direction`` "up" or "down") and its remove page (``remove_post_ok``:
    200 where the page refuses the removal)."""
    return {
        f"{name}_edit": editors_route(own, other),
        f"{name}_move": post_only_route(own, other, post_data={"direction": direction}),
        f"{name}_remove": editors_route(own, other, post_ok=remove_post_ok),
    }
