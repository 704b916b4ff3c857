"""Publishing the CSA and the plans: the document's data (a snapshot), the preview, the
rendered and checked PDF, the frozen published version, the refresh that starts the next
plan, and the public list. Services and selectors, keyword-only."""

import hashlib
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from actions.models import Action, Milestone, Status
from actions.selectors import annotate_progress
from actions.services import ActionData, MilestoneData, action_create
from csp_tracker import clock
from csp_tracker.periods import financial_year_label
from plans.models import (
    GeneratedTable,
    Partnership,
    Plan,
    PlanSection,
    PlanVersion,
    PlanVersionChange,
)
from plans.services import (
    PlanNotEditable,
    PublishedVersionFrozen,
    VersionChange,
    plan_create,
    plan_section_create,
)
from priorities.models import (
    CrossCuttingTheme,
    PoliceAndCrimePlan,
    Priority,
    PriorityCategory,
    StrategicAssessmentChoice,
)
from priorities.selectors import plan_authoring_list
from priorities.services import HeadingData, priority_create, theme_create
from reporting.pdf import RenderedPdf, check_accessibility, render_pdf
from reporting.publishing_tasks import plan_version_render_task

logger = logging.getLogger(__name__)

SNAPSHOT_SCHEMA = 1
TEMPLATES = {Plan.Kind.CSA: "reporting/pdf/csa.html"}
PLAN_TEMPLATE = "reporting/pdf/plan.html"


class PublishRefused(Exception):
    """Publishing cannot start: the reason is for the person on the page."""


def _month_year(day: date) -> str:
    return day.strftime("%B %Y")


def template_for(*, plan: Plan | None = None, kind: str = "") -> str:
    return TEMPLATES.get(kind or (plan.kind if plan else ""), PLAN_TEMPLATE)


# --- selectors: the document's data -----------------------------------------------------


def plan_chain(*, plan: Plan) -> list[Plan]:
    """The plan and the plans it refreshes, oldest first."""
    chain, seen = [], set()
    current: Plan | None = plan
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = current.previous
    return list(reversed(chain))


def assessment_counts(*, county: Partnership, financial_year: int) -> list[dict[str, Any]]:
    """CSA Appendix A: per county category, how many district CSPs chose it as a priority
    or theme in their plan covering the year, or else in their recorded strategic
    assessment choices for that year."""
    districts = list(county.children.filter(kind=Partnership.Kind.DISTRICT))
    plans = {
        p.partnership_id: p
        for p in Plan.objects.filter(
            partnership__in=districts, start_year__lte=financial_year, end_year__gt=financial_year
        )
        .exclude(status=Plan.Status.SUPERSEDED)
        .order_by("start_year", "pk")
    }
    chose: dict[int, set[int]] = {d.pk: set() for d in districts}
    plan_owner = {p.pk: owner for owner, p in plans.items()}
    for model in (Priority, CrossCuttingTheme):
        for plan_id, category_id in model.objects.filter(
            plan_id__in=plan_owner, category__isnull=False
        ).values_list("plan_id", "category_id"):
            chose[plan_owner[plan_id]].add(category_id)
    for partnership_id, category_id in StrategicAssessmentChoice.objects.filter(
        partnership__in=[d for d in districts if d.pk not in plans], financial_year=financial_year
    ).values_list("partnership_id", "category_id"):
        chose[partnership_id].add(category_id)
    rows = []
    for category in PriorityCategory.objects.order_by("order", "name"):
        count = sum(category.pk in ids for ids in chose.values())
        rows.append({"name": category.name, "includes": category.includes, "count": count})
    rows.sort(key=lambda r: -r["count"])  # stable: category order within a count
    return rows


def _heading_dict(heading: Priority | CrossCuttingTheme) -> dict[str, Any]:
    return {
        "number": heading.number,
        "title": heading.title,
        "label": heading.label,
        "summary": heading.summary,
        "includes": heading.includes,
        "outcomes": heading.outcomes,
        "lead": heading.lead,
        "category": heading.category.name if heading.category else "",
        "note": getattr(heading, "note", ""),
    }


