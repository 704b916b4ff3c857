"""Next year's plan: "Start the next refresh" copies a published plan's chapters,
priorities, themes and headings and carries its open actions forward with their lineage.

A multi-year strategy with a yearly action plan keeps its period: the refresh starts the
strategy's next year's action plan (plans.selectors.plan_next_period)."""

from collections.abc import Callable
from typing import TypeVar

from django.db import transaction

from accounts.models import User
from actions.models import Action, Status
from actions.selectors import with_current_status
from actions.services import ActionData, MilestoneData, action_create
from csp_tracker import clock
from csp_tracker.periods import financial_year_label
from plans.models import (
    Plan,
)
from plans.selectors import plan_next_period
from plans.services import (
    plan_create,
    plan_section_create,
    section_data,
)
from priorities.models import (
    CrossCuttingTheme,
    Priority,
    Workstream,
)
from priorities.services import HeadingData, priority_create, theme_create, workstream_create
from publishing.services import PublishRefused


def refresh_label(*, plan: Plan) -> str:
    """'2025/26 action plan', '2024/25 refresh', '2027-2031 strategy'."""
    return plan_next_period(plan=plan).label


def _open_actions(plan: Plan) -> list[Action]:
    """The plan's actions that are not completed: their current status (across their
    lineage, as of this quarter) is not "Completed"."""
    actions = with_current_status(
        Action.objects.filter(plan=plan)
        .select_related("priority", "theme")
        .prefetch_related("lead_agencies", "supports_themes", "milestones__lead")
        .order_by("order", "id"),
        as_of=clock.update_quarter(),
    )
    return [a for a in actions if a.current_status != Status.COMPLETED]


Heading = TypeVar("Heading", Priority, CrossCuttingTheme)


def _copy_headings(
    model: type[Heading],
    create: Callable[..., Heading],
    *,
    plan: Plan,
    new: Plan,
    into: dict[int, Workstream],
) -> dict[int, Heading]:
    """The plan's priorities or themes copied to the new plan, by the old one's id, with
    their workstreams (put in ``into``, by the old workstream's id)."""
    copies: dict[int, Heading] = {}
    for old in model.objects.filter(plan=plan).prefetch_related(
        "lead_agencies", "categories", "workstreams"
    ):
        copies[old.pk] = copy = create(plan=new, data=HeadingData.of(old))
        for workstream in old.workstreams.all():
            into[workstream.pk] = workstream_create(parent=copy, title=workstream.title)
    return copies


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
    following = plan_next_period(plan=plan)
    start, end = following.start_year, following.end_year
    old_label, new_label = plan.period_label, financial_year_label(start, end)
    title = plan.title.replace(old_label, new_label) if old_label in plan.title else plan.title
    new = plan_create(
        partnership=plan.partnership,
        kind=plan.kind,
        title=title,
        start_year=start,
        end_year=end,
        action_plan_year=following.action_plan_year,
        previous=plan,
    )
    for section in plan.sections.order_by("order", "id"):
        plan_section_create(plan=new, order=section.order, **section_data(section))
    workstreams: dict[int, Workstream] = {}
    priorities = _copy_headings(Priority, priority_create, plan=plan, new=new, into=workstreams)
    themes = _copy_headings(CrossCuttingTheme, theme_create, plan=plan, new=new, into=workstreams)
    for position, old in enumerate(_open_actions(plan), start=1):
        action_create(
            plan=new,
            carried_from=old,
            data=ActionData.of(
                old,
                priority=priorities.get(old.priority_id) if old.priority_id else None,
                theme=themes.get(old.theme_id) if old.theme_id else None,
                workstream=workstreams.get(old.workstream_id) if old.workstream_id else None,
                supports_themes=[themes[t.pk] for t in old.supports_themes.all() if t.pk in themes],
            ),
            milestones=[MilestoneData.of(m) for m in old.milestones.all() if m.done_date is None],
            order=position,
        )
    return new
