from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "heft.reports"
    label = "reports"
