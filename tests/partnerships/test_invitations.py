"""Inviting people: a link that works once and expires, a password chosen with it, and
GOV.UK pages for every link that does not work."""

import re
from functools import partial
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from partnerships import services
from partnerships.models import Invitation
from plans.models import Membership
from plans.rules import grantable_roles
from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a new long password for Nat"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def invite(client, world, django_capture_on_commit_callbacks):
    """Invite someone to Swale as its coordinator; the email job runs after the commit."""

    def invite(email="nat@swale.example", role="officer", **extra):
        client.force_login(world.users["coordinator"])
        data = {
            "email": email,
            "full_name": "Nat Newcomer",
            "role": role,
            "agency": world.lead_agency.pk,
        } | extra
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("partnerships:invite", kwargs={"slug": "swale"}), data)

    return invite


def _link(message) -> str:
    found = re.search(r"http://testserver(/partnerships/invitations/\d+/\w+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_an_invitation_is_emailed_and_accepted_once(client, world, invite):
    mail.outbox.clear()
    response = invite()
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nat@swale.example"]
    assert message.subject == "You are invited to join Swale CSP on CSP Tracker"
    assert "as officer for Swale Borough Council" in message.body
    assert "choose your password" in message.body
    link = _link(message)
    invitation = Invitation.objects.get(email="nat@swale.example")
    assert invitation.emailed_at is not None
    assert link.split("/")[-2] not in invitation.secret  # signed: the table gives no link
    people = client.get(reverse("partnerships:people", kwargs={"slug": "swale"})).content
    assert b"nat@swale.example" in people
    client.logout()

    page = client.get(link)
    assert page.status_code == 200 and b"Join Swale" in page.content
    for data, error in [
        ({"new_password1": "short"}, "Enter the password again"),
        ({"new_password1": "short", "new_password2": "short"}, "too short"),
        ({"new_password1": NEW_PASSWORD, "new_password2": "other"}, "The passwords do not match"),
        ({"full_name": "", "new_password1": NEW_PASSWORD}, "Enter your full name"),
    ]:
        refused = client.post(link, {"full_name": "Nat Newcomer"} | data)
        assert refused.status_code == 200
        assert error in refused.content.decode()
        assert 'class="govuk-error-summary"' in refused.content.decode()
    assert not User.objects.filter(email="nat@swale.example").exists()
    accepted = client.post(
        link,
        {"full_name": "Nat Newcomer", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert accepted.status_code == 302 and accepted["Location"] == reverse("accounts:login")
    user = User.objects.get(email="nat@swale.example")
    assert user.full_name == "Nat Newcomer" and user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user)
    assert (membership.partnership, membership.role, membership.agency) == (
        world.district,
        "officer",
        world.lead_agency,
    )
    # Not signed in by the link: the sign-in (and any second factor) comes next.
    assert "_auth_user_id" not in client.session
    signed_in = client.post(
        reverse("accounts:login"), {"username": user.email, "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302

    again = client.post(
        link, {"full_name": "X", "new_password1": "another long password", "new_password2": "x"}
    )
    assert again.status_code == 410
    assert "This invitation has already been used" in again.content.decode()
    assert User.objects.get(email="nat@swale.example").check_password(NEW_PASSWORD)


def test_a_tampered_or_unknown_link_is_refused(client, world, invite):
    invite()
    link = _link(mail.outbox[-1])
    client.logout()
    tampered = link[:-3] + ("a" if link[-3] != "a" else "b") + link[-2:]
    pk = link.split("/")[-3]
    other_pk = link.replace(f"/{pk}/", f"/{int(pk) + 1000}/")
    for url in (tampered, other_pk, f"/partnerships/invitations/{pk}/not-the-token/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "This invitation link does not work" in response.content.decode()
        assert client.post(url, {}).status_code == 404
    assert not User.objects.filter(email="nat@swale.example").exists()


def test_an_expired_link_is_refused(client, world, invite, settings):
    invite()
    link = _link(mail.outbox[-1])
    client.logout()
    settings.CSP_TODAY = "2024-01-23"  # the invitation was sent on 15 January, for 7 days
    response = client.post(
        link, {"full_name": "N", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 410
    text = response.content.decode()
    assert "This invitation has expired" in text and "invite you again" in text
    assert not User.objects.filter(email="nat@swale.example").exists()


def test_inviting_again_or_withdrawing_stops_the_earlier_link(client, world, invite):
    invite()
    first = _link(mail.outbox[-1])
    invite(role="executive")
    second = _link(mail.outbox[-1])
    assert client.get(first).status_code == 410
    assert "This invitation was withdrawn" in client.get(first).content.decode()
    open_one = Invitation.objects.get(email="nat@swale.example", withdrawn_at__isnull=True)
    url = reverse("partnerships:invitation_withdraw", kwargs={"slug": "swale", "pk": open_one.pk})
    assert client.post(url).status_code == 302
    assert client.get(second).status_code == 410


def test_someone_with_an_account_accepts_without_a_new_password(client, world, invite):
    gene = world.users["other_coordinator"]
    invite(email=gene.email.upper(), role="executive", agency="")
    message = mail.outbox[-1]
    assert "choose your password" not in message.body
    client.logout()
    link = _link(message)
    page = client.get(link)
    assert b"You already have a CSP Tracker account" in page.content
    assert client.post(link, {"new_password1": "ignored"}).status_code == 302
    gene.refresh_from_db()
    assert gene.check_password(PASSWORD)
    assert Membership.objects.get(user=gene, partnership=world.district).role == "executive"


BAD_INVITES = [
    ({"email": ""}, "Enter their email address"),
    ({"email": "not an email"}, "Enter an email address in the correct format"),
    ({"role": ""}, "Select their role"),
    ({"role": "county_admin"}, "Select one of the roles listed"),
    ({"role": "officer", "agency": ""}, "Select the agency the officer works for"),
    ({"agency": "999999"}, "Select one of the partnership’s agencies"),
    ({"email": "officer@t.example"}, "is already a member of"),
]


@pytest.mark.parametrize(("data", "message"), BAD_INVITES)
def test_an_invitation_says_what_is_wrong(client, world, invite, data, message):
    response = invite(**data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'class="govuk-error-summary"' in response.content.decode()


def test_only_a_county_partnership_has_county_admins_and_only_its_team_makes_them(world):
    county_admin = world.users["county_admin"]
    assert "county_admin" not in grantable_roles(county_admin, world.district)
    assert "county_admin" in grantable_roles(county_admin, world.county)
    assert "county_admin" not in grantable_roles(world.users["other_coordinator"], world.county)
    with pytest.raises(ValidationError, match="County admins belong to a county partnership"):
        services.invitation_create(
            partnership=world.district,
            email="x@example.org",
            full_name="",
            role="county_admin",
            agency=None,
            invited_by=county_admin,
        )


def test_the_email_goes_once_after_the_commit_and_again_while_the_server_is_down(
    world, settings, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = services.invitation_send(
            partnership=world.district,
            email="late@swale.example",
            full_name="",
            role="executive",
            agency=None,
            invited_by=world.users["coordinator"],
            site_url="https://csp.example/",
        )
    assert mail.outbox == [] and len(callbacks) == 1  # nothing sent before the commit
    settings.EMAIL_BACKEND = "tests.partnerships.test_invitations.DownEmailBackend"
    with pytest.raises(SMTPServerDisconnected):
        services.invitation_email_send(invitation_id=invitation.pk, site_url="https://x/")
    invitation.refresh_from_db()
    assert invitation.emailed_at is None  # so the outbox tries again
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send = partial(
        services.invitation_email_send, invitation_id=invitation.pk, site_url="https://csp.example/"
    )
    assert send() == 1
    assert send() == 0  # a second run sends nothing
    assert len(mail.outbox) == 1
    assert "https://csp.example/partnerships/invitations/" in mail.outbox[0].body
    services.invitation_withdraw(invitation=invitation)
    Invitation.objects.filter(pk=invitation.pk).update(emailed_at=None)
    assert send() == 0  # a withdrawn one is not sent


class DownEmailBackend:
    def __init__(self, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise SMTPServerDisconnected("the mail server is down")
