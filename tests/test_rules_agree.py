"""Each rule has one definition, and everything that asks it gets the same answer: the same
cases run through the pages, the exception report, the reminders (and, for "who may change
a plan", the services and the admin).

* an action's current status, across its lineage, as of a quarter
  (actions.selectors.with_current_status);
* overdue (actions.selectors.milestones_overdue);
* the plans in force in a year (plans.selectors.plans_in_force);
* who may change a plan: open, not superseded (plans.rules.plan_is_open, and
  plans.services.plan_open_guard in the services).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from actions import services as action_services
from actions.models import Action, Milestone, StatusUpdate
from actions.selectors import action_current_status, annotate_progress, milestones_overdue
from actions.services import MilestoneData, status_update_record
from csp_tracker.periods import Quarter
from plans import services as plan_services
from plans.models import Agency, Partnership, Plan, PlanSection
from plans.selectors import plans_in_force
from plans.services import PlanNotEditable, partnership_sign_off_set
from priorities import services as priority_services
from priorities.models import Priority
from publishing import services as publishing_services
from reporting import reminders
from reporting.snapshot import (
    BUCKETS,
    NO_UPDATE,
    exception_report_snapshot,
    partnerships_with_plans_for,
)
from reporting.snapshot_types import ReportSnapshot
from tests import factories

pytestmark = pytest.mark.django_db

Q3, Q4 = Quarter(2023, 3), Quarter(2023, 4)
TODAY = "2024-03-17"  # 2023/24 Q4, two weeks before its deadline: reminders go out


def _record(
    action: Action, quarter: Quarter, status: str, author: User, day: int = 10
) -> StatusUpdate:
    when = timezone.make_aware(datetime.combine(quarter.end.replace(day=day), time(9)))
    return status_update_record(
        action=action,
        author=author,
        status=status,
        commentary=f"{status} in {quarter}",
        reason="Things changed",
        quarter=quarter,
        created_at=when,
    )


@pytest.fixture
def plan(district: Partnership, agency: Agency) -> Plan:
    district.agencies.add(agency)
    return factories.PlanFactory(partnership=district, title="Swale CSP plan 2023/24")


@pytest.fixture
def officer_client(officer: User) -> Client:
    client = Client()
    client.force_login(officer)
    return client


def _action(plan: Plan, agency: Agency, n: int, **kwargs: object) -> Action:
    """An action under a priority of its own, so the report's summary shows its column."""
    priority = factories.PriorityFactory(plan=plan, number=n, title=f"Case {n}")
    return factories.ActionFactory(
        plan=plan, priority=priority, reference=f"{n}.1", lead_agencies=[agency], **kwargs
    )


def _report_columns(snapshot: ReportSnapshot) -> dict[str, str]:
    """The summary's column of each priority's one action (see _action), by priority."""
    keys = [key for key, _ in BUCKETS]
    return {g["label"]: keys[g["counts"].index(1)] for g in snapshot["summary"]["groups"]}


def _reminded(quarter: Quarter) -> set[int]:
    return {a.pk for r in reminders.reminder_recipients(quarter=quarter) for a in r.actions}


# --- an action's current status --------------------------------------------------------


@dataclass
class StatusCase:
    name: str
    setup: Callable[[Action, User, Plan], object]
    status: str  # as of 2023/24 Q4; "" for no update yet
    needs_update: bool  # no update for 2023/24 Q4 and not completed


def _carried(action: Action, author: User, plan: Plan) -> None:
    """The same action in last year's plan (now superseded) was off track."""
    old_plan = factories.PlanFactory(
        partnership=plan.partnership, start_year=2022, end_year=2023, title="Old plan"
    )
    old = factories.ActionFactory(plan=old_plan, priority=factories.PriorityFactory(plan=old_plan))
    _record(old, Quarter(2022, 4), "off_track", author)
    Plan.objects.filter(pk=old_plan.pk).update(status=Plan.Status.SUPERSEDED)
    Action.objects.filter(pk=action.pk).update(lineage=old.lineage, carried_from=old)
    action.refresh_from_db()


