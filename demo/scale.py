"""N x Kent: synthetic partnerships at the demo's real shape, for measuring at scale.

One "Kent" (factor 1) is what the issue measured as 1x: 14 partnerships, 297 actions,
about 1,062 milestones and 5,099 status updates (21 actions a partnership, 3.6 milestones
and 17 updates an action). Factor N adds N such units of districts under the demo's county
(KCSP), so the county team sees every one of them, as it would a county N times Kent.

The people, partnerships, plans, priorities and themes go through the same services as
the demo loader (their rules hold). Actions, milestones, status updates and reports, tens
of thousands of rows, are written with bulk_create: the same rows the services write, in
the same shape (a change of status has a reason and its previous status; an action's
updates_version counts its updates; actions and milestones get their history rows), and
only INSERTs, which the append-only triggers allow.
"""

import hashlib
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from actions.models import Action, Milestone, Status, StatusUpdate
from actions.timescales import TimescaleKind
from csp_tracker.periods import Quarter
from plans.models import Membership, Partnership, Plan
from plans.services import agency_upsert, partnership_upsert, plan_create
from priorities.services import HeadingData, priority_create, theme_create
from reporting.models import ExceptionReport
from reporting.snapshot import exception_report_snapshot

PARTNERSHIPS_PER_UNIT = 14
ACTIONS_PER_UNIT = 297
MILESTONES_PER_ACTION = 3.58
# Quarterly updates from 2020/21 Q1 to 2023/24 Q3, this quarter's for some actions, and
# corrections: about 17.2 an action.
FIRST_QUARTER = Quarter(2020, 1)
LAST_FULL_QUARTER = Quarter(2023, 3)
THIS_QUARTER = Quarter(2023, 4)
UPDATED_THIS_QUARTER = 0.4
CORRECTIONS_PER_ACTION = 1.8
AGENCIES_PER_PARTNERSHIP = 4
PRIORITIES_PER_PLAN = 4
THEMES_PER_PLAN = 2
# Every generated sign-in has this password (printed by the command; for load tests).
PASSWORD = "scale-officer-password"
STATUSES = [Status.ON_TRACK, Status.ON_TRACK, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK]
WORDS = (
    "Partners met to review the delivery plan and agreed the next steps for the quarter; "
    "the working group reported progress against the agreed milestones and risks."
)


@dataclass
class ScaleReport:
    units: list[int] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int) -> None:
        self.created[what] = self.created.get(what, 0) + n


def _quarters(first: Quarter, last: Quarter) -> Iterator[Quarter]:
    quarter = first
    while (quarter.financial_year, quarter.number) <= (last.financial_year, last.number):
        yield quarter
        quarter = quarter.next


def _when(quarter: Quarter, rng: random.Random, minute: int = 0) -> datetime:
    day = quarter.end - timedelta(days=rng.randint(5, 25))
    return timezone.make_aware(datetime.combine(day, time(9, 0)) + timedelta(minutes=minute))


def unit_slug(unit: int, index: int) -> str:
    return f"scale-{unit}-{index}"


def officer_email(unit: int, index: int, agency: int) -> str:
    return f"officer{agency}@{unit_slug(unit, index)}.example"


