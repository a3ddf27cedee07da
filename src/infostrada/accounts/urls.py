from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from infostrada.accounts import views
from infostrada.accounts.access import account

app_name = "accounts"


def _reset(view_class, template: str, **kwargs):  # type: ignore[no-untyped-def]
    return account(view_class.as_view(template_name=template, **kwargs))


urlpatterns = [
    path("konto/logowanie/", views.login_view, name="login"),
    path("konto/weryfikacja/", views.otp_verify, name="otp_verify"),
    path("konto/wyloguj/", views.logout_view, name="logout"),
    path("konto/drugi-skladnik/", views.totp_setup, name="totp_setup"),
    path(
        "konto/haslo/reset/",
        account(views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "konto/haslo/reset/wyslano/",
        _reset(auth_views.PasswordResetDoneView, "accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "konto/haslo/reset/<uidb64>/<token>/",
        _reset(
            auth_views.PasswordResetConfirmView,
            "accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "konto/haslo/reset/gotowe/",
        _reset(auth_views.PasswordResetCompleteView, "accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("urzad/<slug:unit_slug>/urzednicy/", views.members, name="members"),
    path("urzad/<slug:unit_slug>/bezpieczenstwo/", views.security, name="security"),
    path("urzad/<slug:unit_slug>/klienci-api/", views.api_clients, name="api_clients"),
]
