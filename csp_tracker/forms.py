"""Form pieces every app uses: the GOV.UK date input, numbered rows as a formset, and the
save buttons."""

from datetime import date
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Button, Div, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT

from csp_tracker.periods import DateError, date_from_parts


class UKDateField(DateInputField):
    """The GOV.UK date input: day, month and year boxes (crispy-forms-gds's
    ``DateInputField``), read by csp_tracker.periods.date_from_parts (the month as a
    number or a name), with a specific message for each problem: nothing entered
    (``required_message``), a part left out ("Date done must include a month"), or not a
    real date ("Date done must be a real date, like 1 4 2024"). The box to fix is
    highlighted; if it is more than one box, the whole date is, as the GOV.UK date input
    asks."""

    def __init__(self, *, required_message: str = "", **kwargs: Any) -> None:
        super().__init__(require_all_fields=False, **kwargs)
        if required_message:
            self.error_messages["required"] = required_message

    def clean(self, value: Any) -> date | None:
        given = list(value) if isinstance(value, list | tuple) else []
        parts = [str(v).strip() if v is not None else "" for v in given[:3]]
        parts += [""] * (3 - len(parts))
        for field in self.fields:
            field.widget.errors = []
        if not any(parts):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        what = str(self.label or "The date")
        try:
            result = date_from_parts(day=parts[0], month=parts[1], year=parts[2], what=what)
        except DateError as error:
            self._point_at(self._wrong_boxes(parts), str(error))
            raise ValidationError(str(error), code="invalid") from None
        self.validate(result)
        self.run_validators(result)
        return result

    @staticmethod
    def _wrong_boxes(parts: list[str]) -> list[int]:
        """The boxes a refused date's message is about: those left empty, else those
        that cannot be a day, a month or a year; none if each could (31 2 2024)."""
        missing = [i for i, part in enumerate(parts) if not part]
        if missing:
            return missing
        day, month, year = parts
        wrong = []
        if not day.isdigit():
            wrong.append(0)
        try:
            date_from_parts(day="1", month=month, year="2000")
        except DateError:
            wrong.append(1)
        if not (year.isdigit() and len(year) == 4):
            wrong.append(2)
        return wrong

    def _point_at(self, boxes: list[int], message: str) -> None:
        # crispy-forms-gds reads each box's errors from its widget to highlight it and
        # link the error summary to it; with none marked, the whole date is highlighted.
        if len(boxes) == 1:
            self.fields[boxes[0]].widget.errors = [message]


class NumberedRows(forms.BaseFormSet):
    """A fixed number of optional rows (a new action's milestones, the numbers of an
    update): each row form is given its ``number`` for its labels and messages. Posted
    without the formset's management form (no rows at all), it has no rows."""

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        prefix = kwargs.get("prefix") or self.get_default_prefix()
        if data is not None and f"{prefix}-{TOTAL_FORM_COUNT}" not in data:
            data = data.copy()
            data[f"{prefix}-{TOTAL_FORM_COUNT}"] = "0"
            data[f"{prefix}-{INITIAL_FORM_COUNT}"] = "0"
        super().__init__(data, *args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "number": (index or 0) + 1}


def numbered_rows(form: type[forms.Form], rows: int) -> "type[forms.BaseFormSet[Any]]":
    """The formset of ``rows`` rows of ``form``."""
    return forms.formset_factory(
        form, formset=NumberedRows, extra=rows, max_num=rows, absolute_max=rows
    )


ADD_ANOTHER = "add_another"


def save_buttons(label: str, *, add_another: str = "") -> Div:
    """The form's save button, and on an add form a "Save and add another" beside it
    (its name, ADD_ANOTHER, tells the view to come back to an empty form)."""
    buttons: list[object] = [Submit("submit", label)]
    if add_another:
        buttons.append(Button.secondary(ADD_ANOTHER, add_another))
    return Div(*buttons, css_class="govuk-button-group")
