"""Load the Kent demo data (fixtures/demo/*.json, taken from the seed documents) through
the same services the app uses. Idempotent: what exists already is left as it is."""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import two_factor_required
from accounts.services import two_factor_device_provision
from actions.importing import action_import_apply, action_import_check, table_read
from actions.models import Action, StatusUpdate
from actions.services import ActionData, Figure, MilestoneData, action_create, status_update_record
from csp_tracker.periods import Quarter, parse_period
from demo.documents import demo_images_load
from partnerships.services import (
    invitation_accept,
    invitation_create,
    partnership_agency_add,
    partnership_create,
)
from performance.models import Grant, Indicator
from performance.periods import Frequency, Period
from performance.services import (
    BidData,
    GrantData,
    IndicatorData,
    ProjectData,
    bid_decide,
    bid_submit,
    grant_create,
    indicator_create,
    indicator_value_from_update,
    indicator_value_record,
    project_create,
    project_status_record,
)
from plans.models import Agency, Membership, Partnership, Plan
from plans.selectors import plans_in_force
from plans.services import (
    VersionChange,
    agency_upsert,
    membership_grant,
    partnership_upsert,
    plan_create,
    plan_section_create,
    plan_version_record,
)
from priorities.lists import list_from_text
from priorities.models import PriorityCategory
from priorities.services import (
    HeadingData,
    assessment_choice_record,
    category_upsert,
    pcc_plan_upsert,
    priority_create,
    theme_create,
)

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    partnership: str | None
    role: str | None
    agency: str | None = None
    is_superuser: bool = False


# The service administrator runs the service for every partnership: sets partnerships up
# (Medway, below) and is the only one who uses the Django admin.
SERVICE_ADMIN = DemoUser(
    "service-admin@csp-tracker.example", "Sasha Service", None, None, is_superuser=True
)

DEMO_USERS = [
    DemoUser("officer@swale.example", "Sam Officer", "swale", Membership.Role.OFFICER, "Swale BC"),
    DemoUser(
        "coordinator@swale.example",
        "Chris Coordinator",
        "swale",
        Membership.Role.COORDINATOR,
        "CSU",
    ),
    DemoUser(
        "executive@swale.example",
        "Alex Executive",
        "swale",
        Membership.Role.EXECUTIVE,
        "Kent Police",
    ),
    DemoUser(
        "admin@kcst.example",
        "Kim County",
        "kent",
        Membership.Role.COUNTY_ADMIN,
        "KCST",
    ),
    DemoUser(
        "coordinator@gravesham.example",
        "Gene Gravesham",
        "gravesham",
        Membership.Role.COORDINATOR,
        "Gravesham BC",
    ),
    SERVICE_ADMIN,
]


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    # Email → the key of the demo authenticator app (base32), for those who must use one.
    two_factor_keys: dict[str, str] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def demo_password(email: str) -> str:
    """Stable per deployment (derived from SECRET_KEY), so a second load changes nothing."""
    digest = hmac.new(settings.SECRET_KEY.encode(), email.encode(), hashlib.sha256).hexdigest()
    return f"demo-{digest[:12]}"


def demo_two_factor_key(email: str) -> str:
    """The demo authenticator app's key (hex), stable per deployment like the password."""
    message = f"two-factor:{email}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:40]


def _read(name: str) -> Any:
    return json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))


@transaction.atomic
def load_demo() -> LoadReport:
    report = LoadReport()
    kent = _read("kent.json")
    agencies = _load_agencies(kent, report)
    partnerships = _load_partnerships(kent, agencies, report)
    categories = _load_categories(kent, report)
    pcc = kent["pcc_plan"]
    pcc_plan_upsert(
        area=partnerships["kent"],
        title=pcc["title"],
        period=pcc["period"],
        author=pcc.get("author", ""),
        priorities=pcc["priorities"],
    )
    for name in ("csa-2024.json", "swale-2023-24.json"):
        _load_plan(_read(name), partnerships, agencies, categories, report)
    _load_assessment_choices(kent, partnerships, categories, report)
    users = _load_users(partnerships, agencies, report)
    for row in kent["partnerships"]:
        if "first_coordinator" in row:
            _onboard(row, agencies, users[SERVICE_ADMIN.email], report)
    swale_plan = Plan.objects.get(partnership__slug="swale", start_year=2023, end_year=2024)
    _load_sample_updates(swale_plan, _read("sample-updates.json"), users, report)
    csa = Plan.objects.get(partnership__slug="kent", kind=Plan.Kind.CSA, start_year=2024)
    _load_action_plan_spreadsheet(csa, CSA_ACTION_PLAN, users["admin@kcst.example"], report)
    _load_performance(_read("performance.json"), partnerships, agencies, users, report)
    demo_images_load(report)
    return report


