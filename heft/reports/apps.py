from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "heft.reports"
    label = "reports"

    def ready(self):
        from heft.reports import receivers  # noqa: F401  (connects them)
