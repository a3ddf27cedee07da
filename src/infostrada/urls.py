"""Top-level URLs. Unit portals live under ``/<unit-slug>/`` and come last."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from infostrada.accounts.access import account
from infostrada.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/setlang/", account(set_language), name="set_language"),
    path("", include("infostrada.accounts.urls")),
    path("", include("infostrada.audit.urls")),
    path("", include("infostrada.documents.urls")),
    path("", include("infostrada.geo.urls")),
    path("", include("infostrada.portal.urls")),
]

# Error pages in the portal's layout and language (portal/errors.py); the
# unit-host URLconf (portal/unit_host_urls.py) names the same handlers.
handler403 = "infostrada.portal.errors.forbidden"
handler404 = "infostrada.portal.errors.not_found"
handler500 = "infostrada.portal.errors.server_error"

if settings.BENCH_CEILING:
    from infostrada.portal.views import bench_bare

    urlpatterns.insert(0, path("_bench/bare", bench_bare))
