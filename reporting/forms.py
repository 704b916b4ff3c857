"""Forms of reporting: GOV.UK patterns through crispy-forms-gds, a specific error message
for every field, no browser-native validation (templates use novalidate)."""

from datetime import date
from typing import Any, cast

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fixed, Fluid, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from actions.models import Action
from csp_tracker.forms import form_helper, radio_field
from csp_tracker.periods import DateError, parse_uk_date
from csp_tracker.service_errors import ServiceForm
from reporting.models import ReportingCalendar
from reporting.services import CalendarData

MAX_DATES = 24


def _dates(text: str, *, what: str) -> list[date]:
    """One date per line (or separated by semicolons), as people type them in the UK."""
    found = []
    parts = [p.strip() for p in text.replace(";", "\n").splitlines() if p.strip()]
    if len(parts) > MAX_DATES:
        raise ValidationError(f"Enter {MAX_DATES} {what.lower()}s or fewer")
    for number, part in enumerate(parts, start=1):
        try:
            day = parse_uk_date(part, what=f"{what} {number}")
        except DateError as error:
            raise ValidationError(f"{error} (you typed “{part}”)") from None
        if day is not None:
            found.append(day)
    return sorted(set(found))


class DatesField(forms.CharField):
    """An optional list of dates typed in a text area (``_dates``); ``what`` names one of
    them in the error messages ("Due date 2 …")."""

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        super().__init__(
            required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=1000, **kwargs
        )
        self.what = what

    def clean(self, value: Any) -> list[date]:
        return _dates(super().clean(value) or "", what=self.what)


def _whole_number(
    *, label: str, help_text: str, max_value: int, error_messages: dict[str, str]
) -> forms.IntegerField:
    """A number of days from 0 to ``max_value``, typed the GOV.UK way: a text input with a
    numeric keyboard, not type="number"."""
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=max_value,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages=error_messages,
    )


class CalendarForm(ServiceForm):
    due_rule = radio_field(
        label="When are updates due?",
        choices=[
            Choice(
                ReportingCalendar.DueRule.QUARTER_ENDS,
                "The last day of each quarter",
                hint="30 June, 30 September, 31 December and 31 March.",
            ),
            Choice(
                ReportingCalendar.DueRule.DATES,
                "On dates we enter",
                hint="For example, a fortnight before each executive meeting.",
            ),
        ],
        message="Select when updates are due",
    )
    due_dates = DatesField(
        what="Due date",
        label="Dates updates are due (optional)",
        help_text="Only if updates are due on dates you enter. One date a line, like "
        "29 February 2024.",
    )
    grace_days = _whole_number(
        label="Grace period in days",
        help_text="Days after the due date when a late update still counts and is chased; "
        "after it, the coordinators are told who is missing. It ends by the 4th day after "
        "the quarter: later updates count for the next quarter.",
        max_value=60,
        error_messages={
            "required": "Enter the grace period in days",
            "invalid": "Enter the grace period as a whole number of days, like 4",
            "min_value": "Enter a grace period of 0 days or more",
            "max_value": "Enter a grace period of 60 days or fewer",
        },
    )
    build_rule = radio_field(
        label="When is the exception report built?",
        choices=[
            Choice(
                ReportingCalendar.BuildRule.AFTER_DUE,
                "A number of days after each due date",
            ),
            Choice(
                ReportingCalendar.BuildRule.BEFORE_MEETING,
                "A number of days before each executive meeting",
                hint="For example, a week before, when the papers go out.",
            ),
        ],
        message="Select when the exception report is built",
    )
    build_days = _whole_number(
        label="Number of days",
        help_text="After each due date, or before each meeting.",
        max_value=120,
        error_messages={
            "required": "Enter the number of days",
            "invalid": "Enter the number of days as a whole number, like 7",
            "min_value": "Enter a number of days of 0 or more",
            "max_value": "Enter a number of days of 120 or fewer",
        },
    )
    sign_off = forms.BooleanField(
        label="Updates wait for a coordinator’s sign-off",
        help_text="A saved update is “submitted” until a coordinator approves it or returns "
        "it with a comment. The exception report uses approved updates.",
        required=False,
    )
    meetings = DatesField(
        what="Meeting date",
        label="Executive meeting dates (optional)",
        help_text="Only if the report is built before each meeting. One date a line, like "
        "14 March 2024.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("due_rule", legend_size=Size.MEDIUM),
            Field.textarea("due_dates"),
            Field.text("grace_days", field_width=Fixed.FIVE),
            Field.radios("build_rule", legend_size=Size.MEDIUM),
            Field.text("build_days", field_width=Fixed.FIVE),
            Field.textarea("meetings"),
            Field.checkbox("sign_off"),
            Submit("submit", "Save the calendar"),
        )

    def data_for_service(self) -> CalendarData:
        data = self.cleaned_data
        return CalendarData(
            due_rule=data["due_rule"],
            grace_days=data["grace_days"],
            build_rule=data["build_rule"],
            build_days=data["build_days"],
            due_dates=data["due_dates"],
            meetings=data["meetings"],
            sign_off=bool(data.get("sign_off")),
        )

    @staticmethod
    def initial_for(calendar: ReportingCalendar | None, *, sign_off: bool) -> dict[str, object]:
        if calendar is None:
            return {
                "due_rule": "quarter_ends",
                "grace_days": 4,
                "build_rule": "after_due",
                "build_days": 5,
                "sign_off": sign_off,
            }
        dates = list(calendar.dates.all())

        def lines(kind: str) -> str:
            return "\n".join(f"{d.day.day} {d.day:%B %Y}" for d in dates if d.kind == kind)

        return {
            "due_rule": calendar.due_rule,
            "grace_days": calendar.grace_days,
            "build_rule": calendar.build_rule,
            "build_days": calendar.build_days,
            "due_dates": lines("due"),
            "meetings": lines("meeting"),
            "sign_off": sign_off,
        }


class UpdateRequestForm(ServiceForm):
    """A link for a lead's contact without an account: who, and which of the lead's
    actions still owed."""

    contact_name = forms.CharField(
        label="Their name",
        max_length=150,
        error_messages={
            "required": "Enter the name of the person to ask",
            "max_length": "Enter a name of 150 characters or fewer",
        },
    )
    contact_email = forms.EmailField(
        label="Their email address",
        max_length=254,
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Enter an email address of 254 characters or fewer",
        },
    )
    actions = forms.MultipleChoiceField(
        label="Which actions should they update?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one action",
            "invalid_choice": "Select only actions of this lead that still need an update",
        },
    )

    def __init__(self, *args: Any, actions: list[Action], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owed = {str(a.pk): a for a in actions}
        field = cast(forms.MultipleChoiceField, self.fields["actions"])
        field.choices = [(str(a.pk), f"{a.reference} {a.title}") for a in actions]
        self.helper = form_helper(
            Field.text("contact_name", field_width=Fluid.TWO_THIRDS),
            Field.text("contact_email", field_width=Fluid.TWO_THIRDS),
            Field.checkboxes("actions", legend_size=Size.MEDIUM),
            Submit("submit", "Send the link"),
        )

    def chosen(self) -> list[Action]:
        return [self.owed[pk] for pk in self.cleaned_data["actions"]]
