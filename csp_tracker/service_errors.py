"""A service's refusal shown on the form that asked for it."""

from django import forms
from django.core.exceptions import ValidationError

from csp_tracker.forms import GovukErrorsMixin


def service_errors_to_form(form: forms.BaseForm, error: ValidationError) -> None:
    """Each of the service's messages on the form's field of the same name, or above the
    form where the form has no such field, so the error summary lists them all."""
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


class ServiceForm(GovukErrorsMixin, forms.Form):
    """A form whose data a service checks again: ``add_service_errors`` shows its
    refusal (a ValidationError) on the form."""

    def add_service_errors(self, error: ValidationError) -> None:
        service_errors_to_form(self, error)
