"""A benchmark, not a test: how long the slow things take on this machine.

Run it after load_demo (it uses whatever database is configured and changes nothing):

    uv run python manage.py benchmark --repeat 3
"""

import statistics
import time
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from csp_tracker.budget import render_budget, run_within_budget
from csp_tracker.periods import Quarter
from plans.models import Partnership, Plan
from plans.text import (
    MAX_NESTING,
    MAX_SECTION_LENGTH,
    MAX_TABLE_CELLS,
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
    text_limit_errors,
)
from publishing.services import document_render
from publishing.snapshot import DocumentSnapshot, document_snapshot
from reporting.pdf import BASE_URL, _fetcher_class, check_accessibility, render_pdf
from reporting.snapshot import exception_report_snapshot


class Rollback(Exception):
    pass


def largest_allowed_section() -> str:
    """Section text at every limit at once: lists nested MAX_NESTING deep, a table of
    MAX_TABLE_ROWS rows and the columns that make MAX_TABLE_CELLS cells, filled with words
    to MAX_SECTION_LENGTH characters."""
    columns = min(MAX_TABLE_COLUMNS, MAX_TABLE_CELLS // MAX_TABLE_ROWS)
    rows = MAX_TABLE_CELLS // columns - 1
    nested = "\n".join(
        "    " * level + f"- Level {level + 1} of the list" for level in range(MAX_NESTING)
    )
    head = "|" + "".join(f" Column {c + 1} |" for c in range(columns))
    rule = "|" + "---|" * columns
    budget = MAX_SECTION_LENGTH - len(nested) - 2 - (len(head) + len(rule) + 2) - 200
    cell_length = budget // (rows * columns) - 3
    words = ("Partners met and agreed the next steps for the year " * 20)[:cell_length].strip()
    body = ["|" + f" {words} |" * columns for _ in range(rows)]
    text = nested + "\n\n" + "\n".join([head, rule, *body])
    assert len(text) <= MAX_SECTION_LENGTH and not text_limit_errors(text, label="Section text")
    return text


# The plan with one section at every text limit (plans/text.py).
LARGEST_BUDGETED = "largest section: plan PDF within the budget"
LARGEST_RAW = "largest section: raw WeasyPrint, same HTML"


def _render_document(snapshot: DocumentSnapshot) -> bytes:
    return document_render(snapshot=snapshot).pdf


def _raw_weasyprint(html: str) -> bytes:
    """WeasyPrint alone on the same HTML, with the same fetcher and PDF/UA variant."""
    from weasyprint import HTML

    fetcher = _fetcher_class()([])
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(
        pdf_variant="pdf/ua-1"
    )


class Command(BaseCommand):
    help = "Time the slow parts: report snapshots, PDF renders and checks, the busiest pages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=3)

    def handle(self, *args: object, repeat: int = 3, **options: object) -> None:
        swale = Partnership.objects.get(slug="swale")
        quarter = Quarter(2023, 3)
        plan = Plan.objects.get(partnership=swale, start_year=2023)
        csa = Plan.objects.filter(kind=Plan.Kind.CSA).first()
        snapshot = exception_report_snapshot(partnership=swale, quarter=quarter)
        report_pdf = render_pdf(
            template_name="reporting/pdf/exception_report.html",
            context={"report": None, "snapshot": snapshot, "pdf": True, "site_url": ""},
        ).pdf

        def page(user: str, name: str, **kwargs: object) -> Callable[[], object]:
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(User.objects.get(email=user))
            url = reverse(name, kwargs=kwargs or None)

            def get() -> object:
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
                return response

            return get

        largest = document_snapshot(plan=plan)
        largest["sections"] = [
            {
                "id": "section-largest",
                "title": "Largest allowed",
                "body": largest_allowed_section(),
                "generated": "",
            }
        ]
        largest_html = document_render(snapshot=largest).html
        cases: list[tuple[str, Callable[[], object]]] = [
            (
                LARGEST_BUDGETED,
                lambda: run_within_budget(
                    _render_document, largest, budget=render_budget(), what="The document"
                ),
            ),
            (LARGEST_RAW, lambda: _raw_weasyprint(largest_html)),
            (
                "exception report snapshot (Swale 2023/24 Q3)",
                lambda: exception_report_snapshot(partnership=swale, quarter=quarter),
            ),
            (
                "exception report PDF render",
                lambda: render_pdf(
                    template_name="reporting/pdf/exception_report.html",
                    context={"report": None, "snapshot": snapshot, "pdf": True, "site_url": ""},
                ),
            ),
            ("PDF accessibility check (report)", lambda: check_accessibility(report_pdf)),
            (
                "Swale plan PDF render",
                lambda: document_render(snapshot=document_snapshot(plan=plan), draft=True),
            ),
            ("page: all actions (officer)", page("officer@swale.example", "actions:list")),
            ("page: your actions (officer)", page("officer@swale.example", "actions:mine")),
            (
                "page: plan overview (coordinator)",
                page("coordinator@swale.example", "plans:overview", pk=plan.pk),
            ),
        ]
        if csa is not None:
            cases.append(
                (
                    "CSA PDF render",
                    lambda: document_render(snapshot=document_snapshot(plan=csa), draft=True),
                )
            )
        self.stdout.write(f"{'what':50} {'median':>9} {'min':>9} {'queries':>8}")
        medians: dict[str, float] = {}
        for label, run in cases:
            timings, queries = [], 0
            for _ in range(repeat):
                try:
                    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                        start = time.perf_counter()
                        run()
                        timings.append(time.perf_counter() - start)
                        queries = len(captured)
                        raise Rollback
                except Rollback:
                    pass
            medians[label] = statistics.median(timings)
            self.stdout.write(
                f"{label:50} {medians[label] * 1000:8.0f}ms "
                f"{min(timings) * 1000:8.0f}ms {queries:8d}"
            )
        ratio = medians[LARGEST_BUDGETED] / medians[LARGEST_RAW]
        self.stdout.write(f"{'largest section: ratio to raw WeasyPrint':50} {ratio:8.2f}x")
