"""Plan authoring forms: GOV.UK patterns through crispy-forms-gds, a specific error
message for every field, no browser-native validation (templates use novalidate)."""

from typing import Any, cast

from crispy_forms_gds.layout import Field, Fluid, Size, Submit
from django import forms

from csp_tracker.forms import (
    GovukErrorsMixin,
    checkboxes_field,
    form_helper,
    radio_field,
    save_buttons,
    select_field,
    text_field,
)
from csp_tracker.periods import PeriodError, parse_period_checked
from plans.images import EMPTY_ERROR, MAX_IMAGE_BYTES, SIZE_ERROR, CleanImage, image_clean
from plans.models import Agency, GeneratedTable, Partnership, Plan, PlanSection, PlanShape
from plans.services import SectionData, section_data
from plans.text import (
    MAX_NESTING,
    MAX_SECTION_LENGTH,
    MAX_TABLE_CELLS,
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
    text_limit_errors,
)


def lead_agencies_field(*, help_text: str, required: str = "") -> forms.ModelMultipleChoiceField:
    """The lead agencies of a priority or an action: checkboxes of the plan's
    partnership's agencies (the form sets the queryset in its ``__init__``)."""
    return checkboxes_field(
        label="Lead agencies",
        queryset=Agency.objects.none(),
        message="Select lead agencies of this partnership",
        required=required,
        help_text=help_text,
    )


