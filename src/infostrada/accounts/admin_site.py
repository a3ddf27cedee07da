"""Django's admin behind the platform's own login and second factor.

The admin stays (DESIGN.md's public contract names ``/admin/``, and operators
use it to repair data), but it bypassed everything the workbench demands: a
staff password alone opened it. django-otp's ``OTPAdminSite`` lets in only a
session verified by a device; its login is replaced by a redirect to the
platform's login, so that there is one login path with one throttle
(django-axes) and one enrolment flow (``accounts/enrolment.py``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import user_has_device
from django_otp.admin import OTPAdminSite


class SecondFactorAdminSite(OTPAdminSite):
    """Staff only, and only in a session verified by their authenticator app."""

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_staff:  # type: ignore[union-attr]
            raise PermissionDenied("staff only")
        if user.is_authenticated and not user.is_verified():  # type: ignore[union-attr]
            return redirect(
                "accounts:otp_verify"
                if user_has_device(user, confirmed=True)
                else "accounts:totp_setup"
            )
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index", current_app=self.name)
        return redirect_to_login(target, login_url=reverse("accounts:login"))