# The CSA's rolling action plan, as a coordinator would bring it in: a spreadsheet read by
# the import (actions/importing.py). Its actions are those the seeds name (the 2019 refresh
# report's rolling actions and links to other groups, the 2023/24 Crime Reduction Grant
# projects in the March 2024 meeting pack); words the seeds do not give (most desired
# outcomes, milestones and timescales) are invented and end "(sample data)".
CSA_ACTION_PLAN = "csa-2024-action-plan.csv"


def _load_action_plan_spreadsheet(plan: Plan, name: str, user: User, report: LoadReport) -> None:
    table = table_read(content=(DEMO_DIR / name).read_bytes())
    preview = action_import_check(plan=plan, table=table)
    if preview.problems:
        raise ValueError(f"{name}: " + "; ".join(str(p) for p in preview.problems))
    result = action_import_apply(plan=plan, table=table, user=user)
    if result.created:
        report.count("actions", result.created)
    if result.headings_added:
        report.count("headings", result.headings_added)


def _load_agencies(kent: dict[str, Any], report: LoadReport) -> dict[str, Agency]:
    agencies = {}
    for row in kent["agencies"]:
        existed = Agency.objects.filter(short_name=row["short_name"]).exists()
        agencies[row["short_name"]] = agency_upsert(
            short_name=row["short_name"],
            name=row["name"],
            kind=row["kind"],
            is_responsible_authority=row.get("responsible_authority", False),
        )
        if not existed:
            report.count("agencies")
    return agencies


def _load_partnerships(
    kent: dict[str, Any], agencies: dict[str, Agency], report: LoadReport
) -> dict[str, Partnership]:
    partnerships: dict[str, Partnership] = {}
    # Partnerships with a first coordinator are set up as a service administrator would
    # (_onboard), after the people.
    rows = sorted(
        (r for r in kent["partnerships"] if "first_coordinator" not in r),
        key=lambda r: r["parent"] is not None,
    )
    for row in rows:
        existed = Partnership.objects.filter(slug=row["slug"]).exists()
        partnerships[row["slug"]] = partnership_upsert(
            slug=row["slug"],
            name=row["name"],
            short_name=row["short_name"],
            kind=row["kind"],
            parent=partnerships[row["parent"]] if row["parent"] else None,
            agencies=[agencies[a] for a in row.get("agencies", [])],
        )
        if not existed:
            report.count("partnerships")
    return partnerships


def _load_categories(kent: dict[str, Any], report: LoadReport) -> dict[str, PriorityCategory]:
    categories = {}
    for row in kent["priority_categories"]:
        existed = PriorityCategory.objects.filter(name=row["name"]).exists()
        categories[row["name"]] = category_upsert(
            name=row["name"], order=row["order"], includes=row.get("includes", "")
        )
        if not existed:
            report.count("priority categories")
    return categories


