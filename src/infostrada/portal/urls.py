from django.urls import path

from infostrada.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("urzad/", views.workbench, name="workbench"),
    path("urzad/przelacz/", views.workbench_switch, name="workbench_switch"),
    path("urzad/<slug:unit_slug>/", views.workbench_unit, name="workbench_unit"),
    path("<slug:unit_slug>/", views.unit_home, name="unit_home"),
    path("<slug:unit_slug>/deklaracja-dostepnosci/", views.accessibility, name="accessibility"),
]
