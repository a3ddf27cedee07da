"""URLconf for a request on a unit's own host name (see tenancy.middleware).

The unit comes from the host, so paths carry no unit slug; the platform-wide
parts (API, workbench, accounts) stay reachable under their usual paths.
"""

from django.urls import path

from infostrada import urls as platform_urls
from infostrada.portal import views

urlpatterns = [
    path("", views.unit_home, name="host_unit_home"),
    path("deklaracja-dostepnosci/", views.accessibility, name="host_accessibility"),
    *platform_urls.urlpatterns,
]

handler403 = platform_urls.handler403
handler404 = platform_urls.handler404
handler500 = platform_urls.handler500
