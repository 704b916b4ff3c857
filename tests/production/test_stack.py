"""The production stack driven over HTTPS as people use it (see conftest.py for what runs):
a coordinator records an update and builds the exception report, the county team
publishes the Swale plan and the CSA, and anyone downloads them signed out. Every PDF is
checked as the person receiving it would see it: the stylesheet's fonts (a lost
stylesheet prints in the default serif) and the accessibility check."""

import hashlib
import io
import time
from collections.abc import Callable

import httpx
import pytest
from django.urls import resolve, reverse
from pypdf import PdfReader

from reporting.pdf import check_accessibility
from tests.pdfs import fonts_outside_the_stylesheet, pdf_fonts
from tests.production.client import Browser, Page
from tests.production.conftest import Stack

pytestmark = [pytest.mark.production, pytest.mark.services]

COORDINATOR = "coordinator@swale.example"
COUNTY_ADMIN = "admin@kcst.example"
COMMENTARY = "Production stack check: the venue fell through, a new one is booked for March"


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _until(
    check: Callable[[], Page | None], *, what: str, stack: Stack, timeout: float = 150
) -> Page:
    """Poll ``check`` (a page or None) like a person pressing refresh."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result is not None:
            return result
        time.sleep(0.5)
    pytest.fail(f"{what} after {timeout:.0f} s\n{stack.logs()}")


def _assert_pdf_as_printed(pdf: bytes, what: str) -> None:
    assert pdf.startswith(b"%PDF"), what
    assert fonts_outside_the_stylesheet(pdf) == [], f"{what}: fonts {pdf_fonts(pdf)}"
    assert any(name.startswith("Liberation-Sans") for name in pdf_fonts(pdf)), what
    result = check_accessibility(pdf)
    assert result.passed, f"{what}: {result.problems}"


def _stored(stack: Stack) -> dict[str, int]:
    listing = stack.s3.client().list_objects_v2(Bucket=stack.bucket)
    return {o["Key"]: o["Size"] for o in listing.get("Contents", [])}


def _download(browser: Browser, path: str) -> httpx.Response:
    response = browser.http.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Length"] == str(len(response.content))
    return response


def _production_headers_and_static_files(stack: Stack) -> None:
    browser = stack.browser()
    page = browser.get("/accounts/sign-in/")
    assert page.status == 200
    headers = page.response.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "Permissions-Policy" in headers
    cookie = headers["Set-Cookie"]
    assert "csrftoken=" in cookie and "Secure" in cookie and "HttpOnly" in cookie
    # Hashed names from the manifest, served by whitenoise to be cached for good.
    stylesheets = page.document.xpath('//link[@rel="stylesheet"]/@href')
    assert stylesheets and all(".css" in href for href in stylesheets)
    hashed = [href for href in stylesheets if href.startswith("/static/css/app.")]
    assert hashed and hashed[0] != "/static/css/app.css"
    static = browser.http.get(hashed[0], headers={"Accept-Encoding": "gzip"})
    assert static.status_code == 200
    assert "immutable" in static.headers["Cache-Control"]
    assert static.headers.get("Content-Encoding") == "gzip"
    # DEBUG is off: a missing page is the service's own page, not Django's debug page.
    missing = browser.get("/no-such-page/")
    assert missing.status == 404
    assert "URLconf" not in missing.html and "Page not found" in missing.text
    # Every process is up as production runs it.
    for name in ("gunicorn", "worker", "beat", "redis"):
        assert stack.processes[name].alive(), f"{name} stopped:\n{stack.logs()}"
    browser.close()


def _a_coordinator_records_an_update_and_builds_the_report_pdf(stack: Stack) -> None:
    browser = stack.browser()
    browser.sign_in(COORDINATOR, stack.password(COORDINATOR))
    cookies = {cookie.name: cookie for cookie in browser.http.cookies.jar}
    assert cookies["sessionid"].secure and cookies["csrftoken"].secure

    # Record this quarter's update on the first action of the list.
    actions = browser.get(reverse("actions:list"))
    action = next(m for _, _, m in actions.links() if m and m.view_name == "actions:detail")
    form = browser.get(reverse("actions:update", kwargs=action.kwargs)).form("Save update")
    page = (
        form.choose("Off track")
        .fill("Commentary", COMMENTARY)
        .fill("Reason for the change of status", "The venue was withdrawn")
        .submit()
    )
    assert page.status == 200 and "There is a problem" not in page.text, page.text[:800]
    detail = browser.get(reverse("actions:detail", kwargs=action.kwargs))
    assert COMMENTARY in detail.text

    # "Build now": the worker builds it, the page says when it is ready.
    reports = browser.get(reverse("reporting:partnership", kwargs={"slug": "swale"}))
    built = reports.form("Build now").submit()
    report = resolve(built.path)
    assert report.view_name == "reporting:detail", built.path
    progress = reverse("reporting:progress", kwargs=report.kwargs)

    def ready() -> Page | None:
        fragment = browser.get(progress)
        status = fragment.document.xpath('//*[@data-testid="progress"]/@data-status')
        assert status and status[0] != "failed", f"the report failed:\n{stack.logs()}"
        return fragment if status[0] == "ready" else None

    _until(ready, what="the report was not ready", stack=stack)
    page = browser.get(built.path)
    pdf = _download(browser, page.link("Download the PDF")).content
    _assert_pdf_as_printed(pdf, "the exception report")
    assert "Production stack check" in _pdf_text(pdf)
    assert any(key.endswith(".pdf") for key in _stored(stack))
    browser.close()


def _publish(browser: Browser, stack: Stack, title: str, day: str) -> int:
    """Publish a version of the plan called ``title`` and wait for it to be public; the
    version's id is returned."""
    plans = browser.get(reverse("plans:list"))
    plan = next(
        m
        for text, _, m in plans.links()
        if m and m.view_name == "plans:overview" and text.startswith(title)
    )
    publish_page = browser.get(reverse("publishing:publish", kwargs=plan.kwargs))
    form = publish_page.form("Publish")
    # The editor's check lists the CSA's draft placeholders: the publisher confirms them.
    if "I have checked these and want to publish" in publish_page.text:
        form.choose("I have checked these and want to publish")
    if not form.values.get("number", [""])[0]:
        # A number no version of the demo's has (the demo publishes the CSA's 8.0 and
        # Swale's 1.0 when it loads).
        form.fill("Version number", "10.0")
    # The effective date's day, month and year boxes (the GOV.UK date input).
    for box, value in zip(("Day", "Month", "Year"), day.split(), strict=True):
        form.fill(box, value)
    page = form.fill("Summary", f"{title}, published by the production stack test").submit()
    assert "There is a problem" not in page.text, page.text[:800]
    version = resolve(page.path)
    assert version.view_name == "publishing:version", page.path

    def published() -> Page | None:
        page = browser.get(reverse("publishing:version", kwargs=version.kwargs))
        status = " ".join(page.document.xpath('//*[@data-testid="version-status"]//text()'))
        assert "was not published" not in status, f"{title}: {page.text[:1500]}"
        return page if "Published" in status else None

    _until(published, what=f"{title} was not published", stack=stack)
    return int(version.kwargs["pk"])


