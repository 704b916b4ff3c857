"""Access rules for headings within priorities, and importing and exporting a plan's
actions."""

from priorities.models import Workstream
from tests.access_rules import (
    EDITORS,
    VISIBLE,
    Route,
    _only,
    editors_route,
    ordered_item_routes,
)
from tests.routes_publishing import POST_ONLY_GET, _theme, other_plan_pk, plan_pk
from tests.world import World


def _workstream(plan: object) -> Workstream:
    priority = plan.priorities.first()  # type: ignore[attr-defined]
    return priority.workstreams.first() or Workstream.objects.create(
        priority=priority, title="Prevent", order=1
    )


def _priority(plan: object) -> dict[str, object]:
    return {"pk": plan.priorities.first().pk}  # type: ignore[attr-defined]


def _own_workstream(w: World) -> dict[str, object]:
    return {"pk": _workstream(w.plan).pk}


def _other_workstream(w: World) -> dict[str, object]:
    return {"pk": _workstream(w.other_plan).pk}


SHAPES_ROUTES: dict[str, Route] = {
    # headings within a priority or theme (priorities app)
    "priorities:workstreams": Route(
        own=lambda w: _priority(w.plan), other=lambda w: _priority(w.other_plan), get=_only(EDITORS)
    ),
    "priorities:theme_workstreams": Route(
        own=lambda w: {"pk": _theme(w.plan).pk},
        other=lambda w: {"pk": _theme(w.other_plan).pk},
        get=_only(EDITORS),
    ),
    "priorities:workstream_add": editors_route(
        lambda w: _priority(w.plan), lambda w: _priority(w.other_plan)
    ),
    "priorities:theme_workstream_add": editors_route(
        lambda w: {"pk": _theme(w.plan).pk}, lambda w: {"pk": _theme(w.other_plan).pk}
    ),
    **ordered_item_routes(
        "priorities:workstream", _own_workstream, _other_workstream, direction="down"
    ),
    # importing and exporting a plan's actions (actions app)
    "actions:import": editors_route(plan_pk, other_plan_pk),
    # With no preview to confirm, the page says so (200).
    "actions:import_confirm": Route(
        own=plan_pk, other=other_plan_pk, get=POST_ONLY_GET, post=_only(EDITORS)
    ),
    "actions:import_template": Route(own=plan_pk, other=other_plan_pk, get=_only(EDITORS)),
    "actions:export": Route(own=plan_pk, other=other_plan_pk, get=VISIBLE),
}
