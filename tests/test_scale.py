"""generate_scale: N x Kent at the demo's shape, keeping the rules the services keep."""

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.test import Client
from django.urls import reverse

import demo.scale
from accounts.models import User
from actions.models import Action, Milestone, StatusUpdate
from demo.scale import ACTIONS_PER_UNIT, PARTNERSHIPS_PER_UNIT, officer_email, scale_generate
from plans.models import Partnership

pytestmark = pytest.mark.django_db


def test_one_unit_is_kent_sized_and_keeps_the_rules(
    django_assert_max_num_queries: object,
) -> None:
    report = scale_generate(factor=1, reports=False)
    assert report.units == [1]
    assert Partnership.objects.filter(parent__slug="kent").count() == PARTNERSHIPS_PER_UNIT
    assert Action.objects.count() == ACTIONS_PER_UNIT
    milestones, updates = Milestone.objects.count(), StatusUpdate.objects.count()
    assert 1000 < milestones < 1130 and 4800 < updates < 5400
    # updates_version counts each action's updates, as status_update_record raises it.
    counted = Action.objects.annotate(n=Count("updates"))
    assert not counted.exclude(updates_version=F("n")).exists()
    # A change of status has a reason; a first update has no previous status.
    changed = StatusUpdate.objects.exclude(previous_status="").exclude(status=F("previous_status"))
    assert changed.exists() and not changed.filter(reason="").exists()
    # Actions and milestones have their history rows.
    assert Action.history.count() == ACTIONS_PER_UNIT
    # Running it again adds nothing.
    assert scale_generate(factor=1, reports=False).units == []
    assert Action.objects.count() == ACTIONS_PER_UNIT


def test_a_generated_officer_signs_in_and_sees_their_actions() -> None:
    scale_generate(factor=1, reports=False)
    client = Client()
    email = officer_email(1, 0, 0)
    response = client.post(
        reverse("accounts:login"), {"username": email, "password": "scale-officer-password"}
    )
    assert response.status_code == 302
    page = client.get(reverse("actions:mine"))
    assert page.status_code == 200
    officer = User.objects.get(email=email)
    assert Action.objects.filter(lead_agencies__memberships__user=officer).exists()


def test_the_command_reports_what_it_added(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("generate_scale", factor=1, no_reports=True)
    out = capsys.readouterr().out
    assert "Added units 1 to 1" in out and f"{ACTIONS_PER_UNIT} actions" in out


def test_statistics_are_gathered_as_the_tables_grow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each unit's report snapshots are planned from the statistics: gathered only at the
    end, every unit was planned for empty tables and took longer than the last."""
    actions_when_analysed: list[int] = []
    monkeypatch.setattr(
        demo.scale, "_analyze", lambda: actions_when_analysed.append(Action.objects.count())
    )
    scale_generate(factor=2, reports=False)
    assert actions_when_analysed == [ACTIONS_PER_UNIT, 2 * ACTIONS_PER_UNIT]


@pytest.mark.django_db(transaction=True)
def test_the_generated_tables_are_left_as_autovacuum_keeps_them(require_postgres) -> None:
    """Outside a transaction, generation ends with VACUUM (ANALYZE): every page of the
    tables all-visible, as on a served database, so counts can read an index alone."""
    from django.db import connection

    scale_generate(factor=1, reports=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relpages, relallvisible FROM pg_class "
            "WHERE relname IN ('actions_action', 'actions_statusupdate', 'actions_milestone')"
        )
        tables = cursor.fetchall()
    assert len(tables) == 3
    for name, pages, visible in tables:
        assert pages > 0 and visible == pages, name
