"""The Django admin is the service administrators' (superusers') tool only, and even they
never write history back with it."""

import pytest
from django.contrib import admin
from django.urls import reverse

from plans.models import Membership
from tests.world import ROLES, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def _admin_urls(world) -> list[str]:
    membership = world.officer_of["medway"]
    history = membership.history.order_by("history_id").first()
    urls = [reverse("admin:index"), reverse("admin:login")]
    for model in admin.site._registry:
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    urls += [
        reverse("admin:plans_membership_change", args=[membership.pk]),
        reverse("admin:plans_membership_history", args=[membership.pk]),
        reverse("admin:plans_membership_simple_history", args=[membership.pk, history.history_id]),
        reverse("admin:plans_plan_change", args=[world.other_plan.pk]),
        reverse("admin:accounts_user_changelist"),
    ]
    return urls


@pytest.mark.parametrize("role", [r for r in ROLES if r != "service_admin"])
def test_the_admin_is_refused_to_everyone_but_service_administrators(client, world, role):
    if world.users[role] is not None:
        client.force_login(world.users[role])
    for url in _admin_urls(world):
        response = client.get(url)
        if role == "anonymous" and url == reverse("admin:login"):
            assert response.status_code in (200, 302)  # a sign-in, for superusers
        elif role == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("admin:login")), url
        else:
            # Sent to the admin's sign-in, which refuses them (never its form again).
            assert response.status_code in (302, 403), url
            assert client.get(url, follow=True).status_code == 403, url
        if role != "anonymous":
            assert client.post(url, {}).status_code in (302, 403), url


def test_a_service_administrator_uses_the_admin(client, world):
    client.force_login(world.users["service_admin"])
    for url in _admin_urls(world):
        if url.endswith("/login/"):
            continue
        assert client.get(url).status_code == 200, url


def test_history_is_shown_and_never_reverted(client, world):
    """simple_history's revert form saves whatever is posted to it: a county admin once
    moved Medway's coordinator into Swale that way. Nobody reverts now."""
    membership = world.officer_of["medway"]
    first = membership.history.order_by("history_id").first()
    membership.role = "executive"
    membership.save()
    client.force_login(world.users["service_admin"])
    url = reverse("admin:plans_membership_simple_history", args=[membership.pk, first.history_id])
    page = client.get(url)
    assert page.status_code == 200 and b"Revert" not in page.content
    response = client.post(
        url,
        {
            "user": membership.user_id,
            "partnership": world.district.pk,
            "role": "officer",
            "agency": world.lead_agency.pk,
        },
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert (membership.partnership, membership.role) == (world.unitary, "executive")
    assert Membership.history.filter(id=membership.pk).count() == 2
