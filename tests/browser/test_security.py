"""The security headers in a real browser: the service's pages and the Django admin work
under the Content-Security-Policy (the site fixture fails on any violation), and
two-factor sign-in is set up and used through the pages."""

import base64
import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import selectors
from tests import factories
from tests.accounts.two_factor import app_code
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_turns_on_two_factor_sign_in_and_signs_in_with_it(site, world):
    officer = world.users["officer"]
    site.sign_in(officer.email, PASSWORD)
    response = site.page.goto(site.base_url + reverse("actions:mine"))
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in policy and "default-src 'none'" in policy
    assert "camera=()" in response.headers["permissions-policy"]
    # GOV.UK Frontend's inline scripts ran, with the nonce.
    assert "govuk-frontend-supported" in site.page.evaluate("document.body.className")

    site.goto(reverse("accounts:two_factor"))
    site.click(site.page.get_by_role("link", name="Set up two-factor sign-in"))
    assert site.page.get_by_role("img", name="QR code to scan with your authenticator app")
    # A wrong code first: a GOV.UK error.
    site.page.get_by_label("Code from your authenticator app").fill("000000")
    site.press("Turn on two-factor sign-in")
    assert "The code is not correct" in site.page.inner_text(".govuk-error-summary")
    site.page.get_by_role("link", name="The code is not correct").click()
    assert site.page.evaluate("document.activeElement.id") == "id_code"
    site.screenshot("two-factor-set-up")
    # The wrong code makes the next try wait a second (django-otp's throttle).
    site.page.wait_for_timeout(1100)
    key = site.page.get_by_test_id("two-factor-key").inner_text()
    app = TOTPDevice(key=base64.b32decode("".join(key.split())).hex())
    site.page.get_by_label("Code from your authenticator app").fill(app_code(app))
    site.press("Turn on two-factor sign-in")
    codes = re.findall(r"[a-z2-7]{8}", site.page.get_by_test_id("recovery-codes").inner_text())
    assert len(codes) == 10
    site.screenshot("two-factor-recovery-codes")
    site.click(site.page.get_by_role("link", name="I have saved my recovery codes"))
    assert "On" in site.page.get_by_test_id("two-factor-status").inner_text()
    site.sign_out()

    # Next time: the password, then a recovery code (the app is not to hand).
    site.goto(reverse("accounts:login"))
    site.page.get_by_label("Email address").fill(officer.email)
    site.page.get_by_label("Password").fill(PASSWORD)
    site.press("Sign in")
    site.click(site.page.get_by_role("link", name="Use a recovery code instead"))
    site.page.get_by_label("Recovery code").fill(codes[0])
    site.press("Continue")
    assert site.page.url.endswith(reverse("actions:mine"))
    assert "You have 9 left" in site.page.inner_text(".govuk-notification-banner")
    assert selectors.two_factor_status(user=officer).recovery_codes_left == 9


def test_the_admin_works_under_the_content_security_policy(site, world):
    """The Django admin (not a GOV.UK service, so not checked with axe) runs its own
    scripts from files, and nothing it does is refused."""
    superuser = factories.UserFactory(email="service@example.org", is_superuser=True, is_staff=True)
    site.sign_in(superuser.email, PASSWORD)  # sets up an app: superusers must
    for url in [
        reverse("admin:index"),
        reverse("admin:plans_plan_changelist"),
        reverse("admin:plans_plan_change", args=[world.plan.pk]),
        reverse("admin:plans_plan_history", args=[world.plan.pk]),
        reverse("admin:actions_action_change", args=[world.action.pk]),
        reverse("admin:accounts_user_changelist"),
    ]:
        response = site.page.goto(site.base_url + url)
        assert response.status == 200, url
        # No inline script there, so no nonce: only the admin's own files run.
        assert "script-src 'self'" in response.headers["content-security-policy"]
        # The admin's theme script ran.
        assert site.page.evaluate("document.documentElement.dataset.theme") == "auto", url
        violated = site.page.evaluate("window.__cspViolations")
        assert violated == [], f"{url}: {violated}"
