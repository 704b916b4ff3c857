"""Access rules for plan authoring, publishing and the public documents pages."""

from datetime import date

from plans.models import Plan, PlanSection, PlanVersion
from priorities.models import CrossCuttingTheme
from tests import factories
from tests.access_rules import ALL, EDITORS, PUBLIC, VISIBLE, Route, _only
from tests.world import ROLES, World

# Moves are POST forms: a GET is 405 for everyone who can see the object.
POST_ONLY_GET = {role: 405 for role in ROLES} | {"anonymous": 302, "other_coordinator": 404}
# Swale's coordinators publish its plans (a district's default), and so does the county team.
PUBLISHERS = {"coordinator", "county_admin", "service_admin"}
# Anyone with a role creates plans only where they coordinate (or as county admin).
CREATORS = {"coordinator", "county_admin", "other_coordinator", "service_admin"}


def plan_pk(w: World) -> dict[str, object]:
    return {"pk": w.plan.pk}


def other_plan_pk(w: World) -> dict[str, object]:
    return {"pk": w.other_plan.pk}


def _section(plan: Plan) -> PlanSection:
    return plan.sections.first() or factories.SectionFactory(plan=plan)


def _theme(plan: Plan) -> CrossCuttingTheme:
    return plan.themes.first() or factories.ThemeFactory(plan=plan, number=1)


def _failed_version(plan: Plan) -> dict[str, object]:
    """A version whose publishing failed, for "Try again"."""
    version, _ = PlanVersion.objects.get_or_create(
        plan=plan,
        number="9.0",
        defaults={
            "effective_date": date(plan.start_year, 4, 1),
            "status": PlanVersion.Status.FAILED,
            "failure_reasons": ["The job did not finish"],
        },
    )
    return {"pk": version.pk}


def _create_codes() -> dict[str, int]:
    codes = {role: (200 if role in CREATORS else 403) for role in ROLES}
    codes["anonymous"] = 302
    return codes


PUBLISHING_ROUTES: dict[str, Route] = {
    # plan authoring (plans and priorities apps)
    "plans:list": Route(get=ALL),
    "plans:create": Route(get=_create_codes(), post=_create_codes()),
    "plans:overview": Route(own=plan_pk, other=other_plan_pk, get=VISIBLE),
    "plans:edit": Route(own=plan_pk, other=other_plan_pk, get=_only(EDITORS), post=_only(EDITORS)),
    "plans:section_add": Route(
        own=plan_pk, other=other_plan_pk, get=_only(EDITORS), post=_only(EDITORS)
    ),
    "plans:section_edit": Route(
        own=lambda w: {"pk": _section(w.plan).pk},
        other=lambda w: {"pk": _section(w.other_plan).pk},
        get=_only(EDITORS),
        post=_only(EDITORS),
    ),
    "plans:section_move": Route(
        own=lambda w: {"pk": _section(w.plan).pk},
        other=lambda w: {"pk": _section(w.other_plan).pk},
        get=POST_ONLY_GET,
        post=_only(EDITORS, ok=302),
        post_data={"direction": "up"},
    ),
    "plans:section_remove": Route(
        own=lambda w: {"pk": _section(w.plan).pk},
        other=lambda w: {"pk": _section(w.other_plan).pk},
        get=_only(EDITORS),
        post=_only(EDITORS, ok=302),
    ),
    "priorities:priority_add": Route(
        own=plan_pk, other=other_plan_pk, get=_only(EDITORS), post=_only(EDITORS)
    ),
    "priorities:priority_edit": Route(
        own=lambda w: {"pk": w.plan.priorities.earliest("number").pk},
        other=lambda w: {"pk": w.other_plan.priorities.earliest("number").pk},
        get=_only(EDITORS),
        post=_only(EDITORS),
    ),
    "priorities:priority_move": Route(
        own=lambda w: {"pk": w.plan.priorities.earliest("number").pk},
        other=lambda w: {"pk": w.other_plan.priorities.earliest("number").pk},
        get=POST_ONLY_GET,
        post=_only(EDITORS, ok=302),
        post_data={"direction": "down"},
    ),
    # The world's priority has an action, so removing it is refused on the page (200).
    "priorities:priority_remove": Route(
        own=lambda w: {"pk": w.plan.priorities.earliest("number").pk},
        other=lambda w: {"pk": w.other_plan.priorities.earliest("number").pk},
        get=_only(EDITORS),
        post=_only(EDITORS),
    ),
    "priorities:theme_add": Route(
        own=plan_pk, other=other_plan_pk, get=_only(EDITORS), post=_only(EDITORS)
    ),
    "priorities:theme_edit": Route(
        own=lambda w: {"pk": _theme(w.plan).pk},
        other=lambda w: {"pk": _theme(w.other_plan).pk},
        get=_only(EDITORS),
        post=_only(EDITORS),
    ),
    "priorities:theme_move": Route(
        own=lambda w: {"pk": _theme(w.plan).pk},
        other=lambda w: {"pk": _theme(w.other_plan).pk},
        get=POST_ONLY_GET,
        post=_only(EDITORS, ok=302),
        post_data={"direction": "up"},
    ),
    "priorities:theme_remove": Route(
        own=lambda w: {"pk": _theme(w.plan).pk},
        other=lambda w: {"pk": _theme(w.other_plan).pk},
        get=_only(EDITORS),
        post=_only(EDITORS, ok=302),
    ),
    # actions inside plan authoring (actions app, /actions/plan/…)
    "actions:add": Route(own=plan_pk, other=other_plan_pk, get=_only(EDITORS), post=_only(EDITORS)),
    "actions:move": Route(
        own=lambda w: {"pk": w.action.pk},
        other=lambda w: {"pk": w.other_action.pk},
        get=POST_ONLY_GET,
        post=_only(EDITORS, ok=302),
        post_data={"direction": "up"},
    ),
    "actions:renumber": Route(
        own=plan_pk, other=other_plan_pk, get=_only(EDITORS), post=_only(EDITORS, ok=302)
    ),
    # publishing (plans app)
    "publishing:preview": Route(own=plan_pk, other=other_plan_pk, get=VISIBLE),
    "publishing:publish": Route(
        own=plan_pk, other=other_plan_pk, get=_only(PUBLISHERS), post=_only(PUBLISHERS)
    ),
    "publishing:refresh": Route(
        own=plan_pk, other=other_plan_pk, get=_only(EDITORS), post=_only(EDITORS, ok=302)
    ),
    "publishing:version": Route(
        own=lambda w: {"pk": factories.published_version(w.plan).pk},
        other=lambda w: {"pk": factories.published_version(w.other_plan).pk},
        get=VISIBLE,
    ),
    "publishing:version_retry": Route(
        own=lambda w: _failed_version(w.plan),
        other=lambda w: _failed_version(w.other_plan),
        get=POST_ONLY_GET,
        post=_only(PUBLISHERS, ok=302),
    ),
    # the public pages: no sign-in
    "public:list": Route(get=PUBLIC),
    "public:download": Route(
        own=lambda w: {"pk": factories.published_version(w.plan).pk}, get=PUBLIC
    ),
}
