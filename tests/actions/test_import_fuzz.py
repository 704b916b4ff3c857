"""Import fuzz: 1,000 generated files (bad encodings, merged cells, huge sheets, formulas,
empty rows, damaged workbooks). None is a server error, nothing is saved from a refused
file, and reading stays within a bounded amount of memory."""

import io
import random
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from actions import importing
from actions.forms import ActionImportForm
from actions.models import Action, Milestone
from priorities.models import Workstream
from tests.actions.import_helpers import ROW_HEADER as HEADER
from tests.actions.import_helpers import import_plan

pytestmark = pytest.mark.django_db

WORDS = [
    "1.1",
    "2.3",
    "5.1",
    "",
    "Kent Police",
    "KFRS",
    "Nobody",
    "Sept 24",
    "By March 25",
    "Sometime",
    "Ongoing",
    "=1+1",
    '=HYPERLINK("http://x.example")',
    "+SUM(A1)",
    "-3",
    "@cmd",
    "Prevent",
    "Priority 2",
    "Theme 9",
    "Œuvre café ☃ 𝄞",
    "\u202e\u200b",
    "line one\nline two",
    "x" * 1200,
    "\t",
    "'=safe",
]


def _cells(rng: random.Random, width: int) -> list[str]:
    return [rng.choice(WORDS) for _ in range(width)]


def _csv(rng: random.Random) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, delimiter=rng.choice([",", "\t", ";"]))
    header = HEADER[:] if rng.random() < 0.8 else _cells(rng, rng.randint(0, 12))
    rng.shuffle(header) if rng.random() < 0.2 else None
    writer.writerow(header)
    for _ in range(rng.randint(0, 40)):
        writer.writerow([] if rng.random() < 0.1 else _cells(rng, rng.randint(0, 14)))
    text = out.getvalue()
    encoding = rng.choice(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"])
    data = text.encode(encoding, errors="replace")
    if rng.random() < 0.15:  # bad bytes in the middle
        cut = rng.randint(0, len(data))
        data = data[:cut] + bytes(rng.randrange(256) for _ in range(8)) + data[cut:]
    if rng.random() < 0.05:
        data = data.replace(b",", b"\x00", 3)
    return data


def _xlsx(rng: random.Random) -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    if rng.random() < 0.9:
        sheet.append(HEADER)
    for _ in range(rng.randint(0, 30)):
        if rng.random() < 0.1:
            sheet.append([])
            continue
        row: list[object] = [*_cells(rng, rng.randint(1, 12))]
        if rng.random() < 0.2:
            row[rng.randrange(len(row))] = rng.choice([1.1, 3, 2.5e10, True, None])
        sheet.append(row)
    for _ in range(rng.randint(0, 3)):  # merged cells
        top = rng.randint(2, max(2, sheet.max_row))
        col = rng.randint(1, 10)
        sheet.merge_cells(
            start_row=top, start_column=col, end_row=top + rng.randint(1, 3), end_column=col
        )
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    if rng.random() < 0.15:  # damaged
        data = data[: rng.randint(0, len(data))]
    return data


def _other(rng: random.Random) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 3000)))
    if kind == 1:  # a zip that is not a workbook
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
        return out.getvalue()
    if kind == 2:
        return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)  # an old .xls
    return b"\n\n , ,\n\t\t\n"  # only empty rows


def _files(count: int) -> list[bytes]:
    rng = random.Random(20240401)
    makers = [_csv] * 6 + [_xlsx] * 2 + [_other] * 2
    return [rng.choice(makers)(rng) for _ in range(count)]


def _huge_csv() -> bytes:
    row = ",".join(["1.1", "", "", "Action", "", "Kent Police", "", "M", "Ongoing", ""])
    return (",".join(HEADER) + "\n" + "\n".join([row] * (importing.MAX_ROWS + 500))).encode()


def _zip_bomb() -> bytes:
    """A workbook whose sheet unpacks to 60 MB: refused before it is read."""
    out = io.BytesIO()
    book = Workbook()
    book.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith("sheet1.xml"):
                data = data.replace(
                    b"</worksheet>", b"<!--" + b"x" * 60_000_000 + b"--></worksheet>"
                )
            archive.writestr(info.filename, data)
    return bomb.getvalue()


def _huge_sheet() -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for i in range(importing.MAX_ROWS + 200):
        sheet.append([f"1.{i}", "", "", "Action", "", "Kent Police", "", "M", "Ongoing", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sparse_sheet() -> bytes:
    """Two cells a million rows apart: the rows between are read as empty, and stopped."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet["A1"] = "Reference"
    sheet["A1000000"] = "1.1"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_thousand_generated_files_never_fail_and_save_nothing_refused(
    client, district, coordinator
):
    target = import_plan(district)
    plan = target.plan
    files = _files(1000)
    started = time.monotonic()
    outcomes = {"refused": 0, "problems": 0, "clean": 0}
    # The plan does not change (nothing is saved), so it is read once for all the files.
    context = importing.ImportContext.load(plan)
    client.force_login(coordinator)
    url = reverse("actions:import", kwargs={"pk": plan.pk})
    for i, content in enumerate(files):
        name = "file.xlsx" if content[:2] == b"PK" else "file.csv"
        form = ActionImportForm({}, {"file": SimpleUploadedFile(name, content)})
        if not form.is_valid() or form.table_read is None:
            outcomes["refused"] += 1
            assert form.errors, "a refusal says why"
            continue
        preview = importing.action_import_check(plan=plan, table=form.table_read, context=context)
        if preview.ok:
            outcomes["clean"] += 1
        else:
            outcomes["problems"] += 1
            with pytest.raises(importing.ImportHasProblems):
                importing.action_import_apply(plan=plan, table=form.table_read, user=coordinator)
        if i % 50 == 0:  # and through the page itself
            response = client.post(url, {"file": SimpleUploadedFile(name, content)})
            assert response.status_code == 200
    assert Action.objects.count() == 0
    assert Milestone.objects.count() == 0 and Workstream.objects.count() == 0
    assert outcomes["refused"] > 100 and outcomes["problems"] > 100, outcomes
    # 40 to 75 s on a busy shared 2-core machine; far longer means reading is not bounded.
    assert time.monotonic() - started < 120


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_huge_csv, f"The file has more than {importing.MAX_ROWS:,} rows"),
        (_huge_sheet, f"The file has more than {importing.MAX_ROWS:,} rows"),
        (_sparse_sheet, f"The file has more than {importing.MAX_ROWS:,} rows"),
        (_zip_bomb, "The selected file is too large to read"),
        (lambda: b"a,b\n" * (importing.MAX_BYTES // 4 + 10), "must be smaller than 2 MB"),
    ],
)
def test_huge_files_are_refused_within_bounded_memory(client, district, coordinator, make, message):
    target = import_plan(district)
    content = make()
    client.force_login(coordinator)
    tracemalloc.start()
    try:
        response = client.post(
            reverse("actions:import", kwargs={"pk": target.plan.pk}),
            {"file": SimpleUploadedFile("big.xlsx", content)},
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["preview"] is None
    assert peak - len(content) * 3 < 80 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    assert Action.objects.count() == 0
