from django.apps import AppConfig


class PreferencingConfig(AppConfig):
    name = "heft.preferencing"
    label = "preferencing"

    def ready(self):
        from heft.preferencing import receivers  # noqa: F401  (connects them)
