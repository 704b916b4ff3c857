"""A query compiled once (csp_tracker.compiled) answers what the ORM answers, for every
number of keys and on either database, and a query it cannot keep is built every time."""

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

import pytest
from django.db import connections, transaction
from django.db.models import F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.signals import post_init, pre_init
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.filters import ActionFilter
from actions.models import Action, Milestone, Status, StatusUpdate, UpdateRequest, UpdateReview
from actions.selectors import (
    IN_ITS_ACTION,
    action_current_status,
    action_get,
    action_list,
    action_list_rows,
    action_queryset,
    annotate_progress,
    change_history,
    latest_statuses,
    my_actions,
    plan_list,
    status_history,
)
from actions.services import action_save, milestone_save
from csp_tracker import compiled
from csp_tracker.compiled import (
    compiled_objects,
    compiled_prefetch,
    compiled_rows,
    markers_like,
    padded,
)
from csp_tracker.lookups import ARRAY_AFTER
from csp_tracker.periods import Quarter
from performance.models import FundedProject, Grant
from plans.models import Membership
from priorities.models import Workstream
from tests import factories
from tests.reporting.conftest import record

pytestmark = pytest.mark.django_db

Q2, Q3 = Quarter(2023, 2), Quarter(2023, 3)


def _kept(shape: Any) -> list[Any]:
    """What is kept of ``shape`` on the default database: one entry, or one for each
    number of keys where a key is a parameter (``compiled._run``'s key)."""
    connection = id(connections["default"])
    return [
        kept
        for (of, _, held), kept in compiled._compiled.items()
        if (of, held) == (shape, connection)
    ]


def _review(update: Any, decision: str, reviewer: Any = None) -> None:
    """A sign-off step as the services write it (a decision has its reviewer)."""
    UpdateReview.objects.create(
        update=update,
        decision=decision,
        reviewer=reviewer,
        comment="Give the figures" if reviewer else "",
        created_at=timezone.now(),
    )


@pytest.fixture
def actions(district, agency) -> list[Action]:
    """Seven actions: no update, one update, a later one waiting for sign-off, a returned
    one, and an action carried from last year's plan whose updates are its lineage's."""
    author = factories.MembershipFactory(partnership=district, role="officer", agency=agency).user
    plan = factories.PlanFactory(partnership=district)
    priority = factories.PriorityFactory(plan=plan)
    made = [factories.ActionFactory(plan=plan, priority=priority) for _ in range(6)]
    record(made[1], Q2, "on_track", author)
    record(made[2], Q2, "at_risk", author)
    record(made[2], Q3, "off_track", author)
    record(made[3], Q2, "on_track", author)
    waiting = record(made[3], Q3, "completed", author)
    _review(waiting, UpdateReview.Decision.SUBMITTED)
    record(made[4], Q2, "on_track", author)
    returned = record(made[4], Q3, "off_track", author)
    _review(returned, UpdateReview.Decision.SUBMITTED)
    _review(returned, UpdateReview.Decision.RETURNED, reviewer=author)
    old_plan = factories.PlanFactory(partnership=district, start_year=2022, end_year=2023)
    old = factories.ActionFactory(plan=old_plan, priority=factories.PriorityFactory(plan=old_plan))
    record(old, Q2, "at_risk", author)
    carried = factories.ActionFactory(
        plan=plan, priority=priority, lineage=old.lineage, carried_from=old
    )
    return [*made, carried]


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7])
def test_the_compiled_statuses_are_the_rules_for_any_number_of_actions(actions, count):
    chosen = actions[-count:]
    for quarter in (Q2, Q3):
        for _ in range(2):  # compiled on the first call, run from the SQL on the second
            statuses = latest_statuses(lineages={a.lineage for a in chosen}, as_of=quarter)
            shown = {
                a.pk: statuses[a.lineage.int].status if a.lineage.int in statuses else ""
                for a in chosen
            }
            assert shown == {a.pk: action_current_status(action=a, as_of=quarter) for a in chosen}
    kept = _kept(("latest_statuses", Q3, count > 1))
    assert kept and None not in kept, f"not kept on {connections['default'].vendor}"


def test_a_query_whose_markers_are_not_in_its_parameters_is_built_every_time(actions):
    """A marker the ORM rewrote (here: one it never puts in the query) cannot be found:
    the shape is not kept, and each call is the ORM's own."""
    calls: list[Any] = []

    def build(values: Any) -> Any:
        calls.append(values)
        return Action.objects.filter(pk__in=[a.pk for a in actions[:2]]).values_list("pk")

    marker = [UUID(int=1)]
    for _ in range(2):
        rows = compiled_rows("never kept", build, [UUID(int=2)], marker)
        assert sorted(rows) == sorted((a.pk,) for a in actions[:2])
    assert _kept("never kept") == [None]
    assert calls == [marker, [UUID(int=2)], [UUID(int=2)]]


