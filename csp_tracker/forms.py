"""Form pieces every app uses."""

from datetime import date
from typing import ClassVar

from crispy_forms_gds.layout import Button, Div, Submit
from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from csp_tracker.periods import DateError, parse_uk_date


class UKDateField(forms.DateField):
    """A date typed day, month, year ("1 April 2024", "1/4/2024", "1 4 2024"), read by
    csp_tracker.periods.parse_uk_date, with its GOV.UK messages ("Effective date must
    include a year")."""

    def __init__(self, *, required_message: str = "", **kwargs: object) -> None:
        messages = {}
        if required_message:
            messages["required"] = required_message
        kwargs.setdefault("widget", forms.DateInput(format="%d/%m/%Y"))
        super().__init__(error_messages=messages, **kwargs)  # type: ignore[arg-type]

    def to_python(self, value: object) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        try:
            return parse_uk_date(str(value), what=str(self.label or "The date"))
        except DateError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


ADD_ANOTHER = "add_another"


def save_buttons(label: str, *, add_another: str = "") -> Div:
    """The form's save button, and on an add form a "Save and add another" beside it
    (its name, ADD_ANOTHER, tells the view to come back to an empty form)."""
    buttons: list[object] = [Submit("submit", label)]
    if add_another:
        buttons.append(Button.secondary(ADD_ANOTHER, add_another))
    return Div(*buttons, css_class="govuk-button-group")


def lines_kept(text: str) -> str:
    """A text box's value with its lines as written: browsers send a line break as CRLF,
    stored as LF like the rest of the data."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


NUL_MESSAGE = "{name} must not contain the character U+0000"
HIDDEN_FIELD_MESSAGE = (
    "This page is out of date or was changed by someone else. Reload the page, then make "
    "your change again"
)


def _default_messages(field: forms.Field) -> dict[str, str]:
    defaults: dict[str, str] = {}
    for cls in reversed(type(field).__mro__):
        defaults.update(getattr(cls, "default_error_messages", {}))
    return defaults


class GovukErrorsMixin(forms.BaseForm):
    """Django's own messages ("Null characters are not allowed.", "Enter a whole
    number.", "“x” is not a valid value.") never reach a person: every message names its
    field in GOV.UK words.

    Run when the form is cleaned, so fields a form adds in ``__init__`` are covered too:
    a null character is refused naming the field (``error_names`` gives a field's name
    where its label is a question); a choice field's messages for a bad list or a bad
    key are its "Select …" message; a missing length message is "… must be N characters
    or fewer"; and an error on a hidden field (a version number the page carries) says
    the page is out of date, since only a stale or tampered page gets one.
    """

    error_names: ClassVar[dict[str, str]] = {}
    hidden_field_message = HIDDEN_FIELD_MESSAGE

    def error_name(self, name: str) -> str:
        if name in self.error_names:
            return self.error_names[name]
        label = str(self.fields[name].label or name.replace("_", " ").capitalize())
        return label.removesuffix(" (optional)")

    def _word_errors(self) -> None:
        for name, field in self.fields.items():
            defaults = _default_messages(field)
            messages = field.error_messages
            if isinstance(field, forms.CharField):
                nul = NUL_MESSAGE.format(name=self.error_name(name))
                field.validators = [
                    ProhibitNullCharactersValidator(message=nul)
                    if isinstance(v, ProhibitNullCharactersValidator)
                    else v
                    for v in field.validators
                ]
                if field.max_length is not None and messages.get("max_length") == defaults.get(
                    "max_length"
                ):
                    messages["max_length"] = (
                        f"{self.error_name(name)} must be {field.max_length:,} characters or fewer"
                    )
            choice = messages.get("invalid_choice")
            if choice and choice != defaults.get("invalid_choice"):
                for code in ("invalid_list", "invalid_pk_value"):
                    if code in messages and messages[code] == defaults.get(code):
                        messages[code] = choice

    def full_clean(self) -> None:
        self._word_errors()
        super().full_clean()
        if not self._errors:
            return
        for name, field in self.fields.items():
            if field.widget.is_hidden and name in self._errors:
                self._errors[name] = self.error_class([self.hidden_field_message])
