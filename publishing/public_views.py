"""The public documents page (/published/): every published version, for anyone, signed
in or not. Restricted chapters never reach it: they are left out of the published PDF."""

from csp.decorators import csp_update
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from csp_tracker.http import found_or_404
from csp_tracker.storage import file_download
from plans.models import PlanVersion
from publishing import selectors, services
from publishing.snapshot import document_images, snapshot_with_image_sources


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    page, partnerships = selectors.published_document_page(number=request.GET.get("page"))
    return render(
        request,
        "publishing/public_list.html",
        {"page": page, "partnerships": partnerships},
    )


def _version(pk: int) -> PlanVersion:
    return found_or_404(
        lambda: selectors.public_version_get(pk=pk), PlanVersion.DoesNotExist, "document"
    )


@require_safe
def public_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The published version as a web page, made from the same frozen snapshot as its
    PDF: the same text, headings, tables and images (for those who cannot use a PDF)."""
    version = _version(pk)
    doc = snapshot_with_image_sources(
        version.snapshot,
        lambda i: reverse("public:image", kwargs={"pk": version.pk, "image": i["id"]}),
    )
    return render(
        request,
        "publishing/public_document.html",
        {
            "version": version,
            "doc": doc,
            "is_current": selectors.version_is_current(version=version),
        },
    )


@require_safe
# An SVG opened on its own is a sandboxed document too (it is sanitised already). The
# decorator is typed for views of the request alone.
@csp_update({"sandbox": True})  # type: ignore[arg-type]
def public_image(request: HttpRequest, pk: int, image: str) -> FileResponse:
    """An image of a published version, as its snapshot names it (never another file)."""
    version = _version(pk)
    found = next((i for i in document_images(version.snapshot) if i["id"] == image), None)
    if found is None:
        raise Http404("No such image")
    response = FileResponse(
        default_storage.open(found["name"], "rb"), content_type=found["content_type"]
    )
    # The file never changes (a new image is a new file).
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def public_download(request: HttpRequest, pk: int) -> FileResponse:
    version = _version(pk)
    response = file_download(
        version.pdf,
        filename=services.download_name(version=version),
        content_type="application/pdf",
    )
    response["X-Content-SHA256"] = version.sha256
    return response
