import pytest
from django.core.management import call_command

from actions.models import Action, Milestone, StatusUpdate
from demo.loader import DEMO_USERS, SERVICE_ADMIN, demo_password, load_demo
from plans.models import Agency, Partnership, Plan, PlanSection, PlanVersion
from priorities.lists import list_plain_text
from priorities.models import CrossCuttingTheme, PccPriority, Priority, PriorityCategory
from publishing.selectors import published_document_list

pytestmark = pytest.mark.django_db

MODELS = [
    Action,
    Milestone,
    StatusUpdate,
    Agency,
    Partnership,
    Plan,
    PlanSection,
    PlanVersion,
    Priority,
    CrossCuttingTheme,
    PriorityCategory,
    PccPriority,
]


def _counts() -> dict[str, int]:
    return {m.__name__: m._default_manager.count() for m in MODELS}


@pytest.fixture
def demo(db):
    return load_demo()


def test_the_demo_holds_the_kent_papers(demo):
    swale = Plan.objects.get(partnership__slug="swale", start_year=2023)
    csa = Plan.objects.get(partnership__slug="kent", kind=Plan.Kind.CSA)
    assert Partnership.objects.count() == 14
    assert Partnership.objects.filter(kind="district", parent__slug="kent").count() == 12
    assert Partnership.objects.get(slug="medway").kind == "unitary"
    assert swale.actions.count() == 19
    refs = list(swale.actions.values_list("reference", flat=True))
    assert refs == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "1.5",
        "2.1",
        "2.2",
        "2.3",
        "3.1",
        "3.2",
        "3.3",
        "3.4",
        "3.5",
        "4.1",
        "4.2",
        "4.3",
        "4.4",
        "5.1",
        "6.1",
    ]
    assert swale.priorities.count() == 4
    assert swale.themes.count() == 3
    assert csa.priorities.count() == 8
    assert csa.themes.count() == 5
    assert list(csa.versions.values_list("number", flat=True)) == [f"{n}.0" for n in range(1, 9)]
    assert PriorityCategory.objects.count() == 14
    assert PccPriority.objects.count() == 7


def test_the_csa_carries_a_rolling_action_plan_imported_from_its_spreadsheet(demo):
    """fixtures/demo/csa-2024-action-plan.csv, through the import: the seeds' actions
    under the 2019 report's headings, invented words marked as sample data."""
    from actions.exporting import action_plan_sheet
    from actions.importing import action_import_check, table_read
    from demo.loader import CSA_ACTION_PLAN, DEMO_DIR

    csa = Plan.objects.get(partnership__slug="kent", kind=Plan.Kind.CSA)
    actions = list(csa.actions.select_related("workstream", "priority", "theme"))
    assert len(actions) == 23
    assert {a.workstream.title if a.workstream else None for a in actions} == {
        "Rolling actions",
        "Links to other groups and strategies",
        "Crime Reduction Grant projects",
    }
    grant = [a for a in actions if a.is_grant_funded]
    assert "Domestic Abuse Bitesize Training Videos (£5,440)" in [a.title for a in grant]
    assert {a.reference for a in grant} >= {"1.5", "1.6", "2.1", "5.1", "5.2", "6.1", "6.2", "9.1"}
    assert csa.actions.get(reference="7.1").linked_to == "Kent Drug and Alcohol Strategy"
    theme = csa.actions.get(reference="9.1").theme
    assert theme is not None and theme.number == 1  # after the 8 priorities
    invented = Milestone.objects.filter(action__plan=csa, description__endswith="(sample data)")
    assert invented.exists()
    # Imported through the feature: the same spreadsheet again changes nothing.
    table = table_read(content=(DEMO_DIR / CSA_ACTION_PLAN).read_bytes())
    assert action_import_check(plan=csa, table=table).unchanged_count == 23
    assert len(action_plan_sheet(plan=csa).rows) == 33


def test_swale_milestones_keep_the_words_and_leads_of_the_table(demo):
    action = Action.objects.get(plan__partnership__slug="swale", reference="1.3")
    milestones = list(action.milestones.select_related("lead"))
    assert [m.timescale for m in milestones] == ["Sept 23", "June 23", "Sept 23"]
    assert [m.lead.short_name if m.lead else None for m in milestones] == [
        "Domestic Abuse Group",
        "Domestic Abuse Group",
        "CSP Executive",
    ]
    assert str(milestones[1].due_date) == "2023-06-30"
    assert Milestone.objects.filter(action__plan__partnership__slug="swale").count() >= 40
    ongoing = Action.objects.get(plan__partnership__slug="swale", reference="3.1")
    assert all(m.due_date is None for m in ongoing.milestones.all())


def test_sample_updates_are_labelled_and_cover_q1_to_q3(demo):
    updates = StatusUpdate.objects.all()
    assert updates.exists()
    assert all(u.commentary.startswith("Sample data") for u in updates)
    assert set(updates.values_list("quarter", flat=True)) == {1, 2, 3}