def scale_generate(*, factor: int, seed: int = 15, reports: bool = True) -> ScaleReport:
    """Make the database hold factor units of Kent besides the demo; units already
    there are kept, so running it again with a larger factor adds only the difference."""
    county = Partnership.objects.filter(slug="kent").first()
    if county is None:
        county = partnership_upsert(
            slug="kent",
            name="Kent Community Safety Partnership",
            short_name="KCSP",
            kind=Partnership.Kind.COUNTY,
        )
    report = ScaleReport()
    password = make_password(PASSWORD)
    behind = 0  # units added since the statistics were last gathered
    for unit in range(1, factor + 1):
        if Partnership.objects.filter(slug=unit_slug(unit, 0)).exists():
            continue
        with transaction.atomic():
            _unit_generate(
                unit=unit,
                county=county,
                rng=random.Random(seed * 1000 + unit),
                password=password,
                report=report,
                reports=reports,
            )
        report.units.append(unit)
        behind += 1
        # Units 1 to unit are there now. Each unit's report snapshots are planned from the
        # statistics: gathered only at the end, they still described the tables as empty
        # (autovacuum off, or not yet round to them), and the planner scanned the whole
        # quarter's updates for every partnership (20 units in one run here: that query
        # took 0.09 s a unit at unit 1, 2.2 s at unit 20). Statistics up to a quarter
        # behind are close enough, and keep the ANALYZEs few.
        if behind >= max(1, unit // 4):
            _analyze()
            behind = 0
    if report.units and connection.vendor == "postgresql" and not connection.in_atomic_block:
        _vacuum()
    elif behind:
        _analyze()
    return report


def _analyze() -> None:
    """Fresh statistics after a bulk load: without them the planner guesses at tens of
    thousands of new rows (the 10x pages were 2-10 times slower until autovacuum got
    round to them, and autovacuum may be off)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _vacuum() -> None:
    """The tables as autovacuum keeps a served database, with fresh statistics: the dead
    rows of the load's own updates cleared and every page marked all-visible, so a count
    or a lookup can be answered from an index alone. On a 10x never vacuumed (this
    machine's PostgreSQL runs with autovacuum off), the county list's count read all 3,000
    actions' rows and 3,000 dead ones. (VACUUM cannot run in a transaction: a test's
    generation gathers the statistics alone.)"""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def _unit_generate(
    *,
    unit: int,
    county: Partnership,
    rng: random.Random,
    password: str,
    report: ScaleReport,
    reports: bool,
) -> None:
    partnerships = []
    for index in range(PARTNERSHIPS_PER_UNIT):
        slug = unit_slug(unit, index)
        agencies = [
            agency_upsert(short_name=f"{slug}-ag{a}", name=f"Agency {a} of scale {unit}.{index}")
            for a in range(AGENCIES_PER_PARTNERSHIP)
        ]
        partnership = partnership_upsert(
            slug=slug,
            name=f"Scale {unit}.{index} Community Safety Partnership",
            short_name=f"Scale {unit}.{index} CSP",
            kind=Partnership.Kind.DISTRICT,
            parent=county,
            agencies=agencies,
        )
        partnerships.append((partnership, agencies))
    report.add("partnerships", len(partnerships))
    report.add("agencies", len(partnerships) * AGENCIES_PER_PARTNERSHIP)

    # People: an officer of each agency, a coordinator and an executive member.
    users: list[User] = []
    roles: list[tuple[int, str, int | None]] = []
    for index, (_, agencies) in enumerate(partnerships):
        for a, agency in enumerate(agencies):
            users.append(
                User(
                    email=officer_email(unit, index, a), full_name=f"Officer {a}", password=password
                )
            )
            roles.append((index, Membership.Role.OFFICER, agency.pk))
        for role in (Membership.Role.COORDINATOR, Membership.Role.EXECUTIVE):
            users.append(
                User(
                    email=f"{role}@{unit_slug(unit, index)}.example",
                    full_name=str(role.label),
                    password=password,
                )
            )
            roles.append((index, role, None))
    User.objects.bulk_create(users)
    users = list(User.objects.filter(email__in=[u.email for u in users]).order_by("pk"))
    by_email = {u.email: u for u in users}
    Membership.objects.bulk_create(
        Membership(
            user=by_email[user.email],
            partnership=partnerships[index][0],
            role=role,
            agency_id=agency_id,
        )
        for user, (index, role, agency_id) in zip(users, roles, strict=True)
    )
    report.add("people", len(users))
    officers = {
        index: [u for u, (i, role, _) in zip(users, roles, strict=True) if i == index]
        for index in range(len(partnerships))
    }

    # Plans and their priorities and themes, through the services.
    actions: list[Action] = []
    leads: list[tuple[int, int]] = []
    for index, (partnership, agencies) in enumerate(partnerships):
        plan = plan_create(
            partnership=partnership,
            kind=Plan.Kind.COMMUNITY_SAFETY_PLAN,
            title=f"Scale {unit}.{index} Community Safety Plan 2020-2024",
            start_year=2020,
            end_year=2024,
            status=Plan.Status.PUBLISHED,
        )
        headings = [
            priority_create(
                plan=plan, data=HeadingData(number=n, title=f"Priority {n} of scale {unit}.{index}")
            )
            for n in range(1, PRIORITIES_PER_PLAN + 1)
        ]
        themes = [
            theme_create(plan=plan, data=HeadingData(number=n, title=f"Theme {n}"))
            for n in range(1, THEMES_PER_PLAN + 1)
        ]
        count = ACTIONS_PER_UNIT // PARTNERSHIPS_PER_UNIT + (
            1 if index < ACTIONS_PER_UNIT % PARTNERSHIPS_PER_UNIT else 0
        )
        for n in range(count):
            under_theme = n % 7 == 6
            theme = themes[n % len(themes)] if under_theme else None
            priority = None if under_theme else headings[n % len(headings)]
            parent = theme or priority
            assert parent is not None
            actions.append(
                Action(
                    plan=plan,
                    reference=f"{parent.number}.{n + 1}" if not under_theme else f"T{n + 1}",
                    priority=priority,
                    theme=theme,
                    order=n + 1,
                    title=f"Action {n + 1}: deliver the partnership's work on {parent.title}",
                    desired_outcome="Fewer victims and more confidence in the partnership.",
                    lineage=uuid.UUID(int=rng.getrandbits(128)),
                )
            )
            leads.append((len(actions) - 1, agencies[n % len(agencies)].pk))
    report.add("plans", len(partnerships))
    actions = bulk_create_with_history(actions, Action)
    if actions[0].pk is None:  # a database that does not return the keys
        actions = list(
            Action.objects.filter(plan__partnership__in=[p for p, _ in partnerships]).order_by(
                "plan__partnership_id", "order"
            )
        )
    Action.lead_agencies.through.objects.bulk_create(
        Action.lead_agencies.through(action_id=actions[i].pk, agency_id=agency_id)
        for i, agency_id in leads
    )
    report.add("actions", len(actions))

    milestones = _milestones(actions, rng)
    report.add("milestones", len(milestones))
    plan_partnership = {a.pk: a.plan.partnership_id for a in actions}
    partnership_index = {p.pk: i for i, (p, _) in enumerate(partnerships)}
    updates = _updates(
        actions,
        rng,
        author_of=lambda action: rng.choice(
            officers[partnership_index[plan_partnership[action.pk]]][:AGENCIES_PER_PARTNERSHIP]
        ),
    )
    report.add("status updates", len(updates))
    if reports:
        report.add("exception reports", _reports(partnerships=[p for p, _ in partnerships]))


def _milestones(actions: list[Action], rng: random.Random) -> list[Milestone]:
    milestones = []
    for action in actions:
        n = int(MILESTONES_PER_ACTION) + (1 if rng.random() < MILESTONES_PER_ACTION % 1 else 0)
        for m in range(n):
            due = date(2020, 6, 30) + timedelta(days=rng.randint(0, 4 * 365))
            kind = TimescaleKind.DUE if m < n - 1 else rng.choice(list(TimescaleKind))
            milestones.append(
                Milestone(
                    action=action,
                    order=m + 1,
                    description=f"Milestone {m + 1} of action {action.reference}",
                    timescale=due.strftime("%b %y") if kind == TimescaleKind.DUE else "Ongoing",
                    timescale_kind=kind.value,
                    due_date=due if kind == TimescaleKind.DUE else None,
                    done_date=(
                        due - timedelta(days=3)
                        if kind == TimescaleKind.DUE
                        and due < date(2024, 1, 1)
                        and rng.random() < 0.7
                        else None
                    ),
                )
            )
    return bulk_create_with_history(milestones, Milestone, batch_size=2000)


def _updates(
    actions: list[Action], rng: random.Random, *, author_of: Callable[[Action], User]
) -> list[StatusUpdate]:
    updates: list[StatusUpdate] = []
    counts: dict[int, int] = {}
    for action in actions:
        quarters = list(_quarters(FIRST_QUARTER, LAST_FULL_QUARTER))
        if rng.random() < UPDATED_THIS_QUARTER:
            quarters.append(THIS_QUARTER)
        extra = int(CORRECTIONS_PER_ACTION) + (
            1 if rng.random() < CORRECTIONS_PER_ACTION % 1 else 0
        )
        for q in rng.sample(quarters, k=min(extra, len(quarters))):
            quarters.append(q)
        quarters.sort(key=lambda q: (q.financial_year, q.number))
        status = ""
        completed = False
        for n, quarter in enumerate(quarters):
            before = status
            if not completed:
                status = rng.choice(STATUSES) if n else Status.ON_TRACK
                if quarter == quarters[-1] and rng.random() < 0.05:
                    status = Status.COMPLETED
            completed = status == Status.COMPLETED
            updates.append(
                StatusUpdate(
                    action=action,
                    **quarter.columns,
                    status=status,
                    previous_status=before,
                    commentary=WORDS,
                    # A change of status needs a reason (status_update_record).
                    reason=f"Now {Status(status).label.lower()}"
                    if before and before != status
                    else "",
                    author=author_of(action),
                    created_at=_when(quarter, rng, minute=n),
                )
            )
        counts[action.pk] = len(quarters)
    StatusUpdate.objects.bulk_create(updates, batch_size=2000)
    # updates_version counts the action's updates, as status_update_record raises it.
    for action in actions:
        action.updates_version = counts[action.pk]
    Action.objects.bulk_update(actions, ["updates_version"], batch_size=1000)
    return updates


# One stand-in PDF that every generated report points at (rendering thousands of real
# ones would take hours and measure WeasyPrint, which the benchmark does on its own).
STAND_IN_PDF = b"%PDF-1.7\n% a stand-in for a generated report\n%%EOF\n"


def _stand_in_pdf() -> tuple[str, str]:
    name = "exception-reports/scale/stand-in.pdf"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(STAND_IN_PDF))
    return name, hashlib.sha256(STAND_IN_PDF).hexdigest()


def _reports(*, partnerships: list[Partnership]) -> int:
    """Each partnership's reports for 2023/24 Q2 and Q3, Q3 built twice (two revisions):
    the real snapshot, so every report page opens, and a stand-in PDF."""
    now = timezone.now()
    pdf, sha256 = _stand_in_pdf()
    rows = []
    for partnership in partnerships:
        for quarter, revisions in ((Quarter(2023, 2), 1), (Quarter(2023, 3), 2)):
            snapshot = exception_report_snapshot(partnership=partnership, quarter=quarter)
            totals = snapshot["summary"]["totals"]
            for revision in range(1, revisions + 1):
                rows.append(
                    ExceptionReport(
                        partnership=partnership,
                        **quarter.columns,
                        revision=revision,
                        status=ExceptionReport.Status.READY,
                        snapshot=snapshot,
                        counts={t["key"]: t["count"] for t in totals},
                        created_at=now,
                        built_at=now,
                        pdf=pdf,
                        pdf_sha256=sha256,
                    )
                )
    ExceptionReport.objects.bulk_create(rows)
    return len(rows)
