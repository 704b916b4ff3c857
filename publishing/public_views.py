"""The public documents page (/published/): every published version, for anyone, signed
in or not. Restricted chapters never reach it: they are left out of the published PDF."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

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
    try:
        version = selectors.public_version_get(pk=pk)
    except PlanVersion.DoesNotExist:
        raise Http404("No such document") from None
    response = file_download(
        version.pdf,
        filename=services.download_name(version=version),
        content_type="application/pdf",
    )
    response["X-Content-SHA256"] = version.sha256
    return response
