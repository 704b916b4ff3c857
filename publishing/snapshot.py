"""The data of a plan's document, frozen with each published version: its chapters,
priorities, themes and actions, its version history and the county tables (Appendix A).
The preview and the PDF are rendered from it, so a later edit never changes what was
published."""

from collections.abc import Callable, Sequence
from copy import deepcopy
from datetime import date
from typing import Any, NotRequired, TypedDict

from django.db.models import Prefetch

from actions.models import Action
from csp_tracker.periods import financial_year_label
from performance.snapshot import grants_for_document, indicators_for_document
from plans.images import stored_image_type
from plans.models import (
    GeneratedTable,
    Partnership,
    Plan,
    PlanSection,
    PlanVersion,
    SectionImage,
)
from plans.selectors import plan_builtin_chapters, plans_in_force
from plans.services import (
    VersionChange,
)
from priorities.lists import ListItem
from priorities.models import (
    CrossCuttingTheme,
    PoliceAndCrimePlan,
    Priority,
    PriorityCategory,
    StrategicAssessmentChoice,
)

# 2: structured priority lists, several categories, headings within a priority.
# 3: the cover's logo, period in words and effective date; images in sections.
# (The keys schema 3 added are NotRequired: a schema 2 snapshot renders without them.)
SNAPSHOT_SCHEMA = 3


# The document's shape, as stored (JSON) in PlanVersion.snapshot and read by the templates.
class AssessmentRow(TypedDict):
    name: str
    includes: str
    count: int


class Assessment(TypedDict):
    year_label: str
    rows: list[AssessmentRow]


class Heading(TypedDict):
    """A priority or a cross-cutting theme; its lists as priorities/lists.py holds them."""

    number: int
    title: str
    label: str
    summary: str
    facts: list[ListItem]
    includes: list[ListItem]
    outcomes: list[ListItem]
    lead: str
    lead_agencies: list[str]
    categories: list[str]
    category: str  # the categories joined, as schema 1 held its one category
    note: str


class MilestoneEntry(TypedDict):
    description: str
    timescale: str
    lead: str


class ActionEntry(TypedDict):
    reference: str
    title: str
    desired_outcome: str
    lead: str
    is_linked: bool
    linked_to: str
    is_grant_funded: bool
    milestones: list[MilestoneEntry]


class WorkstreamGroup(TypedDict):
    """The actions under a heading within a priority or theme."""

    title: str
    actions: list[ActionEntry]


class ActionGroup(TypedDict):
    """A priority's or theme's actions in the action plan table: those under no heading,
    then each heading's."""

    label: str
    note: str
    actions: list[ActionEntry]
    headings: list[WorkstreamGroup]
    action_count: int


class ChangeEntry(TypedDict):
    chapter: str
    description: str


class VersionEntry(TypedDict):
    """A row of the version control table."""

    number: str
    date_text: str
    summary: str
    changes: list[ChangeEntry]
    # The day it takes effect ("1 April 2024"), on the cover; versions published before
    # the cover showed it have none.
    effective_text: NotRequired[str]


class ImageRef(TypedDict):
    """An image the document shows, frozen by the name of its stored file: a new logo or
    a changed image is a new file, so a published version always shows its own."""

    id: str  # unique in the document: "logo", "image-12"
    name: str  # in the project's storage
    content_type: str
    alt: str
    decorative: bool
    caption: str
    width: int
    height: int
    # Where the page or the PDF reads it from, added for one rendering only
    # (snapshot_with_image_sources); never stored.
    src: NotRequired[str]


class PartnershipRef(TypedDict):
    name: str
    short_name: str
    slug: str


class Chapter(TypedDict):
    """A section of the plan, or a generated table placed as a section or appended."""

    id: str
    title: str
    generated: str


class Section(Chapter):
    body: str
    # Snapshots taken before the option have no key: the chapter follows on.
    starts_new_page: NotRequired[bool]
    images: NotRequired[list[ImageRef]]


class PccPlan(TypedDict):
    title: str
    period: str
    author: str
    priorities: list[str]


class DocumentSnapshot(TypedDict):
    schema: int
    plan_id: int
    kind: str
    kind_label: str
    title: str
    period: str
    # The period as the cover writes it: "2024 to 2028", or "2023/24" for one year.
    period_text: NotRequired[str]
    partnership: PartnershipRef
    logo: NotRequired[ImageRef | None]
    version: VersionEntry | None
    versions: list[VersionEntry]
    sections: list[Section]
    restricted_left_out: list[str]
    appended: list[Chapter]
    priorities: list[Heading]
    themes: list[Heading]
    action_groups: list[ActionGroup]
    action_count: int
    pcc: PccPlan | None
    responsible_authorities: list[str]
    assessment: Assessment | None
    # The tables a section places (performance/snapshot.py's grants_for_document and
    # indicators_for_document); empty where no section places them.
    grants: list[dict[str, Any]]
    indicators: list[dict[str, Any]]


