"""Forms for grants, funded projects, bids and indicators: GOV.UK patterns through
crispy-forms-gds, a specific error message for every field, no browser-native
validation (templates use novalidate). The services hold the rules; these translate
input and word the errors."""

import re
from datetime import date
from decimal import Decimal
from typing import Any

from crispy_forms_gds.layout import Field, Fluid, Size, Submit
from django import forms
from django.db.models import QuerySet

from actions.models import Action
from csp_tracker import clock
from csp_tracker.forms import GovukErrorsMixin, UKDateField, form_helper, radio_field
from csp_tracker.periods import parse_period
from performance.models import FundedProject, Grant, Indicator, Pot, ProjectStatus
from performance.periods import Frequency, Period, baseline_period_label, periods_between
from performance.services import BidData, GrantData, IndicatorData, ProjectData
from plans.models import Agency, Partnership, Plan
from priorities.models import Priority

MONEY_MAX = Decimal("9999999999.99")
TEXT_MAX = 5000


class _TypedDecimalField(forms.DecimalField):
    """A number in a text box as people type it: the characters ``ignored`` matches
    (thousands commas, spaces) are dropped before it is read."""

    ignored = r"[,\s]"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
            **kwargs,
        )

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = re.sub(self.ignored, "", value)
        return super().to_python(value)


class MoneyField(_TypedDecimalField):
    """Pounds and pence as people type them: "39661", "£39,661", "1,234.50"."""

    ignored = r"[£,\s]"

    def __init__(self, *, what: str, required: bool = True, **kwargs: Any) -> None:
        super().__init__(
            required=required,
            min_value=Decimal(0),
            max_value=MONEY_MAX,
            max_digits=12,
            decimal_places=2,
            error_messages={
                "required": f"Enter {what}",
                "invalid": f"Enter {what} in pounds, like 3,450 or 1,234.50",
                "min_value": f"Enter {what} of £0 or more",
                "max_value": f"Enter {what} of less than £10 billion",
                "max_digits": f"Enter {what} of less than £10 billion",
                "max_whole_digits": f"Enter {what} of less than £10 billion",
                "max_decimal_places": f"Enter {what} in pounds and pence, like 1,234.50",
            },
            **kwargs,
        )


class NumberField(_TypedDecimalField):
    """An indicator's number: "1,114", "12.5"."""

    def __init__(self, *, what: str, required: bool = True, **kwargs: Any) -> None:
        super().__init__(
            required=required,
            max_digits=14,
            decimal_places=2,
            error_messages={
                "required": f"Enter {what}",
                "invalid": f"Enter {what} as a number, like 1,114 or 12.5",
                "max_digits": f"Enter {what} of less than 1 trillion",
                "max_whole_digits": f"Enter {what} of less than 1 trillion",
                "max_decimal_places": f"Enter {what} with no more than 2 decimal places",
            },
            **kwargs,
        )


def _text(
    label: str, what: str, *, required: bool = True, max_length: int = 300, **kw: Any
) -> forms.CharField:
    messages = {"max_length": f"Enter {what} of {max_length:,} characters or fewer"}
    if required:
        messages["required"] = f"Enter {what}"
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages=messages,
        **kw,
    )


def _long_text(
    label: str, what: str, *, required: bool = False, rows: int = 3, **kw: Any
) -> forms.CharField:
    """A text box of up to TEXT_MAX characters, optional unless said."""
    return _text(
        label,
        what,
        required=required,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kw,
    )


def _lock_version(*, required: bool = False) -> forms.IntegerField:
    """The version the page was opened at, for the stale-edit check."""
    return forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=required)


def _not_after_today(day: date) -> date:
    if day > clock.today():
        raise forms.ValidationError("Enter a date that is today or in the past")
    return day


