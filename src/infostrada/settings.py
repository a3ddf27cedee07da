"""Django settings for Infostrada.

Every value an operator may change is declared through :func:`conf.declare`,
which is the single source of ``docs/configuration.md``.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
from datetime import timedelta
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from infostrada.conf import BASE_DIR, declare

DATA_DIR = Path(
    declare(
        "DATA_DIR",
        str,
        str(BASE_DIR / "var"),
        "Directory for the SQLite database, uploaded files, collected static files, "
        "the generated secret key and `demo-credentials.json`.",
        doc_default="`var/` in the checkout",
    )
)
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = declare("DEBUG", bool, False, "Django debug mode. Never on in production.")

PUBLIC_URL = declare(
    "PUBLIC_URL",
    str,
    "http://127.0.0.1:8000",
    "The address residents use to reach the platform. With `https://` cookies are "
    "marked secure and HSTS is sent.",
)
_public = urlsplit(PUBLIC_URL)
HTTPS = _public.scheme == "https"


def _secret_key() -> str:
    """Secret from the environment, or a random one kept in the data directory.

    Keeping the generated key in a file (not in memory) lets every worker
    process of one machine share it; several machines must set the variable.
    """
    key = declare(
        "SECRET_KEY",
        str,
        "",
        "Django secret key. If empty, a random key is generated once and kept in "
        "`<DATA_DIR>/secret_key` (enough for one machine; set it for several).",
    )
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = declare(
    "ALLOWED_HOSTS",
    list,
    ["127.0.0.1", "localhost", "[::1]", _public.hostname or "127.0.0.1"],
    "Comma-separated host names served (include the units' own domains, e.g. "
    "`bip.lubicz.pl`, or a pattern such as `.gmina.pl`).",
    doc_default="`127.0.0.1,localhost,[::1]` and the host of `INFOSTRADA_PUBLIC_URL`",
)
CSRF_TRUSTED_ORIGINS = [f"{_public.scheme}://{_public.netloc}"]

INSTALLED_APPS = [
    "infostrada.accounts.apps.SecondFactorAdminConfig",  # django.contrib.admin, 2FA
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",
    "infostrada.tenancy",
    "infostrada.accounts",
    "infostrada.audit",
    "infostrada.documents",
    "infostrada.geo",
    "infostrada.portal",
    "infostrada.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "infostrada.portal.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "infostrada.audit.middleware.RequestIdMiddleware",
    "infostrada.portal.middleware.PolishFirstLocaleMiddleware",
    "infostrada.input_guard.RequestSizeLimitMiddleware",
    "infostrada.input_guard.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "infostrada.tenancy.middleware.UnitHostMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "infostrada.urls"
WSGI_APPLICATION = "infostrada.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "infostrada.portal.context_processors.portal",
            ],
        },
    },
]

DATABASE_URL = declare(
    "DATABASE_URL",
    str,
    f"sqlite:///{DATA_DIR / 'infostrada.sqlite3'}",
    "Database. SQLite (the embedded default) or `postgresql://user:pass@host:5432/name`.",
    doc_default="`sqlite:///<DATA_DIR>/infostrada.sqlite3`",
)
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write
    # lock at BEGIN so that read-then-write transactions (numbering, the audit
    # chain) cannot interleave and fail half-way with "database is locked".
    # Persistent connections: reopening the file and re-running the PRAGMAs on
    # every request cost more than the page's own queries (bench/results).
    _db["CONN_MAX_AGE"] = 600
    _db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db.setdefault("TEST", {})["NAME"] = str(DATA_DIR / "test.sqlite3")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:workbench"
LOGOUT_REDIRECT_URL = "portal:home"

# Login throttling (django-axes): the failure counter lives in the database,
# so it holds across worker processes and machines.
# Two budgets (accounts/throttle.py): per username+address, and per address
# over any usernames (password spraying); never per username alone, so nobody
# can lock a named official out from elsewhere.
AXES_FAILURE_LIMIT = declare(
    "LOGIN_FAILURE_LIMIT", int, 5, "Failed logins before a username+address pair is locked."
)
LOGIN_ADDRESS_FAILURE_LIMIT = declare(
    "LOGIN_ADDRESS_FAILURE_LIMIT",
    int,
    30,
    "Failed logins from one client address, over any usernames, before the address is "
    "locked (password spraying). Offices behind one NAT address share it.",
)
AXES_COOLOFF_TIME = timedelta(
    minutes=declare("LOGIN_COOLOFF_MINUTES", int, 15, "How long a login lock lasts.")
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "infostrada.accounts.throttle.LoginThrottle"
AXES_CLIENT_IP_CALLABLE = "infostrada.accounts.throttle.client_address"
TRUSTED_PROXIES = declare(
    "TRUSTED_PROXIES",
    list,
    [],
    "Comma-separated addresses or networks (CIDR) of the reverse proxies in front of the "
    "platform. Only a request from one of them has its client address taken from "
    "`X-Forwarded-For` (login throttling); empty: the connecting address is the client.",
)
for _proxy in TRUSTED_PROXIES:  # a typo here must stop the start, not trust nobody silently
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ValueError(f"INFOSTRADA_TRUSTED_PROXIES: {_proxy!r} is not an address") from exc
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

OTP_TOTP_ISSUER = "Infostrada"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = declare(
    "SESSION_SECONDS", int, 8 * 3600, "Session lifetime for officials (one working day)."
)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp; docs/decisions/0014-content-security-policy.md).
# Scripts, styles, fonts and fetches only from the platform itself: no inline
# script, no inline style, no CDN. Images also as data:/blob: URIs (Leaflet,
# Swagger UI) and from the map viewer's external base maps, which
# infostrada.portal.csp adds from the geoportal's configuration.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if HTTPS:
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
# HSTS for subdomains and preloading would bind every unit's own subdomain
# (bip.<gmina>.pl is often hosted elsewhere) to HTTPS: an operator's choice.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]

LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", "Polski"), ("en", "English")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
TIME_ZONE = "Europe/Warsaw"
# Dates shown as 07.12.2026 / 07.12.2026 14:05 in both languages (infostrada/formats).
FORMAT_MODULE_PATH = "infostrada.formats"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Leaflet's own files, as the django-leaflet package ships them. Its Django app
# is not installed (it needs GeoDjango's GDAL, which DESIGN.md rules out), so
# its static directory is named here for `collectstatic`: without it the
# manifest storage cannot name leaflet.js and the map viewer was a 500.
STATICFILES_DIRS = [Path(import_module("leaflet").__file__).resolve().parent / "static"]
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if declare(
            "STATIC_MANIFEST",
            bool,
            not DEBUG,
            "Serve collected, fingerprinted static files (run `infostrada collectstatic`).",
            doc_default="on unless `INFOSTRADA_DEBUG`",
        )
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_BACKEND = declare(
    "EMAIL_BACKEND",
    str,
    "django.core.mail.backends.console.EmailBackend",
    "Django e-mail backend (console by default: messages go to the server log).",
)
EMAIL_HOST = declare("EMAIL_HOST", str, "localhost", "SMTP server for the SMTP backend.")
EMAIL_PORT = declare("EMAIL_PORT", int, 25, "SMTP port.")
DEFAULT_FROM_EMAIL = declare(
    "DEFAULT_FROM_EMAIL", str, "Infostrada <no-reply@localhost>", "Sender of system e-mail."
)

SEAL_PASSWORD = declare(
    "SEAL_PASSWORD",
    str,
    "",
    "Password that protects the units' electronic seals (PKCS#12) in the database. "
    "If empty, it is read from `<DATA_DIR>/seal_password` when that file exists "
    "(`infostrada restore` writes it), else derived from the secret key, so changing "
    "the secret key makes stored seals unreadable: set it in production.",
) or (
    (DATA_DIR / "seal_password").read_text().strip()
    if (DATA_DIR / "seal_password").exists()
    else ""
)
AUDIT_SIGNING_KEY_FILE = declare(
    "AUDIT_SIGNING_KEY_FILE",
    str,
    str(DATA_DIR / "audit_signing_key.pem"),
    "Ed25519 private key that signs the audit checkpoints (`infostrada audit-checkpoint`); "
    "created on the first checkpoint. Keep it out of the database and in the backup of "
    "secrets; several machines must share one file.",
    doc_default="`<DATA_DIR>/audit_signing_key.pem`",
)
DOCUMENTS_MAX_UPLOAD_BYTES = (
    1024
    * 1024
    * declare(
        "MAX_UPLOAD_MB",
        int,
        25,
        "Largest file accepted into the EZD (scans, attachments, submissions), in MiB.",
    )
)

# Per-request limits (issue 8): the whole body, then Django's own limits on
# what it keeps in memory. Files larger than FILE_UPLOAD_MAX_MEMORY_SIZE are
# streamed to a temporary file in UPLOAD_TEMP_DIR, under the data directory
# rather than /tmp (often a tmpfs, i.e. memory again).
REQUEST_MAX_BYTES = (
    1024
    * 1024
    * declare(
        "MAX_REQUEST_MB",
        int,
        100,
        "Largest request body accepted, in MiB: all files and fields of one request "
        "together. A larger request is refused with 413 before its body is read.",
    )
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields other than files (Django's default)
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_TEMP_DIR = Path(
    declare(
        "UPLOAD_TEMP_DIR",
        str,
        str(DATA_DIR / "tmp"),
        "Directory for uploaded files while a request is handled (files over 1 MiB "
        "are streamed there, not kept in memory).",
        doc_default="`<DATA_DIR>/tmp`",
    )
)
FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)

_GEO_BASE_MAPS = declare(
    "GEO_BASE_MAPS",
    str,
    "",
    "External base maps offered by the map viewer, as a JSON list of objects "
    "`{key, title, kind: tiles|wms, url, layers, format, attribution, max_zoom}`. "
    "Empty: OpenStreetMap and the national orthophoto (GUGiK WMS). `[]`: none, for an "
    "installation without Internet access (the platform's own layers still show).",
)
if _GEO_BASE_MAPS:
    try:
        GEO_BASE_MAPS = json.loads(_GEO_BASE_MAPS)
    except ValueError as exc:
        raise ValueError(f"INFOSTRADA_GEO_BASE_MAPS must be a JSON list: {exc}") from exc
    if not isinstance(GEO_BASE_MAPS, list):
        raise ValueError("INFOSTRADA_GEO_BASE_MAPS must be a JSON list of base maps")

# Anonymous zoning-extract requests (form and API), counted in the database (geo.ratelimit).
# Surveyors ask for many extracts, and an office behind one address is many people:
# the defaults stop a script, not a busy day.
GEO_EXTRACT_LIMIT_PER_CLIENT = declare(
    "GEO_EXTRACT_LIMIT_PER_CLIENT",
    int,
    30,
    "Zoning-extract requests (web form and API) accepted from one client address per hour, "
    "over all units; more get HTTP 429. 0: no limit.",
)
GEO_EXTRACT_LIMIT_PER_UNIT = declare(
    "GEO_EXTRACT_LIMIT_PER_UNIT",
    int,
    300,
    "Zoning-extract requests (web form and API) one unit accepts per hour from all clients "
    "together; more get HTTP 429. 0: no limit.",
)

BENCH_CEILING = declare(
    "BENCH_CEILING",
    bool,
    False,
    "Register `/_bench/bare`, the bare Django view that benchmarks use as their ceiling.",
)

API_TOKEN_TOUCH_SECONDS = 60  # last-use time of an API token is written at most this often

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # pyHanko logs a traceback at WARNING for every untrusted signature it is
    # asked to check; the verification result already says so to the official.
    "loggers": {"pyhanko": {"level": "ERROR"}},
}