STATUS_CASES = [
    StatusCase("no update yet", lambda a, u, p: None, "", True),
    StatusCase("last quarter's", lambda a, u, p: _record(a, Q3, "on_track", u), "on_track", True),
    StatusCase(
        "this quarter's",
        lambda a, u, p: (_record(a, Q3, "on_track", u), _record(a, Q4, "at_risk", u)),
        "at_risk",
        False,
    ),
    StatusCase(
        "the quarter's latest",
        lambda a, u, p: (_record(a, Q4, "off_track", u, 1), _record(a, Q4, "on_track", u, 9)),
        "on_track",
        False,
    ),
    StatusCase(
        "completed before", lambda a, u, p: _record(a, Q3, "completed", u), "completed", False
    ),
    StatusCase(
        "a later quarter's is not counted",
        lambda a, u, p: (_record(a, Q4, "on_track", u), _record(a, Q4.next, "off_track", u)),
        "on_track",
        False,
    ),
    StatusCase("carried from last year's plan", _carried, "off_track", True),
]


def test_current_status_is_the_same_on_every_page_in_the_report_and_the_reminders(
    plan, agency, officer, officer_client, settings
):
    settings.CSP_TODAY = TODAY
    actions = {}
    for n, case in enumerate(STATUS_CASES, start=1):
        actions[case.name] = action = _action(plan, agency, n, title=case.name)
        case.setup(action, officer, plan)

    mine = officer_client.get(reverse("actions:mine")).context["work"]
    listed = officer_client.get(reverse("actions:list")).context["page"].object_list
    on_pages = {
        "Your actions": {a.pk: (a.current_status or "", a.needs_update) for a in mine.actions},
        "the action list": {
            a.pk: (a.current_status or "", a.needs_update) for a in listed if a.plan_id == plan.pk
        },
    }
    snapshot = exception_report_snapshot(
        partnership=plan.partnership, quarter=Q4, today=date.fromisoformat(TODAY)
    )
    columns = _report_columns(snapshot)
    last_status = {i["id"]: i["last_status"] for i in snapshot["exceptions"]["no_update"]}
    reminded = _reminded(Q4)

    for case in STATUS_CASES:
        action = actions[case.name]
        expected = (case.status, case.needs_update)
        for page, answers in on_pages.items():
            assert answers[action.pk] == expected, (case.name, page)
        detail = officer_client.get(reverse("actions:detail", kwargs={"pk": action.pk}))
        shown = detail.context["action"]
        assert (shown.current_status or "", shown.needs_update) == expected, case.name
        # The update form shows the status now, not whether an update is due.
        update = officer_client.get(reverse("actions:update", kwargs={"pk": action.pk}))
        assert (update.context["action"].current_status or "") == case.status, case.name
        column = columns[action.parent.label]
        assert column == (NO_UPDATE if case.needs_update else case.status), case.name
        if case.needs_update:
            assert last_status[action.pk] == case.status, case.name
        assert (action.pk in reminded) == case.needs_update, case.name
        assert action_current_status(action=action, as_of=Q4) == case.status


def test_the_list_filters_by_the_status_it_shows(plan, agency, officer, officer_client, settings):
    """The pages show their rows' status read set-based (set_progress); the action list
    filters by it in SQL (annotate_progress): the same answers, for every case above and
    for an update waiting for sign-off (the officer's part done, no status from it yet)."""
    settings.CSP_TODAY = TODAY
    actions = {}
    for n, case in enumerate(STATUS_CASES, start=1):
        actions[case.name] = action = _action(plan, agency, n, title=case.name)
        case.setup(action, officer, plan)
    waiting = _action(plan, agency, len(STATUS_CASES) + 1, title="waiting for sign-off")
    _record(waiting, Q3, "on_track", officer)
    partnership_sign_off_set(partnership=plan.partnership, required=True)
    _record(waiting, Q4, "at_risk", officer)
    factories.MilestoneFactory(action=waiting, due_date=date(2024, 1, 31), timescale="Jan 24")

    def listed(query: str = "") -> dict[int, tuple[str, bool, bool]]:
        page = officer_client.get(reverse("actions:list") + query).context["page"]
        return {
            a.pk: (a.current_status or "", a.needs_update, a.has_overdue)
            for a in page.object_list
            if a.plan_id == plan.pk
        }

    shown = listed()
    assert shown[waiting.pk] == ("on_track", False, True)
    in_sql = annotate_progress(
        Action.objects.filter(plan=plan), quarter=Q4, today=date.fromisoformat(TODAY)
    )
    assert {a.pk: (a.current_status or "", a.needs_update, a.has_overdue) for a in in_sql} == shown
    for status in ("not_started", "on_track", "at_risk", "off_track", "completed"):
        expected = {pk for pk, (s, _, _) in shown.items() if (s or "not_started") == status}
        assert set(listed(f"?status={status}")) == expected, status
    assert set(listed("?no_update=true")) == {pk for pk, (_, n, _) in shown.items() if n}
    assert set(listed("?overdue=true")) == {pk for pk, (_, _, o) in shown.items() if o}