def _model_choices(form: forms.Form, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def _agencies(partnership: Partnership) -> QuerySet[Agency]:
    return Agency.objects.filter(partnerships=partnership).order_by("short_name")


def _open_actions(partnership: Partnership) -> QuerySet[Action]:
    return (
        Action.objects.filter(plan__partnership=partnership)
        .exclude(plan__status=Plan.Status.SUPERSEDED)
        .select_related("plan")
        .order_by("plan__title", "order", "id")
    )


def _action_choice_label(action: Action) -> str:
    return f"{action.reference} {action.title[:90]} ({action.plan.title})"


class ActionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _action_choice_label(obj)


class ActionsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _action_choice_label(obj)


def _lead_agency_field() -> forms.ModelChoiceField:
    """One of the partnership's agencies; the form sets the queryset
    (``_offer_partnership_choices``)."""
    return forms.ModelChoiceField(
        label="Lead agency (optional)",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="None of these",
        error_messages={"invalid_choice": "Select a lead agency of this partnership"},
    )


def _action_field(label: str) -> ActionChoiceField:
    return ActionChoiceField(
        label=label,
        queryset=Action.objects.none(),
        required=False,
        empty_label="No action",
        error_messages={"invalid_choice": "Select an action of this partnership"},
    )


def _offer_partnership_choices(form: forms.Form, partnership: Partnership) -> None:
    """The lead agencies and actions a project or bid may name: its partnership's."""
    _model_choices(form, "lead_agency").queryset = _agencies(partnership)
    _model_choices(form, "action").queryset = _open_actions(partnership)


class PrioritiesChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.label} ({obj.plan.title})"


# --- grants ---------------------------------------------------------------------------


class GrantForm(GovukErrorsMixin, forms.Form):
    name = _text(
        "Name of the grant",
        "the name of the grant",
        max_length=200,
        help_text='For example "Crime Reduction Grant".',
    )
    funder = _text(
        "Who gives it?",
        "who gives the grant",
        max_length=200,
        help_text='For example "Police and Crime Commissioner (PCC)".',
    )
    year = forms.CharField(
        label="Which financial year is it for?",
        max_length=10,
        help_text="For example 2023/24.",
        error_messages={
            "required": "Enter the financial year, like 2023/24",
            "max_length": "Enter the financial year like 2023/24",
        },
    )
    amount = MoneyField(label="Amount of the grant", what="the amount of the grant")
    up_front_amount = MoneyField(
        label="Up-front amount (optional)",
        what="the up-front amount",
        required=False,
        help_text="For projects agreed at the start of the year. Leave both pots blank to "
        "split two thirds up front and a third tactical pot, rounded down to whole pounds.",
    )
    tactical_amount = MoneyField(
        label="Tactical pot (optional)",
        what="the tactical pot",
        required=False,
        help_text="For bids during the year.",
    )
    tactical_closes_on = UKDateField(
        label="Date the tactical pot closes",
        required=False,
        help_text="Optional. For example, 29 2 2024. No bid can be made after it.",
    )
    rules = _long_text(
        "The funder's rules (optional)",
        "the rules",
        rows=4,
        help_text="How the grant may be spent and what happens to money not spent.",
    )
    lock_version = _lock_version()

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.text("funder", field_width=Fluid.TWO_THIRDS),
            Field.text("year", field_width=10),
            Field.text("amount", field_width=10),
            Field.text("up_front_amount", field_width=10),
            Field.text("tactical_amount", field_width=10),
            Field.text("tactical_closes_on", field_width=10),
            Field.textarea("rules", rows=4),
            "lock_version",
            Submit("submit", "Save changes" if editing else "Save grant"),
        )

    @staticmethod
    def initial_for(grant: Grant) -> dict[str, object]:
        data = vars(GrantData.of(grant))
        return data | {"year": grant.year_label, "lock_version": grant.lock_version}

    def clean_year(self) -> int:
        parsed = parse_period(self.cleaned_data["year"])
        if parsed is None or parsed[1] != parsed[0] + 1:
            raise forms.ValidationError("Enter one financial year, like 2023/24")
        if not 2000 <= parsed[0] <= 2099:
            raise forms.ValidationError("Enter a financial year between 2000/01 and 2099/00")
        return parsed[0]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        up_front, tactical = data.get("up_front_amount"), data.get("tactical_amount")
        amount = data.get("amount")
        if (up_front is None) != (tactical is None):
            missing = "tactical_amount" if tactical is None else "up_front_amount"
            if missing not in self.errors:
                self.add_error(missing, "Enter both pots, or leave both blank for the usual split")
        elif (
            isinstance(amount, Decimal)
            and isinstance(up_front, Decimal)
            and isinstance(tactical, Decimal)
            and up_front + tactical > amount
        ):
            self.add_error(
                "tactical_amount",
                "The up-front amount and the tactical pot must add up to no more than the grant",
            )
        return data

    def to_data(self) -> GrantData:
        return GrantData.from_form(self.cleaned_data, financial_year=self.cleaned_data["year"])


