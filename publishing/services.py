"""Publishing the CSA and the plans: the preview, the rendered and checked PDF and the
frozen published version. The document's data is plans/snapshot.py; next year's plan is
plans/refresh.py; the public list is in plans/selectors.py.

The render is queued through the job outbox (jobs/), by task name, in the transaction
that marks the version rendering: this module never imports its tasks.
"""

import hashlib
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from csp_tracker import clock
from csp_tracker.budget import BudgetExceeded, preview_budget, render_budget, run_within_budget
from jobs.selectors import job_for_key, jobs_finished, jobs_known
from jobs.services import job_record
from plans.images import image_data_uri, stored_image_bytes
from plans.models import (
    Plan,
    PlanVersion,
    PlanVersionChange,
)
from plans.services import (
    PublishedVersionFrozen,
    VersionChange,
    plan_open_guard,
)
from plans.text import MAX_SECTION_LENGTH, text_limit_errors
from publishing.checks import Finding, document_check_findings, findings_key
from publishing.snapshot import (
    DocumentSnapshot,
    document_images,
    document_snapshot,
    image_file_name,
    snapshot_with_image_sources,
    template_for,
)
from reporting.pdf import FILES_PREFIX, RenderedPdf, render_pdf, renderer_load

logger = logging.getLogger(__name__)

RENDER_TASK = "publishing.plan_version_render"
# Versions from before the job outbox have no job to ask: stale after this.
STALE_RENDER_AFTER = timedelta(minutes=30)


class PublishRefused(Exception):
    """Publishing cannot start: the reason is for the person on the page."""


class PublishWarningsUnconfirmed(PublishRefused):
    """The editor's check found something and the publisher has not said they checked it."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(
            "The editor's check found things to check: confirm you have checked them and "
            "want to publish"
        )
        self.findings = findings


# --- selectors: the document's data -----------------------------------------------------


def document_files(snapshot: DocumentSnapshot) -> dict[str, bytes]:
    """The document's images, read from the storage, by the names its PDF asks for."""
    return {
        image_file_name(image): stored_image_bytes(image["name"])
        for image in document_images(snapshot)
    }


def document_render(
    *, snapshot: DocumentSnapshot, draft: bool = False, check: bool = False
) -> RenderedPdf:
    """The document as a PDF (with ``check``, checked: ``render_pdf``). Its images are
    read from the storage first and handed to the renderer as bytes: rendering fetches
    nothing."""
    files = document_files(snapshot)
    doc = snapshot_with_image_sources(snapshot, lambda i: FILES_PREFIX + image_file_name(i))
    return render_pdf(
        template_name=template_for(kind=snapshot["kind"]),
        context={"doc": doc, "draft": draft, "for_pdf": True},
        files=files,
        check=check,
    )


@dataclass
class Preview:
    """The document's body as HTML for the preview page and what would stop it being
    published (``problems``); or no body and why it could not be made (``error``)."""

    body: str = ""
    problems: list[str] = field(default_factory=list)
    error: str = ""


def _make_preview(snapshot: DocumentSnapshot, body_template: str) -> Preview:
    return Preview(
        body=render_to_string(
            body_template,
            {
                "doc": snapshot_with_image_sources(snapshot, lambda i: image_data_uri(i["name"])),
                "draft": True,
            },
        ),
        problems=snapshot_limit_problems(snapshot=snapshot),
    )


def preview_render(*, snapshot: DocumentSnapshot, body_template: str) -> Preview:
    """Made within the preview's budget, like the PDF, so no text makes the page fail or
    hang."""
    try:
        return run_within_budget(
            _make_preview, snapshot, body_template, budget=preview_budget(), what="The preview"
        )
    except BudgetExceeded as exceeded:
        return Preview(error=exceeded.reason)


# --- services: publish ------------------------------------------------------------------


