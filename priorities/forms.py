"""Plan authoring forms: GOV.UK patterns through crispy-forms-gds, a specific error
message for every field, no browser-native validation (templates use novalidate)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Submit
from django import forms

from csp_tracker.forms import GovukErrorsMixin, lines_kept
from plans.text import text_limit_errors
from priorities.models import PriorityCategory
from priorities.services import HeadingData


class HeadingForm(GovukErrorsMixin, forms.Form):
    """A priority or a cross-cutting theme."""

    error_names = {"summary": "The summary", "category": "The county category"}

    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter the title",
            "max_length": "Enter a title of 200 characters or fewer",
        },
    )
    summary = forms.CharField(
        label="Summary of the issue",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text='Why it is a priority: "the facts". Same formatting as section text.',
        error_messages={"max_length": "Enter a summary of 20,000 characters or fewer"},
    )
    includes = forms.CharField(
        label="What it includes",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text='For example "Organised crime groups, gangs, county lines".',
        error_messages={"max_length": "Enter 2,000 characters or fewer"},
    )
    outcomes = forms.CharField(
        label="Outcomes sought",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text='What the partnership wants to achieve. Start each with "- " for a list.',
        error_messages={"max_length": "Enter outcomes of 10,000 characters or fewer"},
    )
    lead = forms.CharField(
        label="Lead",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text='As the plan names it, for example "Superintendent of Strategic '
        'Prevention, Kent Police".',
        error_messages={"max_length": "Enter a lead of 300 characters or fewer"},
    )
    category = forms.ModelChoiceField(
        label="Which county category does it match?",
        queryset=PriorityCategory.objects.none(),
        required=False,
        empty_label="None of these",
        help_text="The county counts how many partnerships chose each category.",
        error_messages={"invalid_choice": "Select a category from the list"},
    )
    note = forms.CharField(
        label="Note under the theme in the action plan",
        required=False,
        max_length=500,
        help_text='For example "Actions already contained within other priority sections".',
        error_messages={"max_length": "Enter a note of 500 characters or fewer"},
    )

    def __init__(self, *args: object, is_theme: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.is_theme = is_theme
        self.fields["category"].queryset = PriorityCategory.objects.order_by("order", "name")
        self.helper = FormHelper()
        self.helper.form_tag = False
        fields: list[object] = [
            Field.text("title", field_width=Fluid.FULL),
            Field.textarea("summary", rows=6),
            Field.textarea("includes", rows=2),
            Field.textarea("outcomes", rows=4),
            Field.textarea("lead", rows=2),
            Field.select("category"),
        ]
        if is_theme:
            fields.append(Field.text("note", field_width=Fluid.FULL))
        else:
            del self.fields["note"]
        fields.append(Submit("submit", "Save theme" if is_theme else "Save priority"))
        self.helper.layout = Layout(*fields)

    def clean_summary(self) -> str:
        return self._within_limits("summary", label="The summary")

    def clean_outcomes(self) -> str:
        return self._within_limits("outcomes", label="Outcomes sought")

    def _within_limits(self, name: str, *, label: str) -> str:
        """The summary and the outcomes are Markdown like section text, with its limits."""
        text: str = self.cleaned_data[name]
        errors = text_limit_errors(text, label=label)
        if errors:
            raise forms.ValidationError(errors)
        return text

    @staticmethod
    def initial_for(heading: object) -> dict[str, object]:
        return {
            name: getattr(heading, name, "")
            for name in ("title", "summary", "includes", "outcomes", "lead", "category", "note")
        }

    def to_data(self, *, number: int) -> HeadingData:
        d = self.cleaned_data
        return HeadingData(
            number=number,
            title=d["title"].strip(),
            summary=d["summary"].strip(),
            includes=d["includes"].strip(),
            outcomes=d["outcomes"].strip(),
            lead=lines_kept(d["lead"]),
            category=d["category"],
            note=(d.get("note") or "").strip(),
        )
