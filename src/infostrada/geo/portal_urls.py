"""The geoportal pages of a unit, under ``/<unit-slug>/geoportal/`` (views_portal).

A parcel's identifier is written in its URL with ``-`` for ``/``:
``/lubicz/geoportal/dzialki/041504_2.0001.123-4/`` is parcel 041504_2.0001.123/4.
"""

from django.urls import path

from infostrada.geo import views_portal as views

app_name = "geoportal"
urlpatterns = [
    path("<slug:unit_slug>/geoportal/", views.viewer, name="viewer"),
    path("<slug:unit_slug>/geoportal/szukaj/", views.search, name="search"),
    path("<slug:unit_slug>/geoportal/szukaj.json", views.search_json, name="search_json"),
    path("<slug:unit_slug>/geoportal/informacja.json", views.info_json, name="info"),
    path("<slug:unit_slug>/geoportal/druk.pdf", views.print_pdf, name="print"),
    path(
        "<slug:unit_slug>/geoportal/dzialki/<str:identifier>/",
        views.parcel,
        name="parcel",
    ),
    path(
        "<slug:unit_slug>/geoportal/dzialki/<str:identifier>/mapa.png",
        views.parcel_map,
        name="parcel_map",
    ),
]