def test_the_status_an_update_changes_from_is_the_current_status(plan, agency, officer):
    """The reason rule and each update's "previous status" use the same current status."""
    action = _action(plan, agency, 1)
    _carried(action, officer, plan)
    with pytest.raises(ValidationError, match="needs a reason") as refused:
        status_update_record(action=action, author=officer, status="on_track", commentary="Ok")
    assert refused.value.message_dict["reason"]  # a ValidationError naming the field
    update = status_update_record(
        action=action, author=officer, status="on_track", commentary="Ok", reason="Funded"
    )
    assert update.previous_status == "off_track"


# --- overdue ---------------------------------------------------------------------------


@dataclass
class OverdueCase:
    name: str
    due: date | None
    done: date | None
    overdue: bool
    completed: bool = False


OVERDUE_CASES = [
    OverdueCase("due yesterday", date(2024, 3, 16), None, True),
    OverdueCase("due today: not yet", date(2024, 3, 17), None, False),
    OverdueCase("due next week", date(2024, 3, 24), None, False),
    OverdueCase("done on time", date(2023, 12, 31), date(2023, 12, 20), False),
    OverdueCase("done late, done now", date(2024, 1, 31), date(2024, 2, 10), False),
    OverdueCase("no due date", None, None, False),
    OverdueCase("of a completed action", date(2024, 1, 31), None, False, completed=True),
]


def test_overdue_is_the_same_on_every_page_and_in_the_report(
    plan, agency, officer, officer_client, settings
):
    settings.CSP_TODAY = TODAY
    milestones = {}
    for n, case in enumerate(OVERDUE_CASES, start=1):
        action = _action(plan, agency, n, title=case.name)
        _record(action, Q4, "completed" if case.completed else "on_track", officer)
        milestones[case.name] = factories.MilestoneFactory(
            action=action,
            description=case.name,
            due_date=case.due,
            done_date=case.done,
            timescale="Set",
            timescale_kind="due" if case.due else "ongoing",
        )

    mine = officer_client.get(reverse("actions:mine")).context["work"]
    in_your_actions = {m.pk for m in mine.milestones_overdue}
    listed = officer_client.get(reverse("actions:list")).context["page"].object_list
    flagged = {a.pk for a in listed if a.has_overdue}
    filtered = officer_client.get(reverse("actions:list") + "?overdue=true").context["page"]
    filtered_ids = {a.pk for a in filtered.object_list}
    snapshot = exception_report_snapshot(
        partnership=plan.partnership, quarter=Q4, today=date.fromisoformat(TODAY)
    )
    assert snapshot["interim"] is True
    in_report = {m["milestone"] for m in snapshot["exceptions"]["overdue_milestones"]}

    for case in OVERDUE_CASES:
        milestone = milestones[case.name]
        detail = officer_client.get(reverse("actions:detail", kwargs={"pk": milestone.action_id}))
        on_detail = {m.pk: m.is_overdue for m in detail.context["action"].milestones.all()}
        answers = {
            "Your actions": milestone.pk in in_your_actions,
            "the list's tag": milestone.action_id in flagged,
            "the list's filter": milestone.action_id in filtered_ids,
            "the action's tag": detail.context["action"].has_overdue,
            "the milestone's tag": on_detail[milestone.pk],
            "the report": case.name in in_report,
        }
        assert answers == dict.fromkeys(answers, case.overdue), case.name


