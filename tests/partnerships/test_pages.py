"""Setting partnerships up, their agencies and people, who publishes, the strategic-
assessment choices, and what each page costs in queries."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from partnerships import services
from plans.models import Agency, Membership, Partnership
from plans.rules import access_for, who_publishes
from priorities.models import StrategicAssessmentChoice
from publishing.snapshot import assessment_counts
from tests import factories
from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def _as(client: Client, world, role: str) -> Client:
    client.force_login(world.users[role])
    return client


# --- partnerships of every level -------------------------------------------------------


def test_a_service_administrator_sets_up_every_level(client, world):
    _as(client, world, "service_admin")
    url = reverse("partnerships:create")
    for name, short, kind, parent in [
        ("Devon Community Safety Partnership", "Devon CSP", "county", ""),
        ("Exeter Community Safety Partnership", "Exeter CSP", "district", "devon"),
        ("Plymouth Community Safety Partnership", "Plymouth CSP", "unitary", ""),
    ]:
        parent_pk = Partnership.objects.get(slug=parent).pk if parent else ""
        data = {"name": name, "short_name": short, "kind": kind, "parent": parent_pk}
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()
    devon, exeter, plymouth = (
        Partnership.objects.get(slug=s) for s in ("devon", "exeter", "plymouth")
    )
    assert exeter.parent == devon and plymouth.parent is None and devon.parent is None
    assert not devon.coordinators_publish and exeter.coordinators_publish
    assert plymouth.coordinators_publish
    listing = client.get(reverse("partnerships:list")).content.decode()
    for short in ("Devon CSP", "Exeter CSP", "Plymouth CSP", "Medway CSP"):
        assert short in listing


def test_a_new_unitary_is_seen_by_its_coordinator_and_nobody_in_kent(client, world):
    plymouth = services.partnership_create(
        name="Plymouth Community Safety Partnership", short_name="Plymouth CSP", kind="unitary"
    )
    invitation = services.invitation_create(
        partnership=plymouth,
        email="pat@plymouth.example",
        full_name="Pat",
        role="coordinator",
        agency=None,
        invited_by=world.users["service_admin"],
    )
    membership = services.invitation_accept(
        invitation=invitation, full_name="Pat", password=PASSWORD
    )
    pat = membership.user
    assert Partnership.objects.filter(access_for(pat).partnership_filter()).get() == plymouth
    kent_admin = world.users["county_admin"]
    assert plymouth not in Partnership.objects.filter(access_for(kent_admin).partnership_filter())
    client.force_login(pat)
    assert b"Plymouth CSP" in client.get(reverse("plans:create")).content
    assert (
        client.get(reverse("partnerships:detail", kwargs={"slug": "plymouth"})).status_code == 200
    )
    _as(client, world, "county_admin")
    assert (
        client.get(reverse("partnerships:detail", kwargs={"slug": "plymouth"})).status_code == 404
    )


BAD_PARTNERSHIPS = [
    ({"name": ""}, "Enter the partnership’s full name"),
    ({"short_name": ""}, "Enter the partnership’s short name"),
    ({"kind": ""}, "Select what kind of partnership it is"),
    ({"kind": "district", "parent": ""}, "Select the county the district is in"),
    ({"kind": "district", "parent": "999999"}, "Select a county from the list"),
    ({"name": "Basildon"}, "A partnership with this full name already exists"),
    ({"short_name": "Medway CSP"}, "A partnership with this short name already exists"),
    ({"short_name": "Medway"}, "A partnership with a short name like this already exists"),
    ({"short_name": "New"}, "A partnership with a short name like this already exists"),
]


@pytest.mark.parametrize(("data", "message"), BAD_PARTNERSHIPS)
def test_setting_up_says_what_is_wrong(client, world, data, message):
    _as(client, world, "service_admin")
    if data.get("name") == "Basildon":
        data = {"name": world.other_district.name}
    body = {"name": "Torbay CSP full", "short_name": "Torbay CSP", "kind": "unitary"} | data
    response = client.post(reverse("partnerships:create"), body)
    assert response.status_code == 200
    assert message in response.content.decode()


# --- who publishes ---------------------------------------------------------------------


def test_who_publishes_is_the_partnerships_choice(client, world):
    plan = world.plan
    coordinator = world.users["coordinator"]
    assert coordinator.has_perm("plans.publish_plan", plan)
    assert who_publishes(world.district) == (
        "Swale CSP’s plans are published by its coordinators and the county team of KCSP."
    )
    _as(client, world, "county_admin")
    url = reverse("partnerships:edit", kwargs={"slug": "swale"})
    assert client.post(url, {}).status_code == 302  # the box left clear
    world.district.refresh_from_db()
    assert not world.district.coordinators_publish
    client.force_login(coordinator)
    del coordinator._csp_access
    assert client.get(url).status_code == 403  # only the county team decides
    refused = client.get(reverse("publishing:publish", kwargs={"pk": plan.pk}))
    assert refused.status_code == 403
    assert "published by the county team of KCSP" in refused.content.decode()
    overview = client.get(reverse("plans:overview", kwargs={"pk": plan.pk})).content.decode()
    assert "Swale CSP’s plans are published by the county team of KCSP." in overview
    assert world.users["county_admin"].has_perm("plans.publish_plan", plan)
    county_plan = factories.PlanFactory(partnership=world.county)
    assert who_publishes(world.county) == "KCSP’s plans are published by its county team."
    county_coordinator = factories.MembershipFactory(
        partnership=world.county, role="coordinator", agency=None
    ).user
    assert not county_coordinator.has_perm("plans.publish_plan", county_plan)
    assert who_publishes(world.unitary) == "Medway CSP’s plans are published by its coordinators."
    world.unitary.coordinators_publish = False
    assert "by a service administrator" in who_publishes(world.unitary)


# --- agencies --------------------------------------------------------------------------


def test_a_coordinator_adds_and_changes_member_agencies(client, world):
    _as(client, world, "coordinator")
    agencies = reverse("partnerships:agencies", kwargs={"slug": "swale"})
    response = client.post(
        reverse("partnerships:agency_create", kwargs={"slug": "swale"}),
        {
            "name": "Swale Youth Service",
            "short_name": "SYS",
            "kind": "organisation",
            "is_responsible_authority": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == agencies
    youth = Agency.objects.get(short_name="SYS")
    assert youth.is_responsible_authority and world.district.agencies.filter(pk=youth.pk)
    basildon_bc = world.agency_of["basildon"]
    added = client.post(
        reverse("partnerships:agency_add", kwargs={"slug": "swale"}), {"agency": basildon_bc.pk}
    )
    assert added.status_code == 302
    # Basildon BC is Basildon's too: its names change only for whoever runs both.
    edit = reverse("partnerships:agency_edit", kwargs={"slug": "swale", "pk": basildon_bc.pk})
    assert client.get(edit).status_code == 403
    page = client.get(agencies).content.decode()
    assert "Shared with 1 other partnership" in page
    edit = reverse("partnerships:agency_edit", kwargs={"slug": "swale", "pk": youth.pk})
    changed = client.post(
        edit, {"name": "Swale Youth Service", "short_name": "SYS", "kind": "organisation"}
    )
    assert changed.status_code == 302
    youth.refresh_from_db()
    assert not youth.is_responsible_authority
    duplicate = client.post(
        reverse("partnerships:agency_create", kwargs={"slug": "swale"}),
        {"name": "Another", "short_name": "Basildon BC", "kind": "organisation"},
    )
    assert "An agency with this short name is already in CSP Tracker" in duplicate.content.decode()
    remove = reverse("partnerships:agency_remove", kwargs={"slug": "swale", "pk": youth.pk})
    assert client.post(remove).status_code == 302
    assert not world.district.agencies.filter(pk=youth.pk).exists()
    assert Agency.objects.filter(pk=youth.pk).exists()


def test_an_agency_that_people_work_for_or_that_leads_actions_stays(client, world):
    _as(client, world, "coordinator")
    kfrs = Agency.objects.get(short_name="KFRS")
    Membership.objects.filter(user=world.users["officer_not_lead"]).update(agency=world.lead_agency)
    remove = reverse("partnerships:agency_remove", kwargs={"slug": "swale", "pk": kfrs.pk})
    assert client.post(remove).status_code == 302  # nobody works for it, it leads nothing
    lead = reverse(
        "partnerships:agency_remove", kwargs={"slug": "swale", "pk": world.lead_agency.pk}
    )
    response = client.post(lead).content.decode()
    assert "2 people work for Swale BC in Swale CSP: change their agency first" in response
    Membership.objects.filter(agency=world.lead_agency).update(agency=None, role="executive")
    response = client.post(lead).content.decode()
    assert "Swale BC leads actions in Swale CSP’s plans" in response


# --- people ----------------------------------------------------------------------------


def test_removing_a_person_ends_their_sessions(world):
    officer = world.users["officer"]
    theirs, other = Client(), Client()
    for c, user in ((theirs, officer), (other, world.users["executive"])):
        assert c.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert theirs.get(reverse("actions:mine")).status_code == 200
    coordinator = Client()
    coordinator.force_login(world.users["coordinator"])
    url = reverse(
        "partnerships:membership_remove",
        kwargs={"slug": "swale", "pk": world.officer_of["swale"].pk},
    )
    assert coordinator.post(url).status_code == 302
    assert not Membership.objects.filter(user=officer, partnership=world.district).exists()
    gone = theirs.get(reverse("actions:mine"))
    assert gone.status_code == 302 and gone["Location"].startswith(reverse("accounts:login"))
    assert other.get(reverse("actions:mine")).status_code == 200
    assert (
        coordinator.get(reverse("partnerships:people", kwargs={"slug": "swale"})).status_code == 200
    )


def test_a_coordinator_changes_a_role_but_not_their_own_nor_a_county_admins(client, world):
    _as(client, world, "coordinator")
    officer = world.officer_of["swale"]
    url = reverse("partnerships:membership_edit", kwargs={"slug": "swale", "pk": officer.pk})
    assert client.post(url, {"role": "coordinator", "agency": ""}).status_code == 302
    officer.refresh_from_db()
    assert officer.role == "coordinator" and officer.agency is None
    own = Membership.objects.get(user=world.users["coordinator"])
    own_url = reverse("partnerships:membership_edit", kwargs={"slug": "swale", "pk": own.pk})
    assert client.get(own_url).status_code == 403
    people = client.get(reverse("partnerships:people", kwargs={"slug": "swale"})).content.decode()
    assert f"/people/{own.pk}/edit/" not in people and f"/people/{officer.pk}/edit/" in people
    county_coordinator = factories.MembershipFactory(
        partnership=world.county, role="coordinator", agency=None
    )
    kent_admin = Membership.objects.get(user=world.users["county_admin"])
    client.force_login(county_coordinator.user)
    url = reverse("partnerships:membership_edit", kwargs={"slug": "kent", "pk": kent_admin.pk})
    assert client.get(url).status_code == 403


def test_the_navigation_offers_partnerships_to_those_who_run_them(client, world):
    roles = {"officer": False, "executive": False, "coordinator": True}
    roles |= {"county_admin": True, "service_admin": True}
    for role, shown in roles.items():
        _as(client, world, role)
        page = client.get(reverse("plans:list")).content.decode()
        assert (f'href="{reverse("partnerships:list")}"' in page) is shown, role


# --- strategic-assessment choices ------------------------------------------------------


def test_a_district_without_a_plan_records_its_assessment_choices(client, world):
    categories = [factories.CategoryFactory(name=n) for n in ("ASB", "Domestic abuse", "Fraud")]
    _as(client, world, "county_admin")
    url = reverse("priorities:assessment_edit", kwargs={"slug": "swale", "year": 2024})
    response = client.post(url, {"categories": [categories[0].pk, categories[1].pk]})
    assert response.status_code == 302
    client.post(url, {"categories": [categories[1].pk, categories[2].pk]})
    chosen = StrategicAssessmentChoice.objects.filter(
        partnership=world.district, financial_year=2024
    )
    assert {c.category.name for c in chosen} == {"Domestic abuse", "Fraud"}
    counts = {
        r["name"]: r["count"] for r in assessment_counts(county=world.county, financial_year=2024)
    }
    assert counts["Fraud"] == 1 and counts["ASB"] == 0
    page = client.get(reverse("priorities:assessments", kwargs={"slug": "swale"})).content.decode()
    assert "Fraud" in page and "From its plan" in page  # 2023/24: its plan is kept here
    in_plan = reverse("priorities:assessment_edit", kwargs={"slug": "swale", "year": 2023})
    refused = client.post(in_plan, {"categories": [categories[0].pk]}).content.decode()
    assert "is in CSP Tracker: the county categories of its priorities" in refused
    assert not StrategicAssessmentChoice.objects.filter(financial_year=2023).exists()
    bad = client.post(url, {"categories": ["999999"]}).content.decode()
    assert "Select categories from the list" in bad
    kent = reverse("priorities:assessments", kwargs={"slug": "kent"})
    assert client.get(kent).status_code == 403  # a county has no strategic-assessment choices


# --- query counts ----------------------------------------------------------------------


def _grow(world, n: int) -> None:
    """n more agencies, people, invitations and districts."""
    for i in range(n):
        agency = factories.AgencyFactory(short_name=f"Extra {i}", name=f"Extra agency {i}")
        world.district.agencies.add(agency)
        factories.MembershipFactory(partnership=world.district, role="officer", agency=agency)
        services.invitation_create(
            partnership=world.district,
            email=f"extra{i}@swale.example",
            full_name="",
            role="executive",
            agency=None,
            invited_by=None,
        )
        factories.DistrictFactory(parent=world.county, slug=f"extra-{i}")
        factories.CategoryFactory(name=f"Extra category {i}")


PAGES = [
    ("partnerships:list", {}, 9),
    ("partnerships:detail", {"slug": "swale"}, 10),
    ("partnerships:detail", {"slug": "kent"}, 10),
    ("partnerships:agencies", {"slug": "swale"}, 11),
    ("partnerships:people", {"slug": "swale"}, 11),
    ("partnerships:invite", {"slug": "swale"}, 11),
    # One query a year shown (the plan in force, plans.selectors.plans_in_force): five.
    ("priorities:assessments", {"slug": "swale"}, 15),
    ("priorities:assessment_edit", {"slug": "swale", "year": 2022}, 13),
]


@pytest.mark.parametrize(("name", "kwargs", "limit"), PAGES)
def test_the_pages_cost_the_same_for_a_small_or_a_big_partnership(
    client, world, django_assert_max_num_queries, name, kwargs, limit
):
    _as(client, world, "county_admin")
    url = reverse(name, kwargs=kwargs)
    for size in (1, 12):
        _grow(world, size)
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200


def test_the_navigation_marks_the_section_of_the_page(client, world):
    """The section the page is in is marked (its class, aria-current and the bold
    fallback), only that one; "All actions" is not marked on "Your actions", whose
    path is under it."""
    _as(client, world, "coordinator")
    item = re.compile(
        r'<li class="govuk-service-navigation__item( govuk-service-navigation__item--active)?">'
        r'\s*<a class="govuk-service-navigation__link" href="([^"]+)"( aria-current="true")?>'
        r"\s*(<strong[^>]*>)?([^<]+)"
    )
    for url, section in [
        (reverse("actions:mine"), "Your actions"),
        (reverse("actions:list"), "All actions"),
        (reverse("reporting:index"), "Reports"),
        (reverse("plans:list"), "Plans"),
        (reverse("partnerships:list"), "Partnerships"),
        (reverse("pages:accessibility"), None),
    ]:
        page = client.get(url).content.decode()
        items = item.findall(page)
        assert [text.strip() for *_, text in items][:2] == ["Your actions", "All actions"]
        marked = [text.strip() for active, _, current, bold, text in items if active]
        assert marked == ([section] if section else []), url
        assert all(bool(a) == bool(c) == bool(b) for a, _, c, b, _ in items), url
