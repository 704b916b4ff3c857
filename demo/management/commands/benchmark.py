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
from csp_tracker.periods import Quarter
from plans.models import Partnership, Plan
from publishing.services import document_render
from publishing.snapshot import document_snapshot
from reporting.pdf import check_accessibility, render_pdf
from reporting.snapshot import exception_report_snapshot


class Rollback(Exception):
    pass


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

        cases: list[tuple[str, Callable[[], object]]] = [
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
            self.stdout.write(
                f"{label:50} {statistics.median(timings) * 1000:8.0f}ms "
                f"{min(timings) * 1000:8.0f}ms {queries:8d}"
            )
