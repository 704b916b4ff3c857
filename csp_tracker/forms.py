"""Form pieces every app uses: the GOV.UK date input, and numbered rows as a formset."""

from datetime import date
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT

PARTS = ("day", "month", "year")


class UKDateField(DateInputField):
    """The GOV.UK date input: day, month and year boxes (crispy-forms-gds's
    ``DateInputField``), with a specific message for each problem: nothing entered
    (``required_message``), a part left out ("Date done must include a month"), or not a
    real date (``invalid``). The box to fix is highlighted; if it is more than one box,
    the whole date is, as the GOV.UK date input asks."""

    def __init__(self, *, invalid: str, required_message: str = "", **kwargs: Any) -> None:
        super().__init__(require_all_fields=False, **kwargs)
        self.error_messages["invalid"] = invalid
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
        missing = [i for i, part in enumerate(parts) if not part]
        if missing:
            message = f"{self.label} must include a {' and '.join(PARTS[i] for i in missing)}"
            self._point_at(missing, message)
            raise ValidationError(message, code="incomplete")
        wrong = [i for i, part in enumerate(parts) if not part.isdigit()]
        if len(parts[2]) != 4 and 2 not in wrong:
            wrong.append(2)
        try:
            if wrong:
                raise ValueError
            result = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            self._point_at(wrong, self.error_messages["invalid"])
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        self.validate(result)
        self.run_validators(result)
        return result

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
