"""Business operations on accounts: each one transaction, each one audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from infostrada import normalisers
from infostrada.accounts import permissions
from infostrada.accounts.enrolment import Enrolment
from infostrada.accounts.models import (
    ApiClient,
    Citizen,
    Membership,
    UnitSecurityPolicy,
    User,
)
from infostrada.accounts.roles import (
    API_SCOPES,
    MANAGE_API_CLIENTS,
    MANAGE_MEMBERS,
    MANAGE_SECURITY,
    MANAGE_UNITS,
    Role,
)
from infostrada.audit import services as audit
from infostrada.audit.context import Actor
from infostrada.tenancy.models import Unit

TOKEN_PREFIX = "inf_"


def actor_for_user(user: Any) -> Actor:
    if user is None or not user.is_authenticated:
        return Actor.anonymous()
    return Actor(kind="user", id=str(user.pk), name=user.get_username(), user=user)


def actor_for_request(request: HttpRequest) -> Actor:
    client = getattr(request, "api_client", None)
    if client is not None:
        return actor_for_client(client)
    return actor_for_user(getattr(request, "user", None))


def actor_for_client(client: ApiClient) -> Actor:
    return Actor(kind="api_client", id=str(client.pk), name=client.name, api_client=client)


# --- officials and memberships -------------------------------------------


def create_official(
    *,
    actor: Actor,
    unit: Unit,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str,
    password: str | None = None,
) -> User:
    """Create an official's account with a first role in ``unit``."""
    permissions.ensure_can(actor, MANAGE_MEMBERS, unit)
    _check_role_grantable(actor, unit, role)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This login is already taken.")})
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        kind=User.Kind.OFFICIAL,
    )
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    with transaction.atomic():
        user.save()
        membership = Membership.objects.create(user=user, unit=unit, role=role)
        audit.record(
            actor,
            unit,
            "accounts.official.created",
            user,
            changes={"username": username, "role": role},
        )
        audit.record(
            actor,
            unit,
            "accounts.membership.granted",
            membership,
            changes={"user": username, "role": role},
        )
    return user