def _load_plan(
    doc: dict[str, Any],
    partnerships: dict[str, Partnership],
    agencies: dict[str, Agency],
    categories: dict[str, PriorityCategory],
    report: LoadReport,
) -> Plan:
    partnership = partnerships[doc["partnership"]]
    period = parse_period(doc["period"])
    if period is None:
        raise ValueError(f"The demo plan's period {doc['period']!r} is not like 2023/24")
    start, end = period
    existing = Plan.objects.filter(
        partnership=partnership, kind=doc["kind"], start_year=start, end_year=end
    ).first()
    if existing:
        return existing
    plan = plan_create(
        partnership=partnership,
        kind=doc["kind"],
        title=doc["title"],
        start_year=start,
        end_year=end,
        status=doc.get("status", Plan.Status.DRAFT),
    )
    report.count("plans")
    for section in doc.get("sections", []):
        plan_section_create(
            plan=plan,
            title=section["title"],
            body=section.get("body", ""),
            is_restricted=section.get("restricted", False),
            generated=section.get("generated", ""),
            starts_new_page=section.get("starts_new_page", False),
        )
        report.count("sections")

    def heading(row: dict[str, Any]) -> HeadingData:
        names = row.get("categories") or ([row["category"]] if row.get("category") else [])
        return HeadingData(
            lead_agencies=[agencies[a] for a in row.get("lead_agencies", [])],
            number=row["number"],
            title=row["title"],
            summary=row.get("summary", ""),
            facts=list_from_text(row.get("facts", "")),
            includes=list_from_text(row.get("includes", "")),
            outcomes=list_from_text(row.get("outcomes", "")),
            lead=row.get("lead", "") or "",
            categories=[categories[name] for name in names],
            note=row.get("note", "") or "",
        )

    priorities = {
        row["number"]: priority_create(plan=plan, data=heading(row))
        for row in doc.get("priorities", [])
    }
    themes = {
        row["number"]: theme_create(plan=plan, data=heading(row)) for row in doc.get("themes", [])
    }
    report.count("priorities", len(priorities))
    report.count("themes", len(themes))
    for version in doc.get("versions", []):
        plan_version_record(
            plan=plan,
            number=version["number"],
            effective_date=date.fromisoformat(version["effective_date"]),
            summary=version.get("summary", ""),
            changes=[
                VersionChange(c.get("chapter", ""), c["description"])
                for c in version.get("changes", [])
            ],
        )
        report.count("versions")
    for position, row in enumerate(doc.get("actions", []), start=1):
        data = ActionData(
            reference=row["reference"],
            title=row["title"],
            priority=priorities.get(row.get("priority")),
            theme=themes.get(row.get("theme")),
            desired_outcome=row.get("desired_outcome", ""),
            lead_text=row.get("lead_as_written", ""),
            lead_agencies=[agencies[a] for a in row.get("leads", [])],
            is_linked=row.get("is_linked", False),
            linked_to=row.get("linked_to", ""),
            is_grant_funded=row.get("is_grant_funded", False),
        )
        milestones = [
            MilestoneData(
                description=m["description"],
                timescale=m.get("timescale") or "",
                lead_text=m.get("lead_as_written") or "",
                lead=agencies[m["lead"]] if m.get("lead") else None,
            )
            for m in row.get("milestones", [])
        ]
        action_create(plan=plan, data=data, milestones=milestones, order=position)
        report.count("actions")
        report.count("milestones", len(milestones))
    return plan


# The year of the strategic assessments behind the CSA April 2024 (its Appendix A).
ASSESSMENT_YEAR = 2023


def _load_assessment_choices(
    kent: dict[str, Any],
    partnerships: dict[str, Partnership],
    categories: dict[str, PriorityCategory],
    report: LoadReport,
) -> None:
    """Appendix A of the CSA April 2024 counts, per county category, the district CSPs
    that chose it in their 2023/24 strategic assessment. Only Swale's plan is in the demo,
    so the other eleven districts' choices are recorded as StrategicAssessmentChoice rows
    so that the computed table reproduces the published one (kent.json, csps_2023_24).

    Swale counts through its plan (the categories of its priorities and themes), so for a
    category Swale chose, N - 1 others are recorded; otherwise N. The others are chosen
    deterministically: the districts other than Swale in name order, starting at a place
    that moves one on per category, so the choices spread across the county.
    """
    swale_plan = plans_in_force(
        financial_year=ASSESSMENT_YEAR, partnership=partnerships["swale"]
    ).first()
    swale_chose: set[str] = set()
    if swale_plan is not None:
        for model in (swale_plan.priorities, swale_plan.themes):
            swale_chose |= {
                name for name in model.values_list("categories__name", flat=True) if name
            }
    others = sorted(
        (
            p
            for slug, p in partnerships.items()
            if p.kind == Partnership.Kind.DISTRICT and slug != "swale"
        ),
        key=lambda p: p.name,
    )
    for row in kent["priority_categories"]:
        wanted = row["csps_2023_24"] - (1 if row["name"] in swale_chose else 0)
        if not 0 <= wanted <= len(others):
            raise ValueError(f"Appendix A cannot be reproduced for {row['name']}")
        start = row["order"] - 1
        for i in range(wanted):
            district = others[(start + i) % len(others)]
            if assessment_choice_record(
                partnership=district,
                financial_year=ASSESSMENT_YEAR,
                category=categories[row["name"]],
            ):
                report.count("strategic assessment choices")


def _load_users(
    partnerships: dict[str, Partnership], agencies: dict[str, Agency], report: LoadReport
) -> dict[str, User]:
    users = {}
    for spec in DEMO_USERS:
        password = demo_password(spec.email)
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            manager = User.objects
            create = manager.create_superuser if spec.is_superuser else manager.create_user
            user = create(email=spec.email, password=password, full_name=spec.full_name)
            report.count("users")
        member = Membership.objects.filter(user=user, partnership__slug=spec.partnership)
        if spec.partnership and spec.role and not member.exists():
            membership_grant(
                user=user,
                partnership=partnerships[spec.partnership],
                role=spec.role,
                agency=agencies.get(spec.agency) if spec.agency else None,
            )
        report.passwords[spec.email] = password
        if two_factor_required(user=user):
            # Service administrators and county admins sign in with two factors; the demo
            # gives them a known key.
            key = demo_two_factor_key(spec.email)
            two_factor_device_provision(user=user, key=key, name="Demo authenticator")
            report.two_factor_keys[spec.email] = base64.b32encode(bytes.fromhex(key)).decode()
        users[spec.role if spec.partnership == "swale" and spec.role else spec.email] = user
    return users


