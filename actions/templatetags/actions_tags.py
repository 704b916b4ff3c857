from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from django import template
from django.forms import BoundField, Form
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from actions.models import Status
from csp_tracker.rows import escaped_texts, row_template

if TYPE_CHECKING:
    from actions.selectors import ActionListRow

register = template.Library()

# RAG as GOV.UK tags, always with the words: never colour alone. A funded project's
# status (performance's project_status_tag) has the same four and more of its own.
RAG_TAG_CLASSES: dict[str, str] = {
    Status.NOT_STARTED: "govuk-tag--grey",
    Status.ON_TRACK: "govuk-tag--green",
    Status.AT_RISK: "govuk-tag--orange",
    Status.OFF_TRACK: "govuk-tag--red",
}
TAG_CLASSES: dict[str, str] = {**RAG_TAG_CLASSES, Status.COMPLETED: "govuk-tag--blue"}
# Each status's words, read once (``Status.values`` builds its list at every call; a page's
# history shows two dozen statuses).
STATUS_LABELS: dict[str, str] = {status.value: str(status.label) for status in Status}


@register.simple_tag
@lru_cache(maxsize=16)  # a handful of statuses; a page's history or list shows dozens
def status_tag(status: str | None) -> SafeString:
    if not status:
        return format_html('<strong class="govuk-tag govuk-tag--grey">{}</strong>', "No update yet")
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>',
        TAG_CLASSES.get(status, ""),
        STATUS_LABELS.get(status, status),
    )


@register.filter
def status_label(status: str | None) -> str:
    if not status:
        return "No update yet"
    return STATUS_LABELS.get(status, status)


# The action list's filter's fields, as its template wrote them (its spaces too), by the
# kind of field: a checkbox, the words in the title, a select. Written here in one go: the
# template's variables and tags for the eight fields cost as much as the table's rows.
_CHECKBOX = """
                        <div class="govuk-form-group">
                            <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
                                <div class="govuk-checkboxes__item">
                                    <input class="govuk-checkboxes__input" id="{id}" name="{name}" type="checkbox" value="true" {checked}>
                                    <label class="govuk-label govuk-checkboxes__label" for="{id}">{label}</label>
                                </div>
                            </div>
                        </div>
                    """  # noqa: E501
_WORDS = """
                        <div class="govuk-form-group {group_error}">
                            <label class="govuk-label" for="{id}">{label}</label>
                            {errors}
                            <input class="govuk-input {input_error}" id="{id}" name="q" type="text" value="{value}">
                        </div>
                    """  # noqa: E501
_SELECT = """
                        <div class="govuk-form-group {group_error}">
                            <label class="govuk-label" for="{id}">{label}</label>
                            {hint}
                            {errors}
                            <select class="govuk-select app-select--full {select_error}" id="{id}" name="{name}" {described}>
                                {options}
                            </select>
                        </div>
                    """  # noqa: E501
_HINT = '<div class="govuk-hint" id="{id}-hint">{hint}</div>'
_ERROR = """
                                <p class="govuk-error-message">
                                    <span class="govuk-visually-hidden">Error:</span> {error}
                                </p>
                            """
_FIELD = "\n                    {}\n                "


_OPTION = '<option value="{}"{}>{}</option>'
_SELECTED = " selected"


