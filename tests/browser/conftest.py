"""Browser tests: Debian's Chromium driven by Playwright, against the live test server,
with axe-core (vendored from npm) run on every page a test visits, and the test failing
on any Content-Security-Policy violation."""

import base64
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.two_factor import app_code
from tests.world import World, build_world

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
# Records each Content-Security-Policy violation the page reports.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} refused ${e.blockedURI || 'inline'}`
    + ` at ${e.sourceFile}:${e.lineNumber}`);
});
"""
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _missing(what: str) -> None:
    if settings.CSP_REQUIRE_SERVICES:
        pytest.fail(f"{what} is required for the browser tests")
    pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="session")
def browser() -> "Iterator[Browser]":
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        _missing("Debian's chromium")
    if not AXE.exists():
        _missing("axe-core (npm ci)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


class Checked:
    """A page whose every visit is checked with axe-core."""

    def __init__(self, page: "Page", base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.checked: list[str] = []

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.axe()

    def click(self, target: "Locator", **kwargs: Any) -> None:
        """Click, wait for the page that follows and check it."""
        target.click(**kwargs)
        self.page.wait_for_load_state()
        self.axe()

    def press(self, button: str, **kwargs: Any) -> None:
        """Press the button named so, then check the page that follows."""
        self.click(self.page.get_by_role("button", name=button), **kwargs)

    def follow(self, link: str) -> None:
        """Follow the first link named exactly so, then check the page that follows."""
        self.click(self.page.get_by_role("link", name=link, exact=True).first)

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Sign out").click()
        self.page.wait_for_load_state()

    def create_plan(self, partnership: str, title: str, years: str) -> None:
        """On the new plan form: a one-year Community Safety Plan, saved."""
        page = self.page
        page.get_by_label("Which partnership is the plan for?").select_option(label=partnership)
        page.get_by_label("Community Safety Plan").check()
        page.get_by_label("Title").fill(title)
        page.get_by_label("One-year plan").check()
        page.get_by_label("Which financial years does it cover?").fill(years)
        self.press("Save and continue")

    def publish_version(self, number: str, changes: str, effective: tuple[str, str, str]) -> None:
        """From a plan's overview: publish a version effective on (day, month, year), and
        see it published."""
        self.press("Publish a version")
        self.page.get_by_label("Version number").fill(number)
        group = self.page.get_by_role("group", name="Effective date")
        for box, value in zip(("Day", "Month", "Year"), effective, strict=True):
            group.get_by_label(box).fill(value)
        self.page.get_by_label("Changes by chapter").fill(changes)
        # Rendered and checked in-process (no worker here): it can take a while on a busy machine.
        self.press("Publish", timeout=90_000)
        assert "Published" in self.page.get_by_test_id("version-status").inner_text()

    def axe(self) -> None:
        page = self.page
        violated = page.evaluate("window.__cspViolations || []")
        assert violated == [], f"Content-Security-Policy violations on {page.url}: {violated}"
        # axe-core comes with every page as an init script (see site()): added as a
        # <script> it would itself be refused by the Content-Security-Policy.
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            AXE_TAGS,
        )
        violations = [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]
        self.checked.append(page.url)
        assert violations == [], f"axe found violations on {page.url}:\n" + json.dumps(
            violations, indent=2
        )

    def sign_in(self, email: str, password: str) -> None:
        """Sign in; for two-factor sign-in, with the code the person's app would show
        (setting an app up first where a county admin has none yet)."""
        self.goto("/accounts/sign-in/")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.press("Sign in")
        if self.page.url.endswith(reverse("accounts:two_factor_setup")):
            self.set_up_two_factor()
        elif self.page.url.endswith(reverse("accounts:two_factor_code")):
            device = TOTPDevice.objects.get(user__email=email, confirmed=True)
            self._enter_code(app_code(device), "Continue")

    def set_up_two_factor(self) -> None:
        """On the set-up page: add the key to the person's app, enter its code, note the
        recovery codes."""
        # The person's app knows only the key the page shows.
        key = self.page.get_by_test_id("two-factor-key").inner_text()
        app = TOTPDevice(key=base64.b32decode("".join(key.split())).hex())
        self._enter_code(app_code(app), "Turn on two-factor sign-in")
        assert self.page.get_by_test_id("recovery-codes").inner_text().strip()
        self.click(self.page.get_by_role("link", name="I have saved my recovery codes"))

    def _enter_code(self, code: str, button: str) -> None:
        self.page.get_by_label("Code from your authenticator app").fill(code)
        self.press(button)

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@contextmanager
def _checked_browser(browser: Any, base_url: str) -> Iterator[Checked]:
    """A browser of its own (its own cookies), every page checked, and no JavaScript
    error, Content-Security-Policy violation or font request."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    # Injected by the browser itself, so the page's Content-Security-Policy does not apply.
    context.add_init_script(script=CSP_WATCH)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    fonts: list[str] = []
    refused: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Chromium reports every CSP violation in the console, also on pages not checked.
    page.on(
        "console",
        lambda msg: (
            refused.append(f"{msg.text} on {page.url}")
            if "Content Security Policy" in msg.text
            else None
        ),
    )
    # Not a GOV.UK-domain service: the GDS Transport font must never be loaded.
    page.on(
        "request", lambda r: fonts.append(f"{r.url} on {page.url}") if "/fonts/" in r.url else None
    )
    yield Checked(page, base_url)
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"
    assert refused == [], f"Content-Security-Policy violations: {refused}"
    assert fonts == [], f"Fonts requested: {fonts}"


@pytest.fixture
def site(browser, live_server) -> Iterator[Checked]:
    with _checked_browser(browser, live_server.url) as checked:
        yield checked


@pytest.fixture
def another_site(browser, live_server) -> Iterator[Checked]:
    """A second person's browser, beside site's."""
    with _checked_browser(browser, live_server.url) as checked:
        yield checked


@pytest.fixture
def world(transactional_db: None) -> World:
    """The shared world; a module that needs more in it overrides this."""
    return build_world()
