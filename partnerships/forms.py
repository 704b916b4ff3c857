"""Forms for running partnerships: GOV.UK patterns through crispy-forms-gds, a specific
error message for every field, no browser-native validation (templates use novalidate)."""

from collections.abc import Iterable
from typing import Any, TypedDict, cast

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fluid, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from accounts.forms import PasswordPairForm
from accounts.models import User
from csp_tracker.forms import (
    GovukErrorsMixin,
    form_helper,
    radio_field,
    select_field,
    text_field,
)
from plans.models import Agency, Membership, Partnership

EMAIL_ERRORS = {
    "required": "Enter their email address",
    "invalid": "Enter an email address in the correct format, like name@example.com",
    "max_length": "Enter an email address of 254 characters or fewer",
}


def name_fields(
    what: str, *, name_hint: str, short_name_hint: str
) -> tuple[forms.CharField, forms.CharField]:
    """A partnership's or an agency's full name and short name (as its model holds them)."""
    full = text_field(
        "Full name",
        max_length=200,
        noun="a full name",
        required=f"Enter the {what}’s full name",
        help_text=name_hint,
    )
    short = text_field(
        "Short name",
        max_length=80,
        noun="a short name",
        required=f"Enter the {what}’s short name",
        help_text=short_name_hint,
    )
    return full, short


class ServiceErrorsForm(GovukErrorsMixin, forms.Form):
    """A form that words a service's ValidationError in the page's terms."""

    # field → message, for the errors a service's full_clean() gives.
    service_messages: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            target = field if field in self.fields else None
            if field in self.service_messages:
                messages = [self.service_messages[field]]
                target = "short_name" if field == "slug" else target
            for message in messages:
                self.add_error(target, message)