def test_your_actions_are_read_by_a_kept_query_for_officers_and_coordinators(
    actions, district, other_district, agency
):
    """ "Your actions" lists the same whichever way the keys query runs: compiled, for an
    officer of two partnerships who also coordinates a third, it lists what each role
    sees."""
    third = factories.DistrictFactory(parent=district.parent, slug="third")
    coordinated = factories.PlanFactory(partnership=third)
    theirs = factories.ActionFactory(
        plan=coordinated, priority=factories.PriorityFactory(plan=coordinated)
    )
    other_plan = factories.PlanFactory(partnership=other_district)
    led_there = factories.ActionFactory(
        plan=other_plan,
        priority=factories.PriorityFactory(plan=other_plan),
        lead_agencies=[agency],
    )
    not_led = factories.ActionFactory(
        plan=other_plan, priority=factories.PriorityFactory(plan=other_plan)
    )
    for action in actions[:3]:
        action.lead_agencies.add(agency)
    user = factories.MembershipFactory(partnership=district, role="officer", agency=agency).user
    factories.MembershipFactory(
        user=user, partnership=other_district, role="officer", agency=agency
    )
    factories.MembershipFactory(user=user, partnership=third, role="coordinator")
    for _ in range(2):
        user = type(user).objects.get(pk=user.pk)  # a new request: memberships read again
        listed = {a.pk for a in my_actions(user=user).actions}
        assert listed == {*(a.pk for a in actions[:3]), led_there.pk, theirs.pk}
        assert not_led.pk not in listed
    kept = [
        entry
        for (shape, _, _), entry in compiled._compiled.items()
        if isinstance(shape, tuple) and shape[0] == "my_actions" and shape[2:] == (2, 1)
    ]
    assert kept and all(entry is not None for entry in kept)


def _seen(work: Any) -> dict[str, Any]:
    """What "Your actions" shows of its work, objects read to plain values."""
    return {
        "actions": [
            (
                a.pk,
                a.reference,
                a.plan.title,
                a.plan.partnership.short_name,
                a.priority and a.priority.title,
                a.current_status,
                a.updated_this_quarter,
                a.needs_update,
                a.has_overdue,
            )
            for a in work.actions
        ],
        "overdue": [
            (m.pk, m.action.reference, m.lead and m.lead.short_name)
            for m in work.milestones_overdue
        ],
        "due": [(m.pk, m.due_date, m.past_due) for m in work.milestones_due],
    }


def test_your_actions_compiled_are_the_orms_objects(actions, district, agency, monkeypatch):
    """The same actions, statuses, relations and milestones as the ORM reads them when
    nothing is kept (every query built each time)."""
    for n, action in enumerate(actions[:4]):
        action.lead_agencies.add(agency)
        factories.MilestoneFactory(action=action, due_date=date(2023, 12, 1), timescale_kind="due")
        factories.MilestoneFactory(
            action=action,
            due_date=date(2024, 3, 1),
            timescale_kind="due",
            lead=agency if n else None,
        )
    user = factories.MembershipFactory(partnership=district, role="officer", agency=agency).user
    kept = _seen(my_actions(user=user))
    assert len(kept["actions"]) == 4 and kept["overdue"] and kept["due"]
    monkeypatch.setattr(compiled, "_compiled", {})
    monkeypatch.setattr(compiled, "_compile", lambda *compiling: None)
    user = type(user).objects.get(pk=user.pk)
    assert _seen(my_actions(user=user)) == kept


def test_the_kept_queries_are_bounded(actions, monkeypatch):
    """A process that lives for months keeps no more than the bound: past it, what was
    kept is let go and compiled again when next asked."""
    monkeypatch.setattr(compiled, "_compiled", {})
    monkeypatch.setattr(compiled, "_KEPT_AT_MOST", 3)
    for day in range(5):
        rows = compiled_rows(
            ("a shape of day", day),
            lambda keys: Action.objects.filter(pk__in=keys).values_list("pk"),
            [actions[0].pk],
            [10**12],
        )
        assert rows == [(actions[0].pk,)]
        assert len(compiled._compiled) <= 3


