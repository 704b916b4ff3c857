"""Plan authoring forms: GOV.UK patterns through crispy-forms-gds, a specific error
message for every field, no browser-native validation (templates use novalidate)."""

from typing import Any, cast

from crispy_forms_gds.layout import Field, Fluid, Size, Submit
from django import forms

from csp_tracker.forms import (
    GovukErrorsMixin,
    checkboxes_field,
    form_helper,
    lines_kept,
    save_buttons,
    text_field,
)
from plans.forms import lead_agencies_field
from plans.models import Agency, Plan
from plans.text import text_limit_errors
from priorities.lists import list_from_text, list_to_text
from priorities.models import CrossCuttingTheme, Priority, PriorityCategory
from priorities.services import HeadingData

LIST_HINT = (
    "For a point under the one above, start its line with two spaces (a bulleted list "
    "pasted from Word keeps its levels)."
)


def list_field(label: str, *, hint: str, **messages: str) -> forms.CharField:
    """A plain list, one point a line (read by priorities.lists.list_from_text)."""
    return text_field(label, max_length=10000, rows=4, help_text=f"{hint} {LIST_HINT}", **messages)


class HeadingForm(GovukErrorsMixin, forms.Form):
    """A priority or a cross-cutting theme."""

    error_names = {"summary": "The summary", "categories": "The county categories"}

    title = text_field("Title", max_length=200, noun="a title", required="Enter the title")
    summary = text_field(
        "Why it is a priority",
        max_length=20000,
        rows=6,
        too_long="Enter why it is a priority in 20,000 characters or fewer",
        help_text="The summary of the issue. Same formatting as section text.",
    )
    facts = list_field("Key facts", noun="key facts", hint="One fact a line.")
    includes = list_field(
        "What it includes (the focus)",
        too_long="Enter what it includes in 10,000 characters or fewer",
        hint='One point a line, for example "Organised crime groups".',
    )
    outcomes = list_field(
        "Outcomes sought",
        noun="outcomes",
        hint="What the partnership wants to achieve, one a line.",
    )
    lead = text_field(
        "Lead as the plan names it",
        max_length=300,
        rows=2,
        noun="a lead",
        help_text='For example "Superintendent of Strategic Prevention, Kent Police".',
    )
    lead_agencies = lead_agencies_field(help_text="Select all that apply.")
    categories = checkboxes_field(
        label="Which county categories does it match?",
        queryset=PriorityCategory.objects.none(),
        message="Select categories from the list",
        help_text="Select all that apply: the county counts it under each.",
    )
    note = text_field(
        "Note under the theme in the action plan",
        max_length=500,
        noun="a note",
        help_text='For example "Actions already contained within other priority sections".',
    )

    def __init__(
        self, *args: Any, is_theme: bool, plan: Plan, adding: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.is_theme = is_theme
        categories = cast(forms.ModelMultipleChoiceField, self.fields["categories"])
        categories.queryset = PriorityCategory.objects.order_by("order", "name")
        lead_agencies = cast(forms.ModelMultipleChoiceField, self.fields["lead_agencies"])
        lead_agencies.queryset = Agency.objects.filter(partnerships=plan.partnership).order_by(
            "short_name"
        )
        if is_theme:
            self.fields["summary"].label = "Summary of the theme"
            self.fields["summary"].error_messages["max_length"] = (
                "Enter a summary of 20,000 characters or fewer"
            )
        fields: list[object] = [
            Field.text("title", field_width=Fluid.FULL),
            Field.textarea("summary", rows=6),
            Field.textarea("facts", rows=4),
            Field.textarea("includes", rows=4),
            Field.textarea("outcomes", rows=4),
            Field.textarea("lead", rows=2),
            Field.checkboxes("lead_agencies", legend_size=Size.SMALL, small=True),
            Field.checkboxes("categories", legend_size=Size.SMALL, small=True),
        ]
        if is_theme:
            fields.append(Field.text("note", field_width=Fluid.FULL))
        else:
            del self.fields["note"]
        what = "theme" if is_theme else "priority"
        another = f"Save and add another {what}" if adding else ""
        fields.append(save_buttons(f"Save {what}", add_another=another))
        self.helper = form_helper(*fields)

    def clean_summary(self) -> str:
        """The summary is Markdown like section text, with its limits (the lists below it
        are plain lists, one point a line)."""
        text: str = self.cleaned_data["summary"]
        errors = text_limit_errors(text, label="The summary")
        if errors:
            raise forms.ValidationError(errors)
        return text

    @staticmethod
    def initial_for(heading: Priority | CrossCuttingTheme) -> dict[str, object]:
        return {
            "title": heading.title,
            "summary": heading.summary,
            "facts": list_to_text(heading.facts),
            "includes": list_to_text(heading.includes),
            "outcomes": list_to_text(heading.outcomes),
            "lead": heading.lead,
            "lead_agencies": list(heading.lead_agencies.all()),
            "categories": list(heading.categories.all()),
            "note": getattr(heading, "note", ""),
        }

    def to_data(self, *, number: int) -> HeadingData:
        d = self.cleaned_data
        return HeadingData(
            number=number,
            title=d["title"].strip(),
            summary=d["summary"].strip(),
            facts=list_from_text(d["facts"]),
            includes=list_from_text(d["includes"]),
            outcomes=list_from_text(d["outcomes"]),
            lead=lines_kept(d["lead"]),
            lead_agencies=list(d["lead_agencies"]),
            categories=list(d["categories"]),
            note=(d.get("note") or "").strip(),
        )


class WorkstreamForm(GovukErrorsMixin, forms.Form):
    """A heading within a priority or theme, like "Prevent" or "Prevention and community
    involvement"."""

    title = text_field(
        "Heading",
        max_length=200,
        noun="a heading",
        required="Enter the heading",
        help_text='As the plan writes it, for example "Pursue" or "Early intervention".',
    )

    def __init__(self, *args: object, adding: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        another = "Save and add another heading" if adding else ""
        self.helper = form_helper(
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            save_buttons("Save heading", add_another=another),
        )


class AssessmentChoiceForm(GovukErrorsMixin, forms.Form):
    """The county categories a district's strategic assessment chose for a year."""

    categories = checkboxes_field(
        label="Which county categories did the strategic assessment choose?",
        queryset=PriorityCategory.objects.none(),
        message="Select categories from the list",
        help_text="Select all that apply. Leave them all clear if none were recorded.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["categories"])
        field.queryset = PriorityCategory.objects.order_by("order", "name")
        self.helper = form_helper(
            Field.checkboxes("categories", legend_size=Size.SMALL, small=True),
            Submit("submit", "Save the choices"),
        )