def _field(field: BoundField, errors: list[str]) -> str:
    """A field of the action list's filter, its texts (plain, never safe: its id, name,
    label, hint, words, errors and each option's value and label) escaped as
    ``{{ value }}`` would, all in one go (``escaped_texts``: the county team's select of
    every plan is a hundred and more options, two escapes each); a select's chosen option
    (compared as text) selected."""
    if getattr(field.field.widget, "input_type", None) == "checkbox":
        field_id, name, label = escaped_texts([field.auto_id, field.html_name, str(field.label)])
        checked = "checked" if field.value() else ""
        return _CHECKBOX.format(id=field_id, name=name, checked=checked, label=label)
    hint = field.help_text
    words = field.name == "q"
    options = [] if words else list(field.field.widget.choices)
    values = [str(value) for value, _ in options]
    texts = [field.auto_id, field.html_name, str(field.label), str(hint)]
    texts += [str(field.value() or "") if words else "", *errors, *values]
    texts += [str(label) for _, label in options]
    written = escaped_texts(texts)
    field_id, name, label, hint, value = written[:5]
    at = 5 + len(errors)
    error_html = "".join([_ERROR.format(error=error) for error in written[5:at]])
    group_error = "govuk-form-group--error" if errors else ""
    if words:
        input_error = "govuk-input--error" if errors else ""
        return _WORDS.format(
            group_error=group_error,
            id=field_id,
            label=label,
            errors=error_html,
            input_error=input_error,
            value=value,
        )
    chosen = str(field.value())
    labels = written[at + len(values) :]
    option_html = "\n".join(
        [
            _OPTION.format(written[at + n], _SELECTED if value == chosen else "", labels[n])
            for n, value in enumerate(values)
        ]
    )
    return _SELECT.format(
        group_error=group_error,
        id=field_id,
        label=label,
        hint=_HINT.format(id=field_id, hint=hint) if hint else "",
        errors=error_html,
        select_error="govuk-select--error" if errors else "",
        name=name,
        described=f'aria-describedby="{field_id}-hint"' if hint else "",
        options=option_html,
    )


@register.simple_tag
def filter_fields(form: Form) -> SafeString:
    """The action list's filter's fields, each escaped as the template did."""
    # Each field's errors read from the form's (a field's own are a new list of none for
    # each field without any).
    errors = form.errors
    written = [
        _FIELD.format(_field(field, [str(error) for error in errors.get(field.name, [])]))
        for field in form
    ]
    return mark_safe("".join(written))


# A row's flags, as the list's template wrote them (its spaces too).
_FLAG = """
                                    <br>
                                    <strong class="govuk-tag govuk-tag--{colour}">{words}</strong>
                                """
_OVERDUE = _FLAG.format(colour="red", words="Milestone overdue")
_NO_UPDATE = _FLAG.format(colour="yellow", words="No update this quarter")
# A row's leads, as the list's template wrote its loop over them (its spaces too): each
# lead's short name, a line break between them.
_LEADS_START = "\n" + " " * 36
_LEADS_BETWEEN = "\n" + " " * 36 + "<br>\n" + " " * 32 + "\n" + " " * 36
_LEADS_END = "\n" + " " * 36 + "\n" + " " * 32
# The spaces around each row, as the table's template stands them (row_template strips a
# row's own).
_ROW_START = "\n" + " " * 24
_ROW_END = "\n" + " " * 20
_ROW = "actions/includes/action_row.html"
# A row's own text (escaped for the page at once, its leads' short names after it), then
# what is written of it already.
_ROW_TEXT = ("reference", "url", "title", "partnership", "plan", "place")
_ROW_VALUES = (*_ROW_TEXT, "overdue", "no_update", "leads", "status")


@register.simple_tag
def action_rows(rows: "Iterable[tuple[ActionListRow, str]]") -> SafeString:
    """The action list's rows (``ActionListRow`` and its page's URL), written from their
    template rendered once per process (``row_template``: a template loop's tags and
    variables cost the county team's page of fifty rows more than the rest of the page
    together). What a row shows is plain text, read from the database or made of it
    (never marked safe): the page's is escaped in one go (``escaped_texts``); each
    status's tag is written once per process (``status_tag``)."""
    rows = list(rows)
    texts: list[str] = []
    for row, url in rows:
        texts += (row.reference, url, row.title, row.partnership, row.plan, row.place)
        texts += row.lead_names
    written = escaped_texts(texts)
    values = []
    at = 0
    for row, _ in rows:
        leads_at = at + len(_ROW_TEXT)
        at = leads_at + len(row.lead_names)
        leads = _LEADS_BETWEEN.join(written[leads_at:at])
        values.append(
            (
                *written[leads_at - len(_ROW_TEXT) : leads_at],
                _OVERDUE if row.has_overdue else "",
                _NO_UPDATE if row.needs_update else "",
                f"{_LEADS_START}{leads}{_LEADS_END}" if leads_at < at else "",
                status_tag(row.current_status),
            )
        )
    table = row_template(_ROW, {}, _ROW_VALUES).write_rows(values, between=_ROW_END + _ROW_START)
    return mark_safe(f"{_ROW_START}{table}{_ROW_END}" if rows else "")