def test_the_action_lists_rows_compiled_are_the_orms(actions, agency, monkeypatch):
    """A page of the action list reads the same rows, relations, annotations and leads
    whether its queries are kept or built each time."""
    # One action of a theme, under a heading of it; one under a priority's heading.
    theme = factories.ThemeFactory(plan=actions[0].plan)
    Action.objects.filter(pk=actions[3].pk).update(
        priority=None,
        theme=theme,
        workstream=Workstream.objects.create(theme=theme, title="Prevent <& more>"),
    )
    Action.objects.filter(pk=actions[1].pk).update(
        workstream=Workstream.objects.create(priority=actions[1].priority, title="Pursue")
    )
    for action in actions[:3]:
        action.lead_agencies.add(agency)
        factories.MilestoneFactory(action=action, due_date=date(2023, 12, 1), timescale_kind="due")

    def page(keys: list[int]) -> list[tuple[Any, ...]]:
        rows = action_list_rows(quarter=Q3, today=date(2024, 1, 15))(keys)
        return sorted(
            (
                a.pk,
                a.reference,
                a.title,
                a.partnership,
                a.plan,
                a.place,
                a.current_status,
                a.updated_this_quarter,
                a.has_overdue,
                a.needs_update,
                a.lead_names,
            )
            for a in rows
        )

    keys = [a.pk for a in actions[:5]]
    kept = page(keys)
    assert len(kept) == 5 and any(row[8] for row in kept)
    # What each row says of its plan and heading is what the action's own objects say.
    read = Action.objects.select_related("plan__partnership", "priority", "theme", "workstream")
    for row in kept:
        action = read.get(pk=row[0])
        place = action.parent.label
        if action.workstream:
            place = f"{place} – {action.workstream.title}"
        assert row[1:6] == (
            action.reference,
            action.title,
            action.plan.partnership.short_name,
            action.plan.title,
            place,
        )
        assert row[10] == [agency.short_name] * (row[0] in keys[:3])
    monkeypatch.setattr(compiled, "_compiled", {})
    monkeypatch.setattr(compiled, "_compile", lambda *compiling: None)
    assert page(keys) == kept


def test_an_action_is_found_only_by_whom_it_is_visible_to(
    actions, county, district, other_district, agency
):
    """An action's page reads it by its key (compiled) and then asks whether the person
    may see it: the same answer as the action list's filter, for an officer of its
    partnership, an officer of another, the county's admin and a person with no role."""
    action = actions[0]
    people = {
        "its officer": factories.MembershipFactory(
            partnership=district, role=Membership.Role.OFFICER, agency=agency
        ).user,
        "another district's officer": factories.MembershipFactory(
            partnership=other_district, role=Membership.Role.OFFICER
        ).user,
        "the county's admin": factories.MembershipFactory(
            partnership=county, role=Membership.Role.COUNTY_ADMIN
        ).user,
        "no role": factories.UserFactory(),
    }
    found = {}
    for who, user in people.items():
        for _ in range(2):  # compiled on the first, kept for the second
            try:
                action_get(user=type(user).objects.get(pk=user.pk), pk=action.pk)
            except Action.DoesNotExist:
                found[who] = False
            else:
                found[who] = True
            listed = action_queryset(user=user).filter(pk=action.pk).exists()
            assert found[who] == listed, who
    assert found == {
        "its officer": True,
        "another district's officer": False,
        "the county's admin": True,
        "no role": False,
    }


def _relations(action: Any) -> tuple[Any, ...]:
    return (
        [a.pk for a in action.lead_agencies.all()],
        [(m.pk, m.lead and m.lead.short_name, m.action is action) for m in action.milestones.all()],
        [(m.pk, m.order) for m in action.early],
    )


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_a_compiled_prefetch_fills_what_djangos_fills(
    actions, agency, count, django_assert_num_queries
):
    """Many-to-many and reverse relations, with a queryset and into a list, for any number
    of instances: the same objects, in the same order, and nothing read again after."""
    other = factories.AgencyFactory()
    for n, action in enumerate(actions[:5]):
        action.lead_agencies.set([agency, other][: (n + 1) % 3])
        for order in (3, 1, 2)[: (n + 2) % 4]:
            factories.MilestoneFactory(
                action=action, order=order, lead=agency if order > 1 else None
            )
    milestones = Milestone.objects.select_related("lead").order_by(*IN_ITS_ACTION)

    def django_s() -> list[tuple[Any, ...]]:
        chosen = list(Action.objects.filter(pk__in=[a.pk for a in actions[:count]]).order_by("pk"))
        prefetch_related_objects(
            chosen,
            "lead_agencies",
            Prefetch("milestones", queryset=milestones),
            Prefetch("milestones", queryset=milestones.filter(order__lt=3), to_attr="early"),
        )
        return [_relations(a) for a in chosen]

    def compiled_s() -> list[tuple[Any, ...]]:
        chosen = list(Action.objects.filter(pk__in=[a.pk for a in actions[:count]]).order_by("pk"))
        with django_assert_num_queries(3):
            compiled_prefetch(chosen, "lead_agencies", shape="test")
            compiled_prefetch(chosen, "milestones", milestones, shape="test")
            compiled_prefetch(
                chosen, "milestones", milestones.filter(order__lt=3), shape="early", to_attr="early"
            )
        with django_assert_num_queries(0):
            return [_relations(a) for a in chosen]

    expected = django_s()
    assert compiled_s() == expected  # compiled
    assert compiled_s() == expected  # kept
    assert any(row[0] for row in expected) and any(row[1] for row in expected)