class PlanForm(GovukErrorsMixin, forms.Form):
    error_names = {
        "period": "The financial years",
        "kind": "The kind of document",
        "shape": "The shape of the plan",
    }

    partnership = select_field(
        label="Which partnership is the plan for?",
        queryset=Partnership.objects.none(),
        empty_label="Select a partnership",
        message="Select a partnership you coordinate",
        required="Select the partnership the plan is for",
    )
    kind = radio_field(
        label="What kind of document is it?",
        choices=Plan.Kind.choices,
        message="Select what kind of document it is",
    )
    title = text_field(
        "Title",
        max_length=200,
        noun="a title",
        required="Enter the title of the plan",
        help_text='As the document is called, for example "Swale Community Safety Plan 2023/24".',
    )
    shape = radio_field(
        label="How does it run over its years?",
        choices=PlanShape.choices,
        help_text="A strategy with a yearly action plan keeps its years; each year's "
        "refresh starts its next action plan.",
        message="Select how the plan runs over its years",
    )
    period = text_field(
        "Which financial years does it cover?",
        max_length=20,
        too_long="Enter the years like 2024/25 or 2024-2028",
        required="Enter the financial years the plan covers",
        help_text="For one year write it like 2024/25; for several, like 2024-2028, 2024-28 "
        "or 2024 to 2028.",
    )

    def __init__(
        self, *args: Any, partnerships: list[Partnership] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        layout: list[object] = []
        if partnerships is None:
            del self.fields["partnership"]
            del self.fields["kind"]
        else:
            field = cast(forms.ModelChoiceField, self.fields["partnership"])
            field.queryset = Partnership.objects.filter(
                pk__in=[p.pk for p in partnerships]
            ).order_by("name")
            layout += [
                Field.select("partnership"),
                Field.radios("kind", legend_size=Size.SMALL),
            ]
        layout += [
            Field.text("title", field_width=Fluid.FULL),
            Field.radios("shape", legend_size=Size.SMALL),
            Field.text("period", field_width=10),
            Submit("submit", "Save and continue" if partnerships is not None else "Save"),
        ]
        self.helper = form_helper(*layout)

    def clean_period(self) -> tuple[int, int]:
        try:
            start, end = parse_period_checked(self.cleaned_data["period"])
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None
        if not (start >= 2000 and end <= 2100):
            raise forms.ValidationError("Enter years between 2000 and 2100")
        if end - start > 10:
            raise forms.ValidationError("Enter a period of 10 years or fewer")
        return start, end

    def clean(self) -> dict[str, Any]:
        super().clean()
        shape, period = self.cleaned_data.get("shape"), self.cleaned_data.get("period")
        if shape and isinstance(period, tuple):
            start, end = period
            if shape == PlanShape.ONE_YEAR and end - start != 1:
                self.add_error(
                    "period",
                    f"A one-year plan covers one financial year: enter it like "
                    f"{start}/{(start + 1) % 100:02d}",
                )
            elif shape != PlanShape.ONE_YEAR and end - start == 1:
                self.add_error("period", f"Enter the years it covers, like {start}-{start + 3}")
        return self.cleaned_data


class SectionForm(GovukErrorsMixin, forms.Form):
    error_names = {"body": "Section text"}

    title = text_field(
        "Section heading",
        max_length=200,
        noun="a heading",
        required="Enter the section heading",
        help_text='For example "1. Introduction" or "Strategic drivers".',
    )
    body = text_field(
        "Text",
        max_length=MAX_SECTION_LENGTH,
        rows=14,
        noun="text",
        help_text="Paste the text. A blank line starts a new paragraph; start a line with "
        '"- " for a bullet list, "### " for a sub-heading; write a link as '
        "[words](https://example.org). To refer to another chapter, priority or theme, "
        "write its heading in double brackets, [[County Priorities]] or [[Priority 2]] "
        "([[Appendix E|the table]] for other words): the PDF prints a link and the page it "
        "is on, so never type a page number. Tables: lines like | Priority | Lead |. Lists can "
        f"be nested {MAX_NESTING} deep; a table can have {MAX_TABLE_ROWS} rows and "
        f"{MAX_TABLE_COLUMNS} columns, and the text {MAX_TABLE_CELLS} table cells in all.",
    )
    generated = forms.ChoiceField(
        label="Add a table the tool builds (optional)",
        required=False,
        choices=[("", "No table"), *GeneratedTable.choices],
        help_text="Shown after the text, from the plan's priorities, themes and actions, or "
        "the partnership's grants and indicators.",
        error_messages={"invalid_choice": "Select a table from the list"},
    )
    starts_new_page = forms.BooleanField(
        label="Start on a new page",
        required=False,
        help_text="In the PDF. Otherwise the chapter follows on from the previous one.",
    )
    is_restricted = forms.BooleanField(
        label="Restricted: not for publication",
        required=False,
        help_text="A restricted section is never in a public page or a published PDF.",
    )

    def __init__(self, *args: Any, adding: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("title", field_width=Fluid.FULL),
            Field.textarea("body", rows=14),
            Field.select("generated"),
            Field.checkbox("starts_new_page", small=True),
            Field.checkbox("is_restricted", small=True),
            save_buttons(
                "Save section", add_another="Save and add another section" if adding else ""
            ),
        )

    @staticmethod
    def initial_for(section: PlanSection) -> dict[str, object]:
        return dict(section_data(section))

    def to_data(self) -> SectionData:
        """What plan_section_create and plan_section_update take (the text fields strip
        their values, as Django's CharField does by default)."""
        data = {name: self.cleaned_data[name] for name in SectionData.__annotations__}
        return cast(SectionData, data)

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        errors = text_limit_errors(body, label="Section text")
        if errors:
            raise forms.ValidationError(errors)
        return body


class ImageForm(GovukErrorsMixin, forms.Form):
    """An image a document shows (a logo, a section's chart): its file, checked by
    plans/images.py, and its alternative text, or that it is decorative.

    A changed image keeps its file unless a new one is chosen (``file_required``
    False). The accepted file is ``self.image`` once the form is valid.
    """

    file = forms.FileField(
        label="Image file",
        help_text="A PNG, JPEG or SVG file, smaller than 2MB.",
        error_messages={
            "required": "Select an image file",
            "empty": EMPTY_ERROR,
            "invalid": "The selected file could not be read: upload it again",
        },
    )
    alt = forms.CharField(
        label="Alternative text",
        required=False,
        max_length=250,
        help_text="What the image shows or says, for someone who cannot see it. For a logo, "
        "its words; for a chart, what it shows.",
        error_messages={"max_length": "Enter alternative text of 250 characters or fewer"},
    )
    is_decorative = forms.BooleanField(
        label="The image is decorative: it adds nothing the text does not say",
        required=False,
        help_text="Screen readers skip a decorative image.",
    )

    image: CleanImage | None = None

    def __init__(
        self, *args: Any, file_required: bool = True, submit: str = "Save", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].required = file_required
        if not file_required:
            self.fields["file"].label = "Replace the image (optional)"
        self.helper = form_helper(*self.layout(), Submit("submit", submit))

    def layout(self) -> list[object]:
        return [
            Field("file"),
            Field.text("alt", field_width=Fluid.FULL),
            Field.checkbox("is_decorative", small=True),
        ]

    def clean_file(self) -> object:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size is not None and upload.size > MAX_IMAGE_BYTES:
            raise forms.ValidationError(SIZE_ERROR)
        self.image = image_clean(b"".join(upload.chunks()))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "alt" in data and not data["alt"].strip() and not data.get("is_decorative"):
            self.add_error("alt", "Enter the alternative text, or say the image is decorative")
        return data


class SectionImageForm(ImageForm):
    caption = forms.CharField(
        label="Caption (optional)",
        required=False,
        max_length=300,
        help_text="Shown under the image, e.g. \u201cFigure 1: how the CSP is run\u201d.",
        error_messages={"max_length": "Enter a caption of 300 characters or fewer"},
    )

    def layout(self) -> list[object]:
        return [*super().layout(), Field.text("caption", field_width=Fluid.FULL)]