def test_at_a_quarters_end_the_day_is_over(plan, agency, officer, officer_client, settings):
    """A milestone due on 31 March: not overdue on the pages, or in an interim report, the
    day before; overdue in the quarter's report as at 31 March (built in April, the day is
    over) and on the pages from 1 April."""
    action = _action(plan, agency, 1)
    _record(action, Q4, "on_track", officer)
    factories.MilestoneFactory(
        action=action, description="Year end", due_date=date(2024, 3, 31), timescale="March 24"
    )

    def on_pages() -> bool:
        work = officer_client.get(reverse("actions:mine")).context["work"]
        return [m.description for m in work.milestones_overdue] == ["Year end"]

    def in_report(today: date) -> bool:
        snapshot = exception_report_snapshot(partnership=plan.partnership, quarter=Q4, today=today)
        return [m["milestone"] for m in snapshot["exceptions"]["overdue_milestones"]] == [
            "Year end"
        ]

    def selected(day_is_over: bool) -> bool:
        due = milestones_overdue(as_of=date(2024, 3, 31), quarter=Q4, day_is_over=day_is_over)
        return due.filter(action=action).exists()

    assert (selected(day_is_over=False), selected(day_is_over=True)) == (False, True)
    settings.CSP_TODAY = "2024-03-30"
    assert (on_pages(), in_report(date(2024, 3, 30))) == (False, False)
    settings.CSP_TODAY = "2024-04-01"  # still reporting on Q4 (actions.clock.update_quarter)
    assert (on_pages(), in_report(date(2024, 4, 5))) == (True, True)


# --- the plans in force ----------------------------------------------------------------


@pytest.fixture
def plans(district: Partnership, agency: Agency) -> dict[str, Plan]:
    """A partnership's plans over the years, each with one action its agency leads."""
    district.agencies.add(agency)

    def make(name: str, kind: str, start: int, end: int, status: str, previous=None) -> Plan:
        made = factories.PlanFactory(
            partnership=district,
            kind=kind,
            title=name,
            start_year=start,
            end_year=end,
            status=status,
            previous=previous,
        )
        _action(made, agency, 1, title=f"Action of {name}")
        return made

    csp, strategy, csa = (Plan.Kind.COMMUNITY_SAFETY_PLAN, Plan.Kind.STRATEGY, Plan.Kind.CSA)
    out = {"last year's plan": make("last year's plan", csp, 2022, 2023, "published")}
    out["this year's plan"] = make("this year's plan", csp, 2023, 2024, "published")
    out["next year's draft refresh"] = make(
        "next year's draft refresh", csp, 2024, 2025, "draft", out["this year's plan"]
    )
    out["a published strategy"] = make("a published strategy", strategy, 2022, 2026, "published")
    out["its draft refresh, a year on"] = make(
        "its draft refresh, a year on", strategy, 2023, 2027, "draft", out["a published strategy"]
    )
    out["a superseded agreement"] = make("a superseded agreement", csa, 2023, 2024, "superseded")
    out["a first plan, still a draft"] = make(
        "a first plan, still a draft", csa, 2023, 2025, "draft"
    )
    return out


IN_FORCE = {
    # 15 January 2024, 2023/24 Q4
    "2024-01-15": {"this year's plan", "a published strategy", "a first plan, still a draft"},
    # 15 May 2024, 2024/25 Q1: next year's plan is in force while still a draft, as the
    # plan it refreshes no longer covers the year; the strategy's refresh is not yet.
    "2024-05-15": {
        "next year's draft refresh",
        "a published strategy",
        "a first plan, still a draft",
    },
}


