"""Logging in (with a second factor), enrolment, and the unit administrator's pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from infostrada.accounts import services
from infostrada.accounts.access import account, official, workbench_context
from infostrada.accounts.enrolment import Enrolment
from infostrada.accounts.forms import (
    ApiClientForm,
    EnrolmentForm,
    GrantForm,
    LoginForm,
    OfficialForm,
    SecurityForm,
    TokenForm,
)
from infostrada.accounts.models import ApiClient, Membership, UnitSecurityPolicy, User
from infostrada.accounts.roles import MANAGE_API_CLIENTS, MANAGE_MEMBERS, MANAGE_SECURITY

PENDING = "infostrada_otp_pending"  # password right, TOTP code awaited
ENROL_PENDING = "infostrada_enrol_pending"  # password right, an app must be enrolled first


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _after_login(user: User) -> str:
    return "portal:workbench" if user.kind == User.Kind.OFFICIAL else "portal:home"


@account
@sensitive_post_parameters()
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """Step one: login and password (throttled by django-axes)."""
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        next_url = _next_url(request)
        state = {"user": user.pk, "backend": user.backend, "next": next_url}
        if user_has_device(user, confirmed=True):
            request.session[PENDING] = state
            return redirect("accounts:otp_verify")
        if services.totp_required_for(user):
            # A password alone opens no session here: only an enrolment that
            # the setup page accepts (see accounts/enrolment.py).
            request.session[ENROL_PENDING] = state
            return redirect("accounts:totp_setup")
        auth_login(request, user)
        services.record_login(user=user, second_factor=False)
        return redirect(next_url or _after_login(user))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


@account
@sensitive_post_parameters()
@csrf_protect
@never_cache
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Step two: the code from the official's authenticator app."""
    pending = request.session.get(PENDING)
    if (
        not pending
        and request.user.is_authenticated
        and user_has_device(request.user, confirmed=True)
    ):
        pending = {
            "user": request.user.pk,
            "backend": settings.AUTHENTICATION_BACKENDS[-1],
            "next": "",
        }
    if not pending:
        return redirect("accounts:login")
    user = get_object_or_404(User, pk=pending["user"], is_active=True)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            request.session.pop(PENDING, None)
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            services.record_login(user=user, second_factor=True)
            return redirect(pending.get("next") or _after_login(user))
        form.add_error("token", _("The code is wrong or has expired. Try the current one."))
    return render(request, "accounts/otp_verify.html", {"form": form})


@account
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("portal:home")


def _enrolling_user(request: HttpRequest) -> tuple[User | None, dict[str, Any] | None]:
    """Who is enrolling: the logged-in user, or one who passed the password step only."""
    if request.user.is_authenticated:
        return request.user, None  # type: ignore[return-value]
    pending = request.session.get(ENROL_PENDING)
    if not isinstance(pending, dict):
        return None, None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, (pending if user is not None else None)


@account
@sensitive_post_parameters()
@csrf_protect
@never_cache
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, confirm with its code and the e-mailed one."""
    user, pending = _enrolling_user(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        Enrolment.discard(request.session)
        if pending is not None or not request.user.is_verified():  # type: ignore[union-attr]
            # Someone holding the password only: the existing device decides.
            request.session.pop(ENROL_PENDING, None)
            if pending is not None:
                request.session[PENDING] = pending
            return redirect("accounts:otp_verify")
        return render(request, "accounts/totp_setup.html", {"confirmed": confirmed})
    required = services.totp_required_for(user)
    if not user.email:
        return render(request, "accounts/totp_setup.html", {"no_email": True})
    enrolment = Enrolment.load(request.session, user.pk)
    if request.method == "POST" and request.POST.get("action") == "start":
        # Only an explicit POST makes a secret and sends the e-mail: a GET (a
        # link followed, a prefetch, a crawler) changes nothing.
        enrolment, code = Enrolment.start(user.pk)
        enrolment.save(request.session)
        services.send_enrolment_code(user=user, code=code)
        return redirect("accounts:totp_setup")
    if enrolment is None:
        return render(
            request,
            "accounts/totp_setup.html",
            {"start": True, "email": user.email, "required": required},
        )
    form = EnrolmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        actor = services.actor_for_user(user)
        try:
            device = services.enrol_totp_device(
                actor=actor,
                user=user,
                enrolment=enrolment,
                token=form.cleaned_data["token"],
                email_code=form.cleaned_data["email_code"],
            )
        except ValidationError as exc:
            Enrolment.discard(request.session)
            request.session.pop(ENROL_PENDING, None)
            messages.error(request, exc.messages[0])
            return redirect("accounts:login")
        if device is not None:
            Enrolment.discard(request.session)
            request.session.pop(ENROL_PENDING, None)
            if pending is not None:
                auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            services.record_login(user=user, second_factor=True)
            messages.success(request, _("The second factor is active."))
            return redirect((pending or {}).get("next") or _after_login(user))
        enrolment.attempts += 1
        enrolment.save(request.session)
        form.add_error(None, _("A code is wrong or has expired. Check both and try again."))
    device = TOTPDevice(user=user, name="aplikacja", key=enrolment.key)  # unsaved: for its URI
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg(device.config_url),
            "secret": enrolment.base32_key,
            "email": user.email,
            "required": required,
        },
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view, with links built on ``PUBLIC_URL``, never on the request's host.

    Django builds the link from ``get_current_site(request)``, i.e. the Host
    header; a forged Host (any name in ALLOWED_HOSTS, which includes units'
    own domains and patterns) would make the mail carry a link to a host the
    attacker chooses, and the reset token with it (Host header poisoning).
    """

    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        public = urlsplit(settings.PUBLIC_URL)
        form.save(
            domain_override=public.netloc,
            use_https=public.scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context={"public_url": settings.PUBLIC_URL.rstrip("/")},
        )
        return HttpResponseRedirect(self.get_success_url())


