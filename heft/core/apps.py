from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "heft.core"
    label = "core"
    verbose_name = "HEFT Hub core"
