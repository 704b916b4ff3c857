from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar, cast

import django_filters
from django import forms
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils.choices import BaseChoiceIterator
from django_filters.filters import FilterMethod

from actions.models import Action, Status
from actions.selectors import PLAN_ROW, PlanRow, annotate_progress
from csp_tracker import clock
from csp_tracker.compiled import (
    compiled_condition,
    compiled_rows,
    markers_like,
    padded,
)
from csp_tracker.forms import GovukErrorsMixin
from csp_tracker.periods import Quarter, financial_year_label
from plans.models import Agency, Plan
from priorities.models import CrossCuttingTheme, Priority, Workstream

if TYPE_CHECKING:
    from actions.selectors import ActionsWithProgress

R = TypeVar("R")

# Each status's key and words, listed once (``Status.choices`` lists them at every call).
STATUS_CHOICES = Status.choices

# The filters that ask each action's progress (annotate_progress).
PROGRESS_FILTERS = ("status", "overdue", "no_update")

# What a heading's choice reads of its priority's or theme's plan and title.
_PARENT_VALUES = tuple(
    f"{parent}__{field}"
    for parent in ("priority", "theme")
    for field in ("plan_id", "plan__title", "number", "title")
)


def _plan_order(seen: list[int]) -> dict[int, int]:
    """Each plan's place in the plan select, which the heading selects follow: their rows
    are read as plain values and put in order here (ordering them in SQL by their plan
    followed the plan's own order up to its partnership, four joins more per query)."""
    return {pk: index for index, pk in enumerate(seen)}


def _keys_of(parts: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], list[int]]:
    """The keys a choice's query is asked with, its parts (the offered plans, the one asked
    for, every plan seen) each padded (``padded``), in one list; and each part's size."""
    padded_parts = [padded(part) if part else [] for part in parts]
    return tuple(map(len, padded_parts)), [key for part in padded_parts for key in part]


def _split(sizes: tuple[int, ...], keys: Sequence[Any]) -> list[list[Any]]:
    """``keys`` cut into parts of ``sizes`` (``_keys_of``'s)."""
    parts, start = [], 0
    for size in sizes:
        parts.append(list(keys[start : start + size]))
        start += size
    return parts


def _choices_read(
    read: Callable[..., list[R]],
    name: str,
    build: Callable[..., QuerySet[Any, Any]],
    *parts: Sequence[int],
) -> list[R]:
    """What a choice's query, ``build(*parts)``, reads, by ``read`` (``compiled_rows`` or
    ``compiled_objects``): compiled once per shape (the number of each part's keys, padded),
    not built anew for every page (a fifth of an officer's list)."""
    sizes, keys = _keys_of(parts)

    def built(these: Sequence[Any]) -> QuerySet[Any, Any]:
        return build(*_split(sizes, these))

    return read((name, sizes), built, keys, markers_like(keys))


# What a row of the filter's choices (``ActionFilter._choices``) reads: its kind ("l" a
# lead agency, "p" or "t" a priority or theme, "wp" or "wt" a heading of either), key, plan
# and plan's title, number, title, parent's title and place.
_CHOICE_ROW = ("kind", "pk", "plan", "plan_title", "number", "title", "parent_title", "place")
_NUMBERS = ("plan", "number", "place")
# Text a kind has not: NULL, typed, as PostgreSQL sets a UNION's column types part by part
# (NULL and NULL are text, then refused beside an integer).
_NO_TEXT = Cast(Value(None), CharField())


def _choice_row(
    queryset: QuerySet[Any], kind: str, **columns: str
) -> QuerySet[Any, tuple[Any, ...]]:
    """``queryset`` read as rows of ``_CHOICE_ROW``: its kind, its key, and each column
    named from its fields (``columns``); for a number it has not, its key again (unread: a
    NULL cast to a number is converted row by row), for text, NULL."""
    values = {
        f"choice_{name}": F(columns.get(name, "pk")) if name in _NUMBERS else _NO_TEXT
        for name in _CHOICE_ROW[2:]
    }
    values.update({f"choice_{name}": F(columns[name]) for name in columns})
    return (
        queryset.order_by()  # (put in order here; SQLite refuses a part's own)
        .annotate(choice_kind=Value(kind), **values)
        .values_list("choice_kind", "pk", *values)
    )


# Someone who sees at most this many plans is offered every heading of them before choosing
# a plan (an officer sees their partnership's few).
FULL_CHOICE_PLANS = 4


