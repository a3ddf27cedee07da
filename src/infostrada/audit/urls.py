from django.urls import path

from infostrada.audit import views

app_name = "audit"
urlpatterns = [
    path("urzad/<slug:unit_slug>/audyt/", views.trail, name="trail"),
]
