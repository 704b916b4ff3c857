"""WCAG 1.4.10 (reflow): every page of the access walk reads at 320 CSS px without
sideways scrolling. Each route is visited as the first role of PREFERRED that gets a 200,
and "Your actions" as the officer too; a table wider than the screen scrolls inside its
own labelled region, which does not widen the page."""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.browser.conftest import Checked
from tests.test_access import ROUTES
from tests.world import World, build_world

# The editors see the most (change, remove and move links), so they come first.
PREFERRED = ["coordinator", "county_admin", "officer", "executive", "service_admin", "anonymous"]
EXTRA = [("actions:mine", "officer")]
WIDTH = 320

# The widest element that sticks out past the viewport (not counting those inside an
# element that scrolls its own overflow, which do not widen the page).
WIDEST = """(width) => {
  let widest = null;
  for (const el of document.body.querySelectorAll('*')) {
    const rect = el.getBoundingClientRect();
    if (rect.right <= width + 0.5) continue;
    let clipped = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') { clipped = true; break; }
    }
    if (clipped) continue;
    if (!widest || rect.right > widest.right) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string'
           ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      widest = {name, right: Math.round(rect.right),
                text: (el.textContent || '').trim().slice(0, 60)};
    }
  }
  return widest;
}"""


def _visits(world: World) -> list[tuple[str, str, str]]:
    """(route name, role, path) for every GET page of the walk."""
    visits = []
    for name, route in sorted(ROUTES.items()):
        role = next((r for r in PREFERRED if route.get.get(r) == 200), None)
        if role is None:
            continue
        kwargs_of: Callable[[World], dict[str, object]] | None = route.own
        visits.append((name, role, reverse(name, kwargs=kwargs_of(world) if kwargs_of else None)))
    for name, role in EXTRA:
        visits.append((name, role, reverse(name)))
    return visits


@pytest.fixture
def world(transactional_db):
    world = build_world()
    # Rows with change, remove and move links on the plan overview, as a real plan has.
    for title in ("Introduction", "Strategic assessment"):
        factories.SectionFactory(plan=world.plan, title=title)
    factories.PriorityFactory(
        plan=world.plan, number=2, title="Reduce serious violence and violence against women"
    )
    factories.ThemeFactory(plan=world.plan, title="Substance misuse")
    return world


def _as(site: Checked, session: str) -> None:
    """The browser signed in with the session (signed out when empty)."""
    context = site.page.context
    context.clear_cookies()
    if session:
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site.base_url}]
        )


def test_every_page_reads_at_320_px_without_sideways_scrolling(site, world):
    site.page.set_viewport_size({"width": WIDTH, "height": 800})
    # Signed in as each role without the sign-in pages (two-factor for some roles): a
    # session made by the test client, handed to the browser.
    clients = {role: Client() for role in PREFERRED}
    sessions: dict[str, str] = {}
    for role, client in clients.items():
        user = world.users[role]
        if user is not None:
            client.force_login(user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value if user else ""
    visits = _visits(world)
    wide: list[str] = []
    visited: list[str] = []
    skipped: list[str] = []
    for name, role, path in visits:
        # Downloads (exports, PDFs, templates) are not pages; a few routes' objects are
        # used up by an earlier route of the walk (one world for all, unlike the access
        # test's world per route): those are listed, and must stay few.
        answer = clients[role].get(path)
        if answer.status_code != 200:
            skipped.append(f"{name} ({answer.status_code})")
            continue
        if not answer.get("Content-Type", "").startswith("text/html"):
            continue
        _as(site, sessions[role])
        response = site.page.goto(site.base_url + path)
        assert response is not None and response.status == 200, f"{name} as {role}: {path}"
        visited.append(name)
        scroll_width = site.page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > WIDTH:
            widest = site.page.evaluate(WIDEST, WIDTH)
            wide.append(f"{name} as {role} ({path}): {scroll_width} px wide; widest {widest}")
    assert len(visited) > 80 and len(skipped) <= 3, (len(visited), skipped)
    assert wide == [], "Pages wider than 320 px:\n" + "\n".join(wide)

    # The exception report's chart keeps readable labels (14px text, not shrunk to fit),
    # and scrolls in its own region; both pages pass axe at this width.
    _as(site, sessions["coordinator"])
    site.goto(next(path for name, _, path in visits if name == "reporting:detail"))
    scale = site.page.evaluate(
        "(() => { const svg = document.querySelector('.app-chart');"
        " return svg.getBoundingClientRect().width / svg.viewBox.baseVal.width; })()"
    )
    assert 14 * scale >= 12, f"The chart's labels are {14 * scale:.1f}px at {WIDTH} px"
    site.screenshot("reflow-320-report")
    site.goto(reverse("plans:overview", kwargs={"pk": world.plan.pk}))
    site.screenshot("reflow-320-plan-overview")
