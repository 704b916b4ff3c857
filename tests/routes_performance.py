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
    GrantData,
    IndicatorData,
    ProjectData,
    bid_submit,
    grant_create,
    indicator_create,
    project_create,
)
from plans.models import Partnership
from tests.access_rules import ALL, EDITORS, VISIBLE, Route, _only
from tests.world import ROLES, World

POST_ONLY_GET = {role: 405 for role in ROLES} | {"anonymous": 302, "other_coordinator": 404}


def grant_of(partnership: Partnership) -> Grant:
    grant = Grant.objects.filter(partnership=partnership).order_by("pk").first()
    return grant or grant_create(
        partnership=partnership,
        data=GrantData(
            name="Crime Reduction Grant",
            funder="Police and Crime Commissioner",
            financial_year=2023,
            amount=Decimal("39661"),
        ),
    )


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
    return indicator or indicator_create(
        partnership=partnership,
        data=IndicatorData(
            name="ASB incidents reported to Kent Police",
            unit="incidents",
            source="Kent Police",
            direction=Indicator.Direction.LOWER,
        ),
    )


def slug(w: World) -> dict[str, object]:
    return {"slug": w.district.slug}


def other_slug(w: World) -> dict[str, object]:
    return {"slug": w.other_district.slug}


Keys = Callable[[World], dict[str, object]]


def _pks(find: Callable[[Partnership], Model]) -> tuple[Keys, Keys]:
    """The URL keys of the object ``find`` gives for the district, and for the other
    district."""
    return (lambda w: {"pk": find(w.district).pk}, lambda w: {"pk": find(w.other_district).pk})


grant_pk, other_grant_pk = _pks(grant_of)
project_pk, other_project_pk = _pks(project_of)
bid_pk, other_bid_pk = _pks(bid_of)
indicator_pk, other_indicator_pk = _pks(indicator_of)


def _editors(own: Keys, other: Keys) -> Route:
    """A form page only the editors open and post."""
    return Route(own=own, other=other, get=_only(EDITORS), post=_only(EDITORS))


PERFORMANCE_ROUTES: dict[str, Route] = {
    "performance:index": Route(get=ALL),
    "performance:partnership": Route(own=slug, other=other_slug, get=VISIBLE),
    "performance:grant_add": _editors(slug, other_slug),
    "performance:indicator_add": _editors(slug, other_slug),
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
    "performance:grant_edit": _editors(grant_pk, other_grant_pk),
    "performance:grant_return": _editors(grant_pk, other_grant_pk),
    "performance:project_add": _editors(grant_pk, other_grant_pk),
    "performance:bid_add": _editors(grant_pk, other_grant_pk),
    "performance:project_detail": Route(own=project_pk, other=other_project_pk, get=VISIBLE),
    "performance:project_edit": _editors(project_pk, other_project_pk),
    "performance:project_status": _editors(project_pk, other_project_pk),
    # A POST without a decision shows the form again with its error.
    "performance:bid_decide": _editors(bid_pk, other_bid_pk),
    "performance:indicator_detail": Route(own=indicator_pk, other=other_indicator_pk, get=VISIBLE),
    "performance:indicator_edit": _editors(indicator_pk, other_indicator_pk),
    "performance:value_add": _editors(indicator_pk, other_indicator_pk),
    # The figure picked on the indicator page: back to the page, with a message.
    "performance:value_from_update": Route(
        own=indicator_pk,
        other=other_indicator_pk,
        get=POST_ONLY_GET,
        post=_only(EDITORS, ok=302),
    ),
}
