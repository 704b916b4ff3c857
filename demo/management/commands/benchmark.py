"""A benchmark, not a test: how long the slow things take on this machine.

Run it after load_demo, and generate_scale for N x Kent (it uses whatever database is
configured and changes nothing):

    uv run python manage.py benchmark --repeat 3

Three tables: the slow parts (PDFs, their ratio to WeasyPrint alone on the same HTML);
each page's time and queries and its ratio to a bare page (base.html for a signed-in
person, demo/bench_urls.py, served only here); and the exception report snapshots of
every partnership against one SQL query returning the same rows (each action in scope with
its status this quarter and last, its latest update and its overdue milestones).
"""

import os
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.db.models import QuerySet
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from actions.models import Action, Status, UpdateReview
from actions.selectors import my_actions
from csp_tracker import clock
from csp_tracker.budget import render_budget, run_within_budget
from csp_tracker.periods import Quarter
from plans.models import Partnership, Plan
from plans.selectors import plans_in_force
from plans.text import (
    MAX_NESTING,
    MAX_SECTION_LENGTH,
    MAX_TABLE_CELLS,
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
    text_limit_errors,
)
from publishing.services import document_files, document_make, document_render
from publishing.snapshot import DocumentSnapshot, document_snapshot
from reporting.models import ExceptionReport
from reporting.pdf import BASE_URL, _fetcher_class, check_accessibility, render_pdf
from reporting.snapshot import (
    ReportSnapshot,
    exception_report_snapshot,
    exception_report_snapshots,
    partnerships_with_plans_for,
    report_as_at,
)


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


def _raw_weasyprint(html: str, files: dict[str, bytes] | None = None) -> bytes:
    """WeasyPrint alone on the same HTML, with the same fetcher (and the same images)
    and PDF/UA variant."""
    from weasyprint import HTML

    fetcher = _fetcher_class()([], files or {})
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(
        pdf_variant="pdf/ua-1"
    )


