"""The zoning extract: the request form in a unit's geoportal, the officials' desk.

Path parameters: ``unit_slug`` only.
"""

from django.urls import path

from infostrada.geo import views_extract as views

app_name = "zoning_extract"
urlpatterns = [
    path("<slug:unit_slug>/geoportal/wypis/", views.request_extract, name="request"),
    path("urzad/<slug:unit_slug>/geoportal/wypisy/", views.desk, name="desk"),
]
