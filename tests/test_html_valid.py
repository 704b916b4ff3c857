"""The pages are valid HTML, checked with the Nu Html Checker (vnu-jar from npm)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User
from priorities.models import Workstream
from tests.world import build_world

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _vnu_available() -> None:
    if shutil.which("java") and VNU.exists():
        return
    if settings.CSP_REQUIRE_SERVICES:
        pytest.fail("java and node_modules/vnu-jar are needed to check the HTML")
    pytest.skip("java or vnu-jar is not installed")


def vnu_problems(files: list[str], *, timeout: int) -> list[str]:
    """The Nu Html Checker's errors in the files, each as "file:line: message"."""
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages]


@pytest.mark.django_db
def test_pages_are_valid_html(client, tmp_path):
    _vnu_available()
    world = build_world()
    pages: dict[str, tuple[User | None, str]] = {"sign-in": (None, reverse("accounts:login"))}
    pages["accessibility"] = (None, reverse("pages:accessibility"))
    pages["home"] = (None, reverse("pages:home"))
    officer = world.users["officer"]
    coordinator = world.users["coordinator"]
    pk = {"pk": world.action.pk}
    pages |= {
        "mine": (officer, reverse("actions:mine")),
        "list": (officer, reverse("actions:list") + "?no_update=true"),
        "detail": (coordinator, reverse("actions:detail", kwargs=pk)),
        "update": (officer, reverse("actions:update", kwargs=pk)),
        "edit": (coordinator, reverse("actions:edit", kwargs=pk)),
        "milestone": (
            coordinator,
            reverse("actions:milestone_edit", kwargs={"pk": world.milestone.pk}),
        ),
    }
    priority = world.plan.priorities.first()
    assert priority is not None
    Workstream.objects.create(priority=priority, title="Prevent", order=1)
    plan_pk = {"pk": world.plan.pk}
    pages |= {
        "overview": (coordinator, reverse("plans:overview", kwargs=plan_pk)),
        "headings": (coordinator, reverse("priorities:workstreams", kwargs={"pk": priority.pk})),
        "priority": (coordinator, reverse("priorities:priority_edit", kwargs={"pk": priority.pk})),
        "import": (coordinator, reverse("actions:import", kwargs=plan_pk)),
        "add": (coordinator, reverse("actions:add", kwargs=plan_pk)),
    }
    swale = {"slug": world.district.slug}
    pages["reporting-calendar"] = (coordinator, reverse("reporting:calendar", kwargs=swale))
    pages["reporting-missing"] = (coordinator, reverse("reporting:missing", kwargs=swale))
    pages |= {
        f"partnerships-{name}": (coordinator, reverse(f"partnerships:{name}", kwargs=swale))
        for name in ("detail", "agencies", "agency_add", "agency_create", "people", "invite")
    }
    pages["partnerships-list"] = (world.users["service_admin"], reverse("partnerships:list"))
    pages["partnerships-create"] = (world.users["service_admin"], reverse("partnerships:create"))
    pages["assessments"] = (coordinator, reverse("priorities:assessments", kwargs=swale))
    pages["assessment"] = (
        coordinator,
        reverse("priorities:assessment_edit", kwargs=swale | {"year": 2022}),
    )
    pages["invitation"] = (
        None,
        reverse("partnerships:invitation_accept", kwargs=world.invitation_link()),
    )
    # The logo and section image pages, and a published version's web page, with images.
    from tests import factories
    from tests.images import logo_give, published_with_snapshot, section_image_add

    logo_give(world.district)
    section = factories.SectionFactory(plan=world.plan, title="Governance", body="A chart:")
    image = section_image_add(section, caption="Figure 1: the chart")
    section_image_add(section, alt="", decorative=True)
    pages |= {
        "logo": (coordinator, reverse("partnerships:logo", kwargs=swale)),
        "section-images": (coordinator, reverse("plans:section_images", kwargs={"pk": section.pk})),
        "section-image": (
            coordinator,
            reverse("plans:section_image_edit", kwargs={"pk": image.pk}),
        ),
        "published": (
            None,
            reverse("public:document", kwargs={"pk": published_with_snapshot(world.plan).pk}),
        ),
    }
    files = []
    for name, (user, url) in pages.items():
        if user:
            client.force_login(user)
        else:
            client.logout()
        response = client.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    # A form shown again with errors, too.
    client.force_login(officer)
    response = client.post(reverse("actions:update", kwargs=pk), {"updates_version": "0"})
    (tmp_path / "update-errors.html").write_bytes(response.content)
    files.append(str(tmp_path / "update-errors.html"))
    # The import's preview, with a problem named by row and column.
    client.force_login(coordinator)
    table = "Reference\tAction\tLead agencies\tMilestone\tTimescale\n1.1\tRun it\tNobody\tM\tSoon\n"
    response = client.post(reverse("actions:import", kwargs=plan_pk), {"table": table})
    assert response.context["preview"].problems
    (tmp_path / "import-preview.html").write_bytes(response.content)
    files.append(str(tmp_path / "import-preview.html"))
    assert vnu_problems(files, timeout=120) == []
