"""Two-factor sign-in (django-otp): required for superusers and county admins, a choice
for everyone else; recovery codes work once."""

import re

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import selectors, services
from accounts.models import User
from plans.models import Membership
from tests import factories
from tests.accounts.two_factor import app_code

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


def _password(client, user, next_url: str = ""):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def _signed_in(client) -> bool:
    return client.get(reverse("actions:mine")).status_code == 200


def _set_up(client, user) -> list[str]:
    """Set up an app on the set-up page; the recovery codes shown."""
    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": app_code(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:recovery_codes")
    shown = client.get(reverse("accounts:recovery_codes"))
    return re.findall(r"<code>([a-z2-7]{8})</code>", shown.content.decode())


@pytest.fixture
def superuser(db):
    return factories.UserFactory(email="service@example.org", is_superuser=True, is_staff=True)


def test_the_rule_names_superusers_and_county_admins(
    superuser, county_admin, coordinator, officer, executive
):
    assert selectors.two_factor_required(user=superuser)
    assert selectors.two_factor_required(user=county_admin)
    for user in (coordinator, officer, executive):
        assert not selectors.two_factor_required(user=user)


def test_a_county_admin_must_set_up_an_app_before_they_are_signed_in(client, county_admin):
    response = _password(client, county_admin, next_url=reverse("actions:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_setup")
    # The password alone signs nobody in.
    assert not _signed_in(client)
    page = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert "Service administrators and county admins must use two-factor sign-in" in page
    assert "<svg" in page and 'role="img"' in page and "<title>QR code" in page
    device = TOTPDevice.objects.get(user=county_admin, confirmed=False)
    found = re.search(r'data-testid="two-factor-key">\s*<code>([A-Z2-7 ]+)</code>', page)
    assert found is not None
    key = found.group(1)
    assert key.replace(" ", "") in device.config_url

    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "The code is not correct" in wrong.content.decode()
    assert not _signed_in(client)

    client.get(reverse("accounts:two_factor_setup"))  # the same key until confirmed
    assert TOTPDevice.objects.filter(user=county_admin).count() == 1
    device.throttle_reset()
    response = client.post(reverse("accounts:two_factor_setup"), {"code": app_code(device)})
    assert response["Location"] == reverse("accounts:recovery_codes")
    shown = client.get(reverse("accounts:recovery_codes")).content.decode()
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", shown)
    assert len(codes) == 10
    assert f'href="{reverse("actions:list")}"' in shown  # then on to where they were going
    # Shown once.
    again = client.get(reverse("accounts:recovery_codes"))
    assert again["Location"] == reverse("accounts:two_factor")
    assert _signed_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_a_superuser_must_use_two_factors_too(client, superuser):
    response = _password(client, superuser)
    assert response["Location"] == reverse("accounts:two_factor_setup")
    assert not _signed_in(client)
    assert client.get(reverse("admin:index")).status_code == 302


def test_with_an_app_the_code_comes_after_the_password(client, county_admin):
    device = services.two_factor_device_provision(user=county_admin, key="ab" * 20, name="App")
    response = _password(client, county_admin, next_url=reverse("actions:list"))
    assert response["Location"] == reverse("accounts:two_factor_code")
    assert not _signed_in(client)
    for bad, message in [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12ab56", "Enter the code as 6 numbers, like 123456"),
        ("000000", "The code is not correct. Enter the code your authenticator app shows now"),
    ]:
        response = client.post(reverse("accounts:two_factor_code"), {"code": bad})
        assert response.status_code == 200
        body = response.content.decode()
        assert message in body and "govuk-error-summary" in body
        assert "<title>Error: " in body
    device.throttle_reset()
    response = client.post(reverse("accounts:two_factor_code"), {"code": app_code(device)})
    assert response["Location"] == reverse("actions:list")
    assert _signed_in(client)


def test_a_used_code_does_not_work_twice(client, officer):
    device = services.two_factor_device_provision(user=officer, key="cd" * 20, name="App")
    code = app_code(device)
    _password(client, officer)
    assert client.post(reverse("accounts:two_factor_code"), {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    _password(client, officer)
    response = client.post(reverse("accounts:two_factor_code"), {"code": code})
    assert response.status_code == 200 and not _signed_in(client)


def test_wrong_codes_make_the_next_try_wait(client, officer):
    device = services.two_factor_device_provision(user=officer, key="ef" * 20, name="App")
    _password(client, officer)
    client.post(reverse("accounts:two_factor_code"), {"code": "000000"})
    response = client.post(reverse("accounts:two_factor_code"), {"code": app_code(device)})
    assert "You have entered too many wrong codes. Wait 1 second, then try again" in (
        response.content.decode()
    )
    assert not _signed_in(client)


def test_recovery_codes_work_once_each(client, county_admin):
    services.two_factor_device_provision(user=county_admin, key="12" * 20, name="App")
    first, second, *_ = services.recovery_codes_renew(user=county_admin)
    _password(client, county_admin)
    page = client.get(reverse("accounts:two_factor_code")).content.decode()
    assert reverse("accounts:two_factor_recovery_code") in page
    # Typed with capitals and a space, it still counts.
    typed = f"{first[:4].upper()} {first[4:]}"
    response = client.post(reverse("accounts:two_factor_recovery_code"), {"code": typed})
    assert response.status_code == 302
    page = client.get(reverse("actions:mine")).content.decode()
    assert "You signed in with a recovery code. You have 9 left" in page
    client.post(reverse("accounts:logout"))

    _password(client, county_admin)
    response = client.post(reverse("accounts:two_factor_recovery_code"), {"code": first})
    assert response.status_code == 200
    assert "The recovery code is not correct, or it has already been used" in (
        response.content.decode()
    )
    assert not _signed_in(client)
    assert selectors.two_factor_status(user=county_admin).recovery_codes_left == 9
    # The wrong try makes the next wait a second; django-otp's throttle, reset here.
    county_admin.staticdevice_set.get().throttle_reset()
    response = client.post(reverse("accounts:two_factor_recovery_code"), {"code": second})
    assert response.status_code == 302 and _signed_in(client)


def test_others_choose_two_factor_sign_in_and_may_turn_it_off(client, officer):
    # Without an app the password is enough.
    assert _password(client, officer)["Location"] == reverse("actions:mine")
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "Off" in page and "Set up two-factor sign-in" in page
    codes = _set_up(client, officer)
    assert len(codes) == 10
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "On" in page and "Turn off two-factor sign-in" in page
    # New recovery codes replace the old ones.
    response = client.post(reverse("accounts:recovery_codes_new"))
    assert response["Location"] == reverse("accounts:recovery_codes")
    new = re.findall(
        r"<code>([a-z2-7]{8})</code>",
        client.get(reverse("accounts:recovery_codes")).content.decode(),
    )
    assert len(new) == 10 and not set(new) & set(codes)
    assert not StaticToken.objects.filter(token__in=codes).exists()
    # Next time, the code after the password.
    client.post(reverse("accounts:logout"))
    assert _password(client, officer)["Location"] == reverse("accounts:two_factor_code")
    device = selectors.two_factor_device(user=officer)
    client.post(reverse("accounts:two_factor_code"), {"code": app_code(device)})
    assert client.post(reverse("accounts:two_factor_off"))["Location"] == reverse(
        "accounts:two_factor"
    )
    assert selectors.two_factor_device(user=officer) is None
    client.post(reverse("accounts:logout"))
    assert _password(client, officer)["Location"] == reverse("actions:mine")


def test_a_county_admin_cannot_turn_it_off(client, county_admin):
    _password(client, county_admin)
    _set_up(client, county_admin)
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "cannot be turned off" in page and "Turn off" not in page
    assert client.post(reverse("accounts:two_factor_off")).status_code == 403
    assert selectors.two_factor_device(user=county_admin) is not None


def test_a_session_without_the_second_factor_cannot_change_it(client, county_admin):
    """Only the sign-in makes sessions; one made otherwise (here force_login) is refused."""
    services.two_factor_device_provision(user=county_admin, key="34" * 20, name="App")
    client.force_login(county_admin)
    assert client.post(reverse("accounts:recovery_codes_new")).status_code == 403
    assert client.get(reverse("accounts:two_factor_setup")).status_code == 403


def test_the_half_sign_in_ends(client, county_admin, settings):
    device = services.two_factor_device_provision(user=county_admin, key="56" * 20, name="App")
    # Without a password first, the code page sends you to sign in.
    assert client.get(reverse("accounts:two_factor_code"))["Location"] == reverse("accounts:login")
    assert client.get(reverse("accounts:two_factor_setup"))["Location"] == reverse("accounts:login")
    # A password changed meanwhile ends it.
    _password(client, county_admin)
    county_admin.set_password("another-long-password")
    county_admin.save()
    response = client.post(reverse("accounts:two_factor_code"), {"code": app_code(device)})
    assert response["Location"] == reverse("accounts:login") and not _signed_in(client)
    # So does waiting too long.
    county_admin.set_password(PASSWORD)
    county_admin.save()
    _password(client, county_admin)
    settings.TWO_FACTOR_PENDING_SECONDS = -1
    response = client.post(reverse("accounts:two_factor_code"), {"code": app_code(device)})
    assert response["Location"] == reverse("accounts:login") and not _signed_in(client)


def test_the_admin_signs_in_through_the_service_sign_in(client, superuser):
    response = client.get(reverse("admin:login") + "?next=/admin/plans/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=/admin/plans/"
    response = client.post(
        reverse("admin:login"), {"username": superuser.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and not _signed_in(client)


def test_an_unsafe_next_is_not_followed(client, county_admin):
    services.two_factor_device_provision(user=county_admin, key="78" * 20, name="App")
    _password(client, county_admin, next_url="https://evil.example/")
    device = selectors.two_factor_device(user=county_admin)
    response = client.post(reverse("accounts:two_factor_code"), {"code": app_code(device)})
    assert response["Location"] == reverse("actions:mine")


def test_county_admin_membership_is_what_counts(client, officer, county):
    """An officer made county admin must set up an app at the next sign-in."""
    factories.MembershipFactory(user=officer, partnership=county, role=Membership.Role.COUNTY_ADMIN)
    assert _password(client, officer)["Location"] == reverse("accounts:two_factor_setup")


def test_the_demo_county_admin_signs_in_with_the_printed_key(client, db, capsys, monkeypatch):
    """make run: the printed password, then a code from an app holding the printed key."""
    import base64
    from types import SimpleNamespace

    from django.core.management import call_command

    from demo.loader import demo_password

    # make run's embedded default is SQLite, the only database the sign-ins are printed
    # for; this test also runs on PostgreSQL in CI.
    monkeypatch.setattr(
        "demo.management.commands.load_demo.connection", SimpleNamespace(vendor="sqlite")
    )
    call_command("load_demo")
    out = capsys.readouterr().out
    email = "admin@kcst.example"
    found = re.search(rf"{re.escape(email)}\s+((?:[A-Z2-7]{{4}} ?)+)\n", out)
    assert found is not None
    printed = found.group(1)
    key = base64.b32decode(printed.replace(" ", "")).hex()
    device = TOTPDevice(key=key)  # the person's app: it knows only the printed key
    admin = User.objects.get(email=email)
    response = client.post(
        reverse("accounts:login"), {"username": email, "password": demo_password(email)}
    )
    assert response["Location"] == reverse("accounts:two_factor_code")
    response = client.post(reverse("accounts:two_factor_code"), {"code": app_code(device)})
    assert response["Location"] == reverse("actions:mine")
    assert client.get(reverse("partnerships:list")).status_code == 200
    # The Django admin is the service administrators' alone.
    assert client.get(reverse("admin:index"), follow=True).status_code == 403
    device = selectors.two_factor_device(user=admin)
    assert device is not None and device.name == "Demo authenticator"


def test_the_two_factor_pages_make_few_queries(
    client, officer, county_admin, django_assert_max_num_queries
):
    client.force_login(officer)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("accounts:two_factor")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("accounts:two_factor_setup")).status_code == 200
    client.logout()
    device = services.two_factor_device_provision(user=county_admin, key="9a" * 20, name="App")
    _password(client, county_admin)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("accounts:two_factor_code")).status_code == 200
    with django_assert_max_num_queries(22):
        response = client.post(reverse("accounts:two_factor_code"), {"code": app_code(device)})
    assert response.status_code == 302
