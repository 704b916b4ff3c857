"""A small world for access tests: one partnership with every role, and objects of a
partnership in another county that nobody here may see."""

from dataclasses import dataclass

from accounts.models import User
from actions.models import Action, Milestone
from plans.models import Agency, Membership, Partnership, Plan
from tests import factories

PASSWORD = "a-long-test-password"


@dataclass
class World:
    county: Partnership
    district: Partnership
    lead_agency: Agency
    plan: Plan
    action: Action
    milestone: Milestone
    other_county: Partnership
    other_district: Partnership
    other_plan: Plan
    other_action: Action
    other_milestone: Milestone
    users: dict[str, User | None]


ROLES = [
    "anonymous",
    "officer",
    "officer_not_lead",
    "coordinator",
    "executive",
    "county_admin",
    "other_coordinator",
]


def build_world() -> World:
    county = factories.CountyFactory(slug="kent", short_name="KCSP")
    district = factories.DistrictFactory(parent=county, slug="swale", short_name="Swale CSP")
    lead = factories.AgencyFactory(short_name="Swale BC", name="Swale Borough Council")
    not_lead = factories.AgencyFactory(short_name="KFRS", name="Kent Fire and Rescue Service")
    district.agencies.set([lead, not_lead])
    plan = factories.PlanFactory(partnership=district)
    priority = factories.PriorityFactory(plan=plan, number=1)
    action = factories.ActionFactory(
        priority=priority, plan=plan, reference="1.1", lead_agencies=[lead]
    )
    milestone = factories.MilestoneFactory(action=action, description="First milestone")

    other_county = factories.CountyFactory(slug="essex", short_name="Essex CSP")
    other_district = factories.DistrictFactory(
        parent=other_county, slug="basildon", short_name="Basildon CSP"
    )
    other_plan = factories.PlanFactory(partnership=other_district)
    other_priority = factories.PriorityFactory(plan=other_plan, number=1)
    other_action = factories.ActionFactory(
        priority=other_priority, plan=other_plan, reference="1.1", lead_agencies=[lead]
    )
    other_milestone = factories.MilestoneFactory(action=other_action)

    def member(email: str, partnership: Partnership, role: str, agency: Agency | None) -> User:
        user = factories.UserFactory(email=email)
        Membership.objects.create(user=user, partnership=partnership, role=role, agency=agency)
        return user

    users: dict[str, User | None] = {
        "anonymous": None,
        "officer": member("officer@t.example", district, "officer", lead),
        "officer_not_lead": member("officer2@t.example", district, "officer", not_lead),
        "coordinator": member("coordinator@t.example", district, "coordinator", None),
        "executive": member("executive@t.example", district, "executive", None),
        "county_admin": member("admin@t.example", county, "county_admin", None),
        "other_coordinator": member("other@t.example", other_district, "coordinator", None),
    }
    return World(
        county,
        district,
        lead,
        plan,
        action,
        milestone,
        other_county,
        other_district,
        other_plan,
        other_action,
        other_milestone,
        users,
    )
