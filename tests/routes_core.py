"""Access rules for the core pages: home, accounts, actions."""

from tests.access_rules import (
    ALL,
    PUBLIC,
    UPDATERS,
    VISIBLE,
    Route,
    _only,
    action_pk,
    editors_route,
    other_action_pk,
)
from tests.world import ROLES

EVERYONE_REDIRECTED = {role: 302 for role in ROLES}
POST_ONLY = {role: 405 for role in ROLES} | {"anonymous": 302}

CORE_ROUTES: dict[str, Route] = {
    # pages
    "pages:home": Route(
        get=PUBLIC
        | {
            "officer": 302,
            "officer_not_lead": 302,
            "coordinator": 302,
            "executive": 302,
            "county_admin": 302,
            "other_coordinator": 302,
            "service_admin": 302,
        }
    ),
    "pages:accessibility": Route(get=PUBLIC),
    # accounts
    "accounts:login": Route(
        get=PUBLIC | {r: 302 for r in ROLES if r != "anonymous"},
        post={"anonymous": 200} | {r: 302 for r in ROLES if r != "anonymous"},
    ),
    "accounts:logout": Route(get={r: 405 for r in ROLES}, post={r: 302 for r in ROLES}),
    "accounts:password_reset": Route(get=PUBLIC, post=PUBLIC),
    "accounts:password_reset_done": Route(get=PUBLIC),
    "accounts:password_reset_confirm": Route(
        own=lambda w: {"uidb64": "MQ", "token": "set-password"},
        get=PUBLIC,
        post=PUBLIC,
    ),
    "accounts:password_reset_complete": Route(get=PUBLIC),
    # two-factor sign-in: the code pages need a half sign-in (a password given just now),
    # which nobody here has, so they send the signed-out to sign in and the signed-in on.
    "accounts:two_factor_code": Route(get=EVERYONE_REDIRECTED, post=EVERYONE_REDIRECTED),
    "accounts:two_factor_recovery_code": Route(get=EVERYONE_REDIRECTED, post=EVERYONE_REDIRECTED),
    "accounts:two_factor": Route(get=ALL),
    # POST without a code: the form again, with its error.
    "accounts:two_factor_setup": Route(get=ALL, post=ALL),
    # New codes are shown once, after they are made: nobody here has any to see.
    "accounts:recovery_codes": Route(get=EVERYONE_REDIRECTED),
    # Without an app there is nothing to renew: on to set one up.
    "accounts:recovery_codes_new": Route(get=POST_ONLY, post=EVERYONE_REDIRECTED),
    # County admins and service administrators must keep two-factor sign-in on.
    "accounts:two_factor_off": Route(
        get=POST_ONLY, post=EVERYONE_REDIRECTED | {"county_admin": 403, "service_admin": 403}
    ),
    # actions
    "actions:list": Route(get=ALL),
    "actions:mine": Route(get=ALL),
    "actions:detail": Route(own=action_pk, other=other_action_pk, get=VISIBLE),
    "actions:update": Route(
        own=action_pk, other=other_action_pk, get=_only(UPDATERS), post=_only(UPDATERS)
    ),
    "actions:edit": editors_route(action_pk, other_action_pk),
    "actions:milestone_add": editors_route(action_pk, other_action_pk),
    "actions:milestone_edit": editors_route(
        lambda w: {"pk": w.milestone.pk}, lambda w: {"pk": w.other_milestone.pk}
    ),
}
