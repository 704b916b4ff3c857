"""Form pieces every app uses: the GOV.UK date input, numbered rows as a formset, the
form helper and the save buttons."""

from datetime import date
from typing import Any, ClassVar, TypeVar, cast

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Div, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import QuerySet
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.http import HttpRequest, HttpResponseRedirect

from csp_tracker.periods import DateError, date_from_parts

RowsField = TypeVar("RowsField", bound=forms.ModelChoiceField)


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

    def full_clean(self) -> None:
        """A count the page did not send (more rows than it has, or not a number: a stale
        or tampered page) is refused in the words of any other hidden field, never
        Django's ("Enter a whole number.", "Please submit at most 3 forms.")."""
        super().full_clean()
        if self.is_bound and self.non_form_errors():
            self._non_form_errors = self.error_class([HIDDEN_FIELD_MESSAGE], error_class="nonform")

    def valid_within(self, form: forms.Form) -> bool:
        """Whether the rows are valid, their refusal (if any) put on the form they belong
        to, so its error summary shows it."""
        valid = self.is_valid()
        if not valid and self.non_form_errors():
            form.add_error(None, list(self.non_form_errors()))
        return valid

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "number": (index or 0) + 1}

    def __getitem__(self, index: int) -> forms.Form:
        # A row is asked by its number. A template's ``form.rows.total_error_count`` asks
        # ``rows["total_error_count"]`` first, which built every row of a form as opened
        # only to find none by that name.
        if not isinstance(index, int):
            raise TypeError(f"A row's number, not {index!r}")
        return super().__getitem__(index)


def numbered_rows(form: type[forms.Form], rows: int) -> type[NumberedRows]:
    """The formset of ``rows`` rows of ``form``."""
    formset = forms.formset_factory(
        form, formset=NumberedRows, extra=rows, max_num=rows, absolute_max=rows
    )
    return cast(type[NumberedRows], formset)  # formset_factory's stub loses the subclass


ADD_ANOTHER = "add_another"


def after_save(request: HttpRequest, url: str) -> HttpResponseRedirect:
    """Where an add form goes once saved: to ``url``, or back to the empty form for
    "Save and add another"."""
    return HttpResponseRedirect(request.path if ADD_ANOTHER in request.POST else url)


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
        if self.is_bound:  # an unbound form's errors (read by its page) are none
            self._word_errors()
        super().full_clean()
        errors = self.errors  # built by full_clean: reading it cleans nothing again
        if not errors:
            return
        for name, field in self.fields.items():
            if field.widget.is_hidden and name in errors:
                errors[name] = self.error_class([self.hidden_field_message])


def form_helper(*layout: Any) -> FormHelper:
    """crispy-forms-gds's helper for a form the page wraps in its own <form> tag
    (form_page.html, with novalidate): the fields and buttons in the order given."""
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


def radio_field(*, label: str, choices: Any, message: str, **kwargs: Any) -> forms.ChoiceField:
    """Radios, the GOV.UK way: the one "Select …" message whether nothing was chosen or
    a choice the page did not offer was sent."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
        **kwargs,
    )


def text_field(
    label: str | None = None,
    *,
    max_length: int,
    noun: str = "",
    too_long: str = "",
    required: str = "",
    rows: int | None = None,
    **kwargs: Any,
) -> forms.CharField:
    """A text input, or with ``rows`` a text box of that many rows, in GOV.UK words:
    ``required`` is the message when it is left empty (without one the field is
    optional), and the message when it is too long is ``too_long``, or made from ``noun``
    ("a title" gives "Enter a title of 200 characters or fewer"). Other messages (for a
    service's refusal, say) may be given as ``error_messages``."""
    messages = {
        "max_length": too_long or f"Enter {noun} of {max_length:,} characters or fewer",
        **kwargs.pop("error_messages", {}),
    }
    if required:
        messages["required"] = required
    if rows is not None:
        kwargs["widget"] = forms.Textarea(attrs={"rows": rows, **kwargs.pop("attrs", {})})
    return forms.CharField(
        label=label,
        required=bool(required),
        max_length=max_length,
        error_messages=messages,
        **kwargs,
    )


def _rows_field(
    field_class: type[RowsField], *, message: str, required: str, **kwargs: Any
) -> RowsField:
    messages = {"invalid_choice": message}
    if required:
        messages["required"] = required
    return field_class(required=bool(required), error_messages=messages, **kwargs)


def checkboxes_field(
    *, label: str, queryset: QuerySet[Any], message: str, required: str = "", **kwargs: Any
) -> forms.ModelMultipleChoiceField:
    """Checkboxes of the rows the form offers (``queryset``, usually set in the form's
    ``__init__``): ``message`` when a row it does not offer is sent, ``required`` when
    none is ticked (without one, none is fine)."""
    return _rows_field(
        forms.ModelMultipleChoiceField,
        label=label,
        queryset=queryset,
        message=message,
        required=required,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


def select_field(
    *,
    label: str,
    queryset: QuerySet[Any],
    empty_label: str,
    message: str,
    required: str = "",
    **kwargs: Any,
) -> forms.ModelChoiceField:
    """A select of the rows the form offers, as checkboxes_field, ``empty_label`` its
    first option."""
    return _rows_field(
        forms.ModelChoiceField,
        label=label,
        queryset=queryset,
        empty_label=empty_label,
        message=message,
        required=required,
        **kwargs,
    )
