"""Plan authoring pages: the plans list, a plan's overview ("check your answers"
pattern), its details and its sections. Priorities and themes are authored in
priorities/views.py, actions in actions/views.py; publishing in publishing/views.py."""

from collections.abc import Callable, Sequence
from html import escape
from typing import Any, NamedTuple, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import truncatewords
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from csp_tracker.forms import after_save
from csp_tracker.http import visible_or_404
from csp_tracker.reversing import row_url, url_maker
from csp_tracker.rows import (
    escaped_lines_each,
    escaped_texts,
    list_breadcrumbs,
    row_template,
    row_templates,
)
from csp_tracker.service_errors import service_errors_to_form
from plans import selectors
from plans import services as plan_services
from plans.forms import PlanForm, SectionForm, SectionImageForm
from plans.images import image_data_uri
from plans.models import Plan, PlanSection, PlanVersion, SectionImage
from plans.rules import who_publishes


def authored_plan(request: HttpRequest, pk: int, *, author: bool = False) -> Plan:
    plan = visible_or_404(request, selectors.plan_get, Plan, pk=pk)
    if author:
        require_author(request, plan)
    return plan


def require_author(request: HttpRequest, plan: Plan) -> None:
    """Who may change a plan is one rule (plans.change_plan): its coordinators and the
    county team, while the plan is open (not superseded)."""
    if not request.user.has_perm("plans.change_plan", plan):
        raise PermissionDenied