def _choice_filter(
    label: str, *, method: str, empty_label: str, what: str, **kwargs: Any
) -> django_filters.ChoiceFilter:
    """A select of the action list's filters (read by its ``method``), refusing a choice
    it does not offer as "Select ``what`` from the list"."""
    return django_filters.ChoiceFilter(
        label=label,
        method=method,
        empty_label=empty_label,
        error_messages={"invalid_choice": f"Select {what} from the list"},
        **kwargs,
    )


class _CopiedLightly(OrderedDict[str, django_filters.Filter]):
    """A FilterSet's filters (``base_filters``), copied for each FilterSet made of them
    (django-filter deep-copies them) filter by filter, shallowly but for what a request
    sets: its own ``extra`` (the choices, help text and queryset of its field), its own
    method bound to it (``FilterMethod``, which reads its filter's FilterSet), and no field
    built yet. The rest (labels, messages, the widgets' classes) no request changes: deep
    copies of it were 2,000 Python calls a request, a tenth of the action list's."""

    def __deepcopy__(self, memo: dict[int, object]) -> dict[str, django_filters.Filter]:
        copies = {}
        for name, original in self.items():
            # copy.copy's own way (its reduce protocol) cost as much again as this.
            copied = object.__new__(type(original))
            copied.__dict__ = {**original.__dict__, "extra": dict(original.extra)}
            copied.__dict__.pop("_field", None)
            if original.method is not None:
                copied.__dict__["filter"] = FilterMethod(copied)
            copies[name] = copied
        return copies


class _Options(BaseChoiceIterator):
    """A select's options given as they are, (value, label) pairs already: a widget given
    a list normalises each pair again (``normalize_choices``), the county team's hundred
    and more plans on every page."""

    def __init__(self, options: list[tuple[Any, Any]]) -> None:
        self.options = options

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return iter(self.options)


class ActionFilterForm(GovukErrorsMixin, forms.Form):
    error_names = {"q": "Words in the title"}


