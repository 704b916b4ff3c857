"""A small world for access tests: one partnership with every role, objects of a
partnership in another county that nobody here may see, a unitary partnership (Medway,
in no county) that only the service administrator sees, and the service administrator."""

from dataclasses import dataclass

from accounts.models import User
from actions.models import Action, Milestone
from partnerships.models import Invitation
from partnerships.services import invitation_create, invitation_token
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
    unitary: Partnership
    # Per partnership slug: an agency that an officer of it works for, that officer's
    # membership, and an open invitation.
    agency_of: dict[str, Agency]
    officer_of: dict[str, Membership]
    invitation_of: dict[str, Invitation]

    def invitation_link(self, slug: str = "swale") -> dict[str, object]:
        """The kwargs of the link emailed with the partnership's open invitation."""
        invitation = self.invitation_of[slug]
        return {"pk": invitation.pk, "token": invitation_token(invitation)}


ROLES = [
    "anonymous",
    "officer",
    "officer_not_lead",
    "coordinator",
    "executive",
    "county_admin",
    "other_coordinator",
    "service_admin",
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

    unitary = factories.UnitaryFactory(slug="medway", short_name="Medway CSP")
    medway_council = factories.AgencyFactory(short_name="Medway Council", name="Medway Council")
    unitary.agencies.set([medway_council])
    basildon_council = factories.AgencyFactory(short_name="Basildon BC", name="Basildon Council")
    other_district.agencies.set([basildon_council])

    users: dict[str, User | None] = {
        "anonymous": None,
        "officer": member("officer@t.example", district, "officer", lead),
        "officer_not_lead": member("officer2@t.example", district, "officer", not_lead),
        "coordinator": member("coordinator@t.example", district, "coordinator", None),
        "executive": member("executive@t.example", district, "executive", None),
        "county_admin": member("admin@t.example", county, "county_admin", None),
        "other_coordinator": member("other@t.example", other_district, "coordinator", None),
        "service_admin": factories.UserFactory(
            email="service@t.example", is_superuser=True, is_staff=True
        ),
    }
    officer_of = {
        district.slug: Membership.objects.get(user=users["officer"], partnership=district),
        other_district.slug: Membership.objects.get(
            user=member("officer@basildon.example", other_district, "officer", basildon_council)
        ),
        unitary.slug: Membership.objects.get(
            user=member("officer@medway.example", unitary, "officer", medway_council)
        ),
    }
    invitation_of = {
        partnership.slug: invitation_create(
            partnership=partnership,
            email=f"newcomer@{partnership.slug}.example",
            full_name="Nat Newcomer",
            role="executive",
            agency=None,
            invited_by=None,
        )
        for partnership in (district, other_district, unitary)
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
        unitary,
        {district.slug: lead, other_district.slug: basildon_council, unitary.slug: medway_council},
        officer_of,
        invitation_of,
    )