def qr_svg(uri: str) -> str:
    """An inline SVG QR code that scales with CSS: a viewBox in module units, no fixed size.

    A fixed width and height (segno's default) with the page's CSS shrinking
    the box cut the code off, so phones could not scan it.
    """
    return segno.make(uri, error="m").svg_inline(
        omitsize=True, title=_("QR code"), svgclass="qr-code"
    )


# --- unit administrator -----------------------------------------------------


@official(MANAGE_MEMBERS)
def members(request: HttpRequest) -> HttpResponse:
    unit = request.unit  # type: ignore[attr-defined]
    actor = request.actor  # type: ignore[attr-defined]
    create_form = OfficialForm(prefix="new")
    grant_form = GrantForm(prefix="grant")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                create_form = OfficialForm(request.POST, prefix="new")
                if create_form.is_valid():
                    services.create_official(actor=actor, unit=unit, **create_form.cleaned_data)
                    messages.success(request, _("The official's account was created."))
                    return redirect("accounts:members", unit_slug=unit.slug)
            elif action == "grant":
                grant_form = GrantForm(request.POST, prefix="grant")
                if grant_form.is_valid():
                    target = User.objects.filter(
                        username=grant_form.cleaned_data["username"], kind=User.Kind.OFFICIAL
                    ).first()
                    if target is None:
                        grant_form.add_error("username", _("There is no official with this login."))
                    else:
                        services.grant_membership(
                            actor=actor,
                            unit=unit,
                            user=target,
                            role=grant_form.cleaned_data["role"],
                        )
                        messages.success(request, _("The role was granted."))
                        return redirect("accounts:members", unit_slug=unit.slug)
            elif action == "revoke":
                membership = get_object_or_404(
                    Membership.objects.for_unit(unit), pk=_int(request.POST.get("membership"))
                )
                services.revoke_membership(actor=actor, membership=membership)
                messages.success(request, _("The role was withdrawn."))
                return redirect("accounts:members", unit_slug=unit.slug)
        except ValidationError as exc:
            form = create_form if action == "create" else grant_form
            _attach(form, exc)
    rows = (
        Membership.objects.for_unit(unit)
        .select_related("user")
        .order_by("user__last_name", "user__username", "role")
    )
    return render(
        request,
        "accounts/members.html",
        {
            **workbench_context(request, "members"),
            "memberships": rows,
            "create_form": create_form,
            "grant_form": grant_form,
        },
    )


@official(MANAGE_SECURITY)
def security(request: HttpRequest) -> HttpResponse:
    unit = request.unit  # type: ignore[attr-defined]
    policy = UnitSecurityPolicy.objects.for_unit(unit).first()
    form = SecurityForm(
        request.POST if request.method == "POST" else None,
        initial={"require_totp": bool(policy and policy.require_totp)},
    )
    if request.method == "POST" and form.is_valid():
        services.set_totp_requirement(
            actor=request.actor,
            unit=unit,  # type: ignore[attr-defined]
            required=form.cleaned_data["require_totp"],
        )
        messages.success(request, _("The security settings were saved."))
        return redirect("accounts:security", unit_slug=unit.slug)
    return render(
        request, "accounts/security.html", {**workbench_context(request, "security"), "form": form}
    )


@official(MANAGE_API_CLIENTS)
def api_clients(request: HttpRequest) -> HttpResponse:
    unit = request.unit  # type: ignore[attr-defined]
    actor = request.actor  # type: ignore[attr-defined]
    form = ApiClientForm(prefix="client")
    new_token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            client = get_object_or_404(
                ApiClient.objects.for_unit(unit), pk=_int(request.POST.get("client"))
            )
            services.revoke_api_client(actor=actor, client=client)
            messages.success(request, _("The token was revoked."))
            return redirect("accounts:api_clients", unit_slug=unit.slug)
        form = ApiClientForm(request.POST, prefix="client")
        if form.is_valid():
            try:
                _client, new_token = services.issue_api_client(
                    actor=actor,
                    unit=unit,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                )
                form = ApiClientForm(prefix="client")
            except ValidationError as exc:
                _attach(form, exc)
    clients = ApiClient.objects.for_unit(unit).order_by("-created_at")
    return render(
        request,
        "accounts/api_clients.html",
        {
            **workbench_context(request, "api"),
            "form": form,
            "clients": clients,
            "new_token": new_token,
        },
    )


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _attach(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