@pytest.mark.parametrize("today", sorted(IN_FORCE))
def test_the_plans_in_force_are_the_same_for_the_pages_the_report_and_the_reminders(
    plans, district, officer_client, settings, today
):
    settings.CSP_TODAY = today
    quarter = Quarter.containing(date.fromisoformat(today))
    expected = {plans[name].pk for name in IN_FORCE[today]}
    plan_of_action = dict(Action.objects.values_list("pk", "plan_id"))

    work = officer_client.get(reverse("actions:mine")).context["work"]
    assert work.quarter == quarter
    snapshot = exception_report_snapshot(
        partnership=district, quarter=quarter, today=date.fromisoformat(today)
    )
    reported = {g["label"] for g in snapshot["summary"]["groups"]}
    answers = {
        "the selector": {p.pk for p in plans_in_force(financial_year=quarter.financial_year)},
        "Your actions": {a.plan_id for a in work.actions},
        "the report": {p["id"] for p in snapshot["plans"]},
        "the reminders": {plan_of_action[pk] for pk in _reminded(quarter)},
    }
    assert answers == dict.fromkeys(answers, expected)
    assert len(work.actions) == len(expected) == snapshot["action_count"] == len(reported)
    assert list(partnerships_with_plans_for(quarter=quarter)) == [district]


# --- who may change a plan: open, not superseded ---------------------------------------


@pytest.fixture
def open_and_closed(district: Partnership, agency: Agency) -> dict[str, Plan]:
    district.agencies.add(agency)
    out = {}
    for status, year in (("published", 2023), ("superseded", 2022)):
        plan = factories.PlanFactory(
            partnership=district, start_year=year, end_year=year + 1, status=status
        )
        factories.SectionFactory(plan=plan)
        action = _action(plan, agency, 1)
        factories.ActionFactory(plan=plan, priority=action.priority, reference="1.2")
        factories.MilestoneFactory(action=action)
        out[status] = plan
    return out


def _pages(plan: Plan) -> list[str]:
    action = plan.actions.order_by("order", "id")[0]
    priority = plan.priorities.get()
    section = plan.sections.get()
    milestone = Milestone.objects.get(action=action)
    return [
        reverse("plans:edit", kwargs={"pk": plan.pk}),
        reverse("plans:section_add", kwargs={"pk": plan.pk}),
        reverse("plans:section_edit", kwargs={"pk": section.pk}),
        reverse("plans:section_remove", kwargs={"pk": section.pk}),
        reverse("priorities:priority_add", kwargs={"pk": plan.pk}),
        reverse("priorities:priority_edit", kwargs={"pk": priority.pk}),
        reverse("priorities:priority_remove", kwargs={"pk": priority.pk}),
        reverse("actions:add", kwargs={"pk": plan.pk}),
        reverse("actions:renumber", kwargs={"pk": plan.pk}),
        reverse("actions:edit", kwargs={"pk": action.pk}),
        reverse("actions:update", kwargs={"pk": action.pk}),
        reverse("actions:milestone_add", kwargs={"pk": action.pk}),
        reverse("actions:milestone_edit", kwargs={"pk": milestone.pk}),
    ]