def _action_dict(action: Action) -> dict[str, Any]:
    leads = ", ".join(a.short_name for a in action.lead_agencies.all())
    return {
        "reference": action.reference,
        "title": action.title,
        "desired_outcome": action.desired_outcome,
        "lead": action.lead_text or leads,
        "is_linked": action.is_linked,
        "linked_to": action.linked_to,
        "is_grant_funded": action.is_grant_funded,
        "milestones": [
            {
                "description": m.description,
                "timescale": m.timescale,
                "lead": m.lead_text or (m.lead.short_name if m.lead else ""),
            }
            for m in action.milestones.all()
        ],
    }


def _versions(*, plan: Plan, pending: dict[str, Any] | None) -> list[dict[str, Any]]:
    chain = plan_chain(plan=plan)
    versions = (
        PlanVersion.objects.filter(
            plan__in=chain, status__in=[PlanVersion.Status.RECORDED, PlanVersion.Status.PUBLISHED]
        )
        .prefetch_related("changes")
        .order_by("effective_date", "number")
    )
    rows = [
        {
            "number": v.number,
            "date_text": _month_year(v.effective_date),
            "summary": v.summary,
            "changes": [
                {"chapter": c.chapter, "description": c.description} for c in v.changes.all()
            ],
        }
        for v in versions
        if not (pending and v.plan_id == plan.pk and v.number == pending["number"])
    ]
    if pending:
        rows.append(pending)
    return rows


def document_snapshot(
    *,
    plan: Plan,
    number: str = "",
    effective_date: date | None = None,
    summary: str = "",
    changes: Sequence[VersionChange] = (),
) -> dict[str, Any]:
    """Everything the document shows, as plain data: what a published PDF is made from
    and kept with it. Restricted sections are left out here, so neither the PDF nor the
    public pages can show them."""
    plan = Plan.objects.select_related("partnership", "previous").get(pk=plan.pk)
    partnership = plan.partnership
    pending = None
    if number:
        effective = effective_date or plan.period_start
        pending = {
            "number": number,
            "date_text": _month_year(effective),
            "summary": summary,
            "changes": [{"chapter": c.chapter, "description": c.description} for c in changes],
        }
    sections = list(plan.sections.order_by("order", "id"))
    priorities = list(Priority.objects.filter(plan=plan).select_related("category"))
    themes = list(CrossCuttingTheme.objects.filter(plan=plan).select_related("category"))
    actions = list(
        Action.objects.filter(plan=plan)
        .prefetch_related("lead_agencies", "milestones__lead")
        .order_by("order", "id")
    )
    groups = []
    for heading in [*priorities, *themes]:
        is_priority = isinstance(heading, Priority)
        own = [
            _action_dict(a)
            for a in actions
            if (a.priority_id if is_priority else a.theme_id) == heading.pk
        ]
        groups.append(
            {"label": heading.label, "note": getattr(heading, "note", ""), "actions": own}
        )
    pcc = PoliceAndCrimePlan.objects.filter(area=partnership).prefetch_related("priorities").first()
    assessment = None
    if partnership.kind == Partnership.Kind.COUNTY:
        year = plan.start_year - 1
        assessment = {
            "year_label": financial_year_label(year),
            "rows": assessment_counts(county=partnership, financial_year=year),
        }
    placed = {s.generated for s in sections if s.generated and not s.is_restricted}
    if plan.kind == Plan.Kind.CSA:
        defaults = [GeneratedTable.COUNTY_PRIORITIES, GeneratedTable.LEADS]
        if actions:
            defaults.append(GeneratedTable.ACTION_PLAN)
        defaults.append(GeneratedTable.RESPONSIBLE_AUTHORITIES)
        if assessment:
            defaults.append(GeneratedTable.ASSESSMENT_COUNTS)
        if pcc:
            defaults.append(GeneratedTable.PCC_PRIORITIES)
    else:
        defaults = [GeneratedTable.COUNTY_PRIORITIES, GeneratedTable.ACTION_PLAN]
    appended = [
        {"id": f"chapter-{kind}", "title": GeneratedTable(kind).label, "generated": kind}
        for kind in defaults
        if kind not in placed
    ]
    return {
        "schema": SNAPSHOT_SCHEMA,
        "plan_id": plan.pk,
        "kind": plan.kind,
        "kind_label": plan.get_kind_display(),
        "title": plan.title,
        "period": plan.period_label,
        "partnership": {
            "name": partnership.name,
            "short_name": partnership.short_name,
            "slug": partnership.slug,
        },
        "version": pending,
        "versions": _versions(plan=plan, pending=pending),
        "sections": [
            {"id": f"section-{s.pk}", "title": s.title, "body": s.body, "generated": s.generated}
            for s in sections
            if not s.is_restricted
        ],
        "restricted_left_out": [s.title for s in sections if s.is_restricted],
        "appended": appended,
        "priorities": [_heading_dict(p) for p in priorities],
        "themes": [_heading_dict(t) for t in themes],
        "action_groups": groups,
        "action_count": len(actions),
        "pcc": (
            {
                "title": pcc.title,
                "period": pcc.period,
                "author": pcc.author,
                "priorities": [p.title for p in pcc.priorities.all()],
            }
            if pcc
            else None
        ),
        "responsible_authorities": list(
            partnership.agencies.filter(is_responsible_authority=True)
            .order_by("name")
            .values_list("name", flat=True)
        ),
        "assessment": assessment,
    }


