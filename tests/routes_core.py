"""Access rules for the core pages: home, accounts, actions."""

from tests.access_rules import (
    ALL,
    EDITORS,
    PUBLIC,
    UPDATERS,
    VISIBLE,
    Route,
    _only,
    action_pk,
    editors_route,
    other_action_pk,
)
from tests.world import ROLES, World


def update_request_link(w: World) -> dict[str, object]:
    """A fresh update request for the Swale action's lead, as a coordinator sends it."""
    from datetime import timedelta

    from actions.request_links import update_request_token
    from actions.services import update_request_create
    from csp_tracker import clock
    from csp_tracker.periods import Quarter

    request = update_request_create(
        partnership=w.district,
        agency=w.action.lead_agencies.get(),
        contact_name="Sam Lead",
        contact_email="sam.lead@council.example",
        actions=[w.action],
        quarter=Quarter(2023, 4),
        expires_at=clock.now() + timedelta(days=30),
        sent_by=w.users["coordinator"],
    )
    return {"pk": request.pk, "token": update_request_token(request)}


EVERYONE_REDIRECTED = {role: 302 for role in ROLES}
POST_ONLY = {role: 405 for role in ROLES} | {"anonymous": 302}


def _submitted_update(w: World, action: object) -> dict[str, object]:
    """An update waiting for sign-off on the action (its partnership signs updates off)."""
    from actions.services import status_update_record
    from plans.services import partnership_sign_off_set

    partnership = action.plan.partnership  # type: ignore[attr-defined]
    partnership_sign_off_set(partnership=partnership, required=True)
    officer = w.users["officer"] if partnership == w.district else w.users["other_coordinator"]
    update = status_update_record(
        action=action,  # type: ignore[arg-type]
        author=officer,
        status="on_track",
        commentary="Waiting for sign-off",
        reason="Started",
    )
    return {"pk": update.pk}


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
    # Sign-off: the partnership's coordinators and the county team.
    "actions:sign_off": Route(
        own=lambda w: {"slug": w.district.slug},
        other=lambda w: {"slug": w.other_district.slug},
        get=_only(EDITORS),
    ),
    # A POST without a decision is the form again with its error.
    "actions:review": Route(
        own=lambda w: _submitted_update(w, w.action),
        other=lambda w: _submitted_update(w, w.other_action),
        get=_only(EDITORS),
        post=_only(EDITORS),
    ),
    # An update request's link: the token is the key, whoever holds it, signed in or not;
    # a POST without the fields is the form again with its errors (the link stays unused).
    # Expired, used, tampered and other actions: tests/actions/test_update_requests.py.
    "actions:request": Route(own=update_request_link, get=PUBLIC, post=PUBLIC),
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