def _onboard(
    row: dict[str, Any], agencies: dict[str, Agency], service_admin: User, report: LoadReport
) -> Partnership:
    """Set a partnership up as a service administrator does on the Partnerships pages:
    create it, add its member agencies, invite its first coordinator, who accepts and
    chooses a password (the demo's)."""
    partnership = Partnership.objects.filter(slug=row["slug"]).first()
    if partnership is None:
        partnership = partnership_create(
            name=row["name"], short_name=row["short_name"], kind=row["kind"]
        )
        report.count("partnerships")
    for short_name in row.get("agencies", []):
        partnership_agency_add(partnership=partnership, agency=agencies[short_name])
    person = row["first_coordinator"]
    password = demo_password(person["email"])
    if not Membership.objects.filter(
        partnership=partnership, role=Membership.Role.COORDINATOR
    ).exists():
        invitation = invitation_create(
            partnership=partnership,
            email=person["email"],
            full_name=person["full_name"],
            role=Membership.Role.COORDINATOR,
            agency=agencies[person["agency"]],
            invited_by=service_admin,
        )
        invitation_accept(invitation=invitation, full_name=person["full_name"], password=password)
        report.count("users")
    report.passwords[person["email"]] = password
    return partnership


def _load_sample_updates(
    plan: Plan, rows: list[dict[str, Any]], users: dict[str, User], report: LoadReport
) -> None:
    if StatusUpdate.objects.filter(action__plan=plan).exists():
        return
    actions = {
        a.reference: a for a in Action.objects.filter(plan=plan).prefetch_related("milestones")
    }
    rows = sorted(rows, key=lambda r: (r["financial_year"], r["quarter"], r["action"]))
    for position, row in enumerate(rows):
        action = actions[row["action"]]
        quarter = Quarter(row["financial_year"], row["quarter"])
        # Updates land in the last weeks of their quarter, spread so their order is stable.
        day = quarter.end - timedelta(days=20 - position % 19)
        created_at = timezone.make_aware(
            datetime.combine(day, time(9, 0)) + timedelta(minutes=position)
        )
        by_description = {m.description: m for m in action.milestones.all()}
        status_update_record(
            action=action,
            author=users.get(row.get("author", "officer"), users["officer"]),
            status=row["status"],
            commentary=row["commentary"],
            quarter=quarter,
            reason=row.get("reason", ""),
            figures=[Figure(f["label"], f["value"]) for f in row.get("figures", [])],
            milestones_completed=[by_description[d] for d in row.get("milestones_completed", [])],
            created_at=created_at,
        )
        report.count("status updates")


def _load_performance(
    doc: dict[str, Any],
    partnerships: dict[str, Partnership],
    agencies: dict[str, Agency],
    users: dict[str, User],
    report: LoadReport,
) -> None:
    """The KCSP's Crime Reduction Grant 2023/24 and its projects, as the Working Group
    update of March 2024 gives them, and a few proxy indicators with sample values
    (fixtures/demo/performance.json). A grant or indicator already there is left alone."""
    county_team = users.get("admin@kcst.example")
    for row in doc["grants"]:
        partnership = partnerships[row["partnership"]]
        actions = _open_plan_actions(partnership)
        year, _ = parse_period(row["year"])  # type: ignore[misc]
        if Grant.objects.filter(
            partnership=partnership, name=row["name"], financial_year=year
        ).exists():
            continue
        grant = grant_create(
            partnership=partnership,
            data=GrantData(
                name=row["name"],
                funder=row["funder"],
                financial_year=year,
                amount=Decimal(row["amount"]),
                up_front_amount=Decimal(row["up_front_amount"]),
                tactical_amount=Decimal(row["tactical_amount"]),
                rules=row["rules"],
                tactical_closes_on=date.fromisoformat(row["tactical_closes_on"]),
            ),
        )
        report.count("grants")
        quarter = Quarter.parse(row["status_quarter"])
        at = timezone.make_aware(datetime.fromisoformat(row["status_recorded_at"]))
        projects = {}
        for item in row["projects"]:
            projects[item["title"]] = project_create(
                grant=grant,
                data=ProjectData(
                    title=item["title"],
                    amount_approved=Decimal(item["amount"]),
                    pot=item["pot"],
                    lead_agency=agencies[item["lead"]] if item.get("lead") else None,
                    lead_text=item.get("lead_as_written", ""),
                    action=actions.get(item.get("action", "")),
                    end_date=date.fromisoformat(item["end_date"]) if item.get("end_date") else None,
                ),
                status=item["status"],
                note=item["update"],
                user=county_team,
                quarter=quarter,
                recorded_at=at,
            )
            report.count("funded projects")
        for item in row["bids"]:
            bid = bid_submit(
                grant=grant,
                data=BidData(
                    title=item["title"],
                    description=item.get("description", ""),
                    amount=Decimal(item["amount"]),
                    top_up_of=projects[item["top_up_of"]] if item.get("top_up_of") else None,
                    action=actions.get(item.get("action", "")),
                ),
            )
            bid = bid_decide(
                bid=bid,
                approve=item["decision"] == "approved",
                user=county_team,
                note=item.get("decision_note", ""),
                quarter=quarter,
                recorded_at=at - timedelta(minutes=30),
            )
            report.count("bids")
            if bid.project is not None and not bid.is_top_up and item.get("status"):
                project_status_record(
                    project=bid.project,
                    status=item["status"],
                    note=item["update"],
                    user=county_team,
                    quarter=quarter,
                    recorded_at=at,
                )
                report.count("funded projects")
    for row in doc["indicators"]:
        _load_indicator(row, partnerships, users, report)


