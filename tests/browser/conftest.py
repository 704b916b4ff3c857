"""Browser tests: Debian's Chromium driven by Playwright, against the live test server,
with axe-core (vendored from npm) run on every page a test visits."""

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
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

    def axe(self) -> None:
        page = self.page
        page.add_script_tag(path=str(AXE))
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
        self.goto("/accounts/sign-in/")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()
        self.axe()

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def site(browser, live_server) -> Iterator[Checked]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    fonts: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Not a GOV.UK-domain service: the GDS Transport font must never be loaded.
    page.on(
        "request", lambda r: fonts.append(f"{r.url} on {page.url}") if "/fonts/" in r.url else None
    )
    yield Checked(page, live_server.url)
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"
    assert fonts == [], f"Fonts requested: {fonts}"
