from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import team_views, views
from .forms import SignInForm
from .views import ClinicPasswordResetView

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor_settings, name="two_factor"),
    path(
        "two-factor/backup-codes/",
        views.two_factor_backup_codes,
        name="two_factor_backup_codes",
    ),
    path(
        "two-factor/backup-codes/download/",
        views.two_factor_backup_codes_download,
        name="two_factor_backup_codes_download",
    ),
    path("language/", views.my_language, name="my_language"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            success_url=reverse_lazy("accounts:password_change_done")
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        ClinicPasswordResetView.as_view(success_url=reverse_lazy("accounts:password_reset_done")),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The link in an invitation to join the team (accounts/team_views.py).
    # (Before the link itself, which would take "ask" for a token.)
    path("welcome/<uidb64>/ask/", team_views.welcome_ask, name="welcome_ask"),
    path("welcome/<uidb64>/<token>/", team_views.WelcomeView.as_view(), name="welcome"),
]