def _check_role_grantable(actor: Actor, unit: Unit, role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == Role.REGION_ADMIN:
        if not unit.is_region:
            raise ValidationError(
                {"role": _("The region administrator role is held in the voivodeship.")}
            )
        permissions.ensure_can(actor, MANAGE_UNITS, None)


def grant_membership(*, actor: Actor, unit: Unit, user: User, role: str) -> Membership:
    permissions.ensure_can(actor, MANAGE_MEMBERS, unit)
    _check_role_grantable(actor, unit, role)
    if user.kind != User.Kind.OFFICIAL:
        raise ValidationError({"user": _("Only officials can hold roles in a unit.")})
    with transaction.atomic():
        membership, created = Membership.objects.for_unit(unit).get_or_create(
            user=user, unit=unit, role=role
        )
        if created:
            audit.record(
                actor,
                unit,
                "accounts.membership.granted",
                membership,
                changes={"user": user.username, "role": role},
            )
    permissions.forget(user)
    return membership


def revoke_membership(*, actor: Actor, membership: Membership) -> None:
    unit = membership.unit
    permissions.ensure_can(actor, MANAGE_MEMBERS, unit)
    with transaction.atomic():
        audit.record(
            actor,
            unit,
            "accounts.membership.revoked",
            membership,
            changes={"user": membership.user.username, "role": membership.role},
        )
        Membership.objects.for_unit(unit).filter(pk=membership.pk).delete()
    permissions.forget(membership.user)


def set_totp_requirement(*, actor: Actor, unit: Unit, required: bool) -> UnitSecurityPolicy:
    """Make the second factor mandatory (or optional) for the unit's officials."""
    permissions.ensure_can(actor, MANAGE_SECURITY, unit)
    with transaction.atomic():
        policy, _created = UnitSecurityPolicy.objects.for_unit(unit).get_or_create(unit=unit)
        if policy.require_totp != required:
            policy.require_totp = required
            policy.save(update_fields=["require_totp"])
            audit.record(
                actor,
                unit,
                "accounts.security.totp_required",
                policy,
                changes={"require_totp": required},
            )
    return policy


def totp_required_for(user: Any) -> bool:
    """True if any unit the official works in demands a second factor."""
    unit_ids = list(permissions.roles_by_unit(user))
    if not unit_ids:
        return False
    return (
        UnitSecurityPolicy.objects.unscoped("policies of the official's own units")
        .filter(unit_id__in=unit_ids, require_totp=True)
        .exists()
    )


def send_enrolment_code(*, user: User, code: str) -> None:
    """E-mail the one-time code that proves an enrolment is made by the account's owner.

    The address is the one the unit administrator registered, so a stranger
    holding only the password cannot complete an enrolment; an unexpected
    message also warns the official that their password is known.
    """
    subject = _("Code for setting up the second factor")
    body = render_to_string(
        "accounts/totp_enrolment_email.txt", {"user": user, "code": code}
    ).strip()
    EmailMessage(subject, body, to=[user.email]).send()


def enrol_totp_device(
    *, actor: Actor, user: User, enrolment: Enrolment, token: str, email_code: str
) -> Any | None:
    """Bind a new authenticator app to ``user``: both codes right, no device yet.

    Returns the confirmed device, or None when a code is wrong (the caller
    counts the attempt). Refuses an account that already has a confirmed
    device: a second factor is not replaced by someone who has only the
    password (the unit administrator removes the old device first).
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if enrolment.user_id != user.pk:
        raise PermissionDenied("enrolment belongs to another account")
    step = enrolment.totp_step(token)
    if step is None or not enrolment.email_code_matches(email_code):
        return None
    with transaction.atomic():
        # The user row serialises two sessions enrolling the same account at once.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ValidationError(_("This account already has an authenticator app."))
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(
            user=user, name="aplikacja", key=enrolment.key, confirmed=True, last_t=step
        )
        audit.record(actor, None, "accounts.totp.enrolled", user, changes={"device": device.name})
    return device


def record_login(*, user: User, second_factor: bool) -> None:
    with transaction.atomic():
        audit.record(
            actor_for_user(user),
            None,
            "accounts.login",
            user,
            changes={"second_factor": second_factor},
        )


# --- citizens ---------------------------------------------------------------


def create_citizen(
    *,
    actor: Actor,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    pesel: str | None = None,
    password: str | None = None,
) -> Citizen:
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        kind=User.Kind.CITIZEN,
    )
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    if pesel:
        try:
            pesel = normalisers.pesel(pesel)
        except ValidationError as exc:
            raise ValidationError({"pesel": exc.messages}) from None
    citizen = Citizen(user=user, pesel=pesel or None)
    citizen.full_clean(exclude=["user"])
    with transaction.atomic():
        user.save()
        citizen.user = user
        citizen.save()
        audit.record(
            actor, None, "accounts.citizen.created", citizen, changes={"username": username}
        )
    return citizen


# --- API clients ------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_client(
    *, actor: Actor, unit: Unit, name: str, scopes: list[str]
) -> tuple[ApiClient, str]:
    """Create an API client; the token is returned once and never stored."""
    permissions.ensure_can(actor, MANAGE_API_CLIENTS, unit)
    unknown = sorted(set(scopes) - set(API_SCOPES))
    if unknown:
        raise ValidationError(
            {"scopes": _("Unknown scopes: %(scopes)s") % {"scopes": ", ".join(unknown)}}
        )
    name = name.strip()
    if not name or len(name) > 120:
        raise ValidationError({"name": _("Give the client a name of 1 to 120 characters.")})
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        client = ApiClient.objects.create(
            unit=unit,
            name=name,
            scopes=sorted(set(scopes)),
            token_prefix=prefix,
            token_hash=_digest(token),
            created_by=actor.user if actor.kind == "user" else None,
        )
        audit.record(
            actor,
            unit,
            "accounts.api_client.issued",
            client,
            changes={"name": name, "scopes": client.scopes},
        )
    return client, token


def revoke_api_client(*, actor: Actor, client: ApiClient) -> None:
    permissions.ensure_can(actor, MANAGE_API_CLIENTS, client.unit)
    if client.revoked_at:
        return
    with transaction.atomic():
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit.record(actor, client.unit, "accounts.api_client.revoked", client)


def authenticate_token(token: str) -> ApiClient | None:
    """The active API client a bearer token belongs to, or None.

    The last-use time is written at most once a minute per client, so that
    busy integrations do not turn every read into a write.
    """
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    client = (
        ApiClient.objects.unscoped("token lookup decides the unit")
        .select_related("unit")
        .filter(token_hash=_digest(token), revoked_at__isnull=True)
        .first()
    )
    if client is None:
        return None
    now = timezone.now()
    touch = timedelta(seconds=settings.API_TOKEN_TOUCH_SECONDS)
    if client.last_used_at is None or now - client.last_used_at > touch:
        ApiClient.objects.for_unit(client.unit_id).filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client


def ensure_official(user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or user.kind != User.Kind.OFFICIAL:
        raise PermissionDenied("officials only")


def second_factor_satisfied(user: Any) -> bool:
    """Whether an official's session may act: verified by TOTP where one is needed.

    A second factor is needed when the official has a confirmed device or a
    unit of theirs makes it mandatory.
    """
    from django_otp import user_has_device

    if not getattr(user, "is_authenticated", False):
        return False
    verified = getattr(user, "is_verified", lambda: False)()
    if verified:
        return True
    return not (user_has_device(user, confirmed=True) or totp_required_for(user))