def test_a_compiled_prefetch_reads_only_for_the_instances_asked(
    actions, agency, django_assert_num_queries
):
    """``read_for``: the relations of the instances named are read as without it; the
    others are given none, and with none named there is no query."""
    other = factories.AgencyFactory()
    for action in actions[:3]:
        action.lead_agencies.set([agency, other])
        factories.MilestoneFactory(action=action)
    chosen = list(Action.objects.filter(pk__in=[a.pk for a in actions[:3]]).order_by("pk"))
    with django_assert_num_queries(2):
        compiled_prefetch(chosen, "lead_agencies", shape="test", read_for=chosen[1:2])
        compiled_prefetch(chosen, "milestones", shape="test", read_for=chosen[:1])
    with django_assert_num_queries(0):
        assert [len(a.lead_agencies.all()) for a in chosen] == [0, 2, 0]
        assert [len(a.milestones.all()) for a in chosen] == [1, 0, 0]
    none = list(Action.objects.filter(pk__in=[a.pk for a in actions[:3]]))
    with django_assert_num_queries(0):
        compiled_prefetch(none, "lead_agencies", shape="test", read_for=[])
        compiled_prefetch(none, "milestones", shape="test", read_for=[])
        assert not any(a.lead_agencies.all() or a.milestones.all() for a in none)


def test_an_actions_history_compiled_is_the_orms(actions, district, agency, monkeypatch):
    """The history of updates (a carried action's lineage, sign-off steps, milestones
    done) and of changes (its text, its leads, its milestones, by someone else than who
    made it) read the same whether their queries are kept or built each time."""
    carried = actions[-1]
    editor = factories.UserFactory(full_name="Edna Editor")
    done = factories.MilestoneFactory(action=carried, description="Hold the forum")
    author = factories.MembershipFactory(partnership=district, role="officer", agency=agency).user
    update = record(carried, Q3, "completed", author)
    update.milestones_completed.add(done)
    _review(update, UpdateReview.Decision.SUBMITTED)
    _review(update, UpdateReview.Decision.APPROVED, reviewer=editor)
    carried.title = "A better title"
    action_save(action=carried, user=editor)
    carried.lead_agencies.set([agency])
    done.description = "Hold two forums"
    milestone_save(milestone=done, user=editor)

    def seen() -> tuple[Any, ...]:
        action = Action.objects.get(pk=carried.pk)
        updates: list[Any] = [
            (
                u.pk,
                (u.plan_title, u.action_reference),
                u.author.pk,
                [m.pk for m in u.done_milestones],
                [(s.decision, s.reviewer and s.reviewer.pk, s.update is u) for s in u.review_steps],
            )
            for u in cast(list[Any], status_history(action=action))
        ]
        changes = [
            (e["when"], e["who"] and e["who"].pk, e["what"], e["changes"])
            for e in change_history(action=action)
        ]
        return updates, changes

    kept = seen()
    assert len(kept[0]) == 2 and kept[0][0][3] and len(kept[0][0][4]) == 2
    # What an officer reads: the text, the leads and the milestone, not the counters the
    # service raises to refuse stale edits.
    assert {c["field"] for entry in kept[1] for c in entry[3]} == {
        "action",
        "lead agencies",
        "description",
    }
    assert seen() == kept
    monkeypatch.setattr(compiled, "_compiled", {})
    monkeypatch.setattr(compiled, "_compile", lambda *compiling: None)
    assert seen() == kept


def test_every_query_of_an_actions_page_is_kept(actions, district, agency, monkeypatch):
    """Each query the action's page compiles is kept (a marker the backend wraps, as
    PostgreSQL's big integer keys of the history tables, is still found), so none is
    built by the ORM on every request."""
    monkeypatch.setattr(compiled, "_compiled", {})
    officer = factories.MembershipFactory(partnership=district, role="officer", agency=agency)
    carried = actions[-1]
    factories.MilestoneFactory(action=carried)
    user = type(officer.user).objects.get(pk=officer.user.pk)
    action = action_get(user=user, pk=carried.pk)
    assert status_history(action=action) and change_history(action=action) is not None
    assert compiled._compiled and all(compiled._compiled.values()), [
        shape for shape, kept in compiled._compiled.items() if kept is None
    ]


