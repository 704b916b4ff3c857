from collections.abc import Iterable
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING

from django import template
from django.forms import BoundField, Form
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from actions.models import Status
from csp_tracker.rows import escaped

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


def _options(field: BoundField) -> str:
    """A select's options, the chosen one selected (the chosen value and each option's
    compared as text), each escaped as ``format_html_join`` would, without its per-value
    wrappers (the county team's select of every plan is a hundred and more options, each a
    template ``if`` once)."""
    chosen = str(field.value())
    return "\n".join(
        f'<option value="{escaped(value)}"'
        f"{' selected' if str(value) == chosen else ''}>{escaped(label)}</option>"
        for value, label in field.field.widget.choices
    )


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


def _field(field: BoundField) -> str:
    field_id, name, label = escaped(field.auto_id), escaped(field.html_name), field.label
    if getattr(field.field.widget, "input_type", None) == "checkbox":
        checked = "checked" if field.value() else ""
        return _CHECKBOX.format(id=field_id, name=name, checked=checked, label=escaped(label))
    errors = field.errors
    written = "".join(_ERROR.format(error=escaped(error)) for error in errors)
    if field.name == "q":
        return _WORDS.format(
            group_error="govuk-form-group--error" if errors else "",
            id=field_id,
            label=escaped(label),
            errors=written,
            input_error="govuk-input--error" if errors else "",
            value=escaped(field.value() or ""),
        )
    hint = field.help_text
    return _SELECT.format(
        group_error="govuk-form-group--error" if errors else "",
        id=field_id,
        label=escaped(label),
        hint=_HINT.format(id=field_id, hint=escaped(hint)) if hint else "",
        errors=written,
        select_error="govuk-select--error" if errors else "",
        name=name,
        described=f'aria-describedby="{field_id}-hint"' if hint else "",
        options=_options(field),
    )


@register.simple_tag
def filter_fields(form: Form) -> SafeString:
    """The action list's filter's fields, each escaped as the template did."""
    return mark_safe("".join(_FIELD.format(_field(field)) for field in form))


# A row of the action list, as its template wrote it (its spaces too: the page is the same
# to the byte). Written here in one go per row: the template's tags and variables cost the
# county team's page of fifty rows more than the rest of the page together. (An f-string:
# str.format of the row's template with its ten values took three times as long.)
_FLAG = """
                                    <br>
                                    <strong class="govuk-tag govuk-tag--{colour}">{words}</strong>
                                """
_OVERDUE = _FLAG.format(colour="red", words="Milestone overdue")
_NO_UPDATE = _FLAG.format(colour="yellow", words="No update this quarter")


def _lead(name: str, *, last: bool) -> str:
    return f"""
                                    {escape(name)}
                                    {"" if last else "<br>"}
                                """


def _row(row: "ActionListRow", url: str, *, leads: str, status: str) -> str:
    partnership, plan, place = escape(row.partnership), escape(row.plan), escape(row.place)
    return f"""
                        <tr class="govuk-table__row">
                            <td class="govuk-table__cell">{escape(row.reference)}</td>
                            <td class="govuk-table__cell">
                                <a class="govuk-link" href="{escape(url)}">{escape(row.title)}</a>
                                <br>
                                <span class="govuk-body-s">{partnership} – {plan}</span>
                                <br>
                                <span class="govuk-body-s" data-testid="action-place">{place}</span>
                                {_OVERDUE if row.has_overdue else ""}
                                {_NO_UPDATE if row.needs_update else ""}
                            </td>
                            <td class="govuk-table__cell">
                                {leads}
                            </td>
                            <td class="govuk-table__cell">
                                {status}
                            </td>
                        </tr>
                    """


@register.simple_tag
def action_rows(rows: "Iterable[tuple[ActionListRow, str]]") -> SafeString:
    """The action list's rows (``ActionListRow`` and its page's URL), each escaped as the
    template did; each status's tag written once per process (``status_tag``). What a row
    shows is plain text, read from the database or made of it (never marked safe), so it
    is escaped by ``html.escape`` itself: a fifty-row page writes four hundred values."""
    written = []
    for row, url in rows:
        last = len(row.lead_names) - 1
        leads = "".join(_lead(name, last=n == last) for n, name in enumerate(row.lead_names))
        written.append(_row(row, url, leads=leads, status=status_tag(row.current_status)))
    return mark_safe("".join(written))
