"""Who is reminded to update: officers whose agency leads an action still waiting for this
quarter's update, with those actions."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from actions.models import Action
from actions.selectors import with_current_status
from csp_tracker.periods import Quarter
from plans.models import Agency, Membership, Partnership, Plan
from plans.selectors import plans_in_force
from reporting.calendars import Round
from reporting.selectors import round_of


def _owing_update(plans: QuerySet[Plan], quarter: Quarter) -> QuerySet[Action]:
    """The actions of ``plans`` with no update for the quarter and not already completed
    (``needs_update``: the rule the reminders, the missing updates and the report share),
    in plan order."""
    return (
        with_current_status(
            Action.objects.filter(plan__in=plans), as_of=quarter, include_waiting=True
        )
        .filter(needs_update=True)
        .select_related("plan")
        .order_by("plan_id", "order", "id")
    )


@dataclass(frozen=True)
class OfficerReminder:
    membership: Membership
    actions: list[Action]


def reminder_recipients(
    *, quarter: Quarter, partnership_ids: Collection[int] | None = None
) -> list[OfficerReminder]:
    """Officers whose agency leads an action of a plan in force with no update this
    quarter (and not already completed: ``needs_update``), or one of its milestones, with
    those actions: the same people who may record the update (plans.rules.is_lead_officer)."""
    plans = plans_in_force(financial_year=quarter.financial_year)
    if partnership_ids is not None:
        plans = plans.filter(partnership_id__in=partnership_ids)
    waiting = list(_owing_update(plans, quarter).prefetch_related("lead_agencies", "milestones"))
    by_lead: dict[tuple[int, int | None], list[Action]] = defaultdict(list)
    for action in waiting:
        leads = {a.pk for a in action.lead_agencies.all()}
        leads |= {m.lead_id for m in action.milestones.all() if m.lead_id}
        for agency_id in sorted(leads):
            by_lead[(action.plan.partnership_id, agency_id)].append(action)
    if not by_lead:
        return []
    officers = (
        Membership.objects.filter(
            role=Membership.Role.OFFICER,
            partnership_id__in={p for p, _ in by_lead},
            agency_id__in={a for _, a in by_lead},
            user__is_active=True,
        )
        .select_related("user", "partnership", "agency")
        .order_by("partnership__name", "user__email")
    )
    return [
        OfficerReminder(m, by_lead[(m.partnership_id, m.agency_id)])
        for m in officers
        if (m.partnership_id, m.agency_id) in by_lead
    ]


@dataclass(frozen=True)
class MissingLead:
    """A lead agency of a partnership with actions still waiting for the quarter's update,
    and the officers who may record them (none: nobody has an account to chase)."""

    agency: Agency
    actions: list[Action]
    officers: list[Membership]


def missing_updates(*, partnership: Partnership, quarter: Quarter) -> list[MissingLead]:
    """Who is missing: the partnership's actions of plans in force with no update for the
    quarter (``needs_update``, the rule the reminders and the report use), by lead agency
    (an action's leads and its milestones' leads), with each agency's officers. Three
    queries whatever the size."""
    plans = plans_in_force(financial_year=quarter.financial_year).filter(partnership=partnership)
    waiting = list(
        _owing_update(plans, quarter).prefetch_related("lead_agencies", "milestones__lead")
    )
    by_agency: dict[int, list[Action]] = defaultdict(list)
    agencies: dict[int, Agency] = {}
    for action in waiting:
        leads: dict[int, Agency] = {a.pk: a for a in action.lead_agencies.all()}
        for milestone in action.milestones.all():
            if milestone.lead is not None:
                leads[milestone.lead.pk] = milestone.lead
        for agency_id, agency in leads.items():
            agencies[agency_id] = agency
            by_agency[agency_id].append(action)
    officers: dict[int, list[Membership]] = defaultdict(list)
    for membership in (
        Membership.objects.filter(
            role=Membership.Role.OFFICER,
            partnership=partnership,
            agency_id__in=list(by_agency),
            user__is_active=True,
        )
        .select_related("user", "partnership", "agency")
        .order_by("user__email")
    ):
        if membership.agency_id is not None:
            officers[membership.agency_id].append(membership)
    return sorted(
        (MissingLead(agencies[pk], actions, officers[pk]) for pk, actions in by_agency.items()),
        key=lambda lead: lead.agency.short_name.lower(),
    )


def missing_updates_due(
    *, partnership: Partnership, day: date
) -> tuple[Round | None, list[MissingLead]]:
    """The partnership's round on ``day`` and who is missing for it (nobody when no
    round is due): what the Missing updates page shows and "Chase now" chases."""
    due_round = round_of(partnership=partnership, day=day)
    if due_round is None:
        return None, []
    return due_round, missing_updates(partnership=partnership, quarter=due_round.quarter)


def coordinators_of(*, partnership_ids: Collection[int]) -> list[Membership]:
    return list(
        Membership.objects.filter(
            role=Membership.Role.COORDINATOR,
            partnership_id__in=partnership_ids,
            user__is_active=True,
        )
        .select_related("user", "partnership")
        .order_by("partnership__name", "user__email")
    )
