from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "heft.demo"
    label = "demo"
    verbose_name = "HEFT Hub demo data"