class PartnershipForm(ServiceErrorsForm):
    """A new partnership: its names, its kind and, for a district, its county."""

    name, short_name = name_fields(
        "partnership",
        name_hint='For example "Medway Community Safety Partnership".',
        short_name_hint='As the pages and tables show it, for example "Medway CSP".',
    )
    kind = radio_field(
        label="What kind of partnership is it?",
        choices=[
            Choice(
                Partnership.Kind.COUNTY,
                "County",
                hint="Keeps the Community Safety Agreement; districts sit under it.",
            ),
            Choice(Partnership.Kind.DISTRICT, "District", hint="Sits under its county."),
            Choice(
                Partnership.Kind.UNITARY,
                "Unitary",
                hint="A unitary authority’s partnership: no county above it.",
            ),
        ],
        message="Select what kind of partnership it is",
    )
    parent = select_field(
        label="Which county is the district in?",
        queryset=Partnership.objects.none(),
        empty_label="Not a district",
        message="Select a county from the list",
        help_text="Only for a district.",
    )

    service_messages = {
        "name": "A partnership with this full name already exists",
        "short_name": "A partnership with this short name already exists",
        "slug": "A partnership with a short name like this already exists: choose another",
    }

    def __init__(self, *args: Any, counties: QuerySet[Partnership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = counties
        self.helper = form_helper(
            Field.text("name", field_width=Fluid.FULL),
            Field.text("short_name", field_width=Fluid.ONE_HALF),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.select("parent"),
            Submit("submit", "Create the partnership"),
        )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("kind") == Partnership.Kind.DISTRICT:
            if data.get("parent") is None and "parent" not in self.errors:
                self.add_error("parent", "Select the county the district is in")
        else:
            data["parent"] = None
        return data


class PartnershipEditForm(ServiceErrorsForm):
    """What may change once a partnership is set up: its names (a service administrator)
    and whether its coordinators publish its plans (the county team)."""

    name = PartnershipForm.base_fields["name"]
    short_name = PartnershipForm.base_fields["short_name"]
    coordinators_publish = forms.BooleanField(
        label="Its coordinators publish its plans",
        required=False,
        help_text="The county team may always publish for its county and its districts.",
    )

    service_messages = PartnershipForm.service_messages

    def __init__(self, *args: Any, names: bool, publishers: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        layout: list[object] = []
        if names:
            layout += [
                Field.text("name", field_width=Fluid.FULL),
                Field.text("short_name", field_width=Fluid.ONE_HALF),
            ]
        else:
            del self.fields["name"], self.fields["short_name"]
        if publishers:
            layout.append(Field.checkbox("coordinators_publish", small=True))
        else:
            del self.fields["coordinators_publish"]
        layout.append(Submit("submit", "Save"))
        self.helper = form_helper(*layout)


class AgencyForm(ServiceErrorsForm):
    """A new agency, or an agency's names."""

    name, short_name = name_fields(
        "agency",
        name_hint='For example "Kent Fire and Rescue Service".',
        short_name_hint='As the plans’ tables name it, for example "KFRS".',
    )
    kind = radio_field(
        label="What is it?",
        choices=[
            Choice(Agency.Kind.ORGANISATION, "An organisation", hint="A council, the police…"),
            Choice(
                Agency.Kind.PARTNERSHIP_BODY,
                "A body of the partnership",
                hint="A group that can lead actions, like the CSP Executive.",
            ),
        ],
        message="Select what the agency is",
    )
    is_responsible_authority = forms.BooleanField(
        label="It is a responsible authority",
        required=False,
        help_text="Under the Crime and Disorder Act 1998: the police, fire and rescue, the "
        "councils, probation and health.",
    )

    service_messages = {
        "name": "An agency with this full name is already in CSP Tracker: add it from the list",
        "short_name": "An agency with this short name is already in CSP Tracker: add it from "
        "the list, or choose another short name",
    }

    def __init__(self, *args: Any, submit: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("name", field_width=Fluid.FULL),
            Field.text("short_name", field_width=Fluid.ONE_HALF),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.checkbox("is_responsible_authority", small=True),
            Submit("submit", submit),
        )

    @staticmethod
    def initial_for(agency: Agency) -> dict[str, object]:
        return {
            "name": agency.name,
            "short_name": agency.short_name,
            "kind": agency.kind,
            "is_responsible_authority": agency.is_responsible_authority,
        }

    def to_data(self) -> "AgencyData":
        """What the agency services take, as typed."""
        d = self.cleaned_data
        return AgencyData(
            name=d["name"].strip(),
            short_name=d["short_name"].strip(),
            kind=d["kind"],
            is_responsible_authority=d["is_responsible_authority"],
        )


class AgencyData(TypedDict):
    name: str
    short_name: str
    kind: str
    is_responsible_authority: bool


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.short_name} ({obj.name})"


class AgencyAddForm(GovukErrorsMixin, forms.Form):
    agency = AgencyChoiceField(
        label="Which agency?",
        queryset=Agency.objects.none(),
        empty_label="Select an agency",
        error_messages={
            "required": "Select the agency to add",
            "invalid_choice": "Select an agency from the list",
        },
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(AgencyChoiceField, self.fields["agency"]).queryset = agencies
        self.helper = form_helper(Field.select("agency"), Submit("submit", "Add the agency"))


ROLE_HINTS = {
    Membership.Role.OFFICER: "Updates the actions their agency leads.",
    Membership.Role.COORDINATOR: "Writes the plans, manages the partnership’s agencies and people.",
    Membership.Role.EXECUTIVE: "Reads the quarterly exception reports.",
    Membership.Role.COUNTY_ADMIN: "The county team: runs the county and its districts.",
}


class RoleForm(ServiceErrorsForm):
    """A person's role in the partnership and the agency they work for."""

    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select their role",
            "invalid_choice": "Select one of the roles listed",
        },
    )
    agency = select_field(
        label="Which agency do they work for?",
        queryset=Agency.objects.none(),
        empty_label="Not given",
        message="Select one of the partnership’s agencies",
        help_text="An officer updates the actions their agency leads.",
    )

    service_messages = {"role": "Select one of the roles listed"}

    def __init__(
        self,
        *args: Any,
        roles: Iterable[str],
        agencies: QuerySet[Agency],
        submit: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            Choice(role, Membership.Role(role).label, hint=ROLE_HINTS[Membership.Role(role)])
            for role in roles
        ]
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies
        self.helper = form_helper(
            *self.extra_layout(), *self.role_layout(), Submit("submit", submit)
        )

    def extra_layout(self) -> list[object]:
        return []

    def role_layout(self) -> list[object]:
        return [Field.radios("role", legend_size=Size.SMALL), Field.select("agency")]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        officer = data.get("role") == Membership.Role.OFFICER
        if officer and not data.get("agency") and "agency" not in self.errors:
            self.add_error("agency", "Select the agency the officer works for")
        return data


class InviteForm(RoleForm):
    email = forms.EmailField(label="Email address", max_length=254, error_messages=EMAIL_ERRORS)
    full_name = text_field("Full name", max_length=150, noun="a name")

    field_order = ["email", "full_name", "role", "agency"]

    def extra_layout(self) -> list[object]:
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        return [
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
        ]


class InvitationAcceptForm(PasswordPairForm):
    """The invited person's name and the password they choose (checked against the
    password rules with the account they will have)."""

    full_name = text_field(
        "Your full name", max_length=150, noun="a name", required="Enter your full name"
    )

    boxes = (
        ("Choose a password", "Choose a password"),
        ("Enter the password again", "Enter the password again"),
    )
    field_order = ["full_name", "new_password1", "new_password2"]

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.helper = form_helper(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("new_password1", field_width=Fluid.TWO_THIRDS),
            Field.text("new_password2", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Set password and accept"),
        )

    def clean(self) -> dict[str, Any]:
        # The password rules compare the password with the name being given now.
        self.user.full_name = self.cleaned_data.get("full_name", "")
        super().clean()
        return self.cleaned_data
