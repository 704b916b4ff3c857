"""Stored files in a real S3-compatible server (SeaweedFS), as production keeps them when
S3_BUCKET is set: the published PDFs and the report PDFs are objects of the bucket,
nothing is written to the machine's disk, and downloads stream from the bucket."""

import hashlib
import json
import subprocess
import sys
import tracemalloc
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from csp_tracker.storage import S3Storage, S3StreamFile
from plans.models import Plan, PlanVersion
from publishing import services
from reporting import services as reporting_services
from reporting.models import ExceptionReport
from tests import factories
from tests.reporting.conftest import Q3, record

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def _objects(s3_server, bucket: str) -> dict[str, int]:
    listing = s3_server.client().list_objects_v2(Bucket=bucket)
    return {o["Key"]: o["Size"] for o in listing.get("Contents", [])}


def _files_on_disk(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return [str(p) for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_published_pdf_is_an_object_of_the_bucket_and_downloads_from_it(
    s3_server, s3_storage, settings, district, county_admin, django_capture_on_commit_callbacks
):
    plan = factories.PlanFactory(partnership=district, status=Plan.Status.DRAFT)
    factories.SectionFactory(plan=plan, title="Introduction", body="Croeso. Witamy. 欢迎")
    with django_capture_on_commit_callbacks(execute=True):
        version = services.plan_version_publish_start(
            plan=plan, user=county_admin, number="1.0", effective_date=date(2024, 4, 1)
        )
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.PUBLISHED, version.failure_reasons
    assert isinstance(default_storage, S3Storage)
    assert _objects(s3_server, s3_storage) == {version.pdf.name: version.size}
    assert _files_on_disk(settings) == []

    response = Client().get(reverse("public:download", kwargs={"pk": version.pk}))
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == version.sha256 == response["X-Content-SHA256"]
    assert response["Content-Length"] == str(version.size)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_report_pdf_is_an_object_of_the_bucket_and_downloads_from_it(
    s3_server, s3_storage, settings, district, agency, officer, executive
):
    settings.CSP_TODAY = "2024-01-05"
    plan = factories.PlanFactory(partnership=district)
    priority = factories.PriorityFactory(plan=plan, number=1, title="Domestic abuse")
    action = factories.ActionFactory(
        plan=plan, priority=priority, reference="1.1", lead_agencies=[agency]
    )
    record(action, Q3, "off_track", officer)
    report = reporting_services.exception_report_request(partnership=district, quarter=Q3)
    built = reporting_services.exception_report_build(report_id=report.pk, task_id=report.task_id)
    assert built is not None and built.status == ExceptionReport.Status.READY
    report = built
    assert list(_objects(s3_server, s3_storage)) == [report.pdf.name]
    assert _files_on_disk(settings) == []

    client = Client()
    client.force_login(executive)
    page = client.get(reverse("reporting:detail", kwargs={"pk": report.pk}))
    assert "Download the PDF" in page.content.decode()
    response = client.get(reverse("reporting:pdf", kwargs={"pk": report.pk}))
    assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == report.pdf_sha256
    assert response["Content-Length"] == str(len(body))


def test_a_download_streams_and_never_holds_the_whole_file(s3_storage):
    """A 24 MiB object is passed on block by block: reading the first blocks allocates a
    small part of it (django-storages' own file would hold all of it first)."""
    size = 24 * 1024 * 1024
    name = default_storage.save("publications/large.pdf", ContentFile(b"%PDF" + b"x" * size))
    tracemalloc.start()
    try:
        handle = default_storage.open(name, "rb")
        assert isinstance(handle, S3StreamFile)
        assert handle.size == size + 4
        first = handle.read(64 * 1024)
        for _ in range(16):
            handle.read(64 * 1024)
        _, peak = tracemalloc.get_traced_memory()
        handle.close()
    finally:
        tracemalloc.stop()
    assert first.startswith(b"%PDF")
    assert peak < 4 * 1024 * 1024, f"{peak} bytes held to read 1 MiB of a 24 MiB object"


def test_a_name_taken_is_never_overwritten_and_a_missing_object_is_not_found(s3_storage):
    first = default_storage.save("publications/2024/plan-v1-0.pdf", ContentFile(b"%PDF one"))
    second = default_storage.save("publications/2024/plan-v1-0.pdf", ContentFile(b"%PDF two"))
    assert first != second
    with default_storage.open(first, "rb") as handle:
        assert handle.read() == b"%PDF one"
    with pytest.raises(FileNotFoundError):
        default_storage.open("publications/2024/no-such.pdf", "rb")
    assert default_storage.exists(second)
    assert not default_storage.exists("publications/2024/no-such.pdf")


def test_the_settings_build_the_s3_storage_from_the_environment(s3_server, s3_storage, settings):
    """The environment variables of the README give the storage the tests use here."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['default']))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "csp_tracker.settings.base",
        **s3_server.env(s3_storage),
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    configured = json.loads(out.strip().splitlines()[-1])
    assert configured == {
        "BACKEND": "csp_tracker.storage.S3Storage",
        "OPTIONS": s3_server.storage_options(s3_storage),
    }
