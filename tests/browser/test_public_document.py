"""The published version's web page in a browser: axe finds nothing, its images load
(under the site's Content-Security-Policy), and at 320 CSS px nothing scrolls sideways;
the logo and image pages of the coordinator pass axe too."""

import pytest
from django.urls import reverse

from tests import factories
from tests.images import logo_give, published_with_snapshot, section_image_add
from tests.world import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_web_page_of_a_published_version_is_accessible(transactional_db, site):
    world = build_world()
    plan = world.plan
    section = factories.SectionFactory(plan=plan, title="Governance", body="The chart below.")
    logo_give(plan.partnership, alt="Swale Community Safety Partnership")
    section_image_add(section, alt="Chart: incidents fell", caption="Figure 1: incidents")
    section_image_add(section, alt="", decorative=True)
    version = published_with_snapshot(plan)

    site.goto(reverse("public:document", kwargs={"pk": version.pk}))  # axe runs here
    page = site.page
    for alt in ("Swale Community Safety Partnership", "Chart: incidents fell"):
        width = page.get_by_alt_text(alt).evaluate("img => img.naturalWidth")
        assert width > 0, f"the image {alt!r} did not load"
    page.get_by_role("link", name=section.title).first.click()
    assert page.url.endswith(f"#section-{section.pk}")
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow} px of sideways scrolling at 320 CSS px"

    coordinator = world.users["coordinator"]
    assert coordinator is not None
    site.sign_in(coordinator.email, PASSWORD)
    site.goto(reverse("partnerships:logo", kwargs={"slug": plan.partnership.slug}))
    site.goto(reverse("plans:section_images", kwargs={"pk": section.pk}))
    site.page.get_by_role("button", name="Add the image").click()
    site.page.wait_for_load_state()
    site.axe()  # the page with its errors
    assert "Select an image file" in site.page.inner_text("body")
