"""A form's fields in the HTML crispy-forms-gds renders, for the pages that render their
fields through plain templates (templates/includes/fields/): the same HTML as
crispy-forms-gds's ``crispy_gds_field`` tag, without its layout objects and per-field
template machinery.

A field's template is rendered once for each shape of field (its options, whether it
has a hint, how many errors) and written for each field with its own values
(csp_tracker.rows.row_template): a field's template rendered for each field cost some
five hundred Python calls, each of a choice's variables thirty. A field is written
without the white space around it in its template, so a page puts its fields a line
each, which crispy-forms' {% specialspaceless %} makes the one space crispy-forms-gds
leaves between them."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms, template
from django.forms import BoundField
from django.forms.widgets import Input
from django.template.defaultfilters import stringformat
from django.templatetags.l10n import unlocalize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from csp_tracker.rows import escaped, row_template

register = template.Library()

# crispy-forms-gds's class for each widget (its ``converters``).
_WIDGET_CLASSES = {
    "checkboxinput": "govuk-checkboxes__input",
    "select": "govuk-select",
    "textinput": "govuk-input",
    "emailinput": "govuk-input",
    "passwordinput": "govuk-input",
    "textarea": "govuk-textarea",
    "clearablefileinput": "govuk-file-upload",
}
_ERROR_CLASSES = {
    "Select": " govuk-input--error",
    "TextInput": " govuk-input--error",
    "Textarea": " govuk-input--error",
    "FileInput": " govuk-file-upload--error",
    "ClearableFileInput": " govuk-file-upload--error",
}


@register.simple_tag
def govuk_widget(field: BoundField, **attrs: str) -> SafeString:
    """The field's widget, ``attrs`` added as a crispy-forms-gds ``Field``'s are (``css_class``
    for ``class``), then its classes, hint, character count and error links set in the order
    crispy-forms-gds sets them, so the attributes come out in the same order. Not for
    multi-value widgets (the date input), which stay on crispy-forms-gds."""
    widget = field.field.widget
    if "css_class" in attrs:
        attrs["class"] = attrs.pop("css_class")
    widget.attrs.update(attrs)
    name = type(widget).__name__
    classes = [_WIDGET_CLASSES.get(name.lower(), name.lower())]
    classes += [c for c in widget.attrs.get("class", "").split() if c not in classes]
    css_class = " ".join(classes)
    if field.help_text:
        widget.attrs["aria-describedby"] = f"{field.auto_id}_hint"
    if "govuk-js-character-count" in widget.attrs.get("class", ""):
        # GOV.UK Frontend's character count finds its message by this id.
        described = widget.attrs.get("aria-describedby")
        info = f"{field.auto_id}-info"
        widget.attrs["aria-describedby"] = f"{described} {info}" if described else info
    errors = field.errors
    if errors:
        css_class += _ERROR_CLASSES.get(name, "")
        if not field.help_text:
            widget.attrs["aria-describedby"] = ""
        ids = [f"{field.auto_id}_{n}_error" for n in range(1, len(errors) + 1)]
        described = widget.attrs.get("aria-describedby", "")
        widget.attrs["aria-describedby"] = " ".join([described, *ids] if described else ids)
    widget.attrs["class"] = css_class
    return widget_html(field)


# The widgets written here as Django's own templates write them
# (django/forms/widgets/input.html, textarea.html and attrs.html): a widget rendered
# through the form renderer costs some 700 function calls, and the update form has 13.
_PLAIN_WIDGETS = (forms.TextInput, forms.Textarea, forms.HiddenInput)


@register.filter
def widget_html(field: BoundField) -> SafeString:
    """``str(field)``, the field's widget as Django renders it, for a text input, text box
    or hidden input (others are left to Django): the attributes ``BoundField.as_widget``
    gives it, in the same order, then Django's templates' markup."""
    widget = field.field.widget
    if type(widget) not in _PLAIN_WIDGETS or field.field.localize:
        return SafeString(str(field))
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    attrs = widget.build_attrs(widget.attrs, attrs)
    value = widget.format_value(field.value())
    written = "".join(
        [
            f" {name}" if given is True else f' {name}="{escaped(given)}"'
            for name, given in attrs.items()
            if given is not False
        ]
    )
    name = escaped(field.html_name)
    if isinstance(widget, forms.Textarea):
        text = conditional_escape(value) if value else ""
        return SafeString(f'<textarea name="{name}"{written}>\n{text}</textarea>')
    kind = escaped(cast(Input, widget).input_type)
    shown = "" if value is None else f' value="{escaped(value)}"'
    return SafeString(f'<input type="{kind}" name="{name}"{shown}{written}>')


def _among(value: object, values: object) -> bool:
    """A template's ``value in values``: false where ``in`` fails (no values yet)."""
    try:
        return value in values  # type: ignore[operator]
    except Exception:  # as the template language's ``in`` is
        return False


