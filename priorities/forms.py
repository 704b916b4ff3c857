"""Plan authoring forms: GOV.UK patterns through crispy-forms-gds, a specific error
message for every field, no browser-native validation (templates use novalidate)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms

from csp_tracker.periods import parse_period
from plans.models import GeneratedTable, Partnership, Plan
from priorities.models import PriorityCategory
from priorities.services import HeadingData


class PlanForm(forms.Form):
    partnership = forms.ModelChoiceField(
        label="Which partnership is the plan for?",
        queryset=Partnership.objects.none(),
        empty_label="Select a partnership",
        error_messages={
            "required": "Select the partnership the plan is for",
            "invalid_choice": "Select a partnership you coordinate",
        },
    )
    kind = forms.ChoiceField(
        label="What kind of document is it?",
        choices=Plan.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what kind of document it is",
            "invalid_choice": "Select what kind of document it is",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text='As the document is called, for example "Swale Community Safety Plan 2023/24".',
        error_messages={
            "required": "Enter the title of the plan",
            "max_length": "Enter a title of 200 characters or fewer",
        },
    )
    period = forms.CharField(
        label="Which financial years does it cover?",
        max_length=20,
        help_text="For one year write it like 2024/25; for several, like 2024-2028.",
        error_messages={
            "required": "Enter the financial years the plan covers",
            "max_length": "Enter the years like 2024/25 or 2024-2028",
        },
    )

    def __init__(
        self, *args: object, partnerships: list[Partnership] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = FormHelper()
        self.helper.form_tag = False
        layout: list[object] = []
        if partnerships is None:
            del self.fields["partnership"]
            del self.fields["kind"]
        else:
            self.fields["partnership"].queryset = Partnership.objects.filter(
                pk__in=[p.pk for p in partnerships]
            ).order_by("name")
            layout += [
                Field.select("partnership"),
                Field.radios("kind", legend_size=Size.SMALL),
            ]
        layout += [
            Field.text("title", field_width=Fluid.FULL),
            Field.text("period", field_width=10),
            Submit("submit", "Save and continue" if partnerships is not None else "Save"),
        ]
        self.helper.layout = Layout(*layout)

    def clean_period(self) -> tuple[int, int]:
        parsed = parse_period(self.cleaned_data["period"])
        if parsed is None:
            raise forms.ValidationError(
                "Enter the years like 2024/25 for one year or 2024-2028 for several"
            )
        start, end = parsed
        if not (start >= 2000 and end <= 2100):
            raise forms.ValidationError("Enter years between 2000 and 2100")
        if end - start > 10:
            raise forms.ValidationError("Enter a period of 10 years or fewer")
        return parsed


class SectionForm(forms.Form):
    title = forms.CharField(
        label="Section heading",
        max_length=200,
        help_text='For example "1. Introduction" or "Strategic drivers".',
        error_messages={
            "required": "Enter the section heading",
            "max_length": "Enter a heading of 200 characters or fewer",
        },
    )
    body = forms.CharField(
        label="Text",
        required=False,
        max_length=60000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Paste the text. A blank line starts a new paragraph; start a line with "
        '"- " for a bullet list, "### " for a sub-heading; write a link as '
        "[words](https://example.org). Tables: lines like | Priority | Lead |.",
        error_messages={"max_length": "Enter text of 60,000 characters or fewer"},
    )
    generated = forms.ChoiceField(
        label="Add a table the tool builds (optional)",
        required=False,
        choices=[("", "No table"), *GeneratedTable.choices],
        help_text="Shown after the text, from the plan's priorities, themes and actions.",
        error_messages={"invalid_choice": "Select a table from the list"},
    )
    is_restricted = forms.BooleanField(
        label="Restricted: not for publication",
        required=False,
        help_text="A restricted section is never in a public page or a published PDF.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("title", field_width=Fluid.FULL),
            Field.textarea("body", rows=14),
            Field.select("generated"),
            Field.checkbox("is_restricted", small=True),
            Submit("submit", "Save section"),
        )


class HeadingForm(forms.Form):
    """A priority or a cross-cutting theme."""

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
            Field.text("lead", field_width=Fluid.FULL),
            Field.select("category"),
        ]
        if is_theme:
            fields.append(Field.text("note", field_width=Fluid.FULL))
        else:
            del self.fields["note"]
        fields.append(Submit("submit", "Save theme" if is_theme else "Save priority"))
        self.helper.layout = Layout(*fields)

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
            lead=d["lead"].strip(),
            category=d["category"],
            note=(d.get("note") or "").strip(),
        )
