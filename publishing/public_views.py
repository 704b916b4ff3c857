"""The public documents page (/published/): every published version, for anyone, signed
in or not. Restricted chapters never reach it: they are left out of the published PDF."""

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from csp_tracker.http import found_or_404
from csp_tracker.storage import file_download
from plans.models import PlanVersion
from publishing import selectors, services


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    page, partnerships = selectors.published_document_page(number=request.GET.get("page"))
    return render(
        request,
        "publishing/public_list.html",
        {"page": page, "partnerships": partnerships},
    )


@require_safe
def public_download(request: HttpRequest, pk: int) -> FileResponse:
    version = found_or_404(
        lambda: selectors.public_version_get(pk=pk), PlanVersion.DoesNotExist, "document"
    )
    response = file_download(
        version.pdf,
        filename=services.download_name(version=version),
        content_type="application/pdf",
    )
    response["X-Content-SHA256"] = version.sha256
    return response