def _writes(plan: Plan, user: User) -> dict[str, Callable[[], object]]:
    """Every service that changes a plan or what belongs to it."""
    action = plan.actions.order_by("order", "id")[0]
    milestone = Milestone.objects.get(action=action)
    priority = Priority.objects.get(plan=plan)
    section = PlanSection.objects.get(plan=plan)
    heading = priority_services.HeadingData(number=9, title="New")
    return {
        "plan_update": lambda: plan_services.plan_update(
            plan=plan, title=plan.title, start_year=plan.start_year, end_year=plan.end_year
        ),
        "plan_section_create": lambda: plan_services.plan_section_create(plan=plan, title="S"),
        "plan_section_update": lambda: plan_services.plan_section_update(
            section=section, title="S", body="", is_restricted=False
        ),
        "plan_section_move": lambda: plan_services.plan_section_move(section=section, up=True),
        "priority_create": lambda: priority_services.priority_create(plan=plan, data=heading),
        "theme_create": lambda: priority_services.theme_create(plan=plan, data=heading),
        "heading_update": lambda: priority_services.heading_update(
            heading=priority, data=priority_services.HeadingData(number=1, title="T")
        ),
        "heading_move": lambda: priority_services.heading_move(heading=priority, up=True),
        "action_create": lambda: action_services.action_create(
            plan=plan,
            data=action_services.ActionData(reference="1.9", title="A", priority=priority),
        ),
        "action_update": lambda: action_services.action_update(
            action=action,
            data=action_services.ActionData(
                reference=action.reference, title="B", priority=priority
            ),
            expected_version=Action.objects.get(pk=action.pk).lock_version,
        ),
        "action_move": lambda: action_services.action_move(action=action, up=False),
        "action_plan_renumber": lambda: action_services.action_plan_renumber(plan=plan),
        "milestone_create": lambda: action_services.milestone_create(
            action=action, data=MilestoneData(description="M", timescale="Sept 23")
        ),
        "milestone_update": lambda: action_services.milestone_update(
            milestone=milestone,
            data=MilestoneData(description="M2", timescale="Sept 23"),
            expected_version=Milestone.objects.get(pk=milestone.pk).lock_version,
        ),
        "milestone_save (the admin)": lambda: action_services.milestone_save(
            milestone=Milestone.objects.get(pk=milestone.pk)
        ),
        "status_update_record": lambda: status_update_record(
            action=action, author=user, status="on_track", commentary="C", reason="R"
        ),
        "plan_version_publish_start": lambda: publishing_services.plan_version_publish_start(
            plan=plan,
            user=user,
            number="9.0",
            effective_date=date(2024, 4, 1),
            # The editor's check is not the question here: whether the plan is open is.
            warnings_confirmed=True,
        ),
        "plan_section_delete": lambda: plan_services.plan_section_delete(section=section),
    }


@pytest.mark.parametrize("status", ["published", "superseded"])
def test_who_may_change_a_plan_is_the_same_for_pages_services_and_admin(
    open_and_closed, coordinator, county_admin, status
):
    plan = open_and_closed[status]
    is_open = status == "published"
    client = Client()
    client.force_login(coordinator)
    # The pages: the permissions (plans.change_plan and the actions' permissions).
    pages = {url: client.get(url).status_code for url in _pages(plan)}
    assert pages == dict.fromkeys(pages, 200 if is_open else 403)
    overview = client.get(reverse("plans:overview", kwargs={"pk": plan.pk})).context
    assert overview["can_author"] is is_open
    publisher = Client()
    publisher.force_login(county_admin)
    publish = publisher.get(reverse("publishing:publish", kwargs={"pk": plan.pk}))
    assert publish.status_code == (200 if is_open else 403)
    # The services, which ask no permission.
    for name, write in _writes(plan, coordinator).items():
        try:
            write()  # (a publish queues its render after the commit, which never comes)
        except PlanNotEditable as refused:
            assert not is_open, f"{name} refused an open plan"
            assert "has been superseded" in str(refused)
        else:
            assert is_open, f"{name} changed a superseded plan"
    # The admin site, even for a superuser (has_perm grants a superuser everything).
    request = RequestFactory().get("/")
    request.user = factories.UserFactory(is_staff=True, is_superuser=True)
    action = plan.actions.order_by("order", "id")[0]
    milestone = Milestone.objects.filter(action__plan=plan)[0]
    for model, obj in ((Plan, plan), (Action, action), (Milestone, milestone)):
        model_admin = admin_site._registry[model]
        assert model_admin.has_change_permission(request, obj) is is_open, model
        assert model_admin.has_delete_permission(request, obj) is is_open, model


def test_a_superuser_on_the_page_is_refused_by_the_service(open_and_closed):
    """Superusers pass every permission; the service still refuses a superseded plan,
    and the page says why (a 403 with the reason)."""
    plan = open_and_closed["superseded"]
    action = plan.actions.order_by("order", "id")[0]
    client = Client()
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    url = reverse("actions:update", kwargs={"pk": action.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"status": "on_track", "commentary": "Late words", "updates_version": 0}
    )
    assert response.status_code == 403
    assert "has been superseded: it is the record of a past year" in response.content.decode()
    assert not StatusUpdate.objects.filter(action=action).exists()
