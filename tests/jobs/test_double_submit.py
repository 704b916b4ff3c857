"""Seven clicks of "Build now" or "Publish" on one page make one report revision or one
version: the form's idempotency key names the job it queued the first time."""

import re
from datetime import date

import pytest
from django.urls import reverse

from jobs.models import Job
from plans.models import PlanVersion
from reporting.models import ExceptionReport
from tests import factories
from tests.html_forms import publish_confirmed, publish_data

pytestmark = pytest.mark.django_db

KEY = re.compile(r'name="request_key" value="([0-9a-f]{32})"')


def _key(page: str) -> str:
    match = KEY.search(page)
    assert match, "the form carries an idempotency key"
    return match.group(1)


def test_seven_build_now_posts_make_one_revision(
    client, district, make_action, coordinator, django_capture_on_commit_callbacks
):
    make_action()
    client.force_login(coordinator)
    url = reverse("reporting:partnership", kwargs={"slug": district.slug})
    key = _key(client.get(url).content.decode())
    locations = set()
    for _ in range(7):
        # Each build runs at once (in-process): later posts find it ready, not queued.
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("reporting:build", kwargs={"slug": district.slug}), {"request_key": key}
            )
        locations.add(response["Location"])
    report = ExceptionReport.objects.get()
    assert report.status == "ready" and report.revision == 1
    assert locations == {reverse("reporting:detail", kwargs={"pk": report.pk})}
    assert Job.objects.count() == 1
    # A new page is a new request: "Build this quarter again" makes revision 2, once.
    page = client.get(reverse("reporting:detail", kwargs={"pk": report.pk})).content.decode()
    again = _key(page)
    assert again != key
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("reporting:rebuild", kwargs={"pk": report.pk}), {"request_key": again}
            )
    assert sorted(ExceptionReport.objects.values_list("revision", flat=True)) == [1, 2]


def test_a_key_from_another_partnership_is_not_followed(
    client, district, other_district, make_action, coordinator, county_admin
):
    make_action()
    client.force_login(county_admin)
    key = "a" * 32
    client.post(reverse("reporting:build", kwargs={"slug": district.slug}), {"request_key": key})
    client.post(
        reverse("reporting:build", kwargs={"slug": other_district.slug}), {"request_key": key}
    )
    assert ExceptionReport.objects.filter(partnership=other_district).count() == 1


def test_seven_publish_posts_make_one_version(
    client, district, county_admin, django_capture_on_commit_callbacks
):
    plan = factories.PlanFactory(partnership=district)
    priority = factories.PriorityFactory(plan=plan, number=1)
    factories.ActionFactory(plan=plan, priority=priority, reference="1.1")
    client.force_login(county_admin)
    url = reverse("publishing:publish", kwargs={"pk": plan.pk})
    page = client.get(url)
    key = _key(page.content.decode())
    data = {
        **publish_data("1.0", date(2023, 4, 1)),
        "request_key": key,
        **publish_confirmed(page.context["form"]),
    }
    locations = set()
    for _ in range(7):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data)
        assert response.status_code == 302
        locations.add(response["Location"])
    version = PlanVersion.objects.get()
    assert version.status == "published", version.failure_reasons
    assert locations == {reverse("publishing:version", kwargs={"pk": version.pk})}
    assert Job.objects.count() == 1
