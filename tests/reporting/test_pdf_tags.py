"""The tag tree of the PDFs (reporting/pdf_tags.py): one /Table per table however many
pages it crosses, its repeated header rows and the running title and page numbers as
artifacts, every /Figure with /Alt; pdfua passes the demo documents, an exception report
and a long plan. Rendered once for the module (a render takes seconds) inside a
transaction that is rolled back."""

import io
import re
from dataclasses import dataclass, field
from typing import Any

import pikepdf
import pytest
from django.db import transaction

from csp_tracker.periods import Quarter
from demo.loader import load_demo
from plans.models import Agency, Partnership, Plan
from publishing.services import document_render
from publishing.snapshot import document_snapshot
from reporting import pdf_tags, services
from reporting.pdf import RenderedPdf, check_accessibility, render_pdf
from tests import factories
from tests.pdfs import marked_text

# The marker makes pytest-django set up the test database the module fixture uses.
pytestmark = pytest.mark.django_db

# Generated plans' actions: their action plan table crosses 2, 3 and 10 pages (at least:
# the counts are set for today's layout), and a long plan of hundreds.
SPANS = {2: 18, 3: 30, 10: 128}
LONG = 200
PRIORITIES = 4


@dataclass
class Element:
    kind: str
    pages: set[int] = field(default_factory=set)
    marks: set[tuple[int, int]] = field(default_factory=set)  # (page, MCID) of its content
    text: str = ""
    children: list["Element"] = field(default_factory=list)
    alt: str | None = None
    id: str = ""  # a header cell's /ID
    headers: list[str] = field(default_factory=list)  # the /IDs a data cell's /Headers name

    def descendants(self, kind: str) -> list["Element"]:
        found = [self] if self.kind == kind else []
        for child in self.children:
            found += child.descendants(kind)
        return found


def tag_tree(pdf: bytes) -> Element:
    """The structure tree as a reader's software walks it from the root, each element
    with the pages and the text of its content."""
    texts: dict[tuple[int, int], list[str]] = {}
    for page, mcid, text in marked_text(pdf):
        if mcid is not None:
            texts.setdefault((page, mcid), []).append(text)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        numbers = {page.obj.objgen: n for n, page in enumerate(doc.pages, start=1)}

        def build(node: Any, page: int | None) -> Element:
            pg = node.get("/Pg")
            page = numbers[pg.objgen] if pg is not None else page
            alt = node.get("/Alt")
            element = Element(str(node.get("/S", "")), alt=None if alt is None else str(alt))
            element.id = str(node.get("/ID", ""))
            attributes = node.get("/A")
            if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
                element.headers = [str(h) for h in attributes.Headers]
            kids = node.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            pieces = []
            for kid in kids:
                if isinstance(kid, int) and page is not None:
                    element.pages.add(page)
                    element.marks.add((page, kid))
                    pieces += texts.get((page, kid), [])
                elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    child = build(kid, page)
                    element.children.append(child)
                    element.pages |= child.pages
                    element.marks |= child.marks
                    pieces.append(child.text)
            element.text = " ".join(p.strip() for p in pieces if p.strip())
            return element

        root = Element("StructTreeRoot")
        for kid in doc.Root.StructTreeRoot.K:
            child = build(kid, None)
            root.children.append(child)
            root.marks |= child.marks
        return root


