from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo region and synthetic scale data (``infostrada seed-demo``)."""

    name = "infostrada.demo"
    label = "demo"