def document_render(*, snapshot: dict[str, Any], draft: bool = False) -> RenderedPdf:
    return render_pdf(
        template_name=template_for(kind=snapshot["kind"]),
        context={"doc": snapshot, "draft": draft},
    )


# --- services: publish ------------------------------------------------------------------


def parse_changes(text: str) -> list[VersionChange]:
    """One change a line, "Chapter – change" (an en dash, a hyphen or a colon between)."""
    changes = []
    for line in text.splitlines():
        line = line.strip().lstrip("-•* ").strip()
        if not line:
            continue
        for separator in (" – ", " - ", " — ", ": "):
            if separator in line:
                chapter, description = line.split(separator, 1)
                changes.append(VersionChange(chapter.strip()[:80], description.strip()))
                break
        else:
            changes.append(VersionChange("", line))
    return changes


@transaction.atomic
def plan_version_publish_start(
    *,
    plan: Plan,
    user: User,
    number: str,
    effective_date: date,
    changes: Sequence[VersionChange] = (),
    summary: str = "",
) -> PlanVersion:
    """Record the version as rendering and queue its rendering after the commit.

    A version recorded from the document's own table (no file here yet) is taken over;
    a failed one is tried again; a published one is refused (PublishedVersionFrozen).
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == Plan.Status.SUPERSEDED:
        raise PlanNotEditable("A superseded plan cannot be published again")
    if plan.versions.filter(status=PlanVersion.Status.RENDERING).exists():
        raise PublishRefused("A version of this plan is being rendered: wait for it to finish")
    version = plan.versions.filter(number=number).first()
    if version is not None and version.status == PlanVersion.Status.PUBLISHED:
        raise PublishedVersionFrozen(f"Version {number} is published and cannot change")
    task_id = str(uuid.uuid4())
    if version is None:
        version = PlanVersion(plan=plan, number=number)
    version.effective_date = effective_date
    version.summary = summary or version.summary
    version.status = PlanVersion.Status.RENDERING
    version.failure_reasons = []
    version.task_id = task_id
    version.full_clean()
    version.save()
    if changes:
        version.changes.all().delete()
        PlanVersionChange.objects.bulk_create(
            PlanVersionChange(
                version=version, order=i, chapter=c.chapter, description=c.description
            )
            for i, c in enumerate(changes, start=1)
        )
    version.published_by = user
    version.save(update_fields=["published_by"])
    transaction.on_commit(
        lambda: plan_version_render_task.apply_async(args=[version.pk], task_id=task_id)
    )
    return version


def _file_name(plan: Plan, number: str) -> str:
    return f"{slugify(plan.title.replace('/', '-'))}-v{number.replace('.', '-')}.pdf"


def download_name(*, version: PlanVersion) -> str:
    plan = version.plan
    title = slugify(plan.title.replace("/", "-"))
    period = slugify(plan.period_label.replace("/", "-"))
    if period not in title:
        title = f"{title}-{period}"
    return f"{title}-version-{version.number}.pdf"


def plan_version_render(*, version_id: int) -> str:
    """Render, check and publish one version. Idempotent: only a version still rendering
    is worked on, under a row lock, so a task delivered twice publishes once. An error
    marks the version failed with the reason; it is never left rendering."""
    try:
        return _plan_version_render(version_id)
    except Exception as exc:
        logger.exception("Rendering version %s failed", version_id)
        PlanVersion.objects.filter(pk=version_id, status=PlanVersion.Status.RENDERING).update(
            status=PlanVersion.Status.FAILED,
            failure_reasons=[f"The PDF could not be made ({type(exc).__name__}: {exc})"[:500]],
        )
        return PlanVersion.Status.FAILED


def _plan_version_render(version_id: int) -> str:
    with transaction.atomic():
        version = PlanVersion.objects.select_for_update().select_related("plan").get(pk=version_id)
        if version.status != PlanVersion.Status.RENDERING:
            return version.status
        plan = version.plan
        changes = [VersionChange(c.chapter, c.description) for c in version.changes.all()]
        snapshot = document_snapshot(
            plan=plan,
            number=version.number,
            effective_date=version.effective_date,
            summary=version.summary,
            changes=changes,
        )
        started = time.perf_counter()
        rendered = document_render(snapshot=snapshot, draft=False)
        result = check_accessibility(rendered.pdf)
        seconds = round(time.perf_counter() - started, 2)
        problems = list(result.problems)
        if rendered.refused_urls:
            problems.append(
                "The document asked for files from outside: "
                + ", ".join(u[:80] for u in rendered.refused_urls[:5])
            )
        version.render_seconds = seconds
        version.accessibility_warnings = result.warnings
        if problems:
            version.status = PlanVersion.Status.FAILED
            version.failure_reasons = problems
            version.save(
                update_fields=[
                    "status",
                    "failure_reasons",
                    "accessibility_warnings",
                    "render_seconds",
                ]
            )
            logger.warning("Publishing %s stopped: %s", version, problems)
            return version.status
        version.pdf.save(_file_name(plan, version.number), ContentFile(rendered.pdf), save=False)
        version.sha256 = hashlib.sha256(rendered.pdf).hexdigest()
        version.size = len(rendered.pdf)
        version.snapshot = snapshot
        version.published_at = timezone.now()
        version.status = PlanVersion.Status.PUBLISHED
        version.failure_reasons = []
        version.save()
        Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
        if plan.previous_id:
            Plan.objects.filter(pk=plan.previous_id, status=Plan.Status.PUBLISHED).update(
                status=Plan.Status.SUPERSEDED
            )
        logger.info("Published %s (%s bytes, %.2f s)", version, version.size, seconds)
        return version.status


# --- services: refresh ------------------------------------------------------------------


def _next_period(plan: Plan) -> tuple[int, int]:
    return plan.start_year + 1, plan.end_year + 1


def refresh_label(*, plan: Plan) -> str:
    start, end = _next_period(plan)
    return financial_year_label(start, end)


def _open_actions(plan: Plan) -> list[Action]:
    """The plan's actions that are not completed (their latest update says so)."""
    actions = annotate_progress(
        Action.objects.filter(plan=plan)
        .select_related("priority", "theme")
        .prefetch_related("lead_agencies", "supports_themes", "milestones__lead")
        .order_by("order", "id"),
        quarter=clock.update_quarter(),
        today=clock.today(),
    )
    return [a for a in actions if a.current_status != Status.COMPLETED]