def _cpu_seconds() -> float:
    """This process's CPU time and its finished children's (the publish path renders in
    a child): on a shared machine, steadier than the time on the clock."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _published(snapshot: DocumentSnapshot) -> bytes:
    made, problems = document_make(snapshot=snapshot)
    if made is None or problems:
        raise SystemExit(f"The document would not be published: {problems}")
    return made.pdf


def _raw_weasyprint_ratio(
    label: str,
    render: Callable[[], str],
    repeat: int,
    files: dict[str, bytes] | None = None,
) -> tuple[str, float]:
    """The render's time over WeasyPrint's alone on the HTML it rendered."""
    html = render()
    ours = _median(lambda: render(), repeat)
    raw = _median(lambda: _raw_weasyprint(html, files), repeat)
    return label, ours / raw


def _median(run: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def snapshot_rows_sql(*, quarter: Quarter, as_at: date) -> tuple[str, list[Any]]:
    """One query for the rows every partnership's report is built from: each action of a
    plan in force, its latest update as of the quarter (its quarter, status, commentary,
    reason, when) and as of the previous quarter (across its lineage), and how many of its
    milestones are overdue. The yardstick of the snapshots: what the database needs to do
    anyway, so it applies the snapshots' rules (reporting/snapshot.py), written by hand:

    * only updates that count: not submitted and still waiting for sign-off (nor
      returned), as ``actions.selectors._signed_off``;
    * overdue as ``actions.selectors.milestones_overdue``: due before the as-at day (or
      on it, once it is over: a report as at the quarter's end), not done by then, of an
      action not completed as of the quarter."""
    plans_sql, plans_params = (
        plans_in_force(financial_year=quarter.financial_year).values("pk").query.sql_with_params()
    )
    passed = as_at + timedelta(days=1) if as_at >= quarter.end else as_at
    submitted, approved = (
        UpdateReview.Decision.SUBMITTED.value,
        UpdateReview.Decision.APPROVED.value,
    )
    completed = Status.COMPLETED.value
    # One window pass finds both latest updates: ranked within the action and whether the
    # update reports on the quarter itself, the latest of the quarter (if any) and the
    # latest before it (as of the previous quarter). Keys only are ranked; the text is
    # read for the winners.
    sql = f"""
        WITH scope AS (
            SELECT a.id, a.lineage, a.reference, a.title, p.partnership_id
            FROM actions_action a JOIN plans_plan p ON p.id = a.plan_id
            WHERE a.plan_id IN ({plans_sql})
        ),
        latest AS (
            SELECT ranked.action_id, ranked.mine, w.financial_year, w.quarter, w.status,
                   w.commentary, w.reason, w.created_at
            FROM (
                SELECT s.id AS action_id, u.id AS update_id,
                       u.financial_year = %s AND u.quarter = %s AS mine,
                       ROW_NUMBER() OVER (
                           PARTITION BY s.id, u.financial_year = %s AND u.quarter = %s
                           ORDER BY u.financial_year DESC, u.quarter DESC, u.created_at DESC,
                                    u.id DESC
                       ) AS rn
                FROM scope s
                JOIN actions_action a2 ON a2.lineage = s.lineage
                JOIN actions_statusupdate u ON u.action_id = a2.id
                WHERE (u.financial_year < %s OR (u.financial_year = %s AND u.quarter <= %s))
                  AND NOT EXISTS (
                      SELECT 1 FROM actions_updatereview r
                      WHERE r.update_id = u.id AND r.decision = '{submitted}'
                        AND NOT EXISTS (
                            SELECT 1 FROM actions_updatereview r2
                            WHERE r2.update_id = u.id AND r2.decision = '{approved}'
                        )
                  )
            ) ranked
            JOIN actions_statusupdate w ON w.id = ranked.update_id
            WHERE ranked.rn = 1
        ),
        od AS (
            SELECT m.action_id, COUNT(*) AS n FROM actions_milestone m
            JOIN scope s ON s.id = m.action_id
            WHERE m.due_date < %s AND (m.done_date IS NULL OR m.done_date > %s)
            GROUP BY m.action_id
        )
        SELECT s.partnership_id, s.id, s.reference, s.title,
               COALESCE(cur.financial_year, prev.financial_year),
               COALESCE(cur.quarter, prev.quarter), COALESCE(cur.status, prev.status),
               COALESCE(cur.commentary, prev.commentary), COALESCE(cur.reason, prev.reason),
               COALESCE(cur.created_at, prev.created_at),
               prev.financial_year, prev.quarter, prev.status,
               CASE WHEN COALESCE(cur.status, prev.status) = '{completed}' THEN 0
                    ELSE COALESCE(od.n, 0) END
        FROM scope s
        LEFT JOIN latest cur ON cur.action_id = s.id AND cur.mine
        LEFT JOIN latest prev ON prev.action_id = s.id AND NOT prev.mine
        LEFT JOIN od ON od.action_id = s.id
        ORDER BY s.partnership_id, s.id
    """
    year, number = quarter.financial_year, quarter.number
    params: list[Any] = [
        *plans_params,
        *(year, number, year, number),
        *(year, year, number),
        *(passed, as_at),
    ]
    return sql, params


def _raw_snapshot_rows(quarter: Quarter, as_at: date) -> list[tuple[object, ...]]:
    sql, params = snapshot_rows_sql(quarter=quarter, as_at=as_at)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _all_snapshots(partnerships: QuerySet[Partnership], quarter: Quarter) -> int:
    """As the quarterly sweep takes them: every partnership's at once."""
    return len(exception_report_snapshots(partnerships=list(partnerships), quarter=quarter))


def _first(emails: list[str]) -> User:
    for email in emails:
        user = User.objects.filter(email=email).first()
        if user is not None:
            return user
    raise SystemExit(f"None of {emails} is here: run load_demo first")


class Command(BaseCommand):
    help = "Time the slow parts: report snapshots, PDF renders and checks, the busiest pages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=3)
        parser.add_argument(
            "--pages-only", action="store_true", help="Only the pages and the snapshots."
        )

    def handle(
        self, *args: object, repeat: int = 3, pages_only: bool = False, **options: object
    ) -> None:
        self._warn_if_never_vacuumed()
        if not pages_only:
            self._slow_parts(repeat)
        with override_settings(ROOT_URLCONF="demo.bench_urls"):
            self._pages(repeat)
        self._snapshots(repeat)

    def _warn_if_never_vacuumed(self) -> None:
        """Say so when the actions' table has not been vacuumed (autovacuum off, data just
        loaded): its pages not all-visible, every count reads the table's rows, live and
        dead, where a served database's reads its index alone, and the pages measure slower
        than they are served (generate_scale ends with VACUUM (ANALYZE))."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relpages, relallvisible FROM pg_class WHERE relname = %s",
                [Action._meta.db_table],
            )
            pages, visible = cursor.fetchone() or (0, 0)
        if pages and visible < pages / 2:
            self.stderr.write(
                f"Only {visible} of {Action._meta.db_table}'s {pages} pages are all-visible: "
                "the database has not been vacuumed as autovacuum would. Run VACUUM (ANALYZE) "
                "first, or these times are not those of a served database."
            )

    def _slow_parts(self, repeat: int) -> None:
        swale = Partnership.objects.get(slug="swale")
        quarter = Quarter(2023, 3)
        plan = Plan.objects.get(partnership=swale, start_year=2023)
        csa = Plan.objects.filter(kind=Plan.Kind.CSA).first()
        snapshot = exception_report_snapshot(partnership=swale, quarter=quarter)
        report_pdf = render_pdf(
            template_name="reporting/pdf/exception_report.html",
            context={"report": None, "snapshot": snapshot, "pdf": True, "site_url": ""},
        ).pdf

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
            (LARGEST_RAW, lambda: _raw_weasyprint(largest_html, document_files(largest))),
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
            medians[label], fastest, queries = self._run(run, repeat)
            self.stdout.write(
                f"{label:50} {medians[label] * 1000:8.0f}ms {fastest * 1000:8.0f}ms {queries:8d}"
            )
        ratio = medians[LARGEST_BUDGETED] / medians[LARGEST_RAW]
        self.stdout.write(f"{'largest section: ratio to raw WeasyPrint':50} {ratio:8.2f}x")
        ratios = [
            _raw_weasyprint_ratio(
                "exception report PDF: ratio to raw WeasyPrint",
                lambda: (
                    render_pdf(
                        template_name="reporting/pdf/exception_report.html",
                        context={"report": None, "snapshot": snapshot, "pdf": True, "site_url": ""},
                    ).html
                ),
                repeat,
            ),
            _raw_weasyprint_ratio(
                "Swale plan PDF: ratio to raw WeasyPrint",
                lambda: document_render(snapshot=document_snapshot(plan=plan), draft=True).html,
                repeat,
                files=document_files(document_snapshot(plan=plan)),
            ),
        ]
        for label, value in ratios:
            self.stdout.write(f"{label:50} {value:8.2f}x")
        self._publish_paths(repeat, snapshot, [("Swale plan", plan), ("CSA", csa)])

    def _publish_paths(
        self,
        repeat: int,
        report_snapshot: ReportSnapshot,
        plans: list[tuple[str, Plan | None]],
    ) -> None:
        """Each part of publishing a document, and of building an exception report,
        against WeasyPrint alone on the same HTML with the same fetcher and images: the
        whole publish path (publishing.services.document_make: the text limits, the
        render, the tag tree step and the accessibility check in the budgeted child
        process, the answer sent back) is what must stay within 1.15x."""
        self.stdout.write(
            f"\n{'publish path, parts (median of ' + str(repeat) + ')':50} "
            f"{'wall':>9} {'to raw':>8} {'CPU':>9} {'to raw':>8}"
        )
        report_context = {"report": None, "snapshot": report_snapshot, "pdf": True, "site_url": ""}
        report = render_pdf(
            template_name="reporting/pdf/exception_report.html", context=report_context
        )
        cases: list[tuple[str, str, dict[str, bytes], dict[str, Callable[[], object]]]] = [
            (
                "exception report",
                report.html,
                {},
                {
                    "render + tag step (a report build)": lambda: render_pdf(
                        template_name="reporting/pdf/exception_report.html",
                        context=report_context,
                    ),
                    "render + tag step + check": lambda: render_pdf(
                        template_name="reporting/pdf/exception_report.html",
                        context=report_context,
                        check=True,
                    ),
                    "the check alone, of the bytes": lambda: check_accessibility(report.pdf),
                },
            )
        ]
        for name, plan in plans:
            if plan is None:
                continue
            doc = document_snapshot(plan=plan)
            rendered = document_render(snapshot=doc)
            cases.append(
                (
                    name,
                    rendered.html,
                    document_files(doc),
                    {
                        "render + tag step": partial(document_render, snapshot=doc),
                        "render + tag step + check": partial(
                            document_render, snapshot=doc, check=True
                        ),
                        "the check alone, of the bytes": partial(check_accessibility, rendered.pdf),
                        "whole publish path (document_make)": partial(_published, doc),
                    },
                )
            )
        for name, html, files, parts in cases:
            runs: dict[str, Callable[[], object]] = {
                "raw WeasyPrint, same HTML": partial(_raw_weasyprint, html, files),
                **parts,
            }
            wall: dict[str, list[float]] = {label: [] for label in runs}
            cpu: dict[str, list[float]] = {label: [] for label in runs}
            for _ in range(repeat):  # interleaved: a busy machine slows all alike
                for label, run in runs.items():
                    start, start_cpu = time.perf_counter(), _cpu_seconds()
                    run()
                    wall[label].append(time.perf_counter() - start)
                    cpu[label].append(_cpu_seconds() - start_cpu)
            raw = statistics.median(wall["raw WeasyPrint, same HTML"])
            raw_cpu = statistics.median(cpu["raw WeasyPrint, same HTML"])
            for label in runs:
                median, median_cpu = statistics.median(wall[label]), statistics.median(cpu[label])
                self.stdout.write(
                    f"{name + ': ' + label:50} {median * 1000:8.0f}ms {median / raw:7.2f}x "
                    f"{median_cpu * 1000:8.0f}ms {median_cpu / raw_cpu:7.2f}x"
                )

    def _run(self, run: Callable[[], object], repeat: int) -> tuple[float, float, int]:
        """Median and minimum seconds and the queries of one run, each rolled back."""
        measured = [self._measured(run) for _ in range(repeat)]
        timings = [seconds for seconds, _ in measured]
        return statistics.median(timings), min(timings), measured[-1][1]

    @staticmethod
    def _measured(run: Callable[[], object]) -> tuple[float, int]:
        """Seconds and queries of one run, rolled back. The queries are counted by a
        wrapper that only counts: the debug cursor's capture of each query's SQL weighed
        on the pages with more queries than the bare one."""
        queries = 0

        def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        try:
            with transaction.atomic(), connection.execute_wrapper(counted):
                start = time.perf_counter()
                run()
                elapsed = time.perf_counter() - start
                raise Rollback
        except Rollback:
            return elapsed, queries

    @staticmethod
    def _measured_as_served(run: Callable[[], object]) -> tuple[float, int]:
        """Seconds and queries of one request as a web process serves it: in its own
        transaction (ATOMIC_REQUESTS), committed. Not rolled back as _measured is: on
        ROLLBACK psycopg deallocates every prepared statement, so each page's queries would
        be planned afresh as they never are in production. A page that writes fails."""
        queries = 0
        writes: list[str] = []

        def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal queries
            queries += 1
            # (A UNION's SQL on PostgreSQL starts with its first part in brackets.)
            if not sql.lstrip(" (").upper().startswith(("SELECT", "SAVEPOINT", "RELEASE")):
                writes.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            start = time.perf_counter()
            run()
            elapsed = time.perf_counter() - start
        if writes:
            raise SystemExit(f"A page wrote to the database: {writes[0][:200]}")
        return elapsed, queries

    def _pages(self, repeat: int) -> None:
        """Each page against the bare page, for the people who use it most."""
        officer = _first(["officer0@scale-1-0.example", "officer@swale.example"])
        coordinator = _first(["coordinator@scale-1-0.example", "coordinator@swale.example"])
        county_admin = _first(["admin@kcst.example"])
        action = (
            Action.objects.filter(
                lead_agencies__memberships__user=officer, plan__status=Plan.Status.PUBLISHED
            ).first()
            or Action.objects.filter(plan__partnership__memberships__user=officer).first()
        )
        plan = Plan.objects.filter(partnership__memberships__user=coordinator).first()
        report = (
            ExceptionReport.objects.filter(
                partnership__memberships__user=coordinator,
                status=ExceptionReport.Status.READY,
            )
            .order_by("-financial_year", "-quarter", "-revision")
            .first()
        )
        if action is None or plan is None:
            raise SystemExit("No action or plan of the benchmark's officer: run load_demo")
        if not my_actions(user=officer).actions:
            # "Your actions" lists only plans in force on the clock's day: an empty list
            # would be measured as if it were the page (the demo's plans end in 2025).
            raise SystemExit(
                f"The officer's actions are not in force on {clock.today()}: set CSP_TODAY "
                "to a day of the demo's plans (the local settings use 2024-01-15)"
            )

        def page(user: User | None, name: str, **kwargs: object) -> Callable[[], object]:
            client = Client(HTTP_HOST="127.0.0.1")
            if user is not None:
                client.force_login(user)
            url = reverse(name, kwargs=kwargs or None)

            def get() -> object:
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
                return response

            get()  # warm: the first request of a client loads what later ones reuse
            return get

        cases: list[tuple[str, Callable[[], object]]] = [
            ("bare page: base.html, signed in", page(officer, "benchmark_bare")),
            ("your actions (officer)", page(officer, "actions:mine")),
            ("all actions (officer)", page(officer, "actions:list")),
            ("action list (county admin)", page(county_admin, "actions:list")),
            ("action detail (officer)", page(officer, "actions:detail", pk=action.pk)),
            ("update form (officer)", page(officer, "actions:update", pk=action.pk)),
            ("plan overview (coordinator)", page(coordinator, "plans:overview", pk=plan.pk)),
            ("report list (county admin)", page(county_admin, "reporting:index")),
            ("/published/ (signed out)", page(None, "public:list")),
        ]
        if report is not None:
            cases.append(
                ("report (coordinator)", page(coordinator, "reporting:detail", pk=report.pk))
            )
        self.stdout.write(f"\n{'page':50} {'median':>9} {'min':>9} {'queries':>8} {'ratio':>7}")
        # Interleaved, a round of every page at a time: a busy moment of the machine slows
        # the pages of one round alike, not one page's runs.
        timings: dict[str, list[float]] = {label: [] for label, _ in cases}
        queries: dict[str, int] = {}
        for _ in range(repeat):
            for label, run in cases:
                seconds, queries[label] = self._measured_as_served(run)
                timings[label].append(seconds)
        bare = statistics.median(timings[cases[0][0]])
        for label, _ in cases:
            median = statistics.median(timings[label])
            self.stdout.write(
                f"page: {label:44} {median * 1000:8.1f}ms {min(timings[label]) * 1000:8.1f}ms "
                f"{queries[label]:8d} {median / bare:6.1f}x"
            )

    def _snapshots(self, repeat: int) -> None:
        """Every partnership's exception report snapshot against one SQL query."""
        quarter = Quarter(2023, 3)
        as_at = report_as_at(quarter=quarter, today=quarter.end + timedelta(days=5))
        partnerships = partnerships_with_plans_for(quarter=quarter)
        count = partnerships.count()
        rows = len(_raw_snapshot_rows(quarter, as_at))
        snapshots, _, queries = self._run(lambda: _all_snapshots(partnerships, quarter), repeat)
        raw, _, _ = self._run(lambda: _raw_snapshot_rows(quarter, as_at), repeat)
        self.stdout.write(
            f"\nreport snapshots, all {count} partnerships ({rows} actions), {quarter}:\n"
            f"{'  snapshots, all partnerships at once':50} {snapshots * 1000:8.0f}ms "
            f"{queries:8d} queries\n"
            f"{'  one SQL query, the same rows':50} {raw * 1000:8.0f}ms\n"
            f"{'report snapshots: ratio to raw SQL':50} {snapshots / raw:8.1f}x"
        )