class ActionFilter(django_filters.FilterSet):
    """Filters for the partnership's action list. Choices only offer what the user can see.

    A filter that is not valid (a choice the user cannot see, a changed link) is shown as
    an error and lists no actions: never all of them as if it had matched."""

    q = django_filters.CharFilter(
        label="Words in the title",
        method="filter_words",
        max_length=200,
        error_messages={"max_length": "Enter words of 200 characters or fewer"},
    )
    plan = django_filters.ModelChoiceFilter(
        queryset=Plan.objects.none(),
        empty_label="All plans",
        label="Plan",
        error_messages={"invalid_choice": "Select a plan from the list"},
    )
    heading = _choice_filter(
        "Priority or theme",
        method="filter_heading",
        empty_label="All priorities and themes",
        what="a priority or theme",
    )
    workstream = _choice_filter(
        "Heading", method="filter_workstream", empty_label="All headings", what="a heading"
    )
    lead = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.none(),
        field_name="lead_agencies",
        empty_label="All lead agencies",
        label="Lead agency",
        distinct=True,
        error_messages={"invalid_choice": "Select a lead agency from the list"},
    )
    status = _choice_filter(
        "Status",
        method="filter_status",
        empty_label="Any status",
        what="a status",
        choices=STATUS_CHOICES,
    )
    overdue = django_filters.BooleanFilter(
        label="Only actions with overdue milestones",
        method="filter_overdue",
        widget=forms.CheckboxInput,
    )
    no_update = django_filters.BooleanFilter(
        label="Only actions with no update this quarter",
        method="filter_no_update",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Action
        fields: list[str] = []
        form = ActionFilterForm

    @classmethod
    def get_filters(cls) -> OrderedDict[str, django_filters.Filter]:
        return _CopiedLightly(super().get_filters())

    @property
    def form(self) -> ActionFilterForm:
        """django-filter's form, given this request's fields as they are: each filter's
        field is built for this FilterSet alone (its filters are copies, ``_CopiedLightly``),
        so a form class made for them (``get_form_class``) and its deep copy of them in each
        form were a thousand Python calls a request for nothing."""
        if not hasattr(self, "_form"):
            # No label suffix: the page writes its labels (filter_fields) without one, and
            # the form's own (a translation of ":") was looked up for every page.
            form = ActionFilterForm(
                self.data if self.is_bound else None, prefix=self.form_prefix, label_suffix=""
            )
            form.fields = {name: self._field(name) for name in self.filters}
            self._form = form
        return self._form

    def _field(self, name: str) -> forms.Field:
        """The form's field of a filter: a copy of the field the filter's class builds once
        per process (its labels, messages and widget the same for every page), given what
        this request set of it (``__init__``: its choices, help text, and the queryset a
        chosen plan or lead is checked against). Built anew from the filter on every page,
        the fields were a twentieth of an officer's list."""
        filter_, original = self.filters[name], type(self).base_filters[name]
        made = original.field
        field = object.__new__(type(made))
        field.__dict__ = {**made.__dict__, "error_messages": dict(made.error_messages)}
        field.widget = object.__new__(type(made.widget))
        field.widget.__dict__ = dict(made.widget.__dict__)
        if "help_text" in filter_.extra:
            field.help_text = filter_.extra["help_text"]
        if "choices" in filter_.extra and filter_.extra["choices"] is not original.extra.get(
            "choices"
        ):
            cast(forms.ChoiceField, field).choices = filter_.extra["choices"]
        queryset = getattr(filter_, "queryset", None)
        if queryset is not getattr(original, "queryset", None):
            cast(forms.ModelChoiceField, field).queryset = queryset
        return field

    def __init__(
        self,
        *args: Any,
        plans: QuerySet[Plan] | Callable[[], QuerySet[Plan]],
        plan_rows: Sequence[PlanRow] | None = None,
        quarter: Quarter | None = None,
        today: date | None = None,
        **kwargs: Any,
    ) -> None:
        """``plans`` are those offered (and a chosen one is checked against), or what makes
        them (so that with ``plan_rows`` and no plan chosen no query is built: a twentieth
        of an officer's list); ``plan_rows`` what is shown of them (``plan_rows``), if read
        already, or read from ``plans``."""
        super().__init__(*args, **kwargs)
        self.quarter = quarter or clock.update_quarter()
        self.today = today or clock.today()
        made = plans if isinstance(plans, QuerySet) else None

        def offered_plans() -> QuerySet[Plan]:
            return made if made is not None else cast(Callable[[], QuerySet[Plan]], plans)()

        # The plans offered, read as their keys and labels (``str(plan)``): a model object
        # each made the county team's hundred and more plans a tenth of their page.
        rows: list[PlanRow] = list(
            offered_plans().values_list(*PLAN_ROW) if plan_rows is None else plan_rows
        )
        # Each plan's label, ``str(plan)``: its title and its years, each span of years
        # written once (the county team's hundred and more plans span a few).
        years = {span: financial_year_label(*span) for span in {(s, e) for *_, s, e in rows}}
        plan_options = [(pk, f"{title} ({years[start, end]})") for pk, title, start, end in rows]
        seen = [pk for pk, _ in plan_options]
        chosen = self._value("plan")
        if chosen or made is not None:  # (otherwise the field's own, none, checks nothing)
            cast(django_filters.ModelChoiceFilter, self.filters["plan"]).queryset = offered_plans()
        # Every heading and lead of every plan is offered only to someone who sees a few
        # plans (an officer); the county team, who see every district's, choose a plan first.
        if chosen and chosen in map(str, seen):
            offered = [int(chosen)]
        else:
            offered = seen if len(seen) <= FULL_CHOICE_PLANS else []
        if not offered:
            for name, what in (
                ("heading", "priorities and themes"),
                ("workstream", "headings"),
                ("lead", "lead agencies"),
            ):
                self.filters[name].extra["help_text"] = (
                    f"Choose a plan and apply the filters to list its {what}"
                )
        leads, headings, workstreams = self._choices(offered, seen)
        if self._value("lead"):  # (otherwise the field's own, none, checks nothing)
            cast(django_filters.ModelChoiceFilter, self.filters["lead"]).queryset = self._leading(
                offered, self._asked_lead(), seen
            )
        self.filters["heading"].extra["choices"] = headings
        self.filters["workstream"].extra["choices"] = workstreams
        # The plans and leads the page offers, read once: a model choice field's options
        # ask its queryset again, and count it first. The page writes the widget's options
        # (each one's key and its label, ``str``, as the field's own would be); a chosen
        # one is still checked against the field's queryset, or its choices. (A choice
        # field's own options are its choices normalised again, on every page.)
        for name, options in (
            ("plan", plan_options),
            ("lead", leads),
            ("heading", self.filters["heading"].extra["choices"]),
            ("workstream", self.filters["workstream"].extra["choices"]),
            ("status", STATUS_CHOICES),
        ):
            field = cast(forms.ModelChoiceField, self.form.fields[name])  # (or a ChoiceField)
            field.widget.choices = _Options([("", field.empty_label), *options])

    @property
    def asks_nothing(self) -> bool:
        """No filter is asked (a page's number is not a filter): the list is all the
        user's actions."""
        return not self.is_bound or (self.is_valid() and not any(self.form.cleaned_data.values()))

    def _value(self, name: str) -> str:
        value = self.data.get(name) if self.data is not None else None
        return value if isinstance(value, str) else ""

    def _asked_lead(self) -> list[int]:
        value = self._value("lead")
        return [int(value)] if value.isdigit() else []

    @staticmethod
    def _leading(
        offered: Sequence[int], asked: Sequence[int], seen: Sequence[int]
    ) -> QuerySet[Agency]:
        """Agencies leading an action of the offered plans, and the one asked for if it
        leads an action of a plan the person sees: a semi-join (EXISTS), not a DISTINCT
        over every lead of every action; the plans' actions' leads found by their action
        (``any`` of a subquery: through the leads' index on it, not a scan of them all)."""
        leading = Action.lead_agencies.through.objects.filter(agency_id=OuterRef("pk"))

        def leads_of(plans: Sequence[int]) -> Exists:
            actions = Action.objects.filter(plan__in=plans).values("pk")
            return Exists(leading.filter(action__pk__any=actions))

        which = Q(leads_of(offered)) if offered else Q(pk__in=[])
        if asked:
            which |= Q(pk__in=asked) & Q(leads_of(seen))
        return Agency.objects.filter(which).order_by("short_name")

    def _choices(
        self, offered: list[int], seen: list[int]
    ) -> tuple[list[tuple[int, str]], list[tuple[str, str]], list[tuple[str, str]]]:
        """The lead agencies, the priorities and themes, and the headings offered: those
        of the offered plans, and the one asked for of each if it is of another plan the
        person sees (a link made before choosing a plan), so that it is still valid
        without listing every other. Read in one query (UNION ALL of each kind's rows, as
        ``_CHOICE_ROW``), compiled once per shape: three queries, each with its round trip
        and its driver's work, were a twentieth of an officer's list."""
        heading = self._value("heading")
        heading_kind, heading_pk = heading[:1], heading[1:]
        asked_heading = (
            [int(heading_pk)] if heading_kind in ("p", "t") and heading_pk.isdigit() else []
        )
        workstream = self._value("workstream")
        asked_workstream = [int(workstream)] if workstream.isdigit() else []
        asked_lead = self._asked_lead()
        # Which kinds are read: all of them for the offered plans, else only one asked for.
        kinds = tuple(
            bool(offered or asked) for asked in (asked_lead, asked_heading, asked_workstream)
        )
        if not any(kinds):
            return [], [], []
        asked_any = asked_lead or asked_heading or asked_workstream

        def build(
            offered: list[int],
            asked_lead: list[int],
            asked_heading: list[int],
            asked_workstream: list[int],
            seen: list[int],
        ) -> QuerySet[Any, tuple[Any, ...]]:
            parts: list[QuerySet[Any, tuple[Any, ...]]] = []
            if kinds[0]:
                leads = self._leading(offered, asked_lead, seen).order_by()
                parts.append(_choice_row(leads, "l", title="short_name"))
            if kinds[1]:
                for of_kind, model in (("p", Priority), ("t", CrossCuttingTheme)):
                    which = Q(plan__in=offered)
                    if asked_heading and of_kind == heading_kind:
                        which |= Q(pk__in=asked_heading, plan__in=seen)
                    parts.append(
                        _choice_row(
                            model.objects.filter(which),
                            of_kind,
                            plan="plan_id",
                            plan_title="plan__title",
                            number="number",
                            title="title",
                        )
                    )
            if kinds[2]:
                for of_kind, parent in (("wp", "priority"), ("wt", "theme")):
                    which = Q(**{f"{parent}__plan__in": offered})
                    if asked_workstream:
                        which |= Q(pk__in=asked_workstream, **{f"{parent}__plan__in": seen})
                    parts.append(
                        _choice_row(
                            Workstream.objects.filter(which),
                            of_kind,
                            plan=f"{parent}__plan_id",
                            plan_title=f"{parent}__plan__title",
                            number=f"{parent}__number",
                            title="title",
                            parent_title=f"{parent}__title",
                            place="order",
                        )
                    )
            # In order of their titles, as the leads are listed (by the database's collation,
            # as the leads' own query ordered them); the rest are put in order here.
            return parts[0].union(*parts[1:], all=True).order_by("choice_title", "pk")

        name = f"filter choices {kinds} {heading_kind if asked_heading else ''}"
        rows = _choices_read(
            compiled_rows,
            name,
            build,
            offered,
            asked_lead,
            asked_heading,
            asked_workstream,
            seen if asked_any else [],
        )
        order = _plan_order(seen)
        leads, headings, workstreams = [], [], []
        words = {"p": "Priority", "t": "Theme", "wp": "Priority", "wt": "Cross-cutting theme"}
        for of_kind, pk, plan_id, plan_title, number, title, parent_title, place in rows:
            if of_kind == "l":
                leads.append((pk, title))
            elif of_kind in ("p", "t"):
                label = f"{plan_title} – {words[of_kind]} {number}: {title}"
                headings.append(((of_kind, order[plan_id], number), (f"{of_kind}{pk}", label)))
            else:
                label = f"{plan_title} – {words[of_kind]} {number}: {parent_title}: {title}"
                key = (of_kind == "wt", order[plan_id], number, place, pk)
                workstreams.append((key, (str(pk), label)))
        return (
            leads,
            [choice for _, choice in sorted(headings)],
            [choice for _, choice in sorted(workstreams)],
        )

    def filter_queryset(self, queryset: QuerySet[Action]) -> QuerySet[Action]:
        """The filters, a filter by progress (status, overdue, no update) asked in SQL by
        the rule of the pages (``annotate_progress``; the page reads its rows' progress
        set-based, ``set_progress``) as one condition compiled once (``_progress``)."""
        data = self.form.cleaned_data
        for name, value in data.items():
            if name not in PROGRESS_FILTERS:
                queryset = self.filters[name].filter(queryset, value)
        if any(data.get(name) for name in PROGRESS_FILTERS):
            queryset = queryset.filter(
                self._progress(
                    queryset,
                    status=data.get("status") or "",
                    overdue=bool(data.get("overdue")),
                    no_update=bool(data.get("no_update")),
                )
            )
        return queryset

    def _by_progress(
        self, queryset: QuerySet[Action], *, status: str, overdue: bool, no_update: bool
    ) -> "ActionsWithProgress":
        """Actions by their progress (``annotate_progress``), as the filters ask."""
        qs = annotate_progress(queryset, quarter=self.quarter, today=self.today, select=False)
        if status:
            qs = self.filter_status(qs, "status", status)
        qs = self.filter_overdue(qs, "overdue", overdue)
        return self.filter_no_update(qs, "no_update", no_update)

    def _progress(
        self, queryset: QuerySet[Action], *, status: str, overdue: bool, no_update: bool
    ) -> Q:
        """``_by_progress``'s condition on ``queryset``'s actions, compiled once per shape
        (what is asked, the quarter, the day: ``compiled_condition``). Building and
        compiling the rule's subqueries cost about 20,000 Python calls a request, as much
        as the rest of the list."""
        return compiled_condition(
            ("action list progress", status, overdue, no_update, self.quarter, self.today),
            lambda: self._by_progress(
                Action.objects.all(), status=status, overdue=overdue, no_update=no_update
            ),
            using=queryset.db,
        )

    def filter_words(self, qs: QuerySet[Action], name: str, value: str) -> QuerySet[Action]:
        for word in value.split()[:10]:
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(reference__iexact=word)
                | Q(desired_outcome__icontains=word)
            )
        return qs

    def filter_heading(self, qs: QuerySet[Action], name: str, value: str) -> QuerySet[Action]:
        kind, pk = value[0], int(value[1:])
        return qs.filter(priority_id=pk) if kind == "p" else qs.filter(theme_id=pk)

    def filter_workstream(
        self, qs: "ActionsWithProgress", name: str, value: str
    ) -> "ActionsWithProgress":
        return qs.filter(workstream_id=int(value))

    def filter_status(
        self, qs: "ActionsWithProgress", name: str, value: str
    ) -> "ActionsWithProgress":
        if value == Status.NOT_STARTED:
            return qs.filter(Q(current_status=value) | Q(current_status__isnull=True))
        return qs.filter(current_status=value)

    def filter_overdue(
        self, qs: "ActionsWithProgress", name: str, value: bool
    ) -> "ActionsWithProgress":
        return qs.filter(has_overdue=True) if value else qs

    def filter_no_update(
        self, qs: "ActionsWithProgress", name: str, value: bool
    ) -> "ActionsWithProgress":
        return qs.filter(needs_update=True) if value else qs
