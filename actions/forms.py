import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fluid, Size, Submit
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model, Q, QuerySet
from django.http import QueryDict

from actions import importing
from actions.models import Action, Milestone, Status
from actions.services import ActionData, Figure, MilestoneData
from csp_tracker.forms import (
    GovukErrorsMixin,
    UKDateField,
    form_helper,
    lines_kept,
    numbered_rows,
    radio_field,
    save_buttons,
    select_field,
    text_field,
)
from plans.forms import lead_agencies_field
from plans.models import Agency, Plan
from priorities.models import CrossCuttingTheme, Priority, Workstream

COMMENTARY_MAX = 2000


# The rows of a form with numbered rows are rendered here, in its layout.
ROWS = HTML('{% include "includes/form_rows.html" with rows=form.rows %}')


def lead_text_field(help_text: str) -> forms.CharField:
    """The lead as the plan writes it. Plans write one lead a line ("Domestic Abuse
    Group", "CSP Executive"): a text box keeps the lines, a one-line input would join
    them."""
    return text_field(
        "Lead as written in the plan", max_length=300, rows=2, noun="a lead", help_text=help_text
    )


class FigureRow(GovukErrorsMixin, forms.Form):
    """One number an update reports: what is counted, and how many."""

    label = text_field(max_length=100, noun="a description")
    value = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_value=Decimal("1000000000"),
        max_digits=14,
        decimal_places=2,
        error_messages={
            "invalid": "Enter a number, like 300",
            "min_value": "Enter a number of 0 or more",
            "max_value": "Enter a number of 1,000,000,000 or less",
            "max_digits": "Enter a number with no more than 12 digits before the point",
            "max_decimal_places": "Enter a number with no more than 2 decimal places",
            "max_whole_digits": "Enter a number of 1,000,000,000 or less",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, number: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["label"].label = f"What is counted (number {number})"
        self.fields["value"].label = f"Number {number}"

    @cached_property
    def helper(self) -> FormHelper:
        """crispy-forms-gds's layout of the row (the update request page's rows); the
        update form's page renders the same through plain templates."""
        return form_helper(
            Field.text("label", field_width=Fluid.TWO_THIRDS), Field.text("value", field_width=10)
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        label = (self.cleaned_data.get("label") or "").strip()
        value = self.cleaned_data.get("value")
        if label and value is None and "value" not in self.errors:
            self.add_error("value", f"Enter the number for {label}")
        if value is not None and not label:
            self.add_error("label", "Enter what the number counts")
        return self.cleaned_data

    def figure(self) -> Figure | None:
        label = (self.cleaned_data.get("label") or "").strip()
        value: Decimal | None = self.cleaned_data.get("value")
        if not label or value is None:
            return None
        return Figure(label, int(value) if value == value.to_integral() else float(value))


FigureRows = numbered_rows(FigureRow, 3)


class ActionMilestonesField(forms.ModelMultipleChoiceField):
    """Checkboxes of an action's milestones (checkboxes_field's), the keys sent checked
    against the milestones read with the action (``rows``) rather than by a query:
    Django's refusals, in Django's order (not a list; a null character; a key that is not
    a number; a key of no row), and the rows chosen in their order. Its ``queryset`` is
    never read but for ``none()``, Django's answer when none is ticked, so it stays
    ``Milestone.objects.none()``: building the action's costs a few hundred calls a form."""

    rows: Sequence[Milestone] = ()

    def _check_values(self, value: Any) -> list[Milestone]:
        try:
            keys = frozenset(value)
        except TypeError:
            raise ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        key_field = Milestone._meta.pk
        assert key_field is not None
        for key in keys:
            self.validate_no_null_characters(key)
            try:
                key_field.get_prep_value(key)  # as the query's filter reads it
            except (ValueError, TypeError):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": key},
                ) from None
        by_key = {str(m.pk): m for m in self.rows}
        for key in keys:
            if str(key) not in by_key:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": key},
                )
        return [m for m in self.rows if str(m.pk) in keys]


