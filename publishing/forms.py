"""The publish form: version number, effective date and what changed, by chapter."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from crispy_forms_gds.layout import Field, Fluid, Submit
from django import forms
from django.http import QueryDict

from csp_tracker.forms import GovukErrorsMixin, UKDateField, form_helper
from jobs.idempotency import FIELD, key_from, new_key
from plans.models import Plan, PlanVersion
from publishing.checks import Finding, findings_key


class PublishForm(GovukErrorsMixin, forms.Form):
    error_names = {"summary": "The summary"}

    number = forms.RegexField(
        label="Version number",
        regex=r"^\d{1,3}(\.\d{1,3})?$",
        max_length=10,
        help_text="For example 8.0 for a yearly refresh, 8.1 for a correction.",
        error_messages={
            "required": "Enter the version number",
            "invalid": "Enter the version number like 8.0",
            "max_length": "Enter the version number like 8.0",
        },
    )
    effective_date = UKDateField(
        label="Effective date",
        help_text="For example, 1 4 2024.",
        required_message="Enter the date the version takes effect",
    )
    summary = forms.CharField(
        label="Summary (optional)",
        required=False,
        max_length=300,
        help_text='For example "Refreshed Kent Community Safety Agreement (CSA)".',
        error_messages={"max_length": "Enter a summary of 300 characters or fewer"},
    )
    changes = forms.CharField(
        label="Changes by chapter",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One change a line, the chapter first: “Ch.5 – achievements for 2023/24 "
        "added”. They are listed in the version control table.",
        error_messages={"max_length": "Enter changes of 5,000 characters or fewer"},
    )
    # Asked only when the editor's check found something (publishing/checks.py).
    warnings_confirmed = forms.BooleanField(
        label="I have checked these and want to publish",
        required=False,
    )
    # The findings the page showed: a confirmation is of those, not of ones added since.
    findings_key = forms.CharField(widget=forms.HiddenInput, required=False)
    # The form's idempotency key (jobs/idempotency.py): the same form posted twice
    # publishes once. Kept when the form is shown again with errors.
    request_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, plan: Plan, findings: Sequence[Finding] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.findings = list(findings)
        if not self.is_bound:
            self.initial[FIELD] = new_key()
        fields: list[Any] = [
            Field.text("number", field_width=5),
            Field("effective_date"),
            Field.text("summary", field_width=Fluid.FULL),
            Field.textarea("changes", rows=8),
        ]
        if self.findings:
            fields += [Field.checkbox("warnings_confirmed"), "findings_key"]
            self.initial["findings_key"] = findings_key(self.findings)
        else:
            del self.fields["warnings_confirmed"], self.fields["findings_key"]
        self.helper = form_helper(*fields, FIELD, Submit("submit", "Publish"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.findings:
            return cleaned
        if not cleaned.get("warnings_confirmed"):
            self.add_error(
                "warnings_confirmed", "Confirm you have checked the warnings and want to publish"
            )
        elif cleaned.get("findings_key") != findings_key(self.findings):
            # The document changed after the page was shown: what was ticked is not this.
            self.add_error(
                "warnings_confirmed",
                "The warnings changed since the page was shown: check them again and confirm",
            )
            # Shown again with these findings' key and the box not ticked.
            data = QueryDict(mutable=True)
            data.update(self.data)
            data["findings_key"] = findings_key(self.findings)
            data.pop("warnings_confirmed", None)
            self.data = data
        return cleaned

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        if "." not in number:
            number += ".0"
        if self.plan.versions.filter(number=number, status=PlanVersion.Status.PUBLISHED).exists():
            raise forms.ValidationError(
                f"Version {number} is published already: a published version never changes. "
                "Enter a new number"
            )
        return number

    def clean_request_key(self) -> str:
        return key_from(self.cleaned_data)

    def clean_effective_date(self) -> date:
        day = self.cleaned_data["effective_date"]
        if day.year < 2000 or day.year > 2100:
            raise forms.ValidationError("Enter an effective date between 2000 and 2100")
        return day
