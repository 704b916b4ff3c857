"""Bad or huge content gets a clear error, never a 500 or a runaway render: publishing
and the preview check the text limits and render within a time and memory budget,
outside any database transaction."""

import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from plans.models import PlanVersion
from publishing import services
from tests import factories
from tests.publishing.conftest import publish, publish_start


def _page(version, user) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("publishing:version", kwargs={"pk": version.pk})).content.decode()


def _big_table(rows: int, columns: int) -> str:
    lines = ["|" + " Head |" * columns, "|" + "---|" * columns]
    lines += ["|" + " Some words in a cell |" * columns for _ in range(rows)]
    return "\n".join(lines)


@pytest.mark.django_db
def test_a_render_past_the_time_fails_the_publish_with_the_reason_on_the_page(
    plan, county_admin, settings, django_capture_on_commit_callbacks
):
    settings.CSP_RENDER_SECONDS = 0.3  # a real WeasyPrint render, stopped in its C code
    # A table as large as the form allows: seconds to render on any machine, so the budget
    # stops it (a three-line plan alone can finish inside 0.3 s on a warm machine).
    factories.SectionFactory(plan=plan, title="Statistics", body=_big_table(60, 8))
    started = time.monotonic()
    version = publish(plan, county_admin, capture=django_capture_on_commit_callbacks)
    assert time.monotonic() - started < 20
    assert version.status == PlanVersion.Status.FAILED
    assert version.failure_reasons == [
        "The document took too long to make: it was stopped after 0.3 seconds. Make the "
        "longest sections or tables shorter, then try again"
    ]
    assert not version.pdf
    assert "The document took too long to make" in _page(version, county_admin)
    settings.CSP_RENDER_SECONDS = 120
    again = publish(plan, county_admin, capture=django_capture_on_commit_callbacks)
    assert again.status == PlanVersion.Status.PUBLISHED, again.failure_reasons


@pytest.mark.django_db
def test_a_render_past_the_memory_fails_the_publish(
    plan, county_admin, settings, monkeypatch, django_capture_on_commit_callbacks
):
    def hog(**kwargs: object) -> None:
        bytes(600 * 1024 * 1024)

    monkeypatch.setattr(services, "document_render", hog)
    settings.CSP_RENDER_MEMORY_MB = 200
    version = publish(plan, county_admin, capture=django_capture_on_commit_callbacks)
    assert version.status == PlanVersion.Status.FAILED
    assert "needed more memory than the 200 MB allowed" in version.failure_reasons[0]


@pytest.mark.django_db
def test_text_over_the_limits_saved_past_the_forms_stops_the_publish_naming_where(
    plan, county_admin, django_capture_on_commit_callbacks
):
    factories.SectionFactory(plan=plan, title="Statistics", body=_big_table(120, 10))
    plan.priorities.update(summary="- " * 500 + "x")
    version = publish(plan, county_admin, capture=django_capture_on_commit_callbacks)
    assert version.status == PlanVersion.Status.FAILED
    assert version.failure_reasons == [
        "Section “Statistics”: text can have tables of at most 100 rows: one has 121",
        "Section “Statistics”: text can have tables of at most 8 columns: one has 10",
        "Section “Statistics”: text can have at most 500 table cells in all: this has 1,210",
        "Priority 1: Domestic abuse: the summary: text can have lists nested at most 5 deep: "
        "this has 8 levels",
    ]
    assert version.render_seconds is not None and version.render_seconds < 10


@pytest.mark.django_db(transaction=True)
def test_the_render_runs_outside_any_transaction(plan, county_admin, monkeypatch):
    def report(**kwargs: object) -> None:
        raise RuntimeError(f"in a transaction: {connection.in_atomic_block}")

    monkeypatch.setattr(services, "document_render", report)
    version = publish_start(plan, county_admin)
    version.refresh_from_db()  # the task ran eagerly on commit
    assert version.status == PlanVersion.Status.FAILED
    assert "in a transaction: False" in version.failure_reasons[0]


@pytest.mark.django_db
def test_a_render_that_finds_the_version_restarted_is_dropped(
    plan, county_admin, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        version = publish_start(plan, county_admin)

    def explode(**kwargs: object) -> None:
        raise RuntimeError("fonts went missing")

    monkeypatch.setattr(services, "document_render", explode)
    real_claim = services._claim

    def claim_then_restart(version_id):
        claimed = real_claim(version_id)
        PlanVersion.objects.filter(pk=version_id).update(task_id="a-later-attempt")
        return claimed

    monkeypatch.setattr(services, "_claim", claim_then_restart)
    assert services.plan_version_render(version_id=version.pk) == PlanVersion.Status.RENDERING
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.RENDERING and version.failure_reasons == []


@pytest.mark.django_db
def test_the_preview_of_deep_or_huge_text_is_a_page_never_a_500(plan, coordinator):
    factories.SectionFactory(plan=plan, title="Deep", body="- " * 500 + "x")
    factories.SectionFactory(plan=plan, title="Brackets", body="[" * 20000)
    factories.SectionFactory(plan=plan, title="Statistics", body=_big_table(400, 10))
    client = Client()
    client.force_login(coordinator)
    started = time.monotonic()
    response = client.get(reverse("publishing:preview", kwargs={"pk": plan.pk}))
    assert time.monotonic() - started < 15
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="preview"' in page and "Run a campaign" in page
    assert "The plan cannot be published until this text is changed" in page
    assert "Section “Deep”: text can have lists nested at most 5 deep" in page


@pytest.mark.django_db
def test_a_preview_past_its_time_says_so(plan, coordinator, settings, monkeypatch):
    def slow(*args: object, **kwargs: object) -> str:
        time.sleep(30)
        return ""

    monkeypatch.setattr(services, "render_to_string", slow)
    settings.CSP_PREVIEW_SECONDS = 0.5
    client = Client()
    client.force_login(coordinator)
    response = client.get(reverse("publishing:preview", kwargs={"pk": plan.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The preview took too long to make: it was stopped after 0.5 seconds" in page
    assert 'data-testid="preview"' not in page
