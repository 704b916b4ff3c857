import re
from datetime import date

import pytest
from django.contrib.admin.sites import site as admin_site
from django.db import DatabaseError, IntegrityError, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from actions.selectors import status_history
from actions.services import status_update_record
from plans.models import Plan, PlanVersion, PlanVersionChange
from plans.services import PublishedVersionFrozen
from publishing import refresh, selectors, services
from publishing.snapshot import document_snapshot
from tests import factories
from tests.html_forms import publish_data
from tests.publishing.conftest import publish

pytestmark = pytest.mark.django_db


def test_a_published_version_cannot_change_by_service_database_or_admin(plan, county_admin):
    version = factories.published_version(plan)
    with pytest.raises(PublishedVersionFrozen):
        services.plan_version_publish_start(
            plan=plan, user=county_admin, number="1.0", effective_date=date(2024, 4, 1)
        )
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        PlanVersion.objects.filter(pk=version.pk).update(sha256="0" * 64)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        PlanVersionChange.objects.create(version=version, description="sneaked in")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        PlanVersion.objects.filter(pk=version.pk)._raw_delete(PlanVersion.objects.db)
    assert PlanVersion.objects.filter(pk=version.pk).exists()
    request = RequestFactory().get("/")
    request.user = factories.UserFactory(is_staff=True, is_superuser=True)
    model_admin = admin_site._registry[PlanVersion]
    assert not model_admin.has_change_permission(request, version)
    assert not model_admin.has_delete_permission(request, version)
    version.refresh_from_db()
    assert version.pdf.open("rb").read() == factories.MINIMAL_PDF
    import hashlib

    assert hashlib.sha256(factories.MINIMAL_PDF).hexdigest() == version.sha256


def test_the_publish_page_refuses_a_published_number(plan, county_admin):
    factories.published_version(plan)
    client = Client()
    client.force_login(county_admin)
    response = client.post(
        reverse("publishing:publish", kwargs={"pk": plan.pk}),
        publish_data("1.0", date(2024, 4, 1)),
    )
    assert response.status_code == 200
    assert "published already" in response.content.decode()


