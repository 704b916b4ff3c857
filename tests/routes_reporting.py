"""Access rules for the exception report pages (reporting).

Executive members, coordinators and the county team read a partnership's reports;
coordinators and the county team also build them; officers do not get them (403);
another partnership's reports are a 404. The county view is the county team's only.
"""

from plans.models import Partnership
from reporting.models import ExceptionReport
from tests import factories
from tests.access_rules import (
    ALL,
    EDITORS,
    NOBODY_ELSE,
    Route,
    _only,
    district_route,
)
from tests.world import ROLES, World

READERS = {"executive", "coordinator", "county_admin", "service_admin"}
POST_ONLY = {role: 405 for role in ROLES} | {"anonymous": 302, "other_coordinator": 404}


def _report(partnership: Partnership) -> ExceptionReport:
    report = ExceptionReport.objects.filter(partnership=partnership).order_by("pk").first()
    return report or factories.ExceptionReportFactory(partnership=partnership, revision=1)


def report_pk(w: World) -> dict[str, object]:
    return {"pk": _report(w.district).pk}


def other_report_pk(w: World) -> dict[str, object]:
    return {"pk": _report(w.other_district).pk}


REPORTING_ROUTES: dict[str, Route] = {
    "reporting:index": Route(get=ALL),
    "reporting:county": Route(
        own=lambda w: {"slug": w.county.slug},
        other=lambda w: {"slug": w.other_county.slug},
        get=dict(NOBODY_ELSE) | {"county_admin": 200, "service_admin": 200},
    ),
    "reporting:partnership": district_route(get=_only(READERS)),
    "reporting:build": district_route(get=POST_ONLY, post=_only(EDITORS, ok=302)),
    # The reporting calendar: its coordinators and the county team. A POST without the
    # form's fields is the form again with its errors.
    "reporting:calendar": district_route(get=_only(EDITORS), post=_only(EDITORS)),
    # Who is missing this round's updates, and "Chase now": the same people.
    "reporting:missing": district_route(get=_only(EDITORS)),
    "reporting:chase": district_route(get=POST_ONLY, post=_only(EDITORS, ok=302)),
    # An update request for a lead without an account: the lead's actions still owed.
    "reporting:request_update": Route(
        own=lambda w: {"slug": w.district.slug, "agency": w.action.lead_agencies.get().pk},
        other=lambda w: {
            "slug": w.other_district.slug,
            "agency": w.other_action.lead_agencies.get().pk,
        },
        get=_only(EDITORS),
        post=_only(EDITORS),
    ),
    "reporting:detail": Route(own=report_pk, other=other_report_pk, get=_only(READERS)),
    "reporting:progress": Route(own=report_pk, other=other_report_pk, get=_only(READERS)),
    "reporting:pdf": Route(own=report_pk, other=other_report_pk, get=_only(READERS)),
    "reporting:rebuild": Route(
        own=report_pk, other=other_report_pk, get=POST_ONLY, post=_only(EDITORS, ok=302)
    ),
}