def test_loading_twice_changes_nothing(demo):
    before = _counts()
    second = load_demo()
    assert _counts() == before
    assert second.created == {}


def test_the_command_prints_passwords_only_on_the_embedded_default(db, capsys):
    from django.db import connection

    call_command("load_demo")
    out = capsys.readouterr().out
    assert "Built 1 exception report for 2023/24 Q3" in out
    # /published/ is not empty on make run: the CSA April 2024 and Swale's plan, with
    # their partnerships' (sample) logos, published once.
    assert "Published Kent Community Safety Agreement version 8.0" in out
    assert "Published Swale Community Safety Plan 2023/24 version 1.0" in out
    listed = {
        d.version.snapshot["logo"]["alt"] for g in published_document_list() for d in g.documents
    }
    assert listed == {"Kent Community Safety Partnership", "Swale Community Safety Partnership"}
    call_command("load_demo")
    again = capsys.readouterr().out
    assert "Built" not in again and "Published" not in again
    officer = DEMO_USERS[0].email
    if connection.vendor == "sqlite":
        assert demo_password(officer) in out
    else:
        assert demo_password(officer) not in out


def test_demo_users_can_sign_in(demo, client):
    from django.urls import reverse

    for spec in DEMO_USERS:
        response = client.post(
            reverse("accounts:login"),
            {"username": spec.email, "password": demo_password(spec.email)},
        )
        assert response.status_code == 302, spec.email
        client.logout()


def test_only_the_service_administrator_uses_the_admin(demo, client):
    from django.urls import reverse

    from accounts.models import User

    kent_admin = User.objects.get(email="admin@kcst.example")
    assert not kent_admin.is_staff and not kent_admin.user_permissions.exists()
    client.force_login(kent_admin)
    for name in ["admin:index", "admin:plans_membership_changelist", "admin:login"]:
        assert client.get(reverse(name)).status_code in (302, 403), name
    page = client.get(reverse("admin:index"), follow=True)
    assert page.status_code == 403
    client.force_login(User.objects.get(email=SERVICE_ADMIN.email))
    assert client.get(reverse("admin:plans_membership_changelist")).status_code == 200


def test_medway_is_set_up_with_its_own_coordinator(demo, client):
    from django.urls import reverse

    from partnerships.models import Invitation

    medway = Partnership.objects.get(slug="medway")
    assert medway.kind == "unitary" and medway.parent is None and medway.coordinators_publish
    coordinator = medway.memberships.get(role="coordinator")
    assert coordinator.user.email == "coordinator@medway.example"
    assert coordinator.agency is not None and coordinator.agency.short_name == "Medway Council"
    invitation = Invitation.objects.get(partnership=medway)
    assert invitation.accepted_by == coordinator.user
    assert invitation.invited_by is not None
    assert invitation.invited_by.email == SERVICE_ADMIN.email
    assert "coordinator@medway.example" in demo.passwords
    signed_in = client.post(
        reverse("accounts:login"),
        {
            "username": "coordinator@medway.example",
            "password": demo_password(coordinator.user.email),
        },
    )
    assert signed_in.status_code == 302
    page = client.get(reverse("partnerships:people", kwargs={"slug": "medway"}))
    assert page.status_code == 200 and "Morgan Medway" in page.content.decode()


def test_check_timescales_lists_what_a_person_should_look_at(demo, capsys):
    call_command("check_timescales")
    out = capsys.readouterr().out
    assert "action 1.5" in out and "before the plan starts on 1 April 2023" in out
    assert out.count("action 4.1") == 2 and "after the plan ends on 31 March 2024" in out
    assert out.strip().endswith("3 timescales to check")
    milestone = Milestone.objects.get(
        action__plan__partnership__slug="swale", action__reference="1.1", timescale="Ongoing"
    )
    Milestone.objects.filter(pk=milestone.pk).update(timescale="When the moon is blue")
    call_command("check_timescales")
    out = capsys.readouterr().out
    assert "not understood: 'When the moon is blue'" in out
    assert out.strip().endswith("4 timescales to check")


def test_the_demo_content_is_complete(demo):
    swale = Plan.objects.get(partnership__slug="swale", start_year=2023)
    csa = Plan.objects.get(partnership__slug="kent", kind=Plan.Kind.CSA)
    assert Milestone.objects.filter(action__plan=swale).count() == 43
    assert swale.sections.count() == 7 and csa.sections.count() == 15
    assert Agency.objects.count() == 27
    leads = dict(csa.priorities.values_list("title", "lead"))
    assert leads["Substance Misuse"] == "Consultant in Public Health, Kent County Council"
    assert leads["Safeguarding Vulnerable People"] == "TBC"
    includes = csa.priorities.get(title__startswith="Serious Violence").includes
    assert "County Lines" in list_plain_text(includes)
    v2 = csa.versions.get(number="2.0")
    assert v2.changes.filter(chapter="Ch.7", description__icontains="priority leads").exists()
