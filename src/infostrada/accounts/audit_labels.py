"""The accounts' audit actions in words (see audit.labels)."""

from django.utils.translation import pgettext_lazy

from infostrada.audit.labels import register_actions

register_actions(
    {
        "accounts.login": pgettext_lazy("audit action", "Logged in"),
        "accounts.official.created": pgettext_lazy("audit action", "Official's account created"),
        "accounts.citizen.created": pgettext_lazy("audit action", "Resident's account created"),
        "accounts.membership.granted": pgettext_lazy("audit action", "Role granted"),
        "accounts.membership.revoked": pgettext_lazy("audit action", "Role revoked"),
        "accounts.totp.enrolled": pgettext_lazy("audit action", "Second factor enrolled"),
        "accounts.security.totp_required": pgettext_lazy(
            "audit action", "Second factor rule changed"
        ),
        "accounts.api_client.issued": pgettext_lazy("audit action", "API access issued"),
        "accounts.api_client.revoked": pgettext_lazy("audit action", "API access revoked"),
    }
)