class ReturnForm(GovukErrorsMixin, forms.Form):
    amount = MoneyField(label="How much was returned?", what="the amount returned")
    returned_on = UKDateField(
        label="Date it was returned",
        help_text="For example, 31 3 2024.",
        required_message="Enter the date it was returned",
    )
    note = _long_text("Note (optional)", "a note")
    lock_version = _lock_version(required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("amount", field_width=10),
            Field.text("returned_on", field_width=10),
            Field.textarea("note", rows=3),
            "lock_version",
            Submit("submit", "Record the return"),
        )

    def clean_returned_on(self) -> date:
        return _not_after_today(self.cleaned_data["returned_on"])


# --- funded projects ------------------------------------------------------------------


class ProjectForm(GovukErrorsMixin, forms.Form):
    title = _text("Project", "the project's title", max_length=300)
    description = _long_text("What it does (optional)", "a description")
    lead_agency = _lead_agency_field()
    lead_text = _text(
        "Lead as written (optional)",
        "the lead",
        required=False,
        help_text='As the paper names it, for example "KCC Projects and Partnerships team".',
    )
    pot = radio_field(
        label="Which pot is it funded from?",
        choices=Pot.choices,
        message="Select the pot it is funded from",
    )
    amount_approved = MoneyField(
        label="Amount approved",
        what="the amount approved",
        help_text="Its own approval. A top-up later is a bid against the tactical pot.",
    )
    amount_spent = MoneyField(
        label="Amount spent (optional)",
        what="the amount spent",
        required=False,
        help_text="Leave blank until it is known.",
    )
    action = _action_field("Which action does it support? (optional)")
    start_date = UKDateField(
        label="Start date",
        required=False,
        help_text="Optional. For example, 1 4 2023.",
    )
    end_date = UKDateField(
        label="End date",
        required=False,
        help_text="Optional. For example, 31 3 2024.",
    )
    status = radio_field(
        label="What is its status?",
        choices=ProjectStatus.choices,
        initial=ProjectStatus.NOT_STARTED,
        message="Select the project's status",
    )
    note = _long_text("Update (optional)", "an update")
    lock_version = _lock_version()

    def __init__(
        self,
        *args: Any,
        grant: Grant,
        project: FundedProject | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.grant = grant
        _offer_partnership_choices(self, grant.partnership)
        layout: list[object] = [
            Field.text("title", field_width=Fluid.FULL),
            Field.textarea("description", rows=3),
            Field.select("lead_agency"),
            Field.text("lead_text", field_width=Fluid.TWO_THIRDS),
            Field.radios("pot", legend_size=Size.SMALL, inline=True),
            Field.text("amount_approved", field_width=10),
            Field.text("amount_spent", field_width=10),
            Field.select("action"),
            Field.text("start_date", field_width=10),
            Field.text("end_date", field_width=10),
        ]
        if project is None:
            layout += [
                Field.radios("status", legend_size=Size.SMALL, small=True),
                Field.textarea("note", rows=3),
            ]
        else:
            del self.fields["status"]
            del self.fields["note"]
        layout += ["lock_version", Submit("submit", "Save project")]
        self.helper = form_helper(*layout)

    @staticmethod
    def initial_for(project: FundedProject) -> dict[str, object]:
        return vars(ProjectData.of(project)) | {"lock_version": project.lock_version}

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("end_date", "Enter an end date on or after the start date")
        return data

    def to_data(self) -> ProjectData:
        return ProjectData.from_form(self.cleaned_data)


class ProjectStatusForm(GovukErrorsMixin, forms.Form):
    status = radio_field(
        label="What is the project's status now?",
        choices=ProjectStatus.choices,
        message="Select the project's status",
    )
    note = _long_text(
        "Update",
        "an update",
        required=True,
        rows=5,
        help_text="What has happened and what is next, as the Working Group's update would put it.",
    )
    lock_version = _lock_version(required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("status", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea("note", rows=5, label_size=Size.MEDIUM, label_tag="h2"),
            "lock_version",
            Submit("submit", "Save status"),
        )


# --- bids -----------------------------------------------------------------------------


class BidForm(GovukErrorsMixin, forms.Form):
    top_up_of = forms.ModelChoiceField(
        label="Is it a top-up of a funded project?",
        queryset=FundedProject.objects.none(),
        required=False,
        empty_label="No, a new project",
        help_text="More money for a project the grant funds already.",
        error_messages={"invalid_choice": "Select a project of this grant"},
    )
    title = _text("Title of the bid", "the title of the bid", max_length=300)
    description = _long_text("What it is for (optional)", "what it is for")
    lead_agency = _lead_agency_field()
    lead_text = _text("Lead as written (optional)", "the lead", required=False)
    amount = MoneyField(label="Amount asked for", what="the amount asked for")
    action = _action_field("Which action would it support? (optional)")
    submitted_on = UKDateField(
        label="Date the bid was made",
        help_text="For example, 16 11 2023.",
        required_message="Enter the date the bid was made",
    )

    def __init__(self, *args: Any, grant: Grant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grant = grant
        _model_choices(self, "top_up_of").queryset = FundedProject.objects.filter(
            grant=grant
        ).order_by("order", "id")
        _offer_partnership_choices(self, grant.partnership)
        self.helper = form_helper(
            Field.select("top_up_of"),
            Field.text("title", field_width=Fluid.FULL),
            Field.textarea("description", rows=3),
            Field.select("lead_agency"),
            Field.text("lead_text", field_width=Fluid.TWO_THIRDS),
            Field.text("amount", field_width=10),
            Field.select("action"),
            Field.text("submitted_on", field_width=10),
            Submit("submit", "Save bid"),
        )

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError("Enter the amount asked for, more than £0")
        return amount

    def clean_submitted_on(self) -> date:
        return _not_after_today(self.cleaned_data["submitted_on"])

    def to_data(self) -> BidData:
        return BidData.from_form(self.cleaned_data)


class BidDecisionForm(GovukErrorsMixin, forms.Form):
    decision = radio_field(
        label="What was decided?",
        choices=[("approve", "Approved"), ("decline", "Declined")],
        message="Select whether the bid was approved or declined",
    )
    decided_on = UKDateField(
        label="Date of the decision",
        help_text="For example, 14 3 2024.",
        required_message="Enter the date of the decision",
    )
    note = _long_text("Note (optional)", "a note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("decision", legend_size=Size.MEDIUM, legend_tag="h2", inline=True),
            Field.text("decided_on", field_width=10),
            Field.textarea("note", rows=3),
            Submit("submit", "Save decision"),
        )

    def clean_decided_on(self) -> date:
        return _not_after_today(self.cleaned_data["decided_on"])


# --- indicators -----------------------------------------------------------------------


class IndicatorForm(GovukErrorsMixin, forms.Form):
    name = _text(
        "Name",
        "the indicator's name",
        max_length=200,
        help_text='For example "ASB incidents reported to Kent Police".',
    )
    description = _long_text("Description (optional)", "a description")
    unit = _text(
        "What is counted?",
        "what is counted",
        max_length=50,
        help_text='For example "incidents", "fires" or "people".',
    )
    source = _text(
        "Where do the numbers come from?",
        "where the numbers come from",
        max_length=200,
        help_text='For example "Kent Police".',
    )
    direction = radio_field(
        label="Which way is good?",
        choices=Indicator.Direction.choices,
        message="Select which way is good",
    )
    frequency = radio_field(
        label="How often is it reported?",
        choices=Frequency.choices,
        message="Select how often it is reported",
    )
    baseline_value = NumberField(
        label="Baseline (optional)",
        what="the baseline",
        required=False,
        help_text="The number to compare each period's value with, per quarter or per month.",
    )
    baseline_period = _text(
        "Period of the baseline",
        "the period of the baseline",
        required=False,
        max_length=30,
        help_text='A financial year "2022/23", a quarter "2022/23 Q4" or a month "March 2023".',
    )
    target_value = NumberField(label="Target (optional)", what="the target", required=False)
    priorities = PrioritiesChoiceField(
        label="Which priorities does it measure? (optional)",
        queryset=Priority.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": "Select priorities of this partnership",
            "invalid_pk_value": "Select priorities of this partnership",
        },
    )
    actions = ActionsChoiceField(
        label="Which actions does it measure? (optional)",
        queryset=Action.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Numbers the officers report in these actions' updates can feed it.",
        error_messages={
            "invalid_choice": "Select actions of this partnership",
            "invalid_pk_value": "Select actions of this partnership",
        },
    )
    figure_label = _text(
        "Number reported in updates (optional)",
        "the words of the number",
        required=False,
        max_length=100,
        help_text='The words officers use for it, like "deliberate grass and rubbish fires". '
        "Leave blank to offer every number of the linked actions.",
    )
    lock_version = _lock_version()

    def __init__(
        self,
        *args: Any,
        partnership: Partnership,
        indicator: Indicator | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.indicator = indicator
        priorities = (
            Priority.objects.filter(plan__partnership=partnership)
            .exclude(plan__status=Plan.Status.SUPERSEDED)
            .select_related("plan")
            .order_by("plan__title", "number")
        )
        _model_choices(self, "priorities").queryset = priorities
        actions = _open_actions(partnership)
        _model_choices(self, "actions").queryset = actions
        layout: list[object] = [
            Field.text("name", field_width=Fluid.FULL),
            Field.textarea("description", rows=3),
            Field.text("unit", field_width=Fluid.ONE_THIRD),
            Field.text("source", field_width=Fluid.TWO_THIRDS),
            Field.radios("direction", legend_size=Size.SMALL, inline=True),
            Field.radios("frequency", legend_size=Size.SMALL, inline=True),
            Field.text("baseline_value", field_width=10),
            Field.text("baseline_period", field_width=10),
            Field.text("target_value", field_width=10),
        ]
        if priorities.exists():
            layout.append(Field.checkboxes("priorities", legend_size=Size.SMALL, small=True))
        if actions.exists():
            layout.append(Field.checkboxes("actions", legend_size=Size.SMALL, small=True))
        layout += [
            Field.text("figure_label", field_width=Fluid.TWO_THIRDS),
            "lock_version",
            Submit("submit", "Save changes" if indicator else "Save indicator"),
        ]
        self.helper = form_helper(*layout)

    @staticmethod
    def initial_for(indicator: Indicator) -> dict[str, object]:
        return vars(IndicatorData.of(indicator)) | {"lock_version": indicator.lock_version}

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        clash = Indicator.objects.filter(partnership=self.partnership, name__iexact=name)
        if self.indicator is not None:
            clash = clash.exclude(pk=self.indicator.pk)
        if clash.exists():
            raise forms.ValidationError("The partnership has an indicator of this name already")
        return name

    def clean_baseline_period(self) -> str:
        text: str = self.cleaned_data["baseline_period"].strip()
        if not text:
            return ""
        try:
            return baseline_period_label(text)
        except ValueError:
            raise forms.ValidationError(
                'Enter the period like "2022/23", "2022/23 Q4" or "March 2023"'
            ) from None

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (
            data.get("baseline_value") is not None
            and not data.get("baseline_period")
            and "baseline_period" not in self.errors
        ):
            self.add_error("baseline_period", "Enter the period of the baseline")
        return data

    def to_data(self) -> IndicatorData:
        links = {name: list(self.cleaned_data[name]) for name in ("priorities", "actions")}
        return IndicatorData.from_form(self.cleaned_data, **links)


def value_periods(indicator: Indicator) -> list[Period]:
    """The periods a value may be recorded for, newest first: from the start of the
    financial year two years back to the period under way today."""
    today = clock.today()
    current = Period.containing(today, indicator.frequency)
    first = Period(current.financial_year - 2, 1, indicator.frequency)
    return list(reversed(periods_between(first, current)))


class IndicatorValueForm(GovukErrorsMixin, forms.Form):
    period = forms.ChoiceField(
        label="Which period is it for?",
        error_messages={
            "required": "Select the period the value is for",
            "invalid_choice": "Select a period from the list",
        },
    )
    value = NumberField(label="Value", what="the value")
    note = _long_text(
        "Note",
        "a note",
        help_text="Where the number comes from, or why a value is corrected. Needed for a "
        "correction.",
    )

    def __init__(
        self, *args: Any, indicator: Indicator, recorded: set[Period], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.recorded = recorded
        self.fields["value"].label = f"Value ({indicator.unit})"
        period = self.fields["period"]
        assert isinstance(period, forms.ChoiceField)
        period.choices = [("", "Select a period")] + [
            (p.key, f"{p.label} (has a value: this corrects it)" if p in recorded else p.label)
            for p in value_periods(indicator)
        ]
        self.helper = form_helper(
            Field.select("period"),
            Field.text("value", field_width=10),
            Field.textarea("note", rows=3),
            Submit("submit", "Save value"),
        )

    def clean_period(self) -> Period:
        return Period.from_key(self.cleaned_data["period"], self.indicator.frequency)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        period = data.get("period")
        if (
            isinstance(period, Period)
            and period in self.recorded
            and not (data.get("note") or "").strip()
        ):
            self.add_error(
                "note",
                f"Enter why the value for {period.label} is corrected: it has a value already",
            )
        return data


class FigureChoiceForm(GovukErrorsMixin, forms.Form):
    """The reported number the coordinator picked on the indicator page."""

    figure = forms.RegexField(
        regex=r"^\d+:\d+$",
        error_messages={
            "required": "Choose a number reported in an update",
            "invalid": "Choose a number reported in an update",
        },
    )

    def choice(self) -> tuple[int, int]:
        update, index = self.cleaned_data["figure"].split(":")
        return int(update), int(index)
