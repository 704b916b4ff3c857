"""The officer and coordinator pages of actions (/actions/): "Your actions", the action
list, an action's page and history, recording a status update, editing an action and its
milestones; and, inside plan authoring, adding, moving and renumbering a plan's actions."""

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_safe

from accounts.types import AuthenticatedHttpRequest
from actions import exporting, importing, selectors, services
from actions.filters import ActionFilter
from actions.forms import (
    ActionAddForm,
    ActionForm,
    ActionImportForm,
    MilestoneForm,
    ReviewForm,
    StatusUpdateForm,
    stale_merge,
)
from actions.models import Action, Milestone, StatusUpdate, UpdateRequest
from csp_tracker import clock
from csp_tracker.forms import ADD_ANOTHER, after_save
from csp_tracker.http import (
    found_or_404,
    permitted_or_404,
    posted_data,
    require_perm,
    visible_or_404,
)
from csp_tracker.pagination import page_of_keys_get
from csp_tracker.periods import Quarter
from csp_tracker.reversing import url_maker
from plans.models import Partnership
from plans.views import authored_plan

if TYPE_CHECKING:
    from actions.selectors import ActionOnItsPage, ActionWithStatus


def _get_action(request: HttpRequest, pk: int) -> "ActionOnItsPage":
    return visible_or_404(request, selectors.action_get, Action, pk=pk)


def _get_milestone(request: HttpRequest, pk: int) -> Milestone:
    return visible_or_404(request, selectors.milestone_get, Milestone, pk=pk)


@login_required
@require_safe
def my_actions(request: HttpRequest) -> HttpResponse:
    work = selectors.my_actions(user=request.user)
    return render(request, "actions/my_actions.html", {"work": work})


@login_required
@require_safe
def action_list(request: HttpRequest) -> HttpResponse:
    quarter, today = clock.update_quarter(), clock.today()
    user = request.user
    action_filter = ActionFilter(
        request.GET or None,
        # (it filters the user's actions when asked, below: not a queryset of its own)
        queryset=Action.objects.none(),
        plans=lambda: selectors.plan_list(user=user),  # (only if a plan is asked)
        plan_rows=selectors.plan_rows(user=user),
        quarter=quarter,
        today=today,
    )
    # The page's keys by the filters (a filter by status asks the status in SQL); those of
    # the whole list by their query compiled once (its shape), the list's queryset built
    # only if that does not answer (built for every page, a twentieth of an officer's
    # list). Its rows read as plain values, their status set-based.
    filtered: QuerySet[Action] | Callable[[], QuerySet[Action]]
    if action_filter.asks_nothing:
        filtered, shape = (
            partial(selectors.action_list, user=user),
            selectors.action_list_shape(user=user),
        )
    elif action_filter.is_valid():
        filtered, shape = action_filter.filter_queryset(selectors.action_list(user=user)), None
    else:
        filtered, shape = Action.objects.none(), None
    page = page_of_keys_get(
        filtered,
        number=request.GET.get("page"),
        per_page=50,
        rows=selectors.action_list_rows(quarter=quarter, today=today),
        shape=shape,
    )
    detail_url = url_maker("actions:detail")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "actions/action_list.html",
        {
            "filter": action_filter,
            "page": page,
            # Each row's link from the URL reversed once per process (url_maker).
            "rows": [(row, detail_url(row.pk)) for row in page.object_list],
            "quarter": quarter,
            "query": query.urlencode(),
        },
    )