def _long_plan(district: Partnership, agency: Any, actions: int) -> Plan:
    plan = factories.PlanFactory(
        partnership=district,
        title=f"Plan of {actions} actions",
        start_year=2030 + actions,  # one plan a period
        end_year=2031 + actions,
    )
    factories.SectionFactory(plan=plan, title="Introduction", body="What the plan is for.")
    priorities = [
        factories.PriorityFactory(plan=plan, number=n, title=f"Priority number {n}")
        for n in range(1, PRIORITIES + 1)
    ]
    for n in range(actions):
        priority = priorities[n * PRIORITIES // actions]
        action = factories.ActionFactory(
            plan=plan,
            priority=priority,
            reference=f"{priority.number}.{n + 1}",
            title=f"Action {n + 1}: work with partners on the problems residents report",
            desired_outcome="Fewer people are harmed",
            lead_agencies=[agency],
        )
        factories.MilestoneFactory(action=action, description=f"Milestone of action {n + 1}")
    return plan


@pytest.fixture(scope="module")
def pdfs(django_db_setup, django_db_blocker) -> dict[Any, RenderedPdf]:
    out: dict[Any, RenderedPdf] = {}
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        swale = Partnership.objects.get(slug="swale")
        for key, plan in (
            ("swale", Plan.objects.get(partnership=swale, start_year=2023)),
            ("csa", Plan.objects.get(kind=Plan.Kind.CSA)),
        ):
            out[key] = document_render(snapshot=document_snapshot(plan=plan))
        request = services.exception_report_request(partnership=swale, quarter=Quarter(2023, 3))
        report = services.exception_report_build(report_id=request.pk, task_id=request.task_id)
        assert report is not None
        out["report"] = RenderedPdf(pdf=report.pdf.read(), html="")
        agency = Agency.objects.get(name="Swale Borough Council")
        for actions in [*SPANS.values(), LONG]:
            plan = _long_plan(swale, agency, actions)
            out[actions] = document_render(snapshot=document_snapshot(plan=plan))
        transaction.set_rollback(True)
    return out


def _action_table(tree: Element) -> Element:
    (table,) = [t for t in tree.descendants("/Table") if "Lead agency" in t.text]
    return table


DOCUMENTS = ["swale", "csa", "report", LONG]


@pytest.mark.parametrize("span", SPANS)
def test_a_table_crossing_pages_is_one_table_with_its_rows_in_order(pdfs, span):
    actions = SPANS[span]
    tree = tag_tree(pdfs[actions].pdf)
    table = _action_table(tree)
    assert len(table.pages) >= span
    assert len(tree.descendants("/Table")) == pdfs[actions].html.count("<table")
    kinds = [child.kind for child in table.children]
    assert kinds.count("/THead") == 1 and kinds.count("/TFoot") <= 1
    assert kinds.index("/THead") < kinds.index("/TBody")
    rows = [row.text for group in table.children[1:] for row in group.descendants("/TR")]
    references = [row.split()[0] for row in rows if re.match(r"\d+\.\d+ ", row)]
    assert references == [f"{n * PRIORITIES // actions + 1}.{n + 1}" for n in range(actions)]


@pytest.mark.parametrize("document", ["swale", "csa"])
def test_the_demo_documents_have_one_table_per_table(pdfs, document):
    tree = tag_tree(pdfs[document].pdf)
    assert len(tree.descendants("/Table")) == pdfs[document].html.count("<table")
    for table in tree.descendants("/Table"):
        assert table.descendants("/TR"), table.text[:80]


@pytest.mark.parametrize("actions", [*SPANS.values(), LONG])
def test_repeated_header_rows_are_artifacts(pdfs, actions):
    tree = tag_tree(pdfs[actions].pdf)
    table = _action_table(tree)
    (head,) = [child for child in table.children if child.kind == "/THead"]
    assert "Lead agency" in head.text
    shown = [
        (page, mcid) for page, mcid, text in marked_text(pdfs[actions].pdf) if "Lead agency" in text
    ]
    (tagged,) = [mark for mark in shown if mark[1] is not None]
    assert tagged in head.marks
    assert len(shown) == len(table.pages)  # drawn again on each later page, as an artifact


@pytest.mark.parametrize("document", DOCUMENTS)
def test_running_heads_and_footers_are_artifacts_and_all_else_is_in_the_tree(pdfs, document):
    pdf = pdfs[document].pdf
    tree = tag_tree(pdf)
    shown = marked_text(pdf)
    footers = [mcid for _, mcid, text in shown if re.fullmatch(r"Page \d+ of \d+", text.strip())]
    assert len(footers) >= len({page for page, _, _ in shown}) - 1  # the cover has none
    assert set(footers) == {None}
    assert _tagged_content(pdf) == tree.marks


@pytest.mark.parametrize("document", DOCUMENTS)
def test_data_cells_name_header_cells_of_their_own_table(pdfs, document):
    for table in tag_tree(pdfs[document].pdf).descendants("/Table"):
        ids = {cell.id for cell in table.descendants("/TH")}
        for cell in table.descendants("/TD"):
            assert set(cell.headers) <= ids, cell.text


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_figure_has_a_text_alternative(pdfs, document):
    for figure in tag_tree(pdfs[document].pdf).descendants("/Figure"):
        assert figure.alt and figure.alt.strip()


@pytest.mark.parametrize("document", DOCUMENTS)
def test_pdfua_finds_no_error_and_no_warning(pdfs, document):
    result = check_accessibility(pdfs[document].pdf)
    assert (result.problems, result.warnings) == ([], [])


def _tagged_content(pdf: bytes) -> set[tuple[int, int]]:
    """(page, MCID) of each marked-content sequence with an MCID in the pages' streams."""
    tagged = set()
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            for instruction in pikepdf.parse_content_stream(page, "BDC"):
                properties = instruction.operands[-1]
                if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                    tagged.add((number, int(properties.MCID)))
    return tagged


def test_a_decorative_image_is_an_artifact_and_an_image_with_alt_a_figure(tmp_path, settings):
    icon = "vendor/govuk-frontend/assets/images/govuk-icon-180.png"
    (tmp_path / "images.html").write_text(
        '{% extends "reporting/pdf/base.html" %}{% load static %}'
        "{% block title %}Images{% endblock %}{% block content %}<h1>Images</h1>"
        f'<p><img src="{{% static "{icon}" %}}" alt="" width="40" height="40"></p>'
        f'<p><img src="{{% static "{icon}" %}}" alt="The crown" width="40" height="40"></p>'
        '<p><svg aria-hidden="true" width="20" height="20"><rect width="20" height="20"/></svg>'
        "</p>{% endblock %}"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    rendered = render_pdf(template_name="images.html", context={})
    tree = tag_tree(rendered.pdf)
    assert [figure.alt for figure in tree.descendants("/Figure")] == ["The crown"]
    assert _tagged_content(rendered.pdf) == tree.marks
    result = check_accessibility(rendered.pdf)
    assert (result.problems, result.warnings) == ([], [])


def test_a_tree_not_as_laid_out_is_left_as_written_and_said(
    tmp_path, settings, monkeypatch, caplog
):
    """Were WeasyPrint to make its elements in another order, tables are not merged
    wrongly: they are left as WeasyPrint wrote them, and the log says so."""
    html_rows = "".join(f"<tr><td>Row {n}</td><td>Value {n}</td></tr>" for n in range(120))
    (tmp_path / "long.html").write_text(
        '{% extends "reporting/pdf/base.html" %}{% block title %}Rows{% endblock %}'
        "{% block content %}<h1>Rows</h1><table><caption>Rows</caption><thead><tr>"
        f'<th scope="col">Row</th><th scope="col">Value</th></tr></thead><tbody>{html_rows}'
        "</tbody></table>{% endblock %}"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    merged = tag_tree(render_pdf(template_name="long.html", context={}).pdf)
    monkeypatch.setattr(pdf_tags, "tag_layout", lambda document: pdf_tags.TagLayout())
    as_written = tag_tree(render_pdf(template_name="long.html", context={}).pdf)
    assert "Split tables left as written" in caplog.text
    assert len(merged.descendants("/Table")) == 1
    assert len(as_written.descendants("/Table")) >= 3
    for tree in (merged, as_written):
        rows = [
            row.text
            for table in tree.descendants("/Table")
            for group in table.children
            if group.kind == "/TBody"
            for row in group.descendants("/TR")
        ]
        assert rows == [f"Row {n} Value {n}" for n in range(120)]
