"""Form pieces every app uses."""

from datetime import date

from crispy_forms_gds.layout import Button, Div, Submit
from django import forms

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