TEMPLATES: dict[str, str] = {Plan.Kind.CSA: "publishing/pdf/csa.html"}


PLAN_TEMPLATE = "publishing/pdf/plan.html"


def _month_year(day: date) -> str:
    return day.strftime("%B %Y")


def _day_month_year(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def period_text(plan: Plan) -> str:
    """The period in words for the cover: several years as "2024 to 2028"."""
    if plan.end_year - plan.start_year > 1:
        return f"{plan.start_year} to {plan.end_year}"
    return plan.period_label


def logo_ref(partnership: Partnership) -> ImageRef | None:
    """The partnership's logo as the document shows it, or None."""
    if not partnership.logo:
        return None
    name = partnership.logo.name or ""
    return {
        "id": "logo",
        "name": name,
        "content_type": stored_image_type(name),
        "alt": partnership.logo_alt,
        "decorative": partnership.logo_is_decorative,
        "caption": "",
        "width": 0,
        "height": 0,
    }


def _image_ref(image: SectionImage) -> ImageRef:
    return {
        "id": f"image-{image.pk}",
        "name": image.file.name or "",
        "content_type": image.content_type,
        "alt": image.alt,
        "decorative": image.is_decorative,
        "caption": image.caption,
        "width": image.width,
        "height": image.height,
    }


def _section_dict(section: PlanSection) -> Section:
    return {
        "id": f"section-{section.pk}",
        "title": section.title,
        "body": section.body,
        "generated": section.generated,
        "starts_new_page": section.starts_new_page,
        "images": [_image_ref(i) for i in section.images.all()],
    }


def snapshot_with_image_sources(
    snapshot: DocumentSnapshot, source: Callable[[ImageRef], str]
) -> DocumentSnapshot:
    """A copy of the snapshot whose images say where this rendering reads them from
    (``source``): a URL of the public page, a ``data:`` URI, the PDF renderer's files.
    The stored snapshot is left as it is."""
    copy = deepcopy(snapshot)
    for image in document_images(copy):
        image["src"] = source(image)
    return copy


def image_file_name(image: ImageRef) -> str:
    """The name the PDF renderer is given an image's bytes under: "logo.svg"."""
    return f"{image['id']}.{image['name'].rsplit('.', 1)[-1]}"


def document_images(snapshot: DocumentSnapshot) -> list[ImageRef]:
    """Every image the document shows: the logo, then each section's."""
    logo = snapshot.get("logo")
    images = [logo] if logo else []
    for section in snapshot.get("sections", []):
        images += section.get("images", [])
    return images


def template_for(*, plan: Plan | None = None, kind: str = "") -> str:
    return TEMPLATES.get(kind or (plan.kind if plan else ""), PLAN_TEMPLATE)


def plan_chain(*, plan: Plan) -> list[Plan]:
    """The plan and the plans it refreshes, oldest first."""
    chain, seen = [], set()
    current: Plan | None = plan
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = current.previous
    return list(reversed(chain))


def assessment_counts(*, county: Partnership, financial_year: int) -> list[AssessmentRow]:
    """CSA Appendix A: per county category, how many district CSPs chose it as a priority
    or theme in their plan in force that year, or else in their recorded strategic
    assessment choices for that year."""
    districts = list(county.children.filter(kind=Partnership.Kind.DISTRICT))
    plans = {
        p.partnership_id: p
        for p in plans_in_force(financial_year=financial_year)
        .filter(partnership__in=districts)
        .order_by("start_year", "pk")
    }
    chose: dict[int, set[int]] = {d.pk: set() for d in districts}
    plan_owner = {p.pk: owner for owner, p in plans.items()}
    # A priority mapped to several categories counts under each.
    for model in (Priority, CrossCuttingTheme):
        for plan_id, category_id in model.objects.filter(
            plan_id__in=plan_owner, categories__isnull=False
        ).values_list("plan_id", "categories"):
            chose[plan_owner[plan_id]].add(category_id)
    for partnership_id, category_id in StrategicAssessmentChoice.objects.filter(
        partnership__in=[d for d in districts if d.pk not in plans], financial_year=financial_year
    ).values_list("partnership_id", "category_id"):
        chose[partnership_id].add(category_id)
    rows: list[AssessmentRow] = []
    for category in PriorityCategory.objects.order_by("order", "name"):
        count = sum(category.pk in ids for ids in chose.values())
        rows.append({"name": category.name, "includes": category.includes, "count": count})
    rows.sort(key=lambda r: -r["count"])  # stable: category order within a count
    return rows


def _heading_dict(heading: Priority | CrossCuttingTheme) -> Heading:
    categories = [c.name for c in heading.categories.all()]
    return {
        "number": heading.number,
        "title": heading.title,
        "label": heading.label,
        "summary": heading.summary,
        "facts": heading.facts,
        "includes": heading.includes,
        "outcomes": heading.outcomes,
        "lead": heading.lead,
        "lead_agencies": [a.name for a in heading.lead_agencies.all()],
        "categories": categories,
        "category": ", ".join(categories),
        "note": getattr(heading, "note", ""),
    }


def _action_dict(action: Action) -> ActionEntry:
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


def _versions(*, plan: Plan, pending: VersionEntry | None) -> list[VersionEntry]:
    chain = plan_chain(plan=plan)
    versions = (
        PlanVersion.objects.filter(
            plan__in=chain, status__in=[PlanVersion.Status.RECORDED, PlanVersion.Status.PUBLISHED]
        )
        .prefetch_related("changes")
        .order_by("effective_date", "number")
    )
    rows: list[VersionEntry] = [
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
) -> DocumentSnapshot:
    """Everything the document shows, as plain data: what a published PDF is made from
    and kept with it. Restricted sections are left out here, so neither the PDF nor the
    public pages can show them."""
    plan = Plan.objects.select_related("partnership", "previous").get(pk=plan.pk)
    partnership = plan.partnership
    pending: VersionEntry | None = None
    if number:
        effective = effective_date or plan.period_start
        pending = {
            "number": number,
            "date_text": _month_year(effective),
            "effective_text": _day_month_year(effective),
            "summary": summary,
            "changes": [{"chapter": c.chapter, "description": c.description} for c in changes],
        }
    sections = list(
        plan.sections.order_by("order", "id").prefetch_related(
            Prefetch("images", queryset=SectionImage.objects.order_by("order", "id"))
        )
    )
    related = ("categories", "lead_agencies", "workstreams")
    priorities = list(Priority.objects.filter(plan=plan).prefetch_related(*related))
    themes = list(CrossCuttingTheme.objects.filter(plan=plan).prefetch_related(*related))
    actions = list(
        Action.objects.filter(plan=plan)
        .prefetch_related("lead_agencies", "milestones__lead")
        .order_by("order", "id")
    )
    groups: list[ActionGroup] = []
    headings: list[Priority | CrossCuttingTheme] = [*priorities, *themes]
    for heading in headings:
        is_priority = isinstance(heading, Priority)
        own = [a for a in actions if (a.priority_id if is_priority else a.theme_id) == heading.pk]
        groups.append(
            {
                "label": heading.label,
                "note": getattr(heading, "note", ""),
                # Actions under no heading first, then each heading's (as on the pages).
                "actions": [_action_dict(a) for a in own if a.workstream_id is None],
                "headings": [
                    {
                        "title": w.title,
                        "actions": [_action_dict(a) for a in own if a.workstream_id == w.pk],
                    }
                    for w in heading.workstreams.all()
                ],
                "action_count": len(own),
            }
        )
    pcc = PoliceAndCrimePlan.objects.filter(area=partnership).prefetch_related("priorities").first()
    assessment: Assessment | None = None
    if partnership.kind == Partnership.Kind.COUNTY:
        year = plan.start_year - 1
        assessment = {
            "year_label": financial_year_label(year),
            "rows": assessment_counts(county=partnership, financial_year=year),
        }
    # Grants and indicators only where a section places them: read only then.
    placed = {s.generated for s in sections if s.generated and not s.is_restricted}
    funded = (
        grants_for_document(
            partnership=partnership, start_year=plan.start_year, end_year=plan.end_year
        )
        if GeneratedTable.FUNDED_PROJECTS in placed
        else []
    )
    indicators = (
        indicators_for_document(partnership=partnership)
        if GeneratedTable.INDICATORS in placed
        else []
    )
    appended: list[Chapter] = [
        {"id": f"chapter-{c.kind}", "title": c.title, "generated": c.kind}
        for c in plan_builtin_chapters(
            plan=plan,
            sections=sections,
            has_headings=bool(priorities or themes),
            has_actions=bool(actions),
            has_pcc=pcc is not None,
        )
        if c.appended
    ]
    return {
        "schema": SNAPSHOT_SCHEMA,
        "plan_id": plan.pk,
        "kind": plan.kind,
        "kind_label": plan.get_kind_display(),
        "title": plan.title,
        "period": plan.period_label,
        "period_text": period_text(plan),
        "logo": logo_ref(partnership),
        "partnership": {
            "name": partnership.name,
            "short_name": partnership.short_name,
            "slug": partnership.slug,
        },
        "version": pending,
        "versions": _versions(plan=plan, pending=pending),
        "sections": [_section_dict(s) for s in sections if not s.is_restricted],
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
        "grants": funded,
        "indicators": indicators,
    }
