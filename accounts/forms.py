from typing import Any

from crispy_forms_gds.layout import Field, Fixed, Fluid, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from csp_tracker.forms import GovukErrorsMixin, form_helper


def email_field() -> forms.EmailField:
    """The email address a person signs in with, with GOV.UK's messages."""
    return forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class SignInForm(GovukErrorsMixin, AuthenticationForm):
    username = email_field()
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been closed. Contact your partnership's coordinator",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("username", field_width=Fluid.TWO_THIRDS),
            Field.text("password", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Sign in"),
        )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class ResetRequestForm(GovukErrorsMixin, PasswordResetForm):
    email = email_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Send reset link"),
        )


class PasswordPairForm(GovukErrorsMixin, SetPasswordForm):
    """Django's two password boxes (checked against the password rules), each with its
    label and its "required" message: ``boxes`` gives them, in the page's words."""

    error_messages = {"password_mismatch": "The passwords do not match"}
    # (label, required message) of new_password1, then of new_password2.
    boxes: tuple[tuple[str, str], tuple[str, str]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = ("new_password1", "new_password2")
        for name, (label, required) in zip(names, self.boxes, strict=True):
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = required


class NewPasswordForm(PasswordPairForm):
    boxes = (
        ("New password", "Enter a new password"),
        ("Confirm new password", "Confirm your new password"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("new_password1", field_width=Fluid.TWO_THIRDS),
            Field.text("new_password2", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Change password"),
        )


class TwoFactorCodeForm(GovukErrorsMixin, forms.Form):
    """The 6-digit code an authenticator app shows (at sign-in, or to confirm set-up)."""

    code = forms.RegexField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows now, for CSP Tracker.",
        regex=r"^\d{6}$",
        strip=True,
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "invalid": "Enter the code as 6 numbers, like 123456",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
    error_names = {"code": "The code"}
    wrong_message = "The code is not correct. Enter the code your authenticator app shows now"

    def __init__(self, *args: Any, button: str = "Continue", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("code", field_width=Fixed.FIVE), Submit("submit", button)
        )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class RecoveryCodeForm(GovukErrorsMixin, forms.Form):
    """One of the single-use recovery codes, for when the app is not to hand."""

    code = forms.CharField(
        label="Recovery code",
        help_text="One of the codes you saved when you set up two-factor sign-in.",
        max_length=20,
        error_messages={
            "required": "Enter a recovery code",
            "max_length": "Enter a recovery code of 20 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    error_names = {"code": "The recovery code"}
    wrong_message = "The recovery code is not correct, or it has already been used"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.text("code", field_width=Fixed.TEN), Submit("submit", "Continue")
        )


def too_many_tries(wait_seconds: int) -> str:
    unit = "second" if wait_seconds == 1 else "seconds"
    return f"You have entered too many wrong codes. Wait {wait_seconds} {unit}, then try again"


__all__ = [
    "NewPasswordForm",
    "RecoveryCodeForm",
    "ResetRequestForm",
    "SignInForm",
    "TwoFactorCodeForm",
    "too_many_tries",
]