def _open_plan_actions(partnership: Partnership) -> dict[str, Action]:
    """The actions of the partnership's latest plan that is not superseded, by number."""
    plan = (
        Plan.objects.filter(partnership=partnership)
        .exclude(status=Plan.Status.SUPERSEDED)
        .order_by("-start_year")
        .first()
    )
    return {a.reference: a for a in Action.objects.filter(plan=plan)} if plan else {}


def _load_indicator(
    row: dict[str, Any],
    partnerships: dict[str, Partnership],
    users: dict[str, User],
    report: LoadReport,
) -> None:
    partnership = partnerships[row["partnership"]]
    if Indicator.objects.filter(partnership=partnership, name=row["name"]).exists():
        return
    plan = (
        Plan.objects.filter(partnership=partnership)
        .exclude(status=Plan.Status.SUPERSEDED)
        .order_by("-start_year")
        .first()
    )
    actions = {a.reference: a for a in Action.objects.filter(plan=plan)} if plan else {}
    priorities = {p.number: p for p in plan.priorities.all()} if plan else {}
    indicator = indicator_create(
        partnership=partnership,
        data=IndicatorData(
            name=row["name"],
            unit=row["unit"],
            source=row["source"],
            direction=row["direction"],
            frequency=row.get("frequency", Frequency.QUARTERLY),
            description=row.get("description", ""),
            baseline_value=Decimal(row["baseline"]) if row.get("baseline") else None,
            baseline_period=row.get("baseline_period", ""),
            target_value=Decimal(row["target"]) if row.get("target") else None,
            figure_label=row.get("figure_label", ""),
            priorities=[priorities[n] for n in row.get("priorities", [])],
            actions=[actions[r] for r in row.get("actions", [])],
        ),
    )
    report.count("indicators")
    author = users.get("coordinator") if row["partnership"] == "swale" else None
    author = author or users.get("admin@kcst.example")
    for position, item in enumerate(row.get("values", [])):
        quarter = Quarter.parse(item["quarter"])
        # Recorded in the second week after the quarter ends, a correction a day later.
        at = timezone.make_aware(
            datetime.combine(quarter.end + timedelta(days=10), time(10, 0))
            + timedelta(hours=position)
        )
        indicator_value_record(
            indicator=indicator,
            period=Period(quarter.financial_year, quarter.number, indicator.frequency),
            value=Decimal(item["value"]),
            note=item["note"],
            user=author,
            recorded_at=at,
        )
        report.count("indicator values")
    for item in row.get("from_updates", []):
        quarter = Quarter.parse(item["quarter"])
        update = StatusUpdate.objects.get(action=actions[item["action"]], **quarter.columns)
        label = indicator.figure_label.casefold()
        index = next(i for i, f in enumerate(update.figures) if str(f["label"]).casefold() == label)
        indicator_value_from_update(
            indicator=indicator,
            update=update,
            index=index,
            user=author,
            note=f"Sample data: the number reported in the {quarter} update of action "
            f"{item['action']}.",
            recorded_at=update.created_at + timedelta(days=14),
        )
        report.count("indicator values")
