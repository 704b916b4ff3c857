"""Every URL, for every role, own partnership and another, signed out, GET and POST.

Add each new URL pattern to ROUTES: the test fails if a pattern is missing.
Expected codes: 200 the page (or a form re-shown with errors), 302 a redirect (sign-in for
the signed-out), 403 seen but not allowed, 404 another partnership's object, 405 method
not allowed.
"""

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, overload

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_rules import NOBODY_ELSE
from tests.routes_core import CORE_ROUTES
from tests.routes_partnerships import PARTNERSHIP_ROUTES
from tests.routes_performance import PERFORMANCE_ROUTES
from tests.routes_publishing import PUBLISHING_ROUTES
from tests.routes_reporting import REPORTING_ROUTES
from tests.routes_shapes import SHAPES_ROUTES
from tests.world import ROLES, World, build_world

if TYPE_CHECKING:
    # What the test client returns (django-stubs names it; it is no runtime class).
    from django.test.client import _MonkeyPatchedWSGIResponse

# Each area keeps its rules in its own module; every URL pattern must appear in one.
ROUTES = {
    **CORE_ROUTES,
    **REPORTING_ROUTES,
    **PUBLISHING_ROUTES,
    **SHAPES_ROUTES,
    **PARTNERSHIP_ROUTES,
    **PERFORMANCE_ROUTES,
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
def world(db):
    return build_world()


def _client(world: World, role: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    return client


# A route's URL arguments, and the codes of a GET and a POST by role (None: not asked).
Case = tuple[
    Callable[[World], dict[str, object]] | None, dict[str, int] | None, dict[str, int] | None
]


@overload
def _mirror(codes: dict[str, int]) -> dict[str, int]: ...
@overload
def _mirror(codes: None) -> None: ...
def _mirror(codes: dict[str, int] | None) -> dict[str, int] | None:
    if codes is None:
        return None
    mirrored = dict(NOBODY_ELSE)
    mirrored["other_coordinator"] = codes["coordinator"]
    mirrored["service_admin"] = codes["service_admin"]
    return mirrored


def _unitary(codes: dict[str, int] | None, given: dict[str, int] | None) -> dict[str, int] | None:
    """Medway's objects: only the service administrator sees them."""
    if codes is None:
        return None
    return given or dict(NOBODY_ELSE) | {"service_admin": codes["service_admin"]}


@pytest.mark.parametrize("name", sorted(ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_access(world, role, name):
    route = ROUTES[name]
    client = _client(world, role)
    cases: list[Case] = [(route.own, route.get, route.post)]
    if route.other:
        # Another partnership's object is 404 for everyone but its own coordinator.
        cases.append((route.other, _mirror(route.get), _mirror(route.post)))
    if route.unitary:
        cases.append(
            (
                route.unitary,
                _unitary(route.get, route.unitary_get),
                _unitary(route.post, route.unitary_post),
            )
        )
    for kwargs_of, get_codes, post_codes in cases:
        url = reverse(name, kwargs=kwargs_of(world) if kwargs_of else None)
        response = client.get(url)
        assert get_codes is not None  # every route answers GET
        assert response.status_code == get_codes[role], f"GET {url} as {role}"
        _assert_security_headers(response, f"GET {url} as {role}")
        if response.status_code == 302 and role == "anonymous":
            assert response["Location"].startswith(reverse("accounts:login"))
        data = dict(route.post_data) | {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
        response = client.post(url, data)
        if post_codes:
            expected = post_codes[role]
        else:  # GET-only: sign-in comes first for pages that need it
            expected = 302 if role == "anonymous" and get_codes[role] == 302 else 405
        assert response.status_code == expected, f"POST {url} as {role}"
        _assert_security_headers(response, f"POST {url} as {role}")


def _assert_security_headers(response: "_MonkeyPatchedWSGIResponse", what: str) -> None:
    """Every answer carries the Content-Security-Policy and the Permissions-Policy; a page
    that prints the nonce (base.html does) has it in its policy."""
    policy = response.get("Content-Security-Policy", "")
    assert "default-src 'none'" in policy and "script-src 'self'" in policy, what
    assert "camera=()" in response.get("Permissions-Policy", ""), what
    body = (
        response.content.decode()
        if response.get("Content-Type", "").startswith("text/html")
        else ""
    )
    nonces = set(re.findall(r'nonce="([^"]*)"', body))
    if nonces:
        assert len(nonces) == 1 and f"'nonce-{nonces.pop()}'" in policy, what


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