def move_button(
    request: HttpRequest, plan: Plan, move: Callable[[bool], object], back: str
) -> HttpResponse:
    """A "Move up" or "Move down" button of the plan's pages: a POST, asked after the
    lookup so that another partnership's object is a 404 whatever the method. The plan's
    author ``move``s it (up, or down) and goes ``back``."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require_author(request, plan)
    move(request.POST.get("direction") == "up")
    return redirect(back)


def confirm_remove(
    request: HttpRequest,
    plan: Plan,
    *,
    what: str,
    name: str,
    remove: Callable[[], object],
    done_url: str,
    refusal: tuple[type[Exception], ...] = (),
) -> HttpResponse:
    """The page that asks before removing a part of the plan (``what`` called ``name``).
    Posted, ``remove`` (the service) runs and the page goes on to ``done_url``; a
    ``refusal`` it raises is shown instead."""
    problem = ""
    if request.method == "POST":
        try:
            remove()
        except refusal as refused:
            problem = str(refused)
        else:
            messages.success(request, f"The {what} “{name}” was removed")
            return redirect(done_url)
    return render(
        request,
        "plans/confirm_remove.html",
        {"plan": plan, "what": what, "name": name, "problem": problem},
    )


def overview_url(plan_id: int) -> str:
    return reverse("plans:overview", kwargs={"pk": plan_id})


@login_required
@require_safe
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.plan_authoring_list(user=request.user)
    can_create = bool(selectors.authorable_partnerships(user=request.user))
    return render(request, "plans/plan_list.html", {"plans": plans, "can_create": can_create})


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    partnerships = selectors.authorable_partnerships(user=request.user)
    if not partnerships:
        raise PermissionDenied
    form = PlanForm(request.POST or None, partnerships=partnerships)
    if request.method == "POST" and form.is_valid():
        start, end = form.cleaned_data["period"]
        try:
            plan = plan_services.plan_create(
                partnership=form.cleaned_data["partnership"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"].strip(),
                start_year=start,
                end_year=end,
                action_plan_year=plan_services.plan_action_plan_year(
                    shape=form.cleaned_data["shape"], start_year=start, end_year=end, current=None
                ),
            )
        except ValidationError as error:
            form.add_error(
                "period",
                "This partnership already has a document of this kind for these years",
            )
            if not form.errors:  # pragma: no cover - another constraint
                service_errors_to_form(form, error)
        else:
            messages.success(request, f"{plan.title} was created. Now add its sections.")
            return redirect("plans:overview", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": None})


class ActionRow(NamedTuple):
    """An action's row in the overview's action plan (action_row.html), and its heading
    (workstream) under its priority or theme."""

    workstream_id: int | None
    html: str


class HeadingRows(NamedTuple):
    """A priority or a cross-cutting theme on the overview: its summary row and its part
    of the action plan (the actions under none of its headings first, then each heading
    with its actions)."""

    heading: Any  # a Priority or a CrossCuttingTheme: apps above this one
    actions: list[ActionRow]
    html: str  # its row of the summary list (heading_row.html)
    action_rows: str  # its part of the action plan (action_rows.html)


# The URL names of a heading's links on the overview: change, remove, move, its headings.
HEADING_URLS = {
    "priority": (
        "priorities:priority_edit",
        "priorities:priority_remove",
        "priorities:priority_move",
        "priorities:workstreams",
    ),
    "theme": (
        "priorities:theme_edit",
        "priorities:theme_remove",
        "priorities:theme_move",
        "priorities:theme_workstreams",
    ),
}


def heading_rows(
    headings: Sequence[Any],
    rows: dict[int, list[ActionRow]],
    kind: str,
    overview: selectors.PlanOverview,
    *,
    can_author: bool,
    csrf_token: str,
) -> list[HeadingRows]:
    """The overview's rows of one kind of heading, with the actions under each (rows: by
    the heading's id); each link's URL pattern reversed once (url_maker), each
    row written from heading_row.html, and its part of the action plan from
    action_rows.html and workstream_row.html, each rendered once for its kind of row
    (row_template) rather than looped over in the page's template, the texts of them all
    escaped at once (escaped_texts)."""
    change, remove, move, under = (url_maker(name) for name in HEADING_URLS[kind])
    relation = "priorities" if kind == "priority" else "themes"
    workstreams = [overview.workstreams.get((relation, h.pk), []) for h in headings]
    # The headings' workstreams' rows, by the workstream's id.
    titles = [w for ws in workstreams for w in ws]
    workstream_rows = dict(
        zip(
            [w.pk for w in titles],
            row_template(
                "plans/includes/workstream_row.html", {"can_author": can_author}, ("title",)
            ).each([[t] for t in escaped_texts([w.title for w in titles])]),
            strict=True,
        )
    )
    # Each heading's texts, escaped at once: number, title, four links, label, note.
    each = 8
    texts = escaped_texts(
        [
            text
            for h in headings
            for text in (
                str(h.number),
                h.title,
                change(h.pk),
                remove(h.pk),
                move(h.pk),
                under(h.pk),
                h.label,
                getattr(h, "note", ""),  # a theme's, for its part with no actions
            )
        ]
    )
    leads = escaped_lines_each([h.lead for h in headings])
    token = escape(csrf_token)
    heading_row = row_templates("plans/includes/heading_row.html", HEADING_ROW_VALUES)
    action_part = row_templates("plans/includes/action_rows.html", ACTION_ROWS_VALUES)
    last = len(headings) - 1
    result = []
    for n, heading in enumerate(headings):
        number, title, change_url, remove_url, move_url, workstreams_url, label, note = texts[
            n * each : n * each + each
        ]
        actions = rows.get(heading.pk, [])
        categories = overview.categories.get((relation, heading.pk), [])
        lines = [row.html for row in actions if not row.workstream_id]
        for w in workstreams[n]:
            lines.append(workstream_rows[w.pk])
            lines.extend(row.html for row in actions if row.workstream_id == w.pk)
        html = heading_row(
            {
                "can_author": can_author,
                "first": n == 0,
                "last": n == last,
                "has_categories": bool(categories),
                "has_workstreams": bool(workstreams[n]),
                "has_lead": bool(heading.lead),
            }
        ).write_rows(
            [
                (
                    number,
                    title,
                    # As the join filter writes them, and pluralize's suffixes.
                    ", ".join([escape(str(c)) for c in categories]),
                    "y" if len(categories) == 1 else "ies",
                    str(len(actions)),
                    "" if len(actions) == 1 else "s",
                    str(len(workstreams[n])),
                    "" if len(workstreams[n]) == 1 else "s",
                    leads[n],
                    change_url,
                    remove_url,
                    move_url,
                    token,
                )
            ]
        )
        action_rows = action_part(
            {
                "can_author": can_author,
                "has_actions": bool(actions),
                "has_note": bool(getattr(heading, "note", "")),
            }
        ).write_rows([(label, workstreams_url, "\n".join(lines), note)])
        result.append(HeadingRows(heading, actions, SafeString(html), SafeString(action_rows)))
    return result


# The values of a heading's row (heading_row.html).
HEADING_ROW_VALUES = (
    "number",
    "title",
    "categories",
    "categories_suffix",
    "actions_count",
    "actions_suffix",
    "workstreams_count",
    "workstreams_suffix",
    "lead",
    "change_url",
    "remove_url",
    "move_url",
    "csrf_token",
)


# The values of a heading's part of the action plan (action_rows.html).
ACTION_ROWS_VALUES = ("label", "workstreams_url", "lines", "note")

# The values of an action's row (action_row.html).
ACTION_ROW_VALUES = ("reference", "title", "lead", "edit_url", "move_url", "csrf_token")


# The overview's lists of headings (heading_list.html), by kind: its title, anchor and
# kind, the text without headings, and its link to add one.
HEADING_LISTS = {
    "priority": ("Priorities", "priorities", "No priorities yet.", "Add a priority"),
    "theme": ("Cross-cutting themes", "themes", "No cross-cutting themes yet.", "Add a theme"),
}
HEADING_ADD_URLS = {"priority": "priorities:priority_add", "theme": "priorities:theme_add"}


def heading_list(
    kind: str, rows: Sequence[HeadingRows], plan: Plan, *, can_author: bool
) -> SafeString:
    """The plan's priorities or themes (``kind``), their rows ``rows``, as including
    heading_list.html wrote them (each row on a line of its own, as its loop wrote it),
    written from its template rendered once (row_template) rather than included."""
    title, anchor, empty, add_text = HEADING_LISTS[kind]
    written = row_template(
        "plans/includes/heading_list.html",
        {
            "title": title,
            "anchor": anchor,
            "kind": kind,
            "empty": empty,
            "add_text": add_text,
            "can_author": can_author,
            "has_headings": bool(rows),
        },
        ("rows", "add_url"),
    ).write_rows(
        [
            (
                "".join([f"\n            {row.html}\n        " for row in rows]),
                escape(row_url(HEADING_ADD_URLS[kind], plan.pk)),
            )
        ]
    )
    # The lines the rendering left out: the one after its comment, and those after its
    # last tag (one more where it ends with no link, without its link's own line break).
    return SafeString(f"\n{written}\n\n" if can_author else f"\n{written}\n\n\n")


def detail_rows(plan: Plan, *, edit_url: str) -> SafeString:
    """The plan's title, years and kind as the summary list's rows (summary_row.html,
    included: the line after its comment and at its end), each with a link to ``edit_url``
    (the title and years, while the plan is authored), written from the row's template
    rendered once (row_template) rather than included for each."""
    plain = row_template("includes/summary_row.html", {}, ("key", "value"))
    title, years, kind, url = escaped_texts(
        [plan.title, plan.period_label, plan.get_kind_display(), edit_url]
    )
    if edit_url:
        changed = row_template(
            "includes/summary_row.html", {}, ("key", "value", "change_url", "change_label")
        )
        rows = [
            changed.write_rows([("Title", title, url, "title")]),
            changed.write_rows([("Years", years, url, "years")]),
        ]
    else:
        rows = [plain.write_rows([("Title", title)]), plain.write_rows([("Years", years)])]
    rows.append(plain.write_rows([("Kind", kind)]))
    return SafeString("\n        ".join([f"\n{row}\n" for row in rows]))


def breadcrumbs(plan: Plan) -> SafeString:
    """The page's breadcrumbs, as including includes/breadcrumbs.html wrote them (the line
    after its comment, the one at its end): the plans, then the plan."""
    return SafeString(f"\n{list_breadcrumbs('plans:list', 'Plans', plan.title)}\n")


def _as_looped(rows: list[str]) -> SafeString:
    """``rows`` each on a line of its own, as the overview's ``{% for %}`` loops wrote
    them (their indentation kept, so the page is the same to the byte)."""
    return SafeString("".join(f"\n                {row}\n            " for row in rows))


def chapter_items(chapters: Sequence[selectors.BuiltInChapter]) -> SafeString:
    """The built-in tables' items (chapter_item.html), each on a line of its own as the
    page's loop wrote them, written from the item's template rendered once for each kind
    (row_template) rather than looped over in the page's template."""
    if not chapters:
        return SafeString("")
    item = row_templates("plans/includes/chapter_item.html", ("title", "in_section"))
    texts = escaped_texts([text for c in chapters for text in (c.title, c.in_section)])
    lines = []
    for n, chapter in enumerate(chapters):
        written = item({"appended": chapter.appended}).write_rows([texts[2 * n : 2 * n + 2]])
        lines.append(written)
    return _as_looped(lines)


