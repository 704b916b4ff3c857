"""Form pieces every app uses."""

from typing import Any

from django import forms

# How people type dates in the GOV.UK pattern and in practice: "27 3 2024", "27/03/2024".
UK_DATE_INPUT_FORMATS = ["%d %m %Y", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]


class UKDateField(forms.DateField):
    """A date typed day, month, year, with GOV.UK messages."""

    def __init__(self, *, invalid: str, required_message: str = "", **kwargs: Any) -> None:
        messages = {"invalid": invalid}
        if required_message:
            messages["required"] = required_message
        kwargs.setdefault("widget", forms.DateInput(format="%d/%m/%Y"))
        super().__init__(
            input_formats=UK_DATE_INPUT_FORMATS,
            error_messages=messages,
            **kwargs,
        )