def test_the_action_list_filtered_by_progress_compiled_is_the_orms(
    actions, district, other_district, agency, monkeypatch
):
    """The action list filtered by status, overdue and no update lists what the ORM's
    annotations of the rule (``annotate_progress``) say, for each combination, whether
    its condition is compiled anew or kept, on either day (a milestone falls due between
    them: the day is of the condition's shape), and never another partnership's actions."""
    for action in actions[:2]:
        factories.MilestoneFactory(action=action, due_date=date(2023, 12, 1), timescale_kind="due")
    factories.MilestoneFactory(action=actions[5], due_date=date(2024, 2, 1), timescale_kind="due")
    other_plan = factories.PlanFactory(partnership=other_district)
    record(
        factories.ActionFactory(
            plan=other_plan, priority=factories.PriorityFactory(plan=other_plan)
        ),
        Q3,
        "off_track",
        factories.MembershipFactory(partnership=other_district, role="officer").user,
    )
    user = factories.MembershipFactory(partnership=district, role="officer", agency=agency).user
    monkeypatch.setattr(compiled, "_compiled", {})
    for today in (date(2024, 1, 15), date(2024, 3, 1)):
        _assert_filtered_as_the_orm(user, today)


def _assert_filtered_as_the_orm(user: Any, today: date) -> None:
    read = annotate_progress(action_list(user=user), quarter=Q3, today=today)
    progress = {a.pk: (a.current_status, a.has_overdue, a.needs_update) for a in read}
    assert {status for status, _, _ in progress.values()} >= {None, "on_track", "off_track"}
    assert any(overdue for _, overdue, _ in progress.values())

    def listed(query: dict[str, str]) -> list[int]:
        found = ActionFilter(
            query,
            queryset=action_list(user=user),
            plans=plan_list(user=user),
            quarter=Q3,
            today=today,
        )
        assert found.is_valid(), found.errors
        return list(found.qs.values_list("pk", flat=True))

    for status in ["", *Status.values]:
        for overdue in (False, True):
            for no_update in (False, True):
                query = {"status": status, "overdue": "on" * overdue, "no_update": "on" * no_update}
                expected = [
                    pk
                    for pk, (current, has_overdue, needs_update) in progress.items()
                    if (not status or (current or Status.NOT_STARTED) == status)
                    and (has_overdue or not overdue)
                    and (needs_update or not no_update)
                ]
                # Compiled for the day, then asked again by the condition kept.
                assert listed(query) == expected, (today, query)
                assert listed(query) == expected, (today, query)


@pytest.fixture
def projects(actions, district, agency) -> list[FundedProject]:
    """Funded projects with what a row converts (Decimals, dates, a datetime, a file's
    name, empty values) and related objects selected that are there or not."""
    type(district).objects.filter(pk=district.pk).update(
        logo="logos/2024/swale.png", logo_alt="Swale CSP"
    )
    grant = Grant.objects.create(
        partnership=district,
        name="Crime Reduction Grant",
        funder="Police and Crime Commissioner",
        financial_year=2023,
        amount=Decimal("39661.00"),
        up_front_amount=Decimal("30000.00"),
        tactical_amount=Decimal("9661.00"),
        tactical_closes_on=date(2024, 2, 1),
    )
    return [
        FundedProject.objects.create(
            grant=grant,
            title="Street pastors",
            lead_agency=agency,
            amount_approved=Decimal("1200.50"),
            amount_spent=Decimal("99.99"),
            action=actions[0],
            start_date=date(2023, 4, 1),
            end_date=date(2024, 3, 31),
        ),
        FundedProject.objects.create(
            grant=grant, title="Lead as written", lead_text="The YMCA", amount_approved=0
        ),
        FundedProject.objects.create(
            grant=grant, title="Later", amount_approved=Decimal("5"), start_date=date(2024, 1, 2)
        ),
    ]


def _update_without_author(action: Action, figures: Any = ()) -> StatusUpdate:
    """An update as one sent through an update request's link is stored: no author."""
    now = timezone.now()
    request = UpdateRequest.objects.create(
        partnership=action.plan.partnership,
        agency=factories.AgencyFactory(),
        contact_name="Lee Lead",
        contact_email="lee@example.org",
        financial_year=2023,
        quarter=3,
        secret="x" * 64,
        created_at=now,
        expires_at=now,
    )
    return StatusUpdate.objects.create(
        action=action,
        request=request,
        financial_year=2023,
        quarter=3,
        status="on_track",
        commentary="Sent by its lead",
        figures=list(figures),
        created_at=timezone.now(),
    )