@transaction.atomic
def plan_refresh_start(*, plan: Plan, user: User) -> Plan:
    """Start the next plan from a published one: its sections, priorities and themes are
    copied, and its open (not completed) actions carried forward as the same actions
    (the same lineage, carried_from set), with the milestones not yet done."""
    plan = Plan.objects.select_for_update().select_related("partnership").get(pk=plan.pk)
    if plan.status != Plan.Status.PUBLISHED:
        raise PublishRefused("Only a published plan can be refreshed")
    if plan.refreshes.exists():
        raise PublishRefused("This plan has been refreshed already")
    start, end = _next_period(plan)
    old_label, new_label = plan.period_label, financial_year_label(start, end)
    title = plan.title.replace(old_label, new_label) if old_label in plan.title else plan.title
    new = plan_create(
        partnership=plan.partnership,
        kind=plan.kind,
        title=title,
        start_year=start,
        end_year=end,
        previous=plan,
    )
    for section in plan.sections.order_by("order", "id"):
        plan_section_create(
            plan=new,
            title=section.title,
            body=section.body,
            is_restricted=section.is_restricted,
            order=section.order,
            generated=section.generated,
        )
    headings: dict[tuple[str, int], Priority | CrossCuttingTheme] = {}
    for kind, model, create in (
        ("p", Priority, priority_create),
        ("t", CrossCuttingTheme, theme_create),
    ):
        for old in model.objects.filter(plan=plan).prefetch_related("lead_agencies"):
            headings[(kind, old.pk)] = create(
                plan=new,
                data=HeadingData(
                    number=old.number,
                    title=old.title,
                    summary=old.summary,
                    includes=old.includes,
                    outcomes=old.outcomes,
                    lead=old.lead,
                    lead_agencies=list(old.lead_agencies.all()),
                    category=old.category,
                    note=getattr(old, "note", ""),
                ),
            )
    for position, old in enumerate(_open_actions(plan), start=1):
        priority = headings.get(("p", old.priority_id)) if old.priority_id else None
        theme = headings.get(("t", old.theme_id)) if old.theme_id else None
        action_create(
            plan=new,
            carried_from=old,
            data=ActionData(
                reference=old.reference,
                title=old.title,
                priority=priority,  # type: ignore[arg-type]
                theme=theme,  # type: ignore[arg-type]
                desired_outcome=old.desired_outcome,
                lead_text=old.lead_text,
                lead_agencies=list(old.lead_agencies.all()),
                supports_themes=[
                    headings[("t", t.pk)]  # type: ignore[misc]
                    for t in old.supports_themes.all()
                    if ("t", t.pk) in headings
                ],
                is_linked=old.is_linked,
                linked_to=old.linked_to,
                is_grant_funded=old.is_grant_funded,
            ),
            milestones=[
                MilestoneData(
                    description=m.description,
                    timescale=m.timescale,
                    lead_text=m.lead_text,
                    lead=m.lead,
                )
                for m in old.milestones.all()
                if m.done_date is None
            ],
            order=position,
        )
    return new