@register.filter
def marked_choices(field: BoundField) -> list[tuple[str, str, str, bool]]:
    """The field's choices as crispy-forms-gds's radios and checkboxes write them, worked
    out once rather than by each choice's template lookups: each choice's number (from 1,
    for its id), its value and label (``unlocalize``d) and whether it is checked (radios:
    its value is the field's, as strings; checkboxes: it is among the field's values)."""
    current = field.value()
    many = isinstance(field.field.widget, forms.CheckboxSelectMultiple)
    shown = stringformat(current, "s")
    marked = []
    choices: Iterable[tuple[Any, Any]] = cast(Any, field.field).choices
    for number, (value, label) in enumerate(choices, start=1):
        if many:
            checked = _among(value, current) or _among(stringformat(value, "s"), current)
        else:
            checked = stringformat(value, "s") == shown
        marked.append((str(number), unlocalize(value), unlocalize(label), checked))
    return marked


_HINT = '\n        <div id="{id}_hint" class="govuk-hint">{hint}</div>\n'
_ERROR = (
    '\n    <span id="{id}_{n}_error" class="govuk-error-message">'
    '\n      <span class="govuk-visually-hidden">Error:</span> {error}\n    </span>\n  '
)


@register.simple_tag
def hint_and_errors(field: BoundField) -> SafeString:
    """The field's hint and its error messages, each with the id its widget's or fieldset's
    ``aria-describedby`` names, in the markup (and spacing) of crispy-forms-gds's
    help_text_and_errors.html, for every field template here."""
    hint = _HINT.format(id=field.auto_id, hint=field.help_text) if field.help_text else ""
    errors = "".join(
        _ERROR.format(id=field.auto_id, n=n, error=conditional_escape(str(error)))
        for n, error in enumerate(field.errors, start=1)
    )
    return SafeString(f"{hint}\n{errors}")


@register.simple_tag
def govuk_text_field(
    field: BoundField,
    *,
    label_size: str = "",
    label_tag: str = "",
    rows: int | None = None,
    width: str = "",
    max_characters: int | None = None,
) -> SafeString:
    """A text input or text box as crispy-forms-gds's Field.text and Field.textarea render
    it (includes/fields/text.html): ``label_size`` a class ("govuk-label--m"),
    ``label_tag`` ("h2"), ``rows``, ``width`` a class ("govuk-input--width-10"),
    ``max_characters`` GOV.UK's character count."""
    attrs: dict[str, Any] = {"rows": rows} if rows else {}
    if max_characters:
        attrs["css_class"] = "govuk-js-character-count"
    elif width and not rows:
        attrs["css_class"] = width
    widget = govuk_widget(field, **attrs)
    shape = {
        "errored": bool(field.errors),
        "label_size": label_size,
        "label_tag": label_tag,
        "max_characters": max_characters or "",
    }
    return row_template("includes/fields/text.html", shape, _TEXT_VALUES).render(
        {
            "auto_id": field.auto_id,
            "id_for_label": field.id_for_label,
            "label": SafeString(field.label),  # unescaped, as crispy-forms-gds writes it
            "hint_and_errors": hint_and_errors(field),
            "widget": widget,
        }
    )


_TEXT_VALUES = ("auto_id", "id_for_label", "label", "hint_and_errors", "widget")
_CHOICES_VALUES = ("auto_id", "label", "hint_and_errors", "items")
_CHOICE_VALUES = ("name", "number", "value", "label")


@register.simple_tag
def govuk_radios(field: BoundField, *, legend_size: str = "", legend_tag: str = "") -> SafeString:
    """Radios as crispy-forms-gds's Field.radios renders them (includes/fields/radios.html):
    ``legend_size`` a class ("govuk-fieldset__legend--m"), ``legend_tag`` ("h2")."""
    return _choices(field, "radios", "radio_item", legend_size=legend_size, legend_tag=legend_tag)


@register.simple_tag
def govuk_checkboxes(
    field: BoundField, *, legend_size: str = "", legend_tag: str = ""
) -> SafeString:
    """Checkboxes as crispy-forms-gds's Field.checkboxes renders them
    (includes/fields/checkboxes.html), with the options of govuk_radios."""
    return _choices(
        field, "checkboxes", "checkbox_item", legend_size=legend_size, legend_tag=legend_tag
    )


def _choices(
    field: BoundField, template: str, item: str, *, legend_size: str, legend_tag: str
) -> SafeString:
    name = field.html_name
    item_for = {
        checked: row_template(f"includes/fields/{item}.html", {"checked": checked}, _CHOICE_VALUES)
        for checked in (False, True)
    }
    # A choice is written without the white space around it in its template: one space
    # between choices, what the page's {% specialspaceless %} leaves there.
    items = " ".join(
        item_for[checked].render({"name": name, "number": number, "value": value, "label": label})
        for number, value, label, checked in marked_choices(field)
    )
    shape = {
        "error_numbers": tuple(range(1, len(field.errors) + 1)),
        "hinted": bool(field.help_text),
        "labelled": bool(field.label),
        "legend_size": legend_size,
        "legend_tag": legend_tag,
    }
    return row_template(f"includes/fields/{template}.html", shape, _CHOICES_VALUES).render(
        {
            "auto_id": field.auto_id,
            "label": SafeString(field.label),
            "hint_and_errors": hint_and_errors(field),
            "items": SafeString(items),
        }
    )