def _as_read(obj: Any, depth: int = 3) -> Any:
    """An object as it was read: its class, its state, each value it holds and of what
    type, what it left deferred, and the same of the related objects it holds."""
    if obj is None or depth == 0:
        return obj and (type(obj), obj.pk)
    return (
        type(obj),
        {name: held for name, held in vars(obj._state).items() if name != "fields_cache"},
        {name: (type(value), value) for name, value in vars(obj).items() if name != "_state"},
        obj.get_deferred_fields(),
        {name: _as_read(held, depth - 1) for name, held in obj._state.fields_cache.items()},
    )


_OF_PROJECTS: dict[str, Callable[[Sequence[Any]], QuerySet[Any]]] = {
    "select_related, annotated": lambda keys: (
        FundedProject.objects.filter(pk__in=keys)
        .select_related("grant__partnership", "lead_agency", "action__priority")
        .annotate(closes=F("grant__tactical_closes_on"), grant_amount=F("grant__amount"))
        .order_by("pk")
    ),
    "deferred": lambda keys: (
        FundedProject.objects.filter(pk__in=keys)
        .select_related("grant")
        .defer("description", "amount_spent", "grant__rules")
        .order_by("pk")
    ),
    "only": lambda keys: (
        FundedProject.objects.filter(pk__in=keys)
        .only("title", "start_date", "lead_agency__short_name")
        .select_related("lead_agency")
        .order_by("-pk")
    ),
}


@pytest.mark.parametrize("query", _OF_PROJECTS)
def test_kept_objects_are_the_orms_objects(projects, query):
    """Objects read by a kept query are the ORM's: each value converted as Django
    converts it (a Decimal, a date, a datetime, a file's name; ``None`` where empty),
    the same state, the same deferred fields, the same ``select_related`` objects (or
    ``None``) and annotations, run after run."""
    build = _OF_PROJECTS[query]
    keys = padded([p.pk for p in projects])
    expected = [_as_read(obj) for obj in build(keys)]
    assert len(expected) == 3
    for _ in range(2):  # compiled, then kept
        found = compiled_objects(("projects", query), build, keys, markers_like(keys))
        assert [_as_read(obj) for obj in found] == expected
    assert _kept(("projects", query)) not in ([], [None])


def test_kept_rows_are_converted_as_the_orms(actions, projects):
    """Rows read by a kept query have each value converted (JSON, datetimes, Decimals,
    dates, empty values) as the ORM's rows have."""
    _update_without_author(actions[0], figures=[{"label": "Patrols", "value": 12}])

    def build(keys: Sequence[Any]) -> QuerySet[Any]:
        return (
            FundedProject.objects.filter(pk__in=keys)
            .values_list(
                "amount_approved",
                "amount_spent",
                "start_date",
                "created_at",
                "grant__partnership__logo",
                "action__updates__figures",
                "action__updates__created_at",
            )
            .order_by("pk")
        )

    keys = padded([p.pk for p in projects])
    expected = [tuple((type(v), v) for v in row) for row in build(keys)]
    held = {type(v) for row in build(keys) for v in row}
    assert {Decimal, date, list, type(None)} <= held and any(t.__name__ == "datetime" for t in held)
    for _ in range(2):
        rows = compiled_rows("project rows", build, keys, markers_like(keys))
        assert [tuple((type(v), v) for v in row) for row in rows] == expected


def test_kept_objects_are_made_by_from_db_while_a_receiver_listens(actions, projects):
    """An object's making is seen by whoever listens for it: while a receiver of
    ``pre_init`` or ``post_init`` is connected, a kept query's objects (and the
    related objects it selects) are made by Django's own ``from_db``."""

    def build(keys: Sequence[Any]) -> QuerySet[Any]:
        return (
            StatusUpdate.objects.filter(pk__in=keys)
            .select_related("author", "request")
            .order_by("pk")
        )

    with_author = StatusUpdate.objects.order_by("pk").first()
    assert with_author is not None and with_author.author is not None
    author = with_author.author
    keys = [with_author.pk, _update_without_author(actions[0]).pk]
    compiled_objects("updates", build, keys, markers_like(keys))  # kept before it listens
    made: list[tuple[str, Any]] = []

    def heard(signal: str) -> Callable[..., None]:
        def receiver(sender: Any, **kwargs: Any) -> None:
            made.append((signal, sender))

        return receiver

    for signal, name in ((pre_init, "pre"), (post_init, "post")):
        receiver = heard(name)
        signal.connect(receiver, weak=False)
        try:
            found = compiled_objects("updates", build, keys, markers_like(keys))
        finally:
            signal.disconnect(receiver)
        assert made == [
            (name, StatusUpdate),
            (name, type(author)),
            (name, StatusUpdate),
            (name, UpdateRequest),
        ]
        assert [_as_read(u) for u in found] == [_as_read(u) for u in build(keys)]
        made.clear()