def _the_county_team_publishes_and_anyone_downloads_signed_out(stack: Stack) -> None:
    admin = stack.browser()
    admin.sign_in(COUNTY_ADMIN, stack.password(COUNTY_ADMIN))
    published = {
        "the Swale plan": _publish(admin, stack, "Swale Community Safety Plan 2023/24", "1 4 2023"),
        "the CSA": _publish(admin, stack, "Kent Community Safety Agreement", "1 4 2024"),
    }
    admin.sign_out()
    admin.close()

    public = stack.browser()
    listing = public.get(reverse("public:list"))
    assert listing.status == 200 and "Sign out" not in listing.text
    downloads = {
        m.kwargs["pk"]: p for _, p, m in listing.links() if m and m.view_name == "public:download"
    }
    for what, pk in published.items():
        assert pk in downloads, f"{what} is not on {listing.path}"
        response = _download(public, downloads[pk])
        pdf = response.content
        assert response.headers["X-Content-SHA256"] == hashlib.sha256(pdf).hexdigest()
        _assert_pdf_as_printed(pdf, what)
        assert len(pdf) in _stored(stack).values(), f"{what} is not in the bucket"
    # The web processes and the worker wrote nothing to their own disk.
    media = stack.media_root
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    public.close()


def test_the_production_stack_as_people_use_it(stack):
    """One test, so that one stack serves it whichever pytest-xdist worker runs it (the
    steps are the functions above; a failure names the step)."""
    _production_headers_and_static_files(stack)
    _a_coordinator_records_an_update_and_builds_the_report_pdf(stack)
    _the_county_team_publishes_and_anyone_downloads_signed_out(stack)
