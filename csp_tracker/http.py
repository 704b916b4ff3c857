"""What several apps' views ask of a request before they call a service."""

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponseNotAllowed, QueryDict

T = TypeVar("T")
M = TypeVar("M", bound=Model)


def posted_data(request: HttpRequest) -> QueryDict | None:
    """A form's data: a POST binds it even with nothing in it (a box left clear), where
    ``request.POST or None`` would leave it unbound, with no errors shown."""
    return request.POST if request.method == "POST" else None


def found_or_404(
    get: Callable[[], T],
    missing: type[Exception] | tuple[type[Exception], ...],
    what: str,
) -> T:
    """What the selector finds for this person, or a 404 ("No such ``what``")."""
    try:
        return get()
    except missing:
        raise Http404(f"No such {what}") from None


def permitted_or_404(
    request: HttpRequest,
    perm: str | None,
    get: Callable[[], M],
    missing: type[Exception],
    what: str,
) -> M:
    """``found_or_404``; then, with ``perm``, a 403 unless the person has it on what was
    found (they can see it but not do this to it)."""
    found = found_or_404(get, missing, what)
    if perm:
        require_perm(request, perm, found)
    return found


def visible_or_404(
    request: HttpRequest,
    select: Callable[..., M],
    model: type[Model],
    *,
    perm: str | None = None,
    **lookup: Any,
) -> M:
    """What the selector ``select`` finds by ``lookup`` among what the signed-in person
    may see (it is called with ``user=request.user``), or a 404 ("No such <model's
    name>"); with ``perm``, then a 403 unless they have it on what was found."""
    # Each concrete model has its own DoesNotExist; django-stubs types it on those only.
    missing: type[Exception] = cast(Any, model).DoesNotExist
    return permitted_or_404(
        request,
        perm,
        lambda: select(user=request.user, **lookup),
        missing,
        str(model._meta.verbose_name),
    )


def require_perm(request: HttpRequest, perm: str, obj: Model) -> None:
    """A 403 unless the person has ``perm`` on ``obj`` (the rules in each app's rules.py)."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def post_only(request: HttpRequest, perm: str, obj: Model) -> HttpResponseNotAllowed | None:
    """For a button that posts, asked after the lookup so that another partnership's
    object is a 404 whatever the method: anything but a POST is a 405 (returned), a POST
    without ``perm`` on ``obj`` a 403."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require_perm(request, perm, obj)
    return None