class StatusUpdateForm(GovukErrorsMixin, forms.Form):
    """This quarter's update on an action."""

    error_names = {"reason": "The reason", "status": "The status"}
    commentary_max = COMMENTARY_MAX
    # No browser-native validation (GOV.UK); crispy-forms turns it off for the forms it renders.
    use_required_attribute = False

    status = forms.ChoiceField(
        label="What is the status of this action?",
        choices=Status.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a status",
            "invalid_choice": "Select a status from the list",
        },
    )
    commentary = text_field(
        "Commentary",
        max_length=COMMENTARY_MAX,
        noun="a commentary",
        required="Enter a commentary",
        widget=forms.Textarea,
        help_text="What has happened this quarter, what is next and anything the executive "
        "group should know.",
    )
    reason = text_field(
        "Reason for the change of status",
        max_length=COMMENTARY_MAX,
        rows=3,
        noun="a reason",
        help_text="Needed when the status is different from the last update.",
        # The rule is the service's (status_update_record); the words are the page's.
        error_messages={"reason_required": "Enter the reason the status changed"},
    )
    milestones_completed = ActionMilestonesField(
        label="Which milestones were completed this quarter?",
        queryset=Milestone.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Select only milestones of this action"},
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )
    updates_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        milestones = list(action.milestones.all())
        open_milestones = [m for m in milestones if m.done_date is None]
        # Any milestone of the action is accepted, so one completed by someone else since
        # the page was opened is not an error; only the open ones are offered and recorded.
        completed = cast(ActionMilestonesField, self.fields["milestones_completed"])
        completed.rows = milestones
        completed.choices = [(m.pk, m.description) for m in open_milestones]
        self.rows = FigureRows(self.data if self.is_bound else None, prefix="figures")
        if not open_milestones:
            del self.fields["milestones_completed"]

    @cached_property
    def helper(self) -> FormHelper:
        """crispy-forms-gds's layout, for the update request page; the update form's own
        page renders the same HTML through plain templates
        (actions/includes/status_update_fields.html)."""
        layout: list[object] = [
            Field.radios("status", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea(
                "commentary",
                label_size=Size.MEDIUM,
                label_tag="h2",
                rows=6,
                max_characters=COMMENTARY_MAX,
            ),
            Field.textarea("reason", rows=3),
        ]
        if "milestones_completed" in self.fields:
            layout.append(
                Field.checkboxes("milestones_completed", legend_size=Size.MEDIUM, legend_tag="h2")
            )
        layout += [
            Fieldset(
                HTML(
                    '<p class="govuk-body govuk-hint">Any numbers to report, for example '
                    '"attendees" and "300". Leave blank if none.</p>'
                ),
                ROWS,
                legend="Numbers reported (optional)",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            "updates_version",
            Submit("submit", "Save update"),
        ]
        return form_helper(*layout)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return self.rows.valid_within(self) and valid

    def add_refusal(self, refusal: ValidationError) -> None:
        """Show the service's refusal on its field, in the field's own words for the code
        (a field's ``error_messages``), else in the service's."""
        by_field = getattr(refusal, "error_dict", None) or {NON_FIELD_ERRORS: refusal.error_list}
        for name, errors in by_field.items():
            field = self.fields.get(name)
            for error in errors:
                words = field.error_messages.get(error.code or "") if field else None
                self.add_error(name if field else None, words or " ".join(error.messages))

    def clean_milestones_completed(self) -> list[Milestone]:
        return [m for m in self.cleaned_data["milestones_completed"] if m.done_date is None]

    def figures(self) -> list[Figure]:
        return [f for row in self.rows if (f := row.figure()) is not None]


class ActionFieldsForm(GovukErrorsMixin, forms.Form):
    """The fields an action has wherever it is written: its place in the plan, its words
    and its leads. The plan's priorities, themes and agencies are the only choices."""

    heading = forms.ChoiceField(
        label="Priority or cross-cutting theme",
        error_messages={
            "required": "Select the priority or theme the action belongs to",
            "invalid_choice": "Select a priority or theme of this plan",
        },
    )
    workstream = forms.ChoiceField(
        label="Which heading is it under? (optional)",
        required=False,
        help_text="A heading within the priority or theme, like “Prevent”. Add headings on "
        "the plan's page.",
        error_messages={"invalid_choice": "Select a heading of this plan, or no heading"},
    )
    title = text_field(
        "Action", max_length=1000, rows=3, noun="an action", required="Enter the action"
    )
    desired_outcome = text_field(
        "Desired outcome", max_length=2000, rows=3, noun="a desired outcome"
    )
    lead_agencies = lead_agencies_field(
        required="Select at least one lead agency",
        help_text="The officers of these agencies update the action each quarter.",
    )
    lead_text = lead_text_field('Optional, for example "Police/SBC - CSU". One lead a line.')

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self._headings: dict[str, Priority | CrossCuttingTheme] = {
            **{f"p{p.pk}": p for p in plan.priorities.order_by("number")},
            **{f"t{t.pk}": t for t in plan.themes.order_by("number")},
        }
        cast(forms.ChoiceField, self.fields["heading"]).choices = [
            ("", "Select a priority or theme")
        ] + [(key, h.label) for key, h in self._headings.items()]
        self._workstreams: dict[str, Workstream] = {
            str(w.pk): w
            for w in Workstream.objects.filter(
                Q(priority__plan=plan) | Q(theme__plan=plan)
            ).order_by("order", "id")
        }
        groups: dict[str, list[tuple[str, str]]] = {}
        for key, w in self._workstreams.items():
            groups.setdefault(self._parent_key(w), []).append((key, w.title))
        cast(forms.ChoiceField, self.fields["workstream"]).choices = [("", "No heading")] + [
            (h.label, groups[k]) for k, h in self._headings.items() if k in groups
        ]
        if not self._workstreams:
            del self.fields["workstream"]
        self.agencies: QuerySet[Agency] = Agency.objects.filter(
            partnerships=plan.partnership
        ).order_by("short_name")
        cast(forms.ModelChoiceField, self.fields["lead_agencies"]).queryset = self.agencies

    def _workstream_layout(self) -> list[object]:
        return [Field.select("workstream")] if "workstream" in self.fields else []

    @staticmethod
    def _parent_key(workstream: Workstream) -> str:
        if workstream.priority_id:
            return f"p{workstream.priority_id}"
        return f"t{workstream.theme_id}"

    def clean_lead_text(self) -> str:
        return lines_kept(self.cleaned_data["lead_text"])

    def selected_heading(self) -> Priority | CrossCuttingTheme:
        return self._headings[self.cleaned_data["heading"]]

    def selected_workstream(self) -> Workstream | None:
        return self._workstreams.get(self.cleaned_data.get("workstream") or "")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        workstream = self._workstreams.get(str(data.get("workstream") or ""))
        heading = data.get("heading")
        if workstream is not None and heading and self._parent_key(workstream) != heading:
            self.add_error(
                "workstream",
                f"Select a heading of {self._headings[str(heading)].label}, or no heading",
            )
        return self.cleaned_data

    def _data(self, *, reference: str) -> ActionData:
        d = self.cleaned_data
        heading = self.selected_heading()
        return ActionData(
            reference=reference,
            title=d["title"].strip(),
            priority=heading if isinstance(heading, Priority) else None,
            theme=heading if isinstance(heading, CrossCuttingTheme) else None,
            workstream=self.selected_workstream(),
            desired_outcome=d["desired_outcome"].strip(),
            lead_text=d["lead_text"].strip(),
            lead_agencies=list(d["lead_agencies"] or []),
        )


class ActionForm(ActionFieldsForm):
    """A coordinator's edit of an action's text, place in the plan and leads."""

    reference = text_field(
        "Number", max_length=20, noun="a number", required="Enter the action's number, like 1.3"
    )
    is_linked = forms.BooleanField(label="Linked to another group or strategy", required=False)
    linked_to = text_field("Linked to", max_length=300, too_long="Enter 300 characters or fewer")
    is_grant_funded = forms.BooleanField(label="Grant funded", required=False)
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    field_order = ["reference", "heading", "workstream"]

    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        super().__init__(*args, plan=action.plan, **kwargs)
        self.action = action
        self.helper = form_helper(
            Field.text("reference", field_width=5),
            Field.select("heading"),
            *self._workstream_layout(),
            Field.textarea("title", rows=3),
            Field.textarea("desired_outcome", rows=3),
            Field.checkboxes("lead_agencies", legend_size=Size.SMALL, small=True),
            Field.textarea("lead_text", rows=2),
            Field.checkbox("is_linked", small=True),
            Field.text("linked_to", field_width=Fluid.TWO_THIRDS),
            Field.checkbox("is_grant_funded", small=True),
            "lock_version",
            Submit("submit", "Save changes"),
        )

    @staticmethod
    def initial_for(action: Action) -> dict[str, object]:
        return {
            "reference": action.reference,
            "heading": f"p{action.priority_id}" if action.priority_id else f"t{action.theme_id}",
            "workstream": str(action.workstream_id or ""),
            "title": action.title,
            "desired_outcome": action.desired_outcome,
            "lead_agencies": list(action.lead_agencies.all()),
            "lead_text": action.lead_text,
            "is_linked": action.is_linked,
            "linked_to": action.linked_to,
            "is_grant_funded": action.is_grant_funded,
            "lock_version": action.lock_version,
        }

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        clash = Action.objects.filter(plan=self.action.plan, reference=reference).exclude(
            pk=self.action.pk
        )
        if clash.exists():
            self.add_error("reference", f"Action {reference} is already in this plan")
        return reference

    def to_data(self) -> ActionData:
        d = self.cleaned_data
        return replace(
            self._data(reference=d["reference"]),
            supports_themes=list(self.action.supports_themes.all()),
            is_linked=d["is_linked"],
            linked_to=d["linked_to"].strip(),
            is_grant_funded=d["is_grant_funded"],
        )


class MilestoneForm(GovukErrorsMixin, forms.Form):
    description = text_field(
        "Milestone", max_length=1000, rows=3, noun="a milestone", required="Enter the milestone"
    )
    timescale = text_field(
        "Timescale",
        max_length=100,
        noun="a timescale",
        help_text='As the plan writes it: "Sept 23", "By March 24", "Ongoing", "Quarterly".',
    )
    lead = select_field(
        label="Lead (if not the action's leads)",
        queryset=Agency.objects.none(),
        empty_label="The action's leads",
        message="Select a lead agency of this partnership",
    )
    lead_text = lead_text_field(
        "Optional: if blank, the lead agency's short name. One lead a line."
    )
    done_date = UKDateField(
        label="Date done",
        required=False,
        help_text="For example, 27 3 2024. Leave blank if not done.",
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args: Any, action: Action, adding: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["lead"]).queryset = Agency.objects.filter(
            partnerships=action.plan.partnership
        ).order_by("short_name")
        self.helper = form_helper(
            Field.textarea("description", rows=3),
            Field.text("timescale", field_width=Fluid.ONE_THIRD),
            Field.select("lead"),
            Field.textarea("lead_text", rows=2),
            Field("done_date"),
            "lock_version",
            save_buttons(
                "Save milestone", add_another="Save and add another milestone" if adding else ""
            ),
        )

    @staticmethod
    def initial_for(milestone: Milestone) -> dict[str, object]:
        return {
            "description": milestone.description,
            "timescale": milestone.timescale,
            "lead": milestone.lead,
            "lead_text": milestone.lead_text,
            "done_date": milestone.done_date,
            "lock_version": milestone.lock_version,
        }

    def clean_lead_text(self) -> str:
        return lines_kept(self.cleaned_data["lead_text"])

    def to_data(self) -> MilestoneData:
        d = self.cleaned_data
        return MilestoneData(
            description=d["description"].strip(),
            timescale=d["timescale"].strip(),
            lead=d["lead"],
            lead_text=d["lead_text"],
            done_date=d["done_date"],
        )


class MilestoneRow(GovukErrorsMixin, forms.Form):
    """One key milestone of a new action, with its timescale as the plan writes it."""

    description = text_field(max_length=1000, rows=2, noun="a milestone")
    timescale = text_field(max_length=100, noun="a timescale")

    def __init__(self, *args: Any, number: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.number = number
        self.fields["description"].label = f"Milestone {number}"
        self.fields["timescale"].label = f"Timescale of milestone {number}"
        self.helper = form_helper(
            Field.textarea("description", rows=2),
            Field.text("timescale", field_width=Fluid.ONE_THIRD),
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        if (self.cleaned_data.get("timescale") or "").strip() and not (
            self.cleaned_data.get("description") or ""
        ).strip():
            self.add_error("description", f"Enter milestone {self.number} or clear its timescale")
        return self.cleaned_data

    def milestone(self) -> MilestoneData | None:
        text = (self.cleaned_data.get("description") or "").strip()
        if not text:
            return None
        timescale = re.sub(r"\s+", " ", self.cleaned_data.get("timescale") or "")
        return MilestoneData(description=text, timescale=timescale.strip())


MilestoneRows = numbered_rows(MilestoneRow, 4)


class ActionAddForm(ActionFieldsForm):
    """A new action with its key milestones, as a plan's action table lists them."""

    reference = text_field(
        "Number",
        max_length=20,
        noun="a number",
        help_text="As the plan numbers it, like 1.3. Leave blank to number it next under "
        "its priority or theme.",
    )

    field_order = ["heading", "workstream", "reference"]

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["heading"].label = "Which priority or cross-cutting theme is it under?"
        self.fields["lead_agencies"].required = False
        self.rows = MilestoneRows(self.data if self.is_bound else None, prefix="milestones")
        self.helper = form_helper(
            Field.select("heading"),
            *self._workstream_layout(),
            Field.text("reference", field_width=5),
            Field.textarea("title", rows=3),
            Field.textarea("desired_outcome", rows=3),
            Field.checkboxes("lead_agencies", legend_size=Size.SMALL, small=True)
            if self.agencies.exists()
            else HTML(""),
            Field.textarea("lead_text", rows=2),
            Fieldset(
                HTML(
                    '<p class="govuk-hint">The key milestones, each with its timescale as '
                    'the plan writes it: "Sept 23", "By March 24", "Ongoing", "Quarterly". '
                    "Leave the rows you do not need blank; you can add more later.</p>"
                ),
                ROWS,
                legend="Key milestones",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            save_buttons("Save action", add_another="Save and add another action"),
        )

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return self.rows.valid_within(self) and valid

    def clean(self) -> dict[str, Any]:
        super().clean()
        reference = (self.cleaned_data.get("reference") or "").strip()
        if reference and self.plan.actions.filter(reference=reference).exists():
            self.add_error("reference", f"Action {reference} is already in this plan")
        return self.cleaned_data

    def to_data(self, *, reference: str) -> ActionData:
        return self._data(reference=reference)

    def milestones(self) -> list[MilestoneData]:
        return [m for row in self.rows if (m := row.milestone()) is not None]


class ActionImportForm(GovukErrorsMixin, forms.Form):
    """A spreadsheet of a plan's actions to upload, or a table pasted from Word or Excel.
    Reading it is importing.table_read's job; this form words its refusals."""

    file = forms.FileField(
        label="Upload a spreadsheet",
        required=False,
        help_text=f"An Excel workbook (.xlsx) or a CSV file, at most {importing.MAX_MEGABYTES} "
        "MB, its first row naming the columns.",
        error_messages={
            "empty": "The selected file is empty",
            "invalid": "The selected file must be an XLSX or CSV file",
        },
    )
    table = forms.CharField(
        label="Or paste a table copied from Word or Excel",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="Select the whole table, its heading row too, copy it and paste it here.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.table_read: importing.Table | None = None
        self.helper = form_helper(
            Field("file"),
            Field.textarea("table", rows=8),
            Submit("submit", "Check the actions"),
        )

    def refuse(self, message: str) -> None:
        """Show a refusal that came after the form (the preview's payload)."""
        self.errors  # noqa: B018 - builds the error dict of an unbound form
        self.cleaned_data = getattr(self, "cleaned_data", {})
        self.add_error("file", message)

    def clean(self) -> dict[str, Any]:
        super().clean()
        upload = self.cleaned_data.get("file")
        pasted = str(self.cleaned_data.get("table") or "")
        if self.errors:
            return self.cleaned_data
        try:
            if isinstance(upload, UploadedFile):
                if (upload.size or 0) > importing.MAX_BYTES:
                    raise importing.ImportRefused(
                        f"The selected file must be smaller than {importing.MAX_MEGABYTES} MB"
                    )
                self.table_read = importing.table_read(content=upload.read())
            elif pasted.strip():
                self.table_read = importing.table_from_paste(pasted)
            else:
                self.add_error("file", "Select a spreadsheet, or paste a table")
        except importing.ImportRefused as refused:
            self.add_error("file" if upload is not None else "table", str(refused))
        return self.cleaned_data


# A stale edit: the form keeps what this editor changed and takes the rest as it is now.


def _comparable(value: object) -> object:
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, (list, tuple, set, QuerySet)):
        return sorted((_comparable(v) for v in value), key=str)
    if isinstance(value, str):
        return lines_kept(value)
    if value == "":
        return None
    return value


def _as_data(value: object) -> list[str]:
    if value is None or value is False:
        return []
    if value is True:
        return ["on"]
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, date):
        return [value.isoformat()]
    return [str(value)]


def _put(data: QueryDict, field: forms.Field, name: str, value: object) -> None:
    """Put a value back into posted data as the field's widget posts it: the GOV.UK date
    input as its day, month and year boxes (``name_0``, ``name_1``, ``name_2``)."""
    if isinstance(field, forms.MultiValueField):
        parts = [value.day, value.month, value.year] if isinstance(value, date) else []
        for i in range(len(field.fields)):
            data.setlist(f"{name}_{i}", [str(parts[i])] if parts else [])
        return
    data.setlist(name, _as_data(value))


@dataclass
class StaleMerge:
    """The data to show again after someone else saved first: this editor's changes on
    top of the object as it is now. ``theirs`` names the fields the other person changed
    (now in the form), ``both`` those both changed (this editor's kept, theirs shown)."""

    data: QueryDict
    theirs: list[str] = field(default_factory=list)
    both: list[str] = field(default_factory=list)

    def show(self, form: forms.Form, *, what: str) -> None:
        """Put the conflict on the form shown again: a message naming the fields the other
        person changed, and on each field both changed, that theirs differs."""
        form.is_valid()

        def names(fields: list[str]) -> str:
            labels = [f"“{form.fields[f].label or f}”" for f in fields]
            return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]

        if not self.theirs and not self.both:
            form.add_error(
                None,
                f"Someone else saved this {what} after you opened it. Check it, then save again",
            )
            return
        changed = names(self.theirs + self.both)
        text = f"Someone else changed this {what} after you opened it: they changed {changed}."
        if self.theirs:
            text += f" The form now has their {names(self.theirs)}."
        if self.both:
            text += f" You changed {names(self.both)} too: yours is kept."
        form.add_error(None, text + " Check the form, then save again")
        for name in self.both:
            form.add_error(
                name,
                "Someone else changed this too (theirs is shown above): save again to keep yours",
            )


def stale_merge(
    form: forms.Form,
    *,
    opened: dict[str, object] | None,
    current: dict[str, object],
    version_field: str,
    version: int,
) -> StaleMerge:
    """Compare what this editor sent with what they opened (``opened``, from history):
    a field they left as it was takes its value now, so saving again cannot put back an
    older value over someone else's change. Without the opened values (no history) all
    they sent is kept, as before."""
    data = cast(QueryDict, form.data).copy()  # a bound form's data is the request's POST
    data[version_field] = str(version)
    merge = StaleMerge(data=data)
    if opened is None:
        return merge
    for name, then in opened.items():
        now = _comparable(current[name])
        then = _comparable(then)
        if now == then or name not in form.fields:
            continue
        mine = _comparable(form.cleaned_data.get(name))
        if mine == then:
            _put(data, form.fields[name], name, now)
            merge.theirs.append(name)
        elif mine != now:
            merge.both.append(name)
    return merge


class ReviewForm(GovukErrorsMixin, forms.Form):
    """A coordinator's sign-off of a submitted update: approve it, or return it saying
    what needs to change."""

    decision = radio_field(
        label="Approve this update?",
        choices=[
            ("approve", "Approve it: the exception report will use it"),
            ("return", "Return it to be done again"),
        ],
        message="Select whether to approve the update or return it",
    )
    comment = text_field(
        "Comment (needed to return it)",
        max_length=COMMENTARY_MAX,
        rows=4,
        noun="a comment",
        help_text="What needs to change. The officer sees it on the action's page.",
        # The service refuses a return without a comment; these are the page's words.
        error_messages={"required": "Enter what needs to change"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.radios("decision", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea("comment", rows=4),
            Submit("submit", "Save the sign-off"),
        )

    def add_refusal(self, refusal: ValidationError) -> None:
        for name, errors in refusal.error_dict.items():
            for error in errors:
                words = self.fields[name].error_messages.get(error.code or "")
                self.add_error(name, words or " ".join(error.messages))
