"""Bulk entry: a plan's actions from a spreadsheet or a pasted table, checked row by row,
saved only when confirmed, the same again changing nothing; the export in the same columns."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from actions import exporting, importing
from actions.models import Action, Milestone
from actions.services import status_update_record
from csp_tracker.periods import Quarter
from priorities.models import Workstream
from tests import factories
from tests.actions.import_helpers import HEADER, HEADINGS, csv_bytes, import_plan, many_rows, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(district):
    return import_plan(district)


def _check(plan, content: bytes) -> importing.ImportPreview:
    return importing.action_import_check(plan=plan, table=importing.table_read(content=content))


def _import(plan, content: bytes, user) -> importing.ImportResult:
    return importing.action_import_apply(
        plan=plan, table=importing.table_read(content=content), user=user
    )


def _state(plan) -> list[tuple]:
    """Everything the import writes, and the versions that any write raises."""
    rows = []
    for action in (
        Action.objects.filter(plan=plan)
        .select_related("workstream")
        .prefetch_related("lead_agencies", "milestones")
        .order_by("reference")
    ):
        rows.append(
            (
                action.reference,
                action.priority_id,
                action.theme_id,
                action.workstream.title if action.workstream else "",
                action.title,
                action.desired_outcome,
                action.lead_text,
                sorted(a.short_name for a in action.lead_agencies.all()),
                [
                    (m.description, m.timescale, m.lead_id, m.lock_version)
                    for m in action.milestones.all()
                ],
                action.lock_version,
            )
        )
    return rows


def test_sixty_actions_with_headings_and_milestones_go_in_and_again_change_nothing(
    target, coordinator
):
    content = xlsx(many_rows(60))
    preview = _check(target.plan, content)
    assert preview.problems == []
    assert (preview.new_count, len(preview.actions)) == (60, 60)
    assert sorted(title for _, title in preview.new_headings) == sorted(HEADINGS * 4)
    assert not Action.objects.exists(), "checking saves nothing"
    result = _import(target.plan, content, coordinator)
    assert (result.created, result.changed, result.headings_added) == (60, 0, 16)
    action = Action.objects.get(plan=target.plan, reference="1.3")
    assert action.priority is not None and action.priority.number == 1
    assert action.workstream is not None and action.workstream.title == "Protect"
    assert [m.description for m in action.milestones.all()] == [
        "Milestone 1 of 1.3",
        "Milestone 2 of 1.3",
        "Milestone 3 of 1.3",
    ]
    assert sorted(a.short_name for a in action.lead_agencies.all()) == ["KFRS", "Kent Police"]
    assert Milestone.objects.filter(action__plan=target.plan).count() == sum(
        i % 3 + 1 for i in range(60)
    )
    before = _state(target.plan)
    history = Action.history.count(), Milestone.history.count()
    again = _check(target.plan, content)
    assert (again.unchanged_count, again.new_count, again.changed_count) == (60, 0, 0)
    assert again.new_headings == []
    result = _import(target.plan, content, coordinator)
    assert (result.created, result.changed, result.unchanged) == (0, 0, 60)
    assert _state(target.plan) == before
    assert (Action.history.count(), Milestone.history.count()) == history


def test_every_problem_is_named_by_row_and_column_and_nothing_is_saved(target, coordinator):
    rows = [
        [
            "1.1",
            "",
            "Pursue",
            "Disrupt county lines",
            "",
            "Kent Polise",
            "",
            "Warrants",
            "Sept 24",
            "",
        ],
        ["", "", "", "", "", "", "", "Arrests", "Sometime soon", ""],
        [
            "1.2",
            "",
            "",
            "Patrol hot spots",
            "",
            "Kent Police",
            "",
            "Patrols",
            "By March 23",
            "Nobody",
        ],
        ["1.1", "", "", "Another action", "", "KFRS", "", "", "", ""],
        ["9.1", "", "", "Under nothing", "", "KFRS", "", "", "", ""],
        ["1.4", "Priority 7", "", "Misplaced", "", "KFRS", "", "", "", ""],
        ["", "", "", "No number", "", "KFRS", "", "", "", ""],
        ["1.5", "", "", "Three for two", "", "KFRS", "", "A\nB", "June 24\nJuly 24\nAug 24", ""],
    ]
    preview = _check(target.plan, csv_bytes(rows))
    found = [(p.row, p.column) for p in preview.problems]
    messages = [str(p) for p in preview.problems]
    assert (2, "Lead agencies") in found
    assert "Row 2, Lead agencies: “Kent Polise” is not an agency of Swale CSP" in messages[0]
    assert (3, "Timescale") in found  # cannot be read
    assert any("“Sometime soon” cannot be read" in m for m in messages)
    assert any(
        m.startswith("Row 4, Timescale: “By March 23”: Due 31 March 2023, before the plan starts")
        for m in messages
    )
    assert (4, "Milestone lead") in found
    assert (
        "Row 5, Reference: action 1.1 is also on row 2: each action needs its own number"
        in messages
    )
    assert (6, "Reference") in found  # 9.1: no priority or theme 9
    assert "Row 7, Priority or theme: this plan has no priority or theme “Priority 7”" in messages
    assert "Row 8, Reference: enter the action's number, like 1.3" in messages
    assert any(m.startswith("Row 9, Timescale: 3 timescales for 2 milestones") for m in messages)
    assert not preview.ok
    with pytest.raises(importing.ImportHasProblems):
        _import(target.plan, csv_bytes(rows), coordinator)
    assert not Action.objects.exists()
    assert not Workstream.objects.exists()


def _export_cells(plan, file_format: str) -> list[list[str]]:
    content = exporting.action_plan_export(plan=plan, file_format=file_format)
    if file_format == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(content)).active
    assert isinstance(sheet, Worksheet)
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_export_and_import_again_round_trips_exactly(district, coordinator, file_format):
    source = import_plan(district)
    _import(source.plan, xlsx(many_rows(24)), coordinator)
    action = Action.objects.get(plan=source.plan, reference="2.1")
    status_update_record(
        action=action,
        author=coordinator,
        status="at_risk",
        commentary="=cmd|' /C calc'!A0 and four of six sessions delivered",
        quarter=Quarter(2024, 1),
    )
    content = exporting.action_plan_export(plan=source.plan, file_format=file_format)
    exported = _export_cells(source.plan, file_format)
    assert exported[0][: len(HEADER)] == HEADER
    assert exported[0][len(HEADER) :] == ["2024/25 Q1 status", "2024/25 Q1 commentary"]
    assert ["At risk", "'=cmd|' /C calc'!A0 and four of six sessions delivered"] in [
        row[len(HEADER) :] for row in exported
    ]
    # The same plan again: nothing changes.
    before = _state(source.plan)
    again = importing.action_import_check(
        plan=source.plan, table=importing.table_read(content=content)
    )
    assert again.problems == [] and again.unchanged_count == 24
    assert again.ignored_columns == ["2024/25 Q1 status", "2024/25 Q1 commentary"]
    _import(source.plan, content, coordinator)
    assert _state(source.plan) == before
    # Another plan with the same priorities: the same plan comes out.
    other = factories.DistrictFactory(parent=district.parent, slug="other", short_name="Other CSP")
    copy = import_plan(other)
    _import(copy.plan, content, coordinator)
    assert [row[: len(HEADER)] for row in _export_cells(copy.plan, file_format)] == [
        row[: len(HEADER)] for row in exported
    ]


def test_cells_a_spreadsheet_would_run_are_neutralised_and_read_back(target, coordinator):
    rows = [
        [
            "1.1",
            "",
            "",
            '=HYPERLINK("http://x.example","Click")',
            "+44 calls",
            "Kent Police",
            "",
            "-5 incidents",
            "Ongoing",
            "",
        ],
        ["1.2", "", "", "@SUM(A1:A2)", "Normal", "KFRS", "", "Review", "Sept 24", ""],
    ]
    _import(target.plan, csv_bytes(rows), coordinator)
    assert Action.objects.get(reference="1.1").title.startswith("=HYPERLINK")
    for file_format in ("xlsx", "csv"):
        cells = [c for row in _export_cells(target.plan, file_format) for c in row]
        assert '\'=HYPERLINK("http://x.example","Click")' in cells
        assert "'+44 calls" in cells and "'-5 incidents" in cells and "'@SUM(A1:A2)" in cells
        assert not any(c[:1] in "=+-@" for c in cells if c)
    if True:
        sheet = load_workbook(
            io.BytesIO(exporting.action_plan_export(plan=target.plan, file_format="xlsx"))
        ).active
        assert isinstance(sheet, Worksheet)
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    again = _check(target.plan, exporting.action_plan_export(plan=target.plan, file_format="csv"))
    assert again.unchanged_count == 2


WORD_TABLE = (
    "No.\tAction\tDesired Outcome\tKey Milestones\tTimescales\tLead agency\r\n"
    "1.1\tPromotion of services available to both professionals and the community\t"
    "Professionals aware of services available\t"
    '"• Delivery of Kent Communications Campaign\n• Quarterly refresh of mapping of services\n'
    '• Annual ‘meet the professional’ event"\t"Ongoing\nQuarterly\nJuly 25"\tKent Police\r\n'
    "\r\n"
    "1.2\tTraining regarding the link between domestic abuse and radicalisation\t"
    "Increased understanding\tTraining delivered\tBy March 25\tSwale BC\u00a0\t\r\n"
    "\t\t\tTraining on cultural competency\tBy March 25\t\t\r\n"
    "5.1\tContinuation of complex needs pilot\tA joined-up response\tPilot reviewed\tSept 24\t"
    "Swale BC; KFRS\r\n"
)


def test_a_table_pasted_from_word_reaches_the_same_preview(client, target, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("actions:import", kwargs={"pk": target.plan.pk}), {"table": WORD_TABLE}
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.problems == []
    assert [a.reference for a in preview.actions] == ["1.1", "1.2", "5.1"]
    first = preview.actions[0]
    assert [(m.description, m.timescale) for m in first.milestones] == [
        ("Delivery of Kent Communications Campaign", "Ongoing"),
        ("Quarterly refresh of mapping of services", "Quarterly"),
        ("Annual ‘meet the professional’ event", "July 25"),
    ]
    assert [m.description for m in preview.actions[1].milestones] == [
        "Training delivered",
        "Training on cultural competency",
    ]
    assert preview.actions[2].heading.title == "Reducing reoffending"  # 5.1 after 4 priorities
    assert [a.short_name for a in preview.actions[2].lead_agencies] == ["Swale BC", "KFRS"]
    assert not Action.objects.exists()
    response = client.post(
        reverse("actions:import_confirm", kwargs={"pk": target.plan.pk}),
        {"payload": response.context["payload"]},
    )
    assert response.status_code == 302
    assert Action.objects.filter(plan=target.plan).count() == 3
    assert Milestone.objects.filter(action__plan=target.plan).count() == 6


def test_the_pages_read_a_file_and_confirm_it(
    client, target, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    url = reverse("actions:import", kwargs={"pk": target.plan.pk})
    assert client.get(url).status_code == 200
    upload = io.BytesIO(xlsx(many_rows(60)))
    upload.name = "plan.xlsx"
    with django_assert_max_num_queries(18):
        response = client.post(url, {"file": upload})
    assert response.context["preview"].new_count == 60
    confirm = reverse("actions:import_confirm", kwargs={"pk": target.plan.pk})
    response = client.post(confirm, {"payload": response.context["payload"]})
    assert response.status_code == 302
    assert Action.objects.filter(plan=target.plan).count() == 60
    response = client.post(confirm, {"payload": "tampered"})
    assert response.status_code == 200
    assert "The preview is too old or was changed" in response.content.decode()


@pytest.mark.parametrize("count", [5, 60])
def test_the_export_and_preview_do_not_grow_with_the_plan(
    client, target, coordinator, count, django_assert_max_num_queries
):
    _import(target.plan, xlsx(many_rows(count)), coordinator)
    client.force_login(coordinator)
    for file_format in ("xlsx", "csv"):
        with django_assert_max_num_queries(14):
            response = client.get(
                reverse("actions:export", kwargs={"pk": target.plan.pk}), {"format": file_format}
            )
        assert response.status_code == 200
        assert response["Content-Type"] == exporting.CONTENT_TYPES[file_format]
    with django_assert_max_num_queries(14):
        response = client.get(reverse("actions:import_template", kwargs={"pk": target.plan.pk}))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["Actions"][1]] == HEADER
    upload = io.BytesIO(xlsx(many_rows(count)))
    upload.name = "again.xlsx"
    with django_assert_max_num_queries(18):
        response = client.post(
            reverse("actions:import", kwargs={"pk": target.plan.pk}), {"file": upload}
        )
    assert response.context["preview"].unchanged_count == count