# The URL names of a section's links on the overview: change, images, remove, move.
SECTION_URLS = (
    "plans:section_edit",
    "plans:section_images",
    "plans:section_remove",
    "plans:section_move",
)


def section_rows(
    sections: Sequence[PlanSection], *, can_author: bool, csrf_token: str
) -> SafeString:
    """The plan's sections' rows (section_row.html), each on a line of its own as the
    page's loop wrote them, written from the row's template rendered once for each kind
    of row (row_template), their links' URL patterns reversed once (url_maker) and their
    texts escaped at once (escaped_texts), rather than looped over in the page's template
    with an include for each row's links."""
    if not sections:
        return SafeString("")
    change, images, remove, move = (url_maker(name) for name in SECTION_URLS)
    each = 7
    texts = escaped_texts(
        [
            text
            for s in sections
            for text in (
                s.title,
                # As {{ body|truncatewords:18|default:"No text yet" }} writes it.
                truncatewords(s.body, 18) or "No text yet",
                s.get_generated_display(),
                change(s.pk),
                images(s.pk),
                remove(s.pk),
                move(s.pk),
            )
        ]
    )
    token = escape(csrf_token)
    row = row_templates("plans/includes/section_row.html", SECTION_ROW_VALUES)
    last = len(sections) - 1
    lines = []
    for n, section in enumerate(sections):
        written = row(
            {
                "can_author": can_author,
                "first": n == 0,
                "last": n == last,
                "is_restricted": section.is_restricted,
                "has_generated": bool(section.generated),
            }
        ).write_rows([(*texts[n * each : n * each + each], token)])
        lines.append(written)
    return _as_looped(lines)


