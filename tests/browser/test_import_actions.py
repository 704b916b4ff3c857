"""A new coordinator brings a 60-action plan in from a spreadsheet: fixes the two rows the
check names, confirms, sees every action under its heading; the same file again changes
nothing; the export imported again gives back the same plan."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from actions.models import Action
from plans.models import Membership
from tests import factories
from tests.actions.import_helpers import HEADINGS, import_plan, many_rows, xlsx
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _upload(site, path) -> None:
    site.page.get_by_label("Upload a spreadsheet").set_input_files(str(path))
    site.press("Check the actions")


def test_a_new_coordinator_imports_sixty_actions_with_headings_and_milestones(site, tmp_path):
    county = factories.CountyFactory(slug="kent", short_name="KCSP")
    district = factories.DistrictFactory(parent=county, slug="swale", short_name="Swale CSP")
    target = import_plan(district)
    plan = target.plan
    user = factories.UserFactory(email="new.coordinator@swale.example")
    Membership.objects.create(user=user, partnership=district, role="coordinator")
    rows = many_rows(60)
    broken = [list(r) for r in rows]
    broken[0][5] = "Kent Polise"  # row 2: an unknown lead agency
    broken[3][8] = "When we can"  # row 5: a timescale that cannot be read
    (tmp_path / "broken.xlsx").write_bytes(xlsx(broken))
    (tmp_path / "plan.xlsx").write_bytes(xlsx(rows))

    site.sign_in(user.email, PASSWORD)
    site.goto(reverse("plans:overview", kwargs={"pk": plan.pk}))
    site.page.get_by_role(
        "link", name="Import actions from a spreadsheet or a pasted table"
    ).click()
    site.page.wait_for_load_state()
    site.axe()
    _upload(site, tmp_path / "broken.xlsx")
    problems = site.page.get_by_test_id("import-problems").inner_text()
    assert "Row 2, Lead agencies: “Kent Polise” is not an agency of Swale CSP" in problems
    assert "Row 5, Timescale: “When we can” cannot be read" in problems
    assert problems.count("Row ") == 2
    assert site.page.get_by_role("button", name="Import 60 actions").count() == 0
    assert not Action.objects.exists()

    # Fixed in the spreadsheet, uploaded again, confirmed.
    _upload(site, tmp_path / "plan.xlsx")
    assert (
        "60 actions in the table: 60 new" in site.page.get_by_test_id("import-summary").inner_text()
    )
    site.press("Import 60 actions")
    assert "60 actions added" in site.page.inner_text("main")
    table = site.page.get_by_test_id("action-plan")
    assert table.get_by_test_id("heading-row").count() == 16
    for title in HEADINGS:
        assert table.get_by_test_id("heading-row").filter(has_text=title).count() == 4
    # Every action sits in the rows after its own heading.
    order = site.page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=action-plan] tbody tr')].map(tr =>
            tr.querySelector('[data-testid=heading-row]') ? 'H:' + tr.innerText.trim()
            : (tr.cells.length > 1 ? 'A:' + tr.cells[0].innerText.trim() : ''))"""
    )
    heading, placed = None, {}
    for cell in order:
        if cell.startswith("H:"):
            heading = cell[2:]
        elif cell.startswith("A:"):
            placed[cell[2:]] = heading
    assert len(placed) == 60
    for action in Action.objects.filter(plan=plan).select_related("workstream"):
        assert action.workstream is not None
        assert placed[action.reference] == action.workstream.title

    # The same file again changes nothing.
    before = list(Action.objects.filter(plan=plan).values_list("reference", "lock_version"))
    site.goto(reverse("actions:import", kwargs={"pk": plan.pk}))
    _upload(site, tmp_path / "plan.xlsx")
    assert (
        "0 new, 0 to change, 60 already as in the table"
        in site.page.get_by_test_id("import-summary").inner_text()
    )
    site.page.get_by_role("button", name="Confirm: nothing to change").click()
    site.page.wait_for_load_state()
    assert "Nothing changed" in site.page.inner_text("main")
    assert list(Action.objects.filter(plan=plan).values_list("reference", "lock_version")) == before

    # Export, import the export: the same plan.
    with site.page.expect_download() as download:
        site.page.get_by_role("link", name="XLSX").click()
    exported = tmp_path / "export.xlsx"
    download.value.save_as(exported)
    sheet = load_workbook(io.BytesIO(exported.read_bytes())).active
    assert isinstance(sheet, Worksheet)
    assert sheet.max_row == 1 + sum(i % 3 + 1 for i in range(60))
    site.goto(reverse("actions:import", kwargs={"pk": plan.pk}))
    _upload(site, exported)
    assert "60 already as in the table" in site.page.get_by_test_id("import-summary").inner_text()
    assert list(Action.objects.filter(plan=plan).values_list("reference", "lock_version")) == before
