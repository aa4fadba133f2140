from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "heft.content"
    label = "content"

    def ready(self):
        from heft.content import receivers  # noqa: F401  (connects them)