# The values of a section's row (section_row.html).
SECTION_ROW_VALUES = (
    "title",
    "body",
    "generated",
    "change_url",
    "images_url",
    "remove_url",
    "move_url",
    "csrf_token",
)


def version_rows(versions: Sequence[PlanVersion]) -> SafeString:
    """The plan's versions' rows (version_row.html), each on a line of its own as the
    page's loop wrote them, written from the row's template rendered once for each kind
    of row (row_template) rather than looped over in the page's template."""
    if not versions:
        return SafeString("")
    url = url_maker("publishing:version")
    texts = escaped_texts(
        [
            text
            for v in versions
            for text in (
                v.number,
                url(v.pk),
                date_filter(v.effective_date, "F Y"),
                v.get_status_display(),
            )
        ]
    )
    row = row_templates("plans/includes/version_row.html", ("number", "url", "effective", "status"))
    lines = []
    for n, version in enumerate(versions):
        recorded = version.status == PlanVersion.Status.RECORDED
        written = row({"recorded": recorded}).write_rows([texts[4 * n : 4 * n + 4]])
        lines.append(written)
    return _as_looped(lines)


# Each action's two move buttons on the overview.
MOVE_DIRECTIONS = ("up", "down")


def action_rows(
    actions: Sequence[selectors.OverviewAction], *, can_author: bool, csrf_token: str
) -> list[ActionRow]:
    """Each action's row of the overview's action plan, written from the row's template
    rendered once (row_template), its links' URL patterns reversed once (url_maker) and
    the texts of all the rows escaped at once (escaped_texts)."""
    edit, move = url_maker("actions:edit"), url_maker("actions:move")
    texts = escaped_texts(
        [text for a in actions for text in (a.reference, a.title, edit(a.pk), move(a.pk))]
    )
    leads = escaped_lines_each([a.lead_text for a in actions])
    token = escape(csrf_token)
    written = row_template(
        "plans/includes/action_row.html",
        {"can_author": can_author, "move_directions": MOVE_DIRECTIONS},
        ACTION_ROW_VALUES,
    ).each(
        [
            (texts[4 * n], texts[4 * n + 1], leads[n], texts[4 * n + 2], texts[4 * n + 3], token)
            for n in range(len(actions))
        ]
    )
    return [
        ActionRow(action.workstream_id, html) for action, html in zip(actions, written, strict=True)
    ]


