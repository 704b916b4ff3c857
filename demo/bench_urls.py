"""The benchmark's URLs: the site's, and a bare page used only as the benchmark's yardstick
(never routed publicly: csp_tracker.urls does not include this module)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path

from csp_tracker.urls import urlpatterns as site_urlpatterns


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    """base.html for a signed-in person and nothing else: what every page costs at least."""
    return render(request, "base.html")


urlpatterns: list[URLPattern | URLResolver] = [
    path("__benchmark__/bare/", bare, name="benchmark_bare"),
    *site_urlpatterns,
]