# The ``any`` lookup (csp_tracker.lookups): what ``in`` finds, with a list of keys sent
# as one array on PostgreSQL.

ON_POSTGRESQL = connections["default"].vendor == "postgresql"


def _keys_for(actions: list[Action], count: int) -> tuple[list[int], list[UUID]]:
    """``count`` action keys and lineages: the actions' first, then keys no row has."""
    top = max(a.pk for a in actions)
    keys = [*(a.pk for a in actions), *range(top + 1, top + 1 + count)][:count]
    lineages = [*(a.lineage for a in actions), *(UUID(int=n + 1) for n in range(count))]
    return keys, lineages[:count]


@pytest.mark.parametrize("count", [0, 1, 64, 65])
def test_any_finds_what_in_finds(actions, count):
    """For no key, one, and more than psycopg keeps the parse of a query for (50): by a
    key, a UUID, a related key and a joined UUID; filtered, excluded, in an OR, with
    ``None`` among the keys; the same rows, in as many queries (none for no key)."""
    for action in actions[:3]:
        factories.MilestoneFactory(action=action)
    keys, lineages = _keys_for(actions, count)
    asked = [
        (Action.objects, "pk", keys),
        (Action.objects, "lineage", lineages),
        (Milestone.objects, "action__pk", keys),
        (StatusUpdate.objects, "action__lineage", [None, *lineages]),
    ]
    for manager, field, values in asked:
        by_any, by_in = Q(**{f"{field}__any": values}), Q(**{f"{field}__in": values})
        other = Q(pk=manager.order_by("pk").values_list("pk", flat=True)[0])
        found: list[list[Any]] = [[], []]
        for lookup, seen in zip((by_any, by_in), found, strict=True):
            for asked_so in (
                manager.filter(lookup),
                manager.exclude(lookup),
                manager.filter(lookup | other),
            ):
                with CaptureQueriesContext(connections["default"]) as queries:
                    pks = sorted(asked_so.values_list("pk", flat=True))
                seen.append((pks, len(queries)))
        assert found[0] == found[1], (field, count)
    # On PostgreSQL many keys are one parameter, whatever their number.
    if count:
        _, params = Action.objects.filter(pk__any=keys).query.get_compiler("default").as_sql()
        assert len(params) == (1 if ON_POSTGRESQL and count > ARRAY_AFTER else count)


def test_any_of_a_subquery_finds_what_in_finds(actions):
    """``any`` of a subquery's keys: the rows ``in`` finds (filtered, excluded, or'd), and
    on PostgreSQL the array the subquery makes (looked up by the column's index)."""
    for action in actions[:3]:
        factories.MilestoneFactory(action=action)
    chosen = Action.objects.filter(pk__in=[a.pk for a in actions[::2]]).values("pk")
    for manager, field in ((Action.objects, "pk"), (Milestone.objects, "action__pk")):
        by_any, by_in = Q(**{f"{field}__any": chosen}), Q(**{f"{field}__in": chosen})
        for ask in (manager.filter, manager.exclude):
            assert sorted(ask(by_any).values_list("pk", flat=True)) == sorted(
                ask(by_in).values_list("pk", flat=True)
            )
    sql, _ = Action.objects.filter(pk__any=chosen).query.get_compiler("default").as_sql()
    assert ("= ANY(ARRAY(SELECT" in sql) == ON_POSTGRESQL


def test_a_kept_query_of_lists_of_keys_is_the_orms_for_any_number(actions, monkeypatch):
    """A query of two lists (``any``: of keys and of UUIDs), either empty or not, of one
    key, a few, or more than ``ARRAY_AFTER``, kept: the ORM's rows. A few keys are padded
    to a few numbers (3 and 4 share one SQL); more share one SQL on PostgreSQL, an array
    (33, 64 and 100), and a few numbers on SQLite (64, 128)."""
    monkeypatch.setattr(compiled, "_compiled", {})

    def build(values: Sequence[Any]) -> QuerySet[Any]:
        keys, lineages = values
        which = Q(pk__any=keys) | Q(lineage__any=lineages)
        return Action.objects.filter(which).order_by("pk").values_list("pk", "lineage")

    asked = [(0, 0), (1, 0), (0, 1), (3, 0), (4, 0), (33, 2), (64, 2), (100, 2), (65, 65)]
    for key_count, lineage_count in [*asked, (2, 64), (1, 1)]:
        keys, _ = _keys_for(actions, key_count)
        _, lineages = _keys_for(actions[::-1], lineage_count)
        values = [keys, lineages]
        expected = list(build(values))
        for _ in range(2):  # compiled, then kept
            assert compiled_rows("two lists", build, values) == expected
    kept = _kept("two lists")
    assert None in kept  # no key at all: nothing asked, the ORM's own
    assert len([k for k in kept if k is not None]) == (7 if ON_POSTGRESQL else 8)


