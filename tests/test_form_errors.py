"""Every refusal names the field in GOV.UK words: each form page of the access walk gets a
null character, overlong text, unknown choices and tampered hidden fields, and answers
with its own messages — never one of Django's defaults, never a 500.

The forms are read from the pages themselves (every input, textarea and select of each
form), so a field added later is covered without listing it here.
"""

import html
import re
from typing import Any, cast

import pytest
from django import forms
from django.core import validators
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import reverse

from tests.html_forms import Form, html_forms
from tests.routes_core import CORE_ROUTES
from tests.routes_partnerships import PARTNERSHIP_ROUTES
from tests.routes_performance import PERFORMANCE_ROUTES
from tests.routes_publishing import PUBLISHING_ROUTES
from tests.routes_reporting import REPORTING_ROUTES
from tests.routes_shapes import SHAPES_ROUTES
from tests.world import World, build_world

ROUTES = {
    **CORE_ROUTES,
    **REPORTING_ROUTES,
    **PUBLISHING_ROUTES,
    **SHAPES_ROUTES,
    **PARTNERSHIP_ROUTES,
    **PERFORMANCE_ROUTES,
}
# The roles tried, in order: the first that may use the page fills its forms.
ROLES = ["coordinator", "county_admin", "officer", "anonymous"]
# Pages whose form is a GET form (filters).
GET_FORMS = {"actions:list", "reporting:county"}


def _fragments(message: str) -> list[str]:
    """The fixed words of a message, around its %(placeholders)s."""
    parts = re.split(r"%\(\w+\)\w|%\(\w+\)s|\{\w*\}|%s|%d", str(message))
    return [p.strip() for p in parts if len(p.strip()) >= 12]


def _subclasses(cls: type) -> list[type]:
    out: list[type] = []
    subclasses: list[type] = type.__subclasses__(cls)
    for sub in subclasses:
        out += [sub, *_subclasses(sub)]
    return out


def django_default_messages() -> set[str]:
    """Django's own wording: every form field's default messages and the validators'."""
    import django_filters  # noqa: F401  (its fields are form fields too)

    messages: set[str] = set()
    for cls in [forms.Field, *_subclasses(forms.Field)]:
        for message in getattr(cls, "default_error_messages", {}).values():
            messages.update(_fragments(message))
    validator_classes: list[Any] = [
        validators.ProhibitNullCharactersValidator,
        validators.MaxLengthValidator,
        validators.MinLengthValidator,
        validators.MaxValueValidator,
        validators.MinValueValidator,
        validators.EmailValidator,
        validators.RegexValidator,
        validators.URLValidator,
    ]
    for validator in validator_classes:
        messages.update(_fragments(validator.message))
    for message in validators.DecimalValidator.messages.values():
        messages.update(_fragments(message))
    messages.update(_fragments("Select a valid choice"))
    return messages


DEFAULTS = django_default_messages()


class CsrfClient(Client):
    """A client that enforces CSRF and knows the token its cookie holds."""

    csrf = ""


def _client(world: World, role: str) -> CsrfClient:
    client = CsrfClient(enforce_csrf_checks=True)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    client.csrf = _get_new_csrf_string()
    client.cookies["csrftoken"] = client.csrf
    return client


def _role_for(name: str) -> str | None:
    route = ROUTES[name]
    for role in ROLES:
        if route.get.get(role) == 200 and (
            name in GET_FORMS or (route.post and route.post.get(role) in (200, 302))
        ):
            return role
    return None


def _base(form: Form) -> dict[str, object]:
    data: dict[str, object] = {**form.text, **form.hidden}
    for name, values in form.chosen.items():
        data[name] = values
    return data


def _cases(form: Form) -> dict[str, dict[str, object]]:
    base = _base(form)
    cases = {
        "null character": base | {n: v + "\x00" for n, v in form.text.items()},
        "overlong": base | {n: "x" * 100_001 for n in form.text},
        "unknown choice": base | {n: ["not-a-choice"] for n in form.choices},
    }
    for tampered in ("not-a-number", "-1", "99999999999999999999", "\x00"):
        cases[f"hidden {tampered!r}"] = base | {n: tampered for n in form.hidden}
    return cases


def _defaults_in(page: str) -> list[str]:
    text = html.unescape(page)
    return sorted(m for m in DEFAULTS if m in text)


FORM_PAGES = sorted(
    n for n, r in ROUTES.items() if (r.post or n in GET_FORMS) and _role_for(n) is not None
)


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize("name", FORM_PAGES)
def test_bad_input_gets_our_own_words_and_never_a_500(world, name):
    route = ROUTES[name]
    role = _role_for(name)
    assert role is not None
    client = _client(world, role)
    url = reverse(name, kwargs=route.own(world) if route.own else None)
    method = "get" if name in GET_FORMS else "post"
    page = client.get(url).content.decode()
    # A page with a bare button (renumber, build) gets the route's own fields, tampered.
    found = html_forms(page, method=method) or [
        Form(method=method, action=url, choices={k: [v] for k, v in route.post_data.items()})
    ]
    redirected = False
    for form in found:
        target = form.action or url
        for case, data in _cases(form).items():
            if method == "get":
                response = client.get(target, cast(Any, data))
            else:
                response = client.post(target, data | {"csrfmiddlewaretoken": client.csrf})
            # After a removal went through, the object is gone: 404 is then right.
            allowed = (200, 302, 404) if redirected else (200, 302)
            assert response.status_code in allowed, f"{case} to {name}: {response.status_code}"
            redirected = redirected or response.status_code == 302
            if response.status_code == 200:
                defaults = _defaults_in(response.content.decode())
                assert defaults == [], f"{case} to {name} as {role}: Django's words {defaults}"


def test_the_status_update_names_each_field(world):
    from csp_tracker.forms import HIDDEN_FIELD_MESSAGE

    client = _client(world, "officer")
    url = reverse("actions:update", kwargs={"pk": world.action.pk})
    post = {"csrfmiddlewaretoken": client.csrf, "updates_version": world.action.updates_version}

    def page(data: dict[str, object]) -> str:
        response = client.post(url, post | data)
        assert response.status_code == 200
        return html.unescape(response.content.decode())

    text = page({"status": "on_track", "commentary": "Going\x00 well"})
    assert "Commentary must not contain the character U+0000" in text
    text = page({"status": "not-a-choice", "commentary": "Going well"})
    assert "Select a status from the list" in text and "not-a-choice" not in text
    text = page({"status": "on_track", "commentary": "Going well", "updates_version": "x"})
    assert text.count(HIDDEN_FIELD_MESSAGE) == 1  # in the summary; a hidden field shows none
    assert "govuk-error-summary" in text


def test_a_too_long_reason_gets_only_the_length_message(world):
    from actions.services import status_update_record

    status_update_record(
        action=world.action, author=world.users["officer"], status="on_track", commentary="Ok"
    )
    world.action.refresh_from_db()
    client = _client(world, "officer")
    response = client.post(
        reverse("actions:update", kwargs={"pk": world.action.pk}),
        {
            "csrfmiddlewaretoken": client.csrf,
            "updates_version": world.action.updates_version,
            "status": "off_track",
            "commentary": "Late",
            "reason": "x" * 2001,
        },
    )
    errors = response.context["form"].errors
    assert errors["reason"] == ["Enter a reason of 2,000 characters or fewer"]
