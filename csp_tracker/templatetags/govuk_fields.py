"""A form field's widget with the GOV.UK classes and ARIA links crispy-forms-gds gives
it, for the pages that render their fields through plain templates
(templates/includes/fields/): the same HTML as crispy-forms-gds's ``crispy_gds_field``
tag, without its layout objects and per-field template machinery."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms, template
from django.forms import BoundField
from django.forms.widgets import Input
from django.template.defaultfilters import stringformat
from django.templatetags.l10n import unlocalize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString

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
        f" {name}" if given is True else f' {name}="{escape(given)}"'
        for name, given in attrs.items()
        if given is not False
    )
    name = escape(field.html_name)
    if isinstance(widget, forms.Textarea):
        text = conditional_escape(value) if value else ""
        return SafeString(f'<textarea name="{name}"{written}>\n{text}</textarea>')
    kind = escape(cast(Input, widget).input_type)
    shown = "" if value is None else f' value="{escape(value)}"'
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