def parse_changes(text: str) -> list[VersionChange]:
    """One change a line, "Chapter – change" (an en dash, a hyphen or a colon between)."""
    changes = []
    for line in text.splitlines():
        line = line.strip().lstrip("-•* ").strip()
        if not line:
            continue
        for separator in (" – ", " - ", " — ", ": "):
            if separator in line:
                chapter, description = line.split(separator, 1)
                changes.append(VersionChange(chapter.strip()[:80], description.strip()))
                break
        else:
            changes.append(VersionChange("", line))
    return changes


def _publish_key(plan: Plan, request_key: str) -> str:
    return f"{RENDER_TASK}:{plan.pk}:{request_key}" if request_key else ""


def plan_version_for_request(*, plan: Plan, request_key: str) -> PlanVersion | None:
    """The version a publish form with this idempotency key already started, if any: a
    second submit of the same form goes to it instead of publishing again."""
    job = job_for_key(key=_publish_key(plan, request_key))
    if job is None:
        return None
    return plan.versions.filter(pk=job.args[0]).first()


@transaction.atomic
def plan_version_publish_start(
    *,
    plan: Plan,
    user: User,
    number: str,
    effective_date: date,
    changes: Sequence[VersionChange] = (),
    summary: str = "",
    request_key: str = "",
    warnings_confirmed: bool = False,
    confirmed_before: str = "",
    findings: Sequence[Finding] | None = None,
) -> PlanVersion:
    """Record the version as rendering and queue its rendering after the commit.

    If the editor's check (publishing/checks.py) finds anything, the publisher must have
    confirmed they checked it (``warnings_confirmed``; or, trying again, confirmed the
    same findings before: ``confirmed_before``, their key), or PublishWarningsUnconfirmed.
    ``findings``: the check as the caller ran it in the same request (the publish page
    shows them), so the document's snapshot is not built twice; otherwise it runs here.

    A version recorded from the document's own table (no file here yet) is taken over;
    a failed one is tried again; a published one is refused (PublishedVersionFrozen).
    A ``request_key`` that already started a version returns that version (a double
    submit publishes once).
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    again = plan_version_for_request(plan=plan, request_key=request_key)
    if again is not None:
        return again
    plan_open_guard(obj=plan)
    if plan.versions.filter(status=PlanVersion.Status.RENDERING).exists():
        raise PublishRefused("A version of this plan is being rendered: wait for it to finish")
    version = plan.versions.filter(number=number).first()
    if version is not None and version.status == PlanVersion.Status.PUBLISHED:
        raise PublishedVersionFrozen(f"Version {number} is published and cannot change")
    if findings is None:
        findings = document_check_findings(snapshot=document_snapshot(plan=plan))
    key = findings_key(findings) if findings else ""
    if key and not warnings_confirmed and key != confirmed_before:
        raise PublishWarningsUnconfirmed(list(findings))
    task_id = str(uuid.uuid4())
    if version is None:
        version = PlanVersion(plan=plan, number=number)
    version.effective_date = effective_date
    version.summary = summary or version.summary
    version.findings_confirmed = key
    version.status = PlanVersion.Status.RENDERING
    version.failure_reasons = []
    version.task_id = task_id
    version.full_clean()
    version.save()
    if changes:
        version.changes.all().delete()
        PlanVersionChange.objects.bulk_create(
            PlanVersionChange(
                version=version, order=i, chapter=c.chapter, description=c.description
            )
            for i, c in enumerate(changes, start=1)
        )
    version.published_by = user
    version.save(update_fields=["published_by"])
    job_record(
        name=RENDER_TASK,
        args=[version.pk],
        task_id=task_id,
        key=_publish_key(plan, request_key),
    )
    return version


def plan_version_retry(*, version: PlanVersion, user: User, request_key: str = "") -> PlanVersion:
    """ "Try again" on a version that failed (or was swept as stuck): render the same
    number, date, summary and changes again."""
    if version.status != PlanVersion.Status.FAILED:
        raise PublishRefused("Only a version that was not published can be tried again")
    return plan_version_publish_start(
        plan=version.plan,
        user=user,
        number=version.number,
        effective_date=version.effective_date,
        summary=version.summary,
        request_key=request_key,
        # Trying again renders what the publisher already started, after confirming
        # the check's findings on the publish page: the same findings, not new ones.
        confirmed_before=version.findings_confirmed,
    )


def plan_versions_fail_stale(*, now: datetime | None = None) -> int:
    """Mark failed the versions stuck rendering, so a plan is never blocked from
    publishing: their job was given up (started too many times without finishing) or
    finished without them. One waiting for the job service is not stuck."""
    now = now or timezone.now()  # created_at is the real time (auto_now_add)
    rendering = PlanVersion.objects.filter(status=PlanVersion.Status.RENDERING)
    task_ids = list(rendering.values_list("task_id", flat=True))
    finished, known = jobs_finished(task_ids=task_ids), jobs_known(task_ids=task_ids)
    stuck = rendering.filter(
        Q(task_id__in=finished)
        | (Q(created_at__lt=now - STALE_RENDER_AFTER) & ~Q(task_id__in=known))
    )
    return stuck.update(
        status=PlanVersion.Status.FAILED,
        failure_reasons=[
            "The PDF was not made: the job did not finish (the worker may have stopped). Try again."
        ],
    )


def _file_name(plan: Plan, number: str) -> str:
    return f"{slugify(plan.title.replace('/', '-'))}-v{number.replace('.', '-')}.pdf"


def download_name(*, version: PlanVersion) -> str:
    plan = version.plan
    title = slugify(plan.title.replace("/", "-"))
    period = slugify(plan.period_label.replace("/", "-"))
    if period not in title:
        title = f"{title}-{period}"
    return f"{title}-version-{version.number}.pdf"


def plan_version_render(*, version_id: int) -> str:
    """Render, check and publish one version. Idempotent: only a version still rendering
    is worked on, and the result is saved only if it still is (and is the same attempt),
    so a task delivered twice publishes once. An error marks the version failed with the
    reason; it is never left rendering.

    The render runs outside any transaction, so no row lock is held while it runs, and in
    a child process with a time and memory budget (csp_tracker/budget.py): a document
    past it fails with the reason, "The document took too long to make: …"."""
    try:
        return _plan_version_render(version_id)
    except Exception as exc:
        logger.exception("Rendering version %s failed", version_id)
        PlanVersion.objects.filter(pk=version_id, status=PlanVersion.Status.RENDERING).update(
            status=PlanVersion.Status.FAILED,
            failure_reasons=[f"The PDF could not be made ({type(exc).__name__}: {exc})"[:500]],
        )
        return PlanVersion.Status.FAILED


@dataclass
class MadeDocument:
    """What the render child sends back: the PDF and its accessibility check."""

    pdf: bytes
    refused_urls: list[str]
    problems: list[str]
    warnings: list[str]


def _make_document(snapshot: DocumentSnapshot) -> MadeDocument:
    rendered = document_render(snapshot=snapshot, draft=False, check=True)
    result = rendered.accessibility
    assert result is not None  # asked for: check=True
    return MadeDocument(
        pdf=rendered.pdf,
        refused_urls=rendered.refused_urls,
        problems=list(result.problems),
        warnings=list(result.warnings),
    )


def document_make(*, snapshot: DocumentSnapshot) -> tuple[MadeDocument | None, list[str]]:
    """What publishing does before the PDF is stored: the text limits, then the render
    and its check in a child process within the render budget; the PDF made (None if it
    was not) and what stops it being published (none: it can be)."""
    problems = snapshot_limit_problems(snapshot=snapshot)
    if problems:
        return None, problems
    renderer_load()  # here, once a worker, not in every child
    try:
        made = run_within_budget(
            _make_document, snapshot, budget=render_budget(), what="The document"
        )
    except BudgetExceeded as exceeded:
        return None, [exceeded.reason]
    except Exception as exc:  # saved like any other failure: same attempt only
        logger.exception("Rendering the document of plan %s failed", snapshot["plan_id"])
        return None, [f"The PDF could not be made ({type(exc).__name__}: {exc})"[:500]]
    problems = list(made.problems)
    if made.refused_urls:
        problems.append(
            "The document asked for files from outside: "
            + ", ".join(u[:80] for u in made.refused_urls[:5])
        )
    return made, problems


def snapshot_limit_problems(*, snapshot: DocumentSnapshot) -> list[str]:
    """The text limits of the forms (plans/text.py), for text saved before them or past
    the forms: each problem names where it is."""
    problems = []
    texts = [(f"Section “{s['title']}”", s.get("body") or "") for s in snapshot["sections"]]
    for heading in [*snapshot["priorities"], *snapshot["themes"]]:
        # The summary is Markdown; the lists (facts, focus, outcomes) are plain points.
        texts.append((f"{heading['label']}: the summary", heading.get("summary") or ""))
    for where, text in texts:
        if len(text) > MAX_SECTION_LENGTH:
            problems.append(f"{where}: text must be {MAX_SECTION_LENGTH:,} characters or fewer")
        problems += [f"{where}: {error}" for error in text_limit_errors(text, label="text")]
    return problems


def _claim(version_id: int) -> tuple[PlanVersion, str, DocumentSnapshot] | None:
    """The version, the attempt it is on (its task id) and the document's data, read in a
    short transaction; None if the version is no longer rendering."""
    with transaction.atomic():
        version = PlanVersion.objects.select_for_update().select_related("plan").get(pk=version_id)
        if version.status != PlanVersion.Status.RENDERING:
            return None
        changes = [VersionChange(c.chapter, c.description) for c in version.changes.all()]
        snapshot = document_snapshot(
            plan=version.plan,
            number=version.number,
            effective_date=version.effective_date,
            summary=version.summary,
            changes=changes,
        )
        return version, version.task_id, snapshot


def _plan_version_render(version_id: int) -> str:
    claimed = _claim(version_id)
    if claimed is None:
        return PlanVersion.objects.values_list("status", flat=True).get(pk=version_id)
    version, attempt, snapshot = claimed
    plan = version.plan
    started = time.perf_counter()
    made, problems = document_make(snapshot=snapshot)
    seconds = round(time.perf_counter() - started, 2)
    stored = ""
    if made is not None and not problems:
        # Stored before the lock is taken again, so no row lock waits on the storage.
        name = version.pdf.field.generate_filename(version, _file_name(plan, version.number))
        stored = version.pdf.storage.save(name, ContentFile(made.pdf))
    with transaction.atomic():
        version = PlanVersion.objects.select_for_update().select_related("plan").get(pk=version_id)
        if version.status != PlanVersion.Status.RENDERING or version.task_id != attempt:
            logger.info("Version %s changed while it rendered: the render is dropped", version)
            if stored:
                transaction.on_commit(lambda: version.pdf.storage.delete(stored))
            return version.status
        version.render_seconds = seconds
        version.accessibility_warnings = made.warnings if made else []
        if made is None or problems:
            version.status = PlanVersion.Status.FAILED
            version.failure_reasons = problems
            version.save(
                update_fields=[
                    "status",
                    "failure_reasons",
                    "accessibility_warnings",
                    "render_seconds",
                ]
            )
            logger.warning("Publishing %s stopped: %s", version, problems)
            return version.status
        version.pdf.name = stored
        version.sha256 = hashlib.sha256(made.pdf).hexdigest()
        version.size = len(made.pdf)
        version.snapshot = snapshot
        # A recorded time, like an update's or a report's: the app's clock.
        version.published_at = clock.now()
        version.status = PlanVersion.Status.PUBLISHED
        version.failure_reasons = []
        version.save()
        Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
        if plan.previous_id:
            Plan.objects.filter(pk=plan.previous_id, status=Plan.Status.PUBLISHED).update(
                status=Plan.Status.SUPERSEDED
            )
        logger.info("Published %s (%s bytes, %.2f s)", version, version.size, seconds)
        return version.status


# --- services: refresh ------------------------------------------------------------------


# --- selectors: versions and the public list --------------------------------------------