# --- selectors: versions and the public list --------------------------------------------


def version_get(*, user: object, pk: int) -> PlanVersion:
    return (
        PlanVersion.objects.select_related("plan__partnership", "published_by")
        .prefetch_related("changes")
        .get(plan__in=plan_authoring_list(user=user), pk=pk)
    )


@dataclass(frozen=True)
class PublishedDocument:
    version: PlanVersion
    is_current: bool

    @property
    def plan(self) -> Plan:
        return self.version.plan


@dataclass(frozen=True)
class PartnershipDocuments:
    partnership: Partnership
    documents: list[PublishedDocument]


def published_versions() -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(status=PlanVersion.Status.PUBLISHED)


def published_document_list() -> list[PartnershipDocuments]:
    """Every partnership's published versions, current first, then superseded, newest
    first. A version is current if it is the latest of a plan that is still published."""
    versions = list(
        published_versions()
        .select_related("plan__partnership")
        .order_by("plan__partnership__name", "-effective_date", "-published_at")
    )
    latest_of_plan: dict[int, int] = {}
    for v in versions:
        latest_of_plan.setdefault(v.plan_id, v.pk)
    grouped: dict[int, PartnershipDocuments] = {}
    for v in versions:
        current = latest_of_plan[v.plan_id] == v.pk and v.plan.status == Plan.Status.PUBLISHED
        entry = grouped.setdefault(
            v.plan.partnership_id, PartnershipDocuments(v.plan.partnership, [])
        )
        entry.documents.append(PublishedDocument(v, current))
    for entry in grouped.values():
        entry.documents.sort(key=lambda d: (not d.is_current,))
    return list(grouped.values())


def public_version_get(*, pk: int) -> PlanVersion:
    return published_versions().select_related("plan__partnership").get(pk=pk)


def sections_restricted(*, plan: Plan) -> QuerySet[PlanSection]:
    return plan.sections.filter(is_restricted=True)


def milestone_count(*, plan: Plan) -> int:
    return Milestone.objects.filter(action__plan=plan).count()