def test_publishing_renders_checks_and_freezes(
    plan, county_admin, django_capture_on_commit_callbacks
):
    version = publish(plan, county_admin, capture=django_capture_on_commit_callbacks)
    assert version.status == PlanVersion.Status.PUBLISHED, version.failure_reasons
    assert version.size == len(version.pdf.open("rb").read())
    assert version.task_id
    assert "Run a campaign" in str(version.snapshot)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED
    response = Client().get(reverse("public:download", kwargs={"pk": version.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="' in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('version-1.0.pdf"')


def test_the_accessibility_gate_rejects_a_broken_template(
    plan, county_admin, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    (tmp_path / "broken.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
        "<p>No title, no language.</p></body></html>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    monkeypatch.setattr(services, "template_for", lambda **kwargs: "broken.html")
    version = publish(plan, county_admin, capture=django_capture_on_commit_callbacks)
    assert version.status == PlanVersion.Status.FAILED
    reasons = " ".join(version.failure_reasons)
    assert "language" in reasons and "title" in reasons
    assert not version.pdf and not version.sha256
    assert selectors.published_document_list() == []
    client = Client()
    client.force_login(county_admin)
    page = client.get(reverse("publishing:version", kwargs={"pk": version.pk})).content.decode()
    assert "was not published" in page and "language" in page
    assert Client().get(reverse("public:download", kwargs={"pk": version.pk})).status_code == 404


def test_section_text_is_sanitised_and_nothing_is_fetched(plan):
    factories.SectionFactory(
        plan=plan,
        title="Tricks",
        body=(
            "<script>alert(1)</script>\n\n![x](file:///etc/passwd) ![y](https://evil.example/y.png)"
            ' <img src="http://evil.example/z.png"> <a rel="attachment" href="file:///etc/passwd">a</a>'
            " [ok](https://www.kent.gov.uk) [bad](file:///etc/shadow)"
            '\n\n<link rel="stylesheet" href="https://evil.example/s.css">'
            "\n\n<style>@import url(https://evil.example/i.css);</style>"
        ),
    )
    factories.SectionFactory(
        plan=plan, title="Secret review", body="Restricted words", is_restricted=True
    )
    snapshot = document_snapshot(plan=plan, number="1.0")
    rendered = services.document_render(snapshot=snapshot)
    assert rendered.refused_urls == []
    html = rendered.html
    assert "<script" not in html and "file://" not in html and "evil.example" not in html
    assert 'rel="attachment"' not in html
    assert 'href="https://www.kent.gov.uk" rel="noopener"' in html
    assert "Secret review" not in html and "Restricted words" not in html
    assert "Secret review" not in str(snapshot["sections"])


def test_a_refresh_carries_open_actions_with_their_history(
    plan, county_admin, coordinator, django_capture_on_commit_callbacks
):
    open_action = plan.actions.get()
    done = factories.ActionFactory(plan=plan, priority=open_action.priority, reference="1.2")
    status_update_record(
        action=open_action, author=coordinator, status="on_track", commentary="Going well"
    )
    status_update_record(action=done, author=coordinator, status="completed", commentary="Finished")
    publish(plan, county_admin, capture=django_capture_on_commit_callbacks)
    plan.refresh_from_db()
    new = refresh.plan_refresh_start(plan=plan, user=coordinator)
    assert new.previous == plan and new.start_year == plan.start_year + 1
    assert [s.title for s in new.sections.all()] == ["Introduction"]
    carried = new.actions.get()
    assert carried.lineage == open_action.lineage and carried.carried_from == open_action
    assert not new.actions.filter(title=done.title).exists()
    # Renumbered later, it keeps its history.
    Action.objects.filter(pk=carried.pk).update(reference="2.7")
    assert [u.commentary for u in status_history(action=carried)] == ["Going well"]
    with pytest.raises(services.PublishRefused):
        refresh.plan_refresh_start(plan=plan, user=coordinator)
    publish(new, county_admin, capture=django_capture_on_commit_callbacks)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUPERSEDED
    listed = selectors.published_document_list()[0].documents
    assert [(d.version.plan_id, d.is_current) for d in listed] == [(new.pk, True), (plan.pk, False)]


def test_query_counts_are_pinned(plan, coordinator, django_assert_max_num_queries):
    for n in range(2, 6):
        factories.ThemeFactory(plan=plan, number=n)
        factories.SectionFactory(plan=plan)
        factories.published_version(factories.PlanFactory(start_year=2000 + n, end_year=2001 + n))
    client = Client()
    client.force_login(coordinator)
    # 20, and the headings of priorities and themes and whether a PCC plan is shown.
    with django_assert_max_num_queries(23):
        assert client.get(reverse("plans:overview", kwargs={"pk": plan.pk})).status_code == 200
    anonymous = Client()
    with django_assert_max_num_queries(3):
        assert anonymous.get(reverse("public:list")).status_code == 200


def test_an_error_while_rendering_marks_the_version_failed_and_publishing_can_go_on(
    plan, county_admin, monkeypatch, django_capture_on_commit_callbacks
):
    def explode(**kwargs: object) -> None:
        raise RuntimeError("fonts went missing")

    monkeypatch.setattr(services, "document_render", explode)
    version = publish(plan, county_admin, capture=django_capture_on_commit_callbacks)
    assert version.status == PlanVersion.Status.FAILED
    assert "fonts went missing" in " ".join(version.failure_reasons)
    monkeypatch.undo()
    again = publish(plan, county_admin, capture=django_capture_on_commit_callbacks)
    assert again.status == PlanVersion.Status.PUBLISHED, again.failure_reasons


def test_the_authoring_pages_do_not_grow_with_the_plan(plan, coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(coordinator)
    priority = plan.priorities.first() or factories.PriorityFactory(plan=plan, number=1)
    urls = [
        reverse("plans:overview", kwargs={"pk": plan.pk}),
        reverse("plans:list"),
        reverse("actions:add", kwargs={"pk": plan.pk}),
        reverse("publishing:preview", kwargs={"pk": plan.pk}),
        reverse("public:list"),
    ]

    def counts() -> list[int]:
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            out.append(len(queries))
        return out

    def grow(n: int, start: int) -> None:
        for i in range(start, start + n):
            action = factories.ActionFactory(plan=plan, priority=priority, reference=f"8.{i}")
            factories.MilestoneFactory(action=action)
            factories.SectionFactory(plan=plan)

    grow(1, 0)
    few = counts()
    grow(40, 1)
    assert counts() == few


def test_a_character_no_font_has_stops_the_publish_and_is_named(
    plan, county_admin, django_capture_on_commit_callbacks
):
    factories.SectionFactory(
        plan=plan, title="Cymraeg", body="Croeso i Gŵyl y Gymuned 🎉 \uf0b7 from Word"
    )
    version = publish(plan, county_admin, capture=django_capture_on_commit_callbacks)
    assert version.status == PlanVersion.Status.FAILED
    assert version.failure_reasons == ["These characters cannot be printed: “\uf0b7” (U+F0B7)"]
    client = Client()
    client.force_login(county_admin)
    page = client.get(reverse("publishing:version", kwargs={"pk": version.pk})).content.decode()
    assert "These characters cannot be printed" in page and "U+F0B7" in page


def test_a_version_is_published_on_the_apps_clock_and_says_when_the_gov_uk_way(
    plan, county_admin, settings, django_capture_on_commit_callbacks
):
    """published_at is a recorded time, like an update's or a report's: on the app's
    clock (15 January 2024 here), not the machine's, and written "6:01pm"."""
    settings.CSP_TODAY = "2024-01-15"
    version = publish(plan, county_admin, capture=django_capture_on_commit_callbacks)
    assert version.status == PlanVersion.Status.PUBLISHED
    assert version.published_at is not None
    assert timezone.localtime(version.published_at).date() == date(2024, 1, 15)
    client = Client()
    client.force_login(county_admin)
    page = client.get(reverse("publishing:version", kwargs={"pk": version.pk})).content.decode()
    assert re.search(r"Published</dt>\s*<dd[^>]*>\s*15 January 2024 at 1?\d:\d\d[ap]m\b", page)
    assert "a.m." not in page and "p.m." not in page
