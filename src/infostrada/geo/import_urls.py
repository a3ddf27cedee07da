"""The GIS operator's pages in the workbench: the import, deleting a layer."""

from django.urls import path

from infostrada.geo import views_import

app_name = "geo_import"

urlpatterns = [
    path("urzad/<slug:unit_slug>/geoportal/import/", views_import.import_data, name="import"),
    path(
        "urzad/<slug:unit_slug>/geoportal/warstwy/<slug:layer_slug>/usun/",
        views_import.delete_layer,
        name="delete_layer",
    ),
]
