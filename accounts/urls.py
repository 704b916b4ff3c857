from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/code/", views.SignInCodeView.as_view(), name="two_factor_code"),
    path(
        "sign-in/recovery-code/",
        views.SignInRecoveryCodeView.as_view(),
        name="two_factor_recovery_code",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.TwoFactorView.as_view(), name="two_factor"),
    path("two-factor/set-up/", views.TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("two-factor/turn-off/", views.TwoFactorOffView.as_view(), name="two_factor_off"),
    path("two-factor/recovery-codes/", views.RecoveryCodesView.as_view(), name="recovery_codes"),
    path(
        "two-factor/recovery-codes/new/",
        views.RecoveryCodesNewView.as_view(),
        name="recovery_codes_new",
    ),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
