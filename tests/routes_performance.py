"""Access rules for the performance pages: grants, funded projects, bids, indicators.

Everyone in the partnership reads them (officers too); coordinators and the county team
record them (403 for the others); another partnership's are a 404.
"""

from collections.abc import Callable
from decimal import Decimal

from django.db.models import Model

from performance.models import Bid, FundedProject, Grant, Indicator
from performance.services import (
    BidData,
    ProjectData,
    bid_submit,
    project_create,
)
from plans.models import Partnership
from tests import factories
from tests.access_rules import (
    ALL,
    VISIBLE,
    Keys,
    Route,
    editors_route,
    post_only_route,
)
from tests.world import World


def grant_of(partnership: Partnership) -> Grant:
    grant = Grant.objects.filter(partnership=partnership).order_by("pk").first()
    return grant or factories.kent_grant(partnership)


def project_of(partnership: Partnership) -> FundedProject:
    grant = grant_of(partnership)
    project = grant.projects.order_by("pk").first()
    return project or project_create(
        grant=grant, data=ProjectData(title="Bitesize videos", amount_approved=Decimal("5440"))
    )


def bid_of(partnership: Partnership) -> Bid:
    grant = grant_of(partnership)
    bid = grant.bids.filter(status=Bid.Decision.PENDING).order_by("pk").first()
    return bid or bid_submit(grant=grant, data=BidData(title="Gaming bus", amount=Decimal("3450")))


def indicator_of(partnership: Partnership) -> Indicator:
    indicator = Indicator.objects.filter(partnership=partnership).order_by("pk").first()
    return indicator or factories.asb_indicator(partnership)


def slug(w: World) -> dict[str, object]:
    return {"slug": w.district.slug}


def other_slug(w: World) -> dict[str, object]:
    return {"slug": w.other_district.slug}


def _pks(find: Callable[[Partnership], Model]) -> tuple[Keys, Keys]:
    """The URL keys of the object ``find`` gives for the district, and for the other
    district."""
    return (lambda w: {"pk": find(w.district).pk}, lambda w: {"pk": find(w.other_district).pk})


grant_pk, other_grant_pk = _pks(grant_of)
project_pk, other_project_pk = _pks(project_of)
bid_pk, other_bid_pk = _pks(bid_of)
indicator_pk, other_indicator_pk = _pks(indicator_of)


PERFORMANCE_ROUTES: dict[str, Route] = {
    "performance:index": Route(get=ALL),
    "performance:partnership": Route(own=slug, other=other_slug, get=VISIBLE),
    "performance:grant_add": editors_route(slug, other_slug),
    "performance:indicator_add": editors_route(slug, other_slug),
    "performance:values_export": Route(
        own=lambda w: slug(w) | {"fmt": "csv"},
        other=lambda w: other_slug(w) | {"fmt": "xlsx"},
        get=VISIBLE,
    ),
    "performance:grant_detail": Route(own=grant_pk, other=other_grant_pk, get=VISIBLE),
    "performance:grant_update_table": Route(own=grant_pk, other=other_grant_pk, get=VISIBLE),
    "performance:projects_export": Route(
        own=lambda w: grant_pk(w) | {"fmt": "xlsx"},
        other=lambda w: other_grant_pk(w) | {"fmt": "csv"},
        get=VISIBLE,
    ),
    "performance:grant_edit": editors_route(grant_pk, other_grant_pk),
    "performance:grant_return": editors_route(grant_pk, other_grant_pk),
    "performance:project_add": editors_route(grant_pk, other_grant_pk),
    "performance:bid_add": editors_route(grant_pk, other_grant_pk),
    "performance:project_detail": Route(own=project_pk, other=other_project_pk, get=VISIBLE),
    "performance:project_edit": editors_route(project_pk, other_project_pk),
    "performance:project_status": editors_route(project_pk, other_project_pk),
    # A POST without a decision shows the form again with its error.
    "performance:bid_decide": editors_route(bid_pk, other_bid_pk),
    "performance:indicator_detail": Route(own=indicator_pk, other=other_indicator_pk, get=VISIBLE),
    "performance:indicator_edit": editors_route(indicator_pk, other_indicator_pk),
    "performance:value_add": editors_route(indicator_pk, other_indicator_pk),
    # The figure picked on the indicator page: back to the page, with a message.
    "performance:value_from_update": post_only_route(indicator_pk, other_indicator_pk),
}