@login_required
@require_safe
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = _get_action(request, pk)
    return render(
        request,
        "actions/action_detail.html",
        {
            "action": action,
            "milestones": action.milestones.all(),
            "history": selectors.status_history(action=action),
            "changes": selectors.change_history(action=action),
            "quarter": clock.update_quarter(),
            "can_update": request.user.has_perm("actions.add_statusupdate", action),
            "can_edit": request.user.has_perm("actions.change_action", action),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def status_update_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        action = visible_or_404(request, selectors.action_for_update_form, Action, pk=pk)
        require_perm(request, "actions.add_statusupdate", action)
        form = StatusUpdateForm(action=action, initial={"updates_version": action.updates_version})
        return _status_update_page(request, action, form)
    # Saving reads only what it needs of the action; the page, shown again when the
    # update is not saved, reads it again with its status (action_for_update_form).
    saving = visible_or_404(request, selectors.action_for_status_update, Action, pk=pk)
    require_perm(request, "actions.add_statusupdate", saving)
    quarter = clock.update_quarter()
    form = StatusUpdateForm(
        request.POST or None, action=saving, initial={"updates_version": saving.updates_version}
    )
    # Opened before someone else's update: say so first, whatever else is wrong.
    opened = request.POST.get("updates_version", "")
    stale = opened.isdigit() and int(opened) < saving.updates_version
    if not stale and form.is_valid():
        try:
            services.status_update_record(
                action=saving,
                author=request.user,
                quarter=quarter,
                status=form.cleaned_data["status"],
                commentary=form.cleaned_data["commentary"].strip(),
                reason=form.cleaned_data["reason"].strip(),
                figures=form.figures(),
                milestones_completed=form.cleaned_data.get("milestones_completed", []),
                expected_version=form.cleaned_data["updates_version"],
            )
        except ValidationError as refused:
            form.add_refusal(refused)
        except services.StaleEdit:
            stale = True
        else:
            messages.success(
                request, f"Your {quarter} update on action {saving.reference} was saved"
            )
            return redirect("actions:detail", pk=saving.pk)
    action = visible_or_404(request, selectors.action_for_update_form, Action, pk=pk)
    if not stale:
        return _status_update_page(request, action, form)
    # Keep what they typed; show the update they missed; let them save again. The
    # service holds the update to the status now, so a change from theirs needs a
    # reason: saving again cannot silently undo their status.
    conflict = next(iter(selectors.status_history(action=action)), None)
    data = request.POST.copy()
    data["updates_version"] = str(action.updates_version)
    form = StatusUpdateForm(data, action=action)
    form.is_valid()
    form.add_error(
        None,
        "Someone else saved an update to this action after you opened it. "
        "Check their update below, then save yours again if it is still right.",
    )
    return _status_update_page(request, action, form, conflict=conflict)


def _status_update_page(
    request: HttpRequest,
    action: "ActionWithStatus",
    form: StatusUpdateForm,
    *,
    conflict: StatusUpdate | None = None,
) -> HttpResponse:
    return render(
        request,
        "actions/status_update_form.html",
        {
            "action": action,
            "form": form,
            "quarter": clock.update_quarter(),
            "conflict": conflict,
            "since": selectors.since_last_update(action=action),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _get_action(request, pk)
    require_perm(request, "actions.change_action", action)
    form = ActionForm(request.POST or None, action=action, initial=ActionForm.initial_for(action))
    conflict: list[dict[str, object]] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(
                action=action,
                data=form.to_data(),
                expected_version=form.cleaned_data["lock_version"],
                user=request.user,
            )
        except services.StaleEdit:
            # Keep only what this editor changed; the rest is taken as it is now, so saving
            # again cannot put the other person's change back.
            opened = form.cleaned_data["lock_version"]
            conflict = selectors.changes_since(action=action, version=opened)
            action = _get_action(request, pk)
            merge = stale_merge(
                form,
                opened=selectors.action_values_as_opened(action=action, version=opened),
                current=ActionForm.initial_for(action),
                version_field="lock_version",
                version=action.lock_version,
            )
            form = ActionForm(merge.data, action=action)
            merge.show(form, what="action")
        else:
            messages.success(request, f"Action {action.reference} was changed")
            return redirect("actions:detail", pk=action.pk)
    return render(
        request, "actions/action_form.html", {"action": action, "form": form, "conflict": conflict}
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = _get_action(request, pk)
    require_perm(request, "actions.add_milestone", action)
    form = MilestoneForm(request.POST or None, action=action, adding=True)
    if request.method == "POST" and form.is_valid():
        services.milestone_create(action=action, data=form.to_data())
        messages.success(request, "The milestone was added")
        return after_save(request, reverse("actions:detail", kwargs={"pk": action.pk}))
    return render(
        request, "actions/milestone_form.html", {"action": action, "form": form, "milestone": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    milestone = _get_milestone(request, pk)
    action = milestone.action
    require_perm(request, "actions.change_milestone", milestone)
    form = MilestoneForm(
        request.POST or None, action=action, initial=MilestoneForm.initial_for(milestone)
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_update(
                milestone=milestone,
                data=form.to_data(),
                expected_version=form.cleaned_data["lock_version"] or 0,
                user=request.user,
            )
        except services.StaleEdit as stale:
            conflict = stale.current
            assert isinstance(conflict, Milestone)
            merge = stale_merge(
                form,
                opened=selectors.milestone_values_as_opened(
                    milestone=milestone, version=form.cleaned_data["lock_version"] or 0
                ),
                current=MilestoneForm.initial_for(conflict),
                version_field="lock_version",
                version=conflict.lock_version,
            )
            form = MilestoneForm(merge.data, action=action)
            merge.show(form, what="milestone")
        else:
            messages.success(request, "The milestone was changed")
            return redirect("actions:detail", pk=action.pk)
    return render(
        request,
        "actions/milestone_form.html",
        {"action": action, "form": form, "milestone": milestone, "conflict": conflict},
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = authored_plan(request, pk, author=True)
    if not plan.priorities.exists() and not plan.themes.exists():
        messages.info(request, "Add a priority or a theme first: every action sits under one")
        return redirect("plans:overview", pk=plan.pk)
    # "Save and add another" comes back with the last priority and heading chosen.
    remembered = {key: request.GET[key] for key in ("heading", "workstream") if key in request.GET}
    form = ActionAddForm(request.POST or None, plan=plan, initial=remembered)
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"].strip() or services.action_next_reference(
            plan=plan, heading=form.selected_heading()
        )
        action = services.action_create(
            plan=plan, data=form.to_data(reference=reference), milestones=form.milestones()
        )
        messages.success(request, f"Action {action.reference} was added")
        if ADD_ANOTHER in request.POST:
            query = urlencode(
                {
                    "heading": form.cleaned_data["heading"],
                    "workstream": form.cleaned_data.get("workstream") or "",
                }
            )
            return redirect(f"{reverse('actions:add', kwargs={'pk': plan.pk})}?{query}")
        return redirect(reverse("plans:overview", kwargs={"pk": plan.pk}) + "#actions")
    return render(request, "actions/authoring/action_add.html", {"form": form, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
def action_move(request: HttpRequest, pk: int) -> HttpResponse:
    action = found_or_404(
        lambda: selectors.action_queryset(user=request.user).select_related("plan").get(pk=pk),
        Action.DoesNotExist,
        "action",
    )
    if request.method != "POST":
        # A POST form; checked after the lookup so another partnership's action is a 404.
        return HttpResponseNotAllowed(["POST"])
    plan = authored_plan(request, action.plan_id, author=True)
    services.action_move(action=action, up=request.POST.get("direction") != "down")
    return redirect(reverse("plans:overview", kwargs={"pk": plan.pk}) + "#actions")


@login_required
@require_http_methods(["GET", "POST"])
def renumber(request: HttpRequest, pk: int) -> HttpResponse:
    plan = authored_plan(request, pk, author=True)
    if request.method == "POST":
        changed = services.action_plan_renumber(plan=plan)
        messages.success(
            request,
            f"The actions were renumbered: {changed} number{pluralize(changed)} changed",
        )
        return redirect(reverse("plans:overview", kwargs={"pk": plan.pk}) + "#actions")
    return render(request, "actions/authoring/renumber.html", {"plan": plan})


# Bulk entry: import a plan's actions from a spreadsheet or a pasted table, and export them.


def _import_page(
    request: HttpRequest,
    plan: object,
    form: ActionImportForm,
    preview: importing.ImportPreview | None,
) -> HttpResponse:
    return render(
        request,
        "actions/authoring/import.html",
        {
            "plan": plan,
            "form": form,
            "preview": preview,
            "payload": importing.table_sign(preview.table) if preview and preview.ok else "",
            "columns": importing.COLUMNS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload or paste, then see every row checked; nothing is saved until confirmed."""
    plan = authored_plan(request, pk, author=True)
    form = ActionImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid() and form.table_read is not None:
        preview = importing.action_import_check(plan=plan, table=form.table_read)
    return _import_page(request, plan, form, preview)


@login_required
@require_http_methods(["GET", "POST"])
def action_import_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = authored_plan(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    plan = authored_plan(request, pk, author=True)
    form = ActionImportForm()
    try:
        table = importing.table_unsign(request.POST.get("payload", ""))
        result = importing.action_import_apply(plan=plan, table=table, user=request.user)
    except importing.ImportRefused as refused:
        form.refuse(str(refused))
        return _import_page(request, plan, form, None)
    except importing.ImportHasProblems as problems:
        return _import_page(request, plan, form, problems.preview)
    if result.created or result.changed:
        messages.success(
            request,
            f"{result.created} action{pluralize(result.created)} added, "
            f"{result.changed} changed and {result.unchanged} already as in the file",
        )
    else:
        messages.info(request, "Nothing changed: every action was already as in the file")
    return redirect(reverse("plans:overview", kwargs={"pk": plan.pk}) + "#actions")


def _download(content: bytes, file_format: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exporting.CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


@login_required
@require_safe
def action_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's actions, milestones and each quarter's status and commentary, in the
    columns the import reads: ?format=csv for CSV, else XLSX."""
    plan = authored_plan(request, pk)
    file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    content = exporting.action_plan_export(plan=plan, file_format=file_format)
    return _download(content, file_format, f"{slugify(plan.title)}-actions")


@login_required
@require_safe
def action_import_template(request: HttpRequest, pk: int) -> HttpResponse:
    plan = authored_plan(request, pk, author=True)
    content = exporting.action_import_template(plan=plan)
    return _download(content, "xlsx", f"{slugify(plan.title)}-actions-template")


def _request_problem(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    return render(request, "actions/update_request_problem.html", {"reason": reason}, status=status)


@require_http_methods(["GET", "POST"])
def update_request_respond(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The update form a lead's contact without an account opens from their link: just
    the request's actions, once, until it expires. Signed in or not, the link is the key."""
    try:
        update_request = selectors.update_request_by_link(pk=pk, token=token)
    except UpdateRequest.DoesNotExist:
        return _request_problem(request, "This link does not work", 404)
    try:
        services.update_request_check(update_request=update_request)
    except services.RequestNotValid as problem:
        return _request_problem(request, str(problem), 410)
    actions = selectors.update_request_actions(update_request=update_request)
    data = posted_data(request)
    forms = [
        StatusUpdateForm(
            data,
            action=action,
            prefix=f"action-{action.pk}",
            initial={"updates_version": action.updates_version},
        )
        for action in actions
    ]
    for form in forms:
        form.helper.layout.fields.pop()  # one "Send" button for all of them
    if request.method == "POST" and all(form.is_valid() for form in forms):
        try:
            services.update_request_submit(
                update_request=update_request,
                updates=[
                    services.RequestedUpdate(
                        action=form.action,
                        status=form.cleaned_data["status"],
                        commentary=form.cleaned_data["commentary"].strip(),
                        reason=form.cleaned_data["reason"].strip(),
                        figures=form.figures(),
                        milestones_completed=form.cleaned_data.get("milestones_completed", []),
                    )
                    for form in forms
                ],
            )
        except services.RequestNotValid as problem:
            return _request_problem(request, str(problem), 410)
        except services.UpdateRefused as refused:
            # A refusal of one update keeps none of them: say which, on its form.
            for form in forms:
                if form.action.pk == refused.action.pk:
                    form.add_refusal(refused.refusal)
        else:
            return render(
                request,
                "actions/update_request_done.html",
                {"update_request": update_request, "actions": actions},
            )
    return render(
        request,
        "actions/update_request.html",
        {
            "update_request": update_request,
            "quarter": Quarter(update_request.financial_year, update_request.quarter),
            "forms": forms,
            "has_errors": any(form.errors for form in forms),
        },
    )


@login_required
@require_safe
def sign_off_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The partnership's updates waiting for a coordinator's sign-off."""
    partnership = permitted_or_404(
        request,
        "actions.add_updatereview",
        lambda: selectors.partnership_list(user=request.user).get(slug=slug),
        Partnership.DoesNotExist,
        "partnership",
    )
    return render(
        request,
        "actions/sign_off_list.html",
        {
            "partnership": partnership,
            "updates": selectors.updates_awaiting_sign_off(partnership=partnership),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def status_update_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Approve a submitted update or return it with a comment, the last signed-off update
    of the action beside it."""
    update = visible_or_404(request, selectors.status_update_get, StatusUpdate, pk=pk)
    partnership = update.action.plan.partnership
    require_perm(request, "actions.add_updatereview", partnership)
    state = selectors.review_state(update)
    form = ReviewForm(posted_data(request))
    if request.method == "POST" and state == "submitted" and form.is_valid():
        try:
            services.status_update_review(
                update=update,
                reviewer=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as refused:
            form.add_refusal(refused)
        except services.ReviewRefused as refused:
            messages.error(request, str(refused))
            return redirect("actions:sign_off", slug=partnership.slug)
        else:
            done = "approved" if form.cleaned_data["decision"] == "approve" else "returned"
            messages.success(request, f"The update on action {update.action.reference} was {done}")
            return redirect("actions:sign_off", slug=partnership.slug)
    return render(
        request,
        "actions/status_update_review.html",
        {
            "update": update,
            "state": state,
            "form": form,
            "since": selectors.since_last_update(action=update.action, before=update),
        },
    )
