"""The GIS operator's import page in the workbench: /urzad/<unit>/geoportal/import/."""

from django.urls import path

from infostrada.geo import views_import

app_name = "geo_import"

urlpatterns = [
    path("urzad/<slug:unit_slug>/geoportal/import/", views_import.import_data, name="import"),
]