@login_required
@require_safe
def plan_overview(request: HttpRequest, pk: int) -> HttpResponse:
    # (visible_or_404's selectors give a model object; this one gives the plan's page.)
    overview = cast(
        selectors.PlanOverview,
        visible_or_404(request, cast(Any, selectors.plan_overview), Plan, pk=pk),
    )
    plan = overview.plan
    can_author = request.user.has_perm("plans.change_plan", plan)
    csrf_token = get_token(request)
    # The plan's actions (read once) under their priorities and themes.
    by_priority: dict[int, list[ActionRow]] = {}
    by_theme: dict[int, list[ActionRow]] = {}
    for action, row in zip(
        overview.actions,
        action_rows(overview.actions, can_author=can_author, csrf_token=csrf_token),
        strict=True,
    ):
        if action.priority_id:
            by_priority.setdefault(action.priority_id, []).append(row)
        if action.theme_id:
            by_theme.setdefault(action.theme_id, []).append(row)
    priorities, themes = (
        heading_rows(headings, rows, kind, overview, can_author=can_author, csrf_token=csrf_token)
        for headings, rows, kind in (
            (overview.priorities, by_priority, "priority"),
            (overview.themes, by_theme, "theme"),
        )
    )
    chapters = selectors.plan_builtin_chapters(
        plan=plan,
        sections=overview.sections,
        has_headings=bool(priorities or themes),
        has_actions=any(h.actions for h in priorities) or any(h.actions for h in themes),
        has_pcc=overview.has_pcc_plans,
    )
    edit_url = row_url("plans:edit", plan.pk) if can_author else ""
    # The plans refreshing this one, read only where the page names them.
    superseded = plan.status == Plan.Status.SUPERSEDED
    return render(
        request,
        "plans/plan_overview.html",
        {
            "plan": plan,
            "sections": overview.sections,
            "versions": overview.versions,
            "priorities": priorities,
            "themes": themes,
            "priority_list": heading_list("priority", priorities, plan, can_author=can_author),
            "theme_list": heading_list("theme", themes, plan, can_author=can_author),
            "breadcrumbs": breadcrumbs(plan),
            # plans/includes/plan_status.html as included (the line at its end), written
            # from its template rendered once.
            "status_tag": SafeString(
                row_template(
                    "plans/includes/plan_status.html", {"status": plan.status}, ("label",)
                ).write_rows([escaped_texts([plan.get_status_display()])])
                + "\n"
            ),
            "edit_url": edit_url,
            "detail_rows": detail_rows(plan, edit_url=edit_url),
            # The priorities' and the themes' parts of the action plan.
            "priority_action_rows": mark_safe("".join([h.action_rows for h in priorities])),
            "theme_action_rows": mark_safe("".join([h.action_rows for h in themes])),
            "is_refreshed": overview.is_refreshed,
            "refreshed_by": (
                selectors.plan_refreshed_by(plan=plan)
                if superseded and overview.is_refreshed
                else []
            ),
            # Every form's token, the rows' and the page's: one, worked out once.
            "csrf_token": csrf_token,
            "can_author": can_author,
            "can_publish": request.user.has_perm("plans.publish_plan", plan),
            "who_publishes": who_publishes(plan.partnership),
            "chapters": chapters,
            "chapter_items": chapter_items(chapters),
            "version_rows": version_rows(overview.versions),
            "section_rows": section_rows(
                overview.sections, can_author=can_author, csrf_token=csrf_token
            ),
            "next_period": selectors.plan_next_period(plan=plan),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = authored_plan(request, pk, author=True)
    form = PlanForm(
        request.POST or None,
        initial={"title": plan.title, "period": plan.period_label, "shape": plan.shape},
    )
    if request.method == "POST" and form.is_valid():
        start, end = form.cleaned_data["period"]
        try:
            plan_services.plan_update(
                plan=plan,
                title=form.cleaned_data["title"].strip(),
                start_year=start,
                end_year=end,
                shape=form.cleaned_data["shape"],
            )
        except ValidationError:
            form.add_error(
                "period", "This partnership already has a document of this kind for these years"
            )
        else:
            messages.success(request, "The plan's details were changed")
            return redirect("plans:overview", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = authored_plan(request, pk, author=True)
    form = SectionForm(request.POST or None, adding=True)
    if request.method == "POST" and form.is_valid():
        section = plan_services.plan_section_create(plan=plan, **form.to_data())
        messages.success(request, f"The section “{section.title}” was added")
        return after_save(request, f"{overview_url(plan.pk)}#sections")
    return render(request, "plans/section_form.html", {"form": form, "plan": plan, "section": None})


def _section(request: HttpRequest, pk: int, *, author: bool = True) -> PlanSection:
    """The section (another partnership's is a 404); with ``author``, a 403 unless the
    person may change its plan."""
    section = visible_or_404(request, selectors.section_get, PlanSection, pk=pk)
    if author:
        require_author(request, section.plan)
    return section


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    form = SectionForm(request.POST or None, initial=SectionForm.initial_for(section))
    if request.method == "POST" and form.is_valid():
        plan_services.plan_section_update(section=section, **form.to_data())
        messages.success(request, f"The section “{section.title}” was changed")
        return redirect("plans:overview", pk=section.plan_id)
    return render(
        request,
        "plans/section_form.html",
        {"form": form, "plan": section.plan, "section": section},
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_move(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk, author=False)
    return move_button(
        request,
        section.plan,
        lambda up: plan_services.plan_section_move(section=section, up=up),
        f"{overview_url(section.plan_id)}#sections",
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_delete(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    return confirm_remove(
        request,
        section.plan,
        what="section",
        name=section.title,
        remove=lambda: plan_services.plan_section_delete(section=section),
        done_url=f"{overview_url(section.plan_id)}#sections",
    )


# --- images in sections -----------------------------------------------------------------


def _section_image(request: HttpRequest, pk: int) -> SectionImage:
    image = visible_or_404(request, selectors.section_image_get, SectionImage, pk=pk)
    require_author(request, image.section.plan)
    return image


def _save_image(
    request: HttpRequest,
    form: SectionImageForm,
    section: PlanSection,
    existing: SectionImage | None = None,
) -> bool:
    """Save the form's image; a refusal of the service is shown on the form."""
    d = form.cleaned_data
    try:
        plan_services.section_image_save(
            section=section,
            image=form.image,
            alt=d["alt"],
            is_decorative=d["is_decorative"],
            caption=d["caption"],
            existing=existing,
        )
    except ValidationError as error:
        service_errors_to_form(form, error)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def section_images(request: HttpRequest, pk: int) -> HttpResponse:
    """The section's images, and the form that adds one."""
    section = _section(request, pk)
    form = SectionImageForm(request.POST or None, request.FILES or None, submit="Add the image")
    if request.method == "POST" and form.is_valid() and _save_image(request, form, section):
        messages.success(request, f"The image was added to “{section.title}”")
        return redirect("plans:section_images", pk=section.pk)
    return render(
        request,
        "plans/section_images.html",
        {
            "form": form,
            "plan": section.plan,
            "section": section,
            "images": [
                (image, image_data_uri(image.file.name or ""))
                for image in selectors.section_image_list(section=section)
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_image_edit(request: HttpRequest, pk: int) -> HttpResponse:
    image = _section_image(request, pk)
    form = SectionImageForm(
        request.POST or None,
        request.FILES or None,
        file_required=False,
        initial={"alt": image.alt, "is_decorative": image.is_decorative, "caption": image.caption},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_image(request, form, image.section, image)
    ):
        messages.success(request, "The image was changed")
        return redirect("plans:section_images", pk=image.section_id)
    return render(
        request,
        "plans/section_image_form.html",
        {
            "form": form,
            "plan": image.section.plan,
            "image": image,
            "src": image_data_uri(image.file.name or ""),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_image_remove(request: HttpRequest, pk: int) -> HttpResponse:
    image = _section_image(request, pk)
    if request.method == "POST":
        plan_services.section_image_remove(image=image)
        messages.success(request, "The image was removed")
        return redirect("plans:section_images", pk=image.section_id)
    return render(
        request,
        "plans/confirm_remove.html",
        {"plan": image.section.plan, "what": "image", "name": str(image), "problem": ""},
    )
