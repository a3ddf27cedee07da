"""Geoportal URLs: OGC services at /ogc/, portal pages under /<unit>/geoportal/, workbench pages."""

from django.urls import include, path

urlpatterns = [
    path("ogc/", include("infostrada.geo.ogc.urls")),
    path("", include("infostrada.geo.portal_urls")),
    path("", include("infostrada.geo.extract_urls")),
    path("", include("infostrada.geo.import_urls")),
]
