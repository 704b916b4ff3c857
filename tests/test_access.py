"""Every URL, for every role, own partnership and another, signed out, GET and POST.

Add each new URL pattern to ROUTES: the test fails if a pattern is missing.
Expected codes: 200 the page (or a form re-shown with errors), 302 a redirect (sign-in for
the signed-out), 403 seen but not allowed, 404 another partnership's object, 405 method
not allowed.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.world import ROLES, World, build_world

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


def action_pk(w: World) -> dict[str, object]:
    return {"pk": w.action.pk}


def other_action_pk(w: World) -> dict[str, object]:
    return {"pk": w.other_action.pk}


VISIBLE = dict(ALL) | {"other_coordinator": 404}
EDITORS = {"coordinator", "county_admin"}
UPDATERS = {"officer", "coordinator", "county_admin"}

ROUTES: dict[str, Route] = {
    # pages
    "pages:home": Route(get=PUBLIC | {"officer": 302, "officer_not_lead": 302, "coordinator": 302,
                                      "executive": 302, "county_admin": 302,
                                      "other_coordinator": 302}),
    "pages:accessibility": Route(get=PUBLIC),
    # accounts
    "accounts:login": Route(get=PUBLIC | {r: 302 for r in ROLES if r != "anonymous"},
                            post={"anonymous": 200} | {r: 302 for r in ROLES if r != "anonymous"}),
    "accounts:logout": Route(get={r: 405 for r in ROLES}, post={r: 302 for r in ROLES}),
    "accounts:password_reset": Route(get=PUBLIC, post=PUBLIC),
    "accounts:password_reset_done": Route(get=PUBLIC),
    "accounts:password_reset_confirm": Route(
        own=lambda w: {"uidb64": "MQ", "token": "set-password"}, get=PUBLIC, post=PUBLIC,
    ),
    "accounts:password_reset_complete": Route(get=PUBLIC),
    # actions
    "actions:list": Route(get=ALL),
    "actions:mine": Route(get=ALL),
    "actions:detail": Route(own=action_pk, other=other_action_pk, get=VISIBLE),
    "actions:update": Route(own=action_pk, other=other_action_pk, get=_only(UPDATERS),
                            post=_only(UPDATERS)),
    "actions:edit": Route(own=action_pk, other=other_action_pk, get=_only(EDITORS),
                          post=_only(EDITORS)),
    "actions:milestone_add": Route(own=action_pk, other=other_action_pk, get=_only(EDITORS),
                                   post=_only(EDITORS)),
    "actions:milestone_edit": Route(
        own=lambda w: {"pk": w.milestone.pk}, other=lambda w: {"pk": w.other_milestone.pk},
        get=_only(EDITORS), post=_only(EDITORS),
    ),
}


def _url_names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> set[str]:
    names = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names |= _url_names(p.url_patterns, ns)
        elif p.name:
            names.add(f"{namespace}{p.name}")
    return names


def test_every_url_pattern_has_an_access_rule():
    names = _url_names(get_resolver().url_patterns)
    assert names - set(ROUTES) == set(), "URL patterns with no access test"
    assert set(ROUTES) - names == set(), "access rules for URLs that do not exist"


@pytest.fixture
def world(db):  # noqa: ANN001, ANN201
    return build_world()


def _client(world: World, role: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    client.csrf = token  # type: ignore[attr-defined]
    return client


def _mirror(codes: dict[str, int] | None) -> dict[str, int] | None:
    if codes is None:
        return None
    mirrored = dict(NOBODY_ELSE)
    mirrored["other_coordinator"] = codes["coordinator"]
    return mirrored


@pytest.mark.parametrize("name", sorted(ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_access(world, role, name):
    route = ROUTES[name]
    client = _client(world, role)
    cases = [(route.own, route.get, route.post)]
    if route.other:
        # Another partnership's object is 404 for everyone but its own coordinator.
        cases.append((route.other, _mirror(route.get), _mirror(route.post)))
    for kwargs_of, get_codes, post_codes in cases:
        url = reverse(name, kwargs=kwargs_of(world) if kwargs_of else None)
        response = client.get(url)
        assert response.status_code == get_codes[role], f"GET {url} as {role}"
        if response.status_code == 302 and role == "anonymous":
            assert response["Location"].startswith(reverse("accounts:login"))
        data = dict(route.post_data) | {"csrfmiddlewaretoken": client.csrf}
        response = client.post(url, data)
        if post_codes:
            expected = post_codes[role]
        else:  # GET-only: sign-in comes first for pages that need it
            expected = 302 if role == "anonymous" and get_codes[role] == 302 else 405
        assert response.status_code == expected, f"POST {url} as {role}"


@pytest.mark.parametrize(
    "name", [n for n, r in sorted(ROUTES.items()) if r.post and n != "accounts:login"]
)
def test_post_without_a_csrf_token_is_refused(world, name):
    route = ROUTES[name]
    client = _client(world, "county_admin")
    url = reverse(name, kwargs=route.own(world) if route.own else None)
    response = client.post(url, {})
    assert response.status_code == 403


def test_county_admin_sees_every_district_of_their_county(world):
    from tests import factories

    sibling = factories.DistrictFactory(parent=world.county, slug="gravesham")
    plan = factories.PlanFactory(partnership=sibling)
    action = factories.ActionFactory(priority=factories.PriorityFactory(plan=plan), plan=plan)
    client = _client(world, "county_admin")
    assert client.get(reverse("actions:detail", kwargs={"pk": action.pk})).status_code == 200
    client = _client(world, "coordinator")
    assert client.get(reverse("actions:detail", kwargs={"pk": action.pk})).status_code == 404