@pytest.mark.parametrize("count", [1, 64, 65])
def test_a_page_of_many_keys_reads_the_orms_rows(actions, agency, count, monkeypatch):
    """A page of the action list of one key and of more than 50 (some of no action) reads
    the same rows, statuses and leads whether its queries are kept or built each time;
    on PostgreSQL each kept query holds fewer than 50 parameters (so psycopg parses it
    once)."""
    for action in actions[:3]:
        action.lead_agencies.add(agency)
    keys, lineages = _keys_for(actions, count)

    def page() -> tuple[Any, ...]:
        rows = action_list_rows(quarter=Q3, today=date(2024, 1, 15))(keys)
        statuses = latest_statuses(lineages=lineages, as_of=Q3)
        return (
            sorted((r.pk, r.current_status, r.has_overdue, r.lead_names) for r in rows),
            statuses,
        )

    monkeypatch.setattr(compiled, "_compiled", {})
    kept = page()
    assert page() == kept and len(kept[0]) == min(count, len(actions))
    assert {u.status for u in kept[1].values()} == {
        action_current_status(action=a, as_of=Q3) for a in actions[:count]
    } - {""}
    kept_queries = list(compiled._compiled.values())
    assert kept_queries and None not in kept_queries
    if ON_POSTGRESQL:
        assert all(k and len(k.slots) < 50 and len(k.sql) <= 4096 for k in kept_queries)
    monkeypatch.setattr(compiled, "_compiled", {})
    monkeypatch.setattr(compiled, "_compile", lambda *compiling: None)
    assert page() == kept


# A kept query keeps the cursor it ran on (compiled._fetch).


def _actions_by_key(keys: Sequence[Any]) -> QuerySet[Action]:
    return Action.objects.filter(pk__in=keys).select_related("plan__partnership").order_by("pk")


def test_a_kept_query_runs_through_djangos_cursor_every_time(actions, django_assert_num_queries):
    """A kept query runs again on the cursor it kept, and still through Django's cursor
    every time: the connection's execute wrappers see each run, a test capturing queries
    counts each, and a transaction that must be rolled back refuses it, as it refuses
    the ORM's queries."""
    keys = [actions[0].pk, actions[1].pk]
    expected = [_as_read(a) for a in _actions_by_key(keys)]
    cursors: list[Any] = []

    def seen(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        cursors.append(context["cursor"])
        return execute(sql, params, many, context)

    connection = connections["default"]
    with connection.execute_wrapper(seen):
        for _ in range(3):
            found = compiled_objects("kept cursor", _actions_by_key, keys, markers_like(keys))
            assert [_as_read(a) for a in found] == expected
    assert len(cursors) == 3 and len(set(map(id, cursors))) == 1
    with django_assert_num_queries(2):
        for _ in range(2):
            found = compiled_objects("kept cursor", _actions_by_key, keys, markers_like(keys))
            assert [_as_read(a) for a in found] == expected
    found = compiled_objects("kept cursor", _actions_by_key, keys, markers_like(keys))
    assert [_as_read(a) for a in found] == expected
    with transaction.atomic():
        transaction.set_rollback(True)
        with pytest.raises(TransactionManagementError):
            compiled_objects("kept cursor", _actions_by_key, keys, markers_like(keys))
        with pytest.raises(TransactionManagementError):
            list(_actions_by_key(keys))


@pytest.mark.django_db(transaction=True)
def test_a_kept_query_runs_on_a_connection_opened_again(actions):
    """A connection closed (at the end of a request, or by the database) and opened again
    is not the one a kept cursor was made on: the query runs on a cursor of the new one."""
    keys = [actions[0].pk]
    expected = [_as_read(a) for a in _actions_by_key(keys)]
    connection = connections["default"]
    for _ in range(2):
        found = compiled_objects("kept cursor, closed", _actions_by_key, keys, markers_like(keys))
        assert [_as_read(a) for a in found] == expected
        connection.close()
