"""Authoring a plan's priorities and cross-cutting themes and the headings within them
(the plan itself and its sections are authored in plans/views.py, its actions in
actions/views.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from csp_tracker.forms import ADD_ANOTHER
from plans.views import authored_plan, overview_url, require_author
from priorities import selectors, services
from priorities.forms import HeadingForm, WorkstreamForm
from priorities.models import CrossCuttingTheme, Priority, Workstream

HEADING_MODELS: dict[str, type[Priority] | type[CrossCuttingTheme]] = {
    services.HeadingKind.PRIORITY: Priority,
    services.HeadingKind.THEME: CrossCuttingTheme,
}


@login_required
@require_http_methods(["GET", "POST"])
def heading_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    plan = authored_plan(request, pk, author=True)
    is_theme = kind == services.HeadingKind.THEME
    form = HeadingForm(request.POST or None, is_theme=is_theme, plan=plan, adding=True)
    if request.method == "POST" and form.is_valid():
        number = services.heading_next_number(plan=plan, kind=kind)
        create = services.theme_create if is_theme else services.priority_create
        heading = create(plan=plan, data=form.to_data(number=number))
        messages.success(request, f"{heading.label} was added")
        if ADD_ANOTHER in request.POST:
            return redirect(request.path)
        return redirect("plans:overview", pk=plan.pk)
    return render(
        request,
        "priorities/heading_form.html",
        {"form": form, "plan": plan, "heading": None, "is_theme": is_theme},
    )


def _heading(request: HttpRequest, pk: int, kind: str) -> Priority | CrossCuttingTheme:
    try:
        heading = selectors.heading_get(user=request.user, model=HEADING_MODELS[kind], pk=pk)
    except (Priority.DoesNotExist, CrossCuttingTheme.DoesNotExist):
        raise Http404("No such priority or theme") from None
    require_author(request, heading.plan)
    return heading


@login_required
@require_http_methods(["GET", "POST"])
def heading_edit(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    heading = _heading(request, pk, kind)
    is_theme = kind == services.HeadingKind.THEME
    form = HeadingForm(
        request.POST or None,
        is_theme=is_theme,
        plan=heading.plan,
        initial=HeadingForm.initial_for(heading),
    )
    if request.method == "POST" and form.is_valid():
        services.heading_update(heading=heading, data=form.to_data(number=heading.number))
        messages.success(request, f"{heading.label} was changed")
        return redirect("plans:overview", pk=heading.plan_id)
    return render(
        request,
        "priorities/heading_form.html",
        {"form": form, "plan": heading.plan, "heading": heading, "is_theme": is_theme},
    )


@login_required
@require_http_methods(["GET", "POST"])
def heading_move(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    try:
        heading = selectors.heading_get(user=request.user, model=HEADING_MODELS[kind], pk=pk)
    except (Priority.DoesNotExist, CrossCuttingTheme.DoesNotExist):
        raise Http404("No such priority or theme") from None
    if request.method != "POST":
        # Moves are POST forms; checked after the lookup so another partnership's
        # object is a 404 whatever the method.
        return HttpResponseNotAllowed(["POST"])
    require_author(request, heading.plan)
    services.heading_move(heading=heading, up=request.POST.get("direction") == "up")
    anchor = "themes" if kind == services.HeadingKind.THEME else "priorities"
    return redirect(f"{overview_url(heading.plan_id)}#{anchor}")


@login_required
@require_http_methods(["GET", "POST"])
def heading_delete(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    try:
        heading = selectors.heading_get(user=request.user, model=HEADING_MODELS[kind], pk=pk)
    except (Priority.DoesNotExist, CrossCuttingTheme.DoesNotExist):
        raise Http404("No such priority or theme") from None
    require_author(request, heading.plan)
    what = "cross-cutting theme" if kind == services.HeadingKind.THEME else "priority"
    problem = ""
    if request.method == "POST":
        try:
            services.heading_delete(heading=heading)
        except services.HeadingInUse as refused:
            problem = str(refused)
        else:
            messages.success(request, f"The {what} “{heading.title}” was removed")
            anchor = "themes" if kind == services.HeadingKind.THEME else "priorities"
            return redirect(f"{overview_url(heading.plan_id)}#{anchor}")
    return render(
        request,
        "plans/confirm_remove.html",
        {"plan": heading.plan, "what": what, "name": heading.title, "problem": problem},
    )


# Headings within a priority or theme.


def _parent(request: HttpRequest, pk: int, kind: str) -> Priority | CrossCuttingTheme:
    return _heading(request, pk, kind)


def _workstreams_url(workstream_parent: Priority | CrossCuttingTheme) -> str:
    if isinstance(workstream_parent, Priority):
        return reverse("priorities:workstreams", kwargs={"pk": workstream_parent.pk})
    return reverse("priorities:theme_workstreams", kwargs={"pk": workstream_parent.pk})


def _workstream(request: HttpRequest, pk: int) -> Workstream:
    try:
        workstream = selectors.workstream_get(user=request.user, pk=pk)
    except Workstream.DoesNotExist:
        raise Http404("No such heading") from None
    return workstream


@login_required
@require_safe
def workstream_list(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    parent = _parent(request, pk, kind)
    return render(
        request,
        "priorities/workstream_list.html",
        {
            "parent": parent,
            "plan": parent.plan,
            "kind": kind,
            "workstreams": selectors.workstream_list(parent=parent),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def workstream_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    parent = _parent(request, pk, kind)
    form = WorkstreamForm(request.POST or None, adding=True)
    if request.method == "POST" and form.is_valid():
        title = form.cleaned_data["title"].strip()
        try:
            services.workstream_create(parent=parent, title=title)
        except ValidationError:
            form.add_error("title", f"{parent.label} already has the heading “{title}”")
        else:
            messages.success(request, f"The heading “{title}” was added")
            if ADD_ANOTHER in request.POST:
                return redirect(request.path)
            return redirect(_workstreams_url(parent))
    return render(
        request,
        "priorities/workstream_form.html",
        {"form": form, "parent": parent, "plan": parent.plan, "workstream": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def workstream_edit(request: HttpRequest, pk: int) -> HttpResponse:
    workstream = _workstream(request, pk)
    parent = workstream.parent
    require_author(request, parent.plan)
    form = WorkstreamForm(request.POST or None, initial={"title": workstream.title})
    if request.method == "POST" and form.is_valid():
        title = form.cleaned_data["title"].strip()
        try:
            services.workstream_rename(workstream=workstream, title=title)
        except ValidationError:
            form.add_error("title", f"{parent.label} already has the heading “{title}”")
        else:
            messages.success(request, f"The heading was renamed “{title}”")
            return redirect(_workstreams_url(parent))
    return render(
        request,
        "priorities/workstream_form.html",
        {"form": form, "parent": parent, "plan": parent.plan, "workstream": workstream},
    )


@login_required
@require_http_methods(["GET", "POST"])
def workstream_move(request: HttpRequest, pk: int) -> HttpResponse:
    workstream = _workstream(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require_author(request, workstream.parent.plan)
    services.workstream_move(workstream=workstream, up=request.POST.get("direction") == "up")
    return redirect(_workstreams_url(workstream.parent))


@login_required
@require_http_methods(["GET", "POST"])
def workstream_delete(request: HttpRequest, pk: int) -> HttpResponse:
    workstream = _workstream(request, pk)
    parent = workstream.parent
    require_author(request, parent.plan)
    problem = ""
    if request.method == "POST":
        try:
            services.workstream_delete(workstream=workstream)
        except services.WorkstreamInUse as refused:
            problem = str(refused)
        else:
            messages.success(request, f"The heading “{workstream.title}” was removed")
            return redirect(_workstreams_url(parent))
    return render(
        request,
        "plans/confirm_remove.html",
        {"plan": parent.plan, "what": "heading", "name": workstream.title, "problem": problem},
    )
