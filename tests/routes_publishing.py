"""Access rules for plan authoring, publishing and the public documents pages."""

from collections.abc import Callable
from datetime import date

from django.db.models import Model

from plans.models import Plan, PlanSection, PlanVersion, SectionImage
from priorities.models import CrossCuttingTheme, Priority
from tests import factories
from tests.access_rules import (
    ALL,
    POST_ONLY_GET,
    PUBLIC,
    VISIBLE,
    Keys,
    Route,
    _only,
    editors_route,
    ordered_item_routes,
    post_only_route,
)
from tests.world import ROLES, World

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


def _plan_pks(find: Callable[[Plan], Model]) -> tuple[Keys, Keys]:
    """The URL keys of the object ``find`` gives in the plan, and in the other plan."""
    return (lambda w: {"pk": find(w.plan).pk}, lambda w: {"pk": find(w.other_plan).pk})


def _first_priority(plan: Plan) -> Priority:
    return plan.priorities.earliest("number")


section_pk, other_section_pk = _plan_pks(_section)


def _section_image(plan: Plan) -> SectionImage:
    from tests.images import section_image_add

    section = _section(plan)
    return section.images.first() or section_image_add(section)


def _published_with_images(w: World) -> PlanVersion:
    """A published version whose snapshot holds the partnership's logo and an image."""
    from tests.images import logo_give, published_with_snapshot

    if not w.plan.partnership.logo:
        logo_give(w.plan.partnership)
    _section_image(w.plan)
    return published_with_snapshot(w.plan)


section_image_pk, other_section_image_pk = _plan_pks(_section_image)
priority_pk, other_priority_pk = _plan_pks(_first_priority)
theme_pk, other_theme_pk = _plan_pks(_theme)


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
    "plans:edit": editors_route(plan_pk, other_plan_pk),
    "plans:section_add": editors_route(plan_pk, other_plan_pk),
    **ordered_item_routes("plans:section", section_pk, other_section_pk, direction="up"),
    "plans:section_images": editors_route(section_pk, other_section_pk),
    "plans:section_image_edit": editors_route(section_image_pk, other_section_image_pk),
    "plans:section_image_remove": editors_route(
        section_image_pk, other_section_image_pk, post_ok=302
    ),
    "priorities:priority_add": editors_route(plan_pk, other_plan_pk),
    # The world's priority has an action, so removing it is refused on the page (200).
    **ordered_item_routes(
        "priorities:priority",
        priority_pk,
        other_priority_pk,
        direction="down",
        remove_post_ok=200,
    ),
    "priorities:theme_add": editors_route(plan_pk, other_plan_pk),
    **ordered_item_routes("priorities:theme", theme_pk, other_theme_pk, direction="up"),
    # actions inside plan authoring (actions app, /actions/plan/…)
    "actions:add": editors_route(plan_pk, other_plan_pk),
    "actions:move": post_only_route(
        lambda w: {"pk": w.action.pk},
        lambda w: {"pk": w.other_action.pk},
        post_data={"direction": "up"},
    ),
    "actions:renumber": editors_route(plan_pk, other_plan_pk, post_ok=302),
    # publishing (plans app)
    "publishing:preview": Route(own=plan_pk, other=other_plan_pk, get=VISIBLE),
    "publishing:publish": Route(
        own=plan_pk, other=other_plan_pk, get=_only(PUBLISHERS), post=_only(PUBLISHERS)
    ),
    "publishing:refresh": editors_route(plan_pk, other_plan_pk, post_ok=302),
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
    "public:document": Route(own=lambda w: {"pk": _published_with_images(w).pk}, get=PUBLIC),
    "public:image": Route(
        own=lambda w: {"pk": _published_with_images(w).pk, "image": "logo"}, get=PUBLIC
    ),
}
