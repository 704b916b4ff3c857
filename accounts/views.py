"""The sign-in and password pages: Django's auth views, with the service's rules."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy

from accounts import services, throttle
from accounts.forms import NewPasswordForm, ResetRequestForm

TOO_MANY_RESETS = "You have asked for too many password reset links. Wait 1 hour, then try again"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = ResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        allowed = services.password_reset_request(
            email=form.cleaned_data["email"],
            address=throttle.client_address(self.request),
            domain=self.request.get_host(),
            use_https=self.request.is_secure(),
        )
        if not allowed:
            form.add_error("email", TOO_MANY_RESETS)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # The reset link proved the email is theirs: a lockout no longer keeps them out.
        services.user_sign_in_failures_clear(user=form.user)
        return response
