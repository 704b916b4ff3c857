"""Authoring a plan's priorities and cross-cutting themes and the headings within them
(the plan itself and its sections are authored in plans/views.py, its actions in
actions/views.py)."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from csp_tracker.forms import after_save
from csp_tracker.http import found_or_404, posted_data, visible_or_404
from csp_tracker.periods import financial_year_label
from plans.models import Partnership, Plan
from plans.views import (
    authored_plan,
    confirm_remove,
    move_button,
    overview_url,
    require_author,
)
from priorities import selectors, services
from priorities.forms import AssessmentChoiceForm, HeadingForm, WorkstreamForm
from priorities.models import CrossCuttingTheme, Priority, Workstream

HEADING_MODELS: dict[str, type[Priority] | type[CrossCuttingTheme]] = {
    services.HeadingKind.PRIORITY: Priority,
    services.HeadingKind.THEME: CrossCuttingTheme,
}


def _heading_page(
    request: HttpRequest, plan: Plan, kind: str, heading: Priority | CrossCuttingTheme | None
) -> HttpResponse:
    """The form of a new priority or theme of the plan (``heading`` None), or of one."""
    is_theme = kind == services.HeadingKind.THEME
    form = HeadingForm(
        request.POST or None,
        is_theme=is_theme,
        plan=plan,
        adding=heading is None,
        initial=HeadingForm.initial_for(heading) if heading else None,
    )
    if request.method == "POST" and form.is_valid():
        if heading is None:
            create = services.theme_create if is_theme else services.priority_create
            number = services.heading_next_number(plan=plan, kind=kind)
            added = create(plan=plan, data=form.to_data(number=number))
            messages.success(request, f"{added.label} was added")
            return after_save(request, reverse("plans:overview", kwargs={"pk": plan.pk}))
        services.heading_update(heading=heading, data=form.to_data(number=heading.number))
        messages.success(request, f"{heading.label} was changed")
        return redirect("plans:overview", pk=plan.pk)
    return render(
        request,
        "priorities/heading_form.html",
        {"form": form, "plan": plan, "heading": heading, "is_theme": is_theme},
    )


@login_required
@require_http_methods(["GET", "POST"])
def heading_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    return _heading_page(request, authored_plan(request, pk, author=True), kind, None)


def _heading(
    request: HttpRequest, pk: int, kind: str, *, author: bool = True
) -> Priority | CrossCuttingTheme:
    """A priority or theme the user sees (else a 404) and, ``author``, may change (else
    a 403)."""
    heading = found_or_404(
        lambda: selectors.heading_get(user=request.user, model=HEADING_MODELS[kind], pk=pk),
        (Priority.DoesNotExist, CrossCuttingTheme.DoesNotExist),
        "priority or theme",
    )
    if author:
        require_author(request, heading.plan)
    return heading


@login_required
@require_http_methods(["GET", "POST"])
def heading_edit(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    heading = _heading(request, pk, kind)
    return _heading_page(request, heading.plan, kind, heading)


@login_required
@require_http_methods(["GET", "POST"])
def heading_move(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    heading = _heading(request, pk, kind, author=False)
    anchor = "themes" if kind == services.HeadingKind.THEME else "priorities"
    return move_button(
        request,
        heading.plan,
        lambda up: services.heading_move(heading=heading, up=up),
        f"{overview_url(heading.plan_id)}#{anchor}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def heading_delete(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    heading = _heading(request, pk, kind)
    is_theme = kind == services.HeadingKind.THEME
    return confirm_remove(
        request,
        heading.plan,
        what="cross-cutting theme" if is_theme else "priority",
        name=heading.title,
        remove=lambda: services.heading_delete(heading=heading),
        done_url=f"{overview_url(heading.plan_id)}#{'themes' if is_theme else 'priorities'}",
        refusal=(services.HeadingInUse,),
    )


# Headings within a priority or theme.


def _parent(request: HttpRequest, pk: int, kind: str) -> Priority | CrossCuttingTheme:
    return _heading(request, pk, kind)


def _workstreams_url(workstream_parent: Priority | CrossCuttingTheme) -> str:
    if isinstance(workstream_parent, Priority):
        return reverse("priorities:workstreams", kwargs={"pk": workstream_parent.pk})
    return reverse("priorities:theme_workstreams", kwargs={"pk": workstream_parent.pk})


def _workstream(request: HttpRequest, pk: int) -> Workstream:
    workstream = visible_or_404(request, selectors.workstream_get, Workstream, pk=pk)
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


def _workstream_page(
    request: HttpRequest, parent: Priority | CrossCuttingTheme, workstream: Workstream | None
) -> HttpResponse:
    """The form of a new heading under ``parent`` (``workstream`` None), or of one."""
    form = WorkstreamForm(
        request.POST or None,
        adding=workstream is None,
        initial={"title": workstream.title} if workstream else None,
    )
    if request.method == "POST" and form.is_valid():
        title = form.cleaned_data["title"].strip()
        try:
            if workstream is None:
                services.workstream_create(parent=parent, title=title)
            else:
                services.workstream_rename(workstream=workstream, title=title)
        except ValidationError:
            form.add_error("title", f"{parent.label} already has the heading “{title}”")
        else:
            if workstream is not None:
                messages.success(request, f"The heading was renamed “{title}”")
                return redirect(_workstreams_url(parent))
            messages.success(request, f"The heading “{title}” was added")
            return after_save(request, _workstreams_url(parent))
    return render(
        request,
        "priorities/workstream_form.html",
        {"form": form, "parent": parent, "plan": parent.plan, "workstream": workstream},
    )


@login_required
@require_http_methods(["GET", "POST"])
def workstream_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    return _workstream_page(request, _parent(request, pk, kind), None)


@login_required
@require_http_methods(["GET", "POST"])
def workstream_edit(request: HttpRequest, pk: int) -> HttpResponse:
    workstream = _workstream(request, pk)
    require_author(request, workstream.parent.plan)
    return _workstream_page(request, workstream.parent, workstream)


@login_required
@require_http_methods(["GET", "POST"])
def workstream_move(request: HttpRequest, pk: int) -> HttpResponse:
    workstream = _workstream(request, pk)
    return move_button(
        request,
        workstream.parent.plan,
        lambda up: services.workstream_move(workstream=workstream, up=up),
        _workstreams_url(workstream.parent),
    )


@login_required
@require_http_methods(["GET", "POST"])
def workstream_delete(request: HttpRequest, pk: int) -> HttpResponse:
    workstream = _workstream(request, pk)
    parent = workstream.parent
    require_author(request, parent.plan)
    return confirm_remove(
        request,
        parent.plan,
        what="heading",
        name=workstream.title,
        remove=lambda: services.workstream_delete(workstream=workstream),
        done_url=_workstreams_url(parent),
        refusal=(services.WorkstreamInUse,),
    )


# --- strategic-assessment choices (CSA Appendix A) --------------------------------------


def _assessing_district(request: HttpRequest, slug: str) -> Partnership:
    partnership = visible_or_404(
        request, selectors.assessment_partnership_get, Partnership, slug=slug
    )
    # Asked of the rules themselves: a superuser has every permission, but only a
    # district has strategic-assessment choices.
    if not rules.has_perm("priorities.change_strategicassessmentchoice", request.user, partnership):
        raise PermissionDenied
    return partnership


@login_required
@require_safe
def assessment_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = _assessing_district(request, slug)
    return render(
        request,
        "priorities/assessment_list.html",
        {
            "partnership": partnership,
            "years": selectors.assessment_year_list(partnership=partnership),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    partnership = _assessing_district(request, slug)
    if not 2000 <= year < 2100:
        raise Http404("No such year")
    form = AssessmentChoiceForm(
        posted_data(request),
        initial={
            "categories": selectors.assessment_choice_list(
                partnership=partnership, financial_year=year
            )
        },
    )
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_choices_set(
                partnership=partnership,
                financial_year=year,
                categories=form.cleaned_data["categories"],
            )
        except services.AssessmentFromPlan as refused:
            problem = str(refused)
        else:
            messages.success(
                request,
                f"{partnership.short_name}’s choices for {financial_year_label(year)} were saved",
            )
            return redirect("priorities:assessments", slug=partnership.slug)
    plan = selectors.assessment_plan(partnership=partnership, financial_year=year)
    return render(
        request,
        "priorities/assessment_form.html",
        {
            "partnership": partnership,
            "form": form,
            "year_label": financial_year_label(year),
            "plan": plan,
            "problem": problem,
        },
    )
