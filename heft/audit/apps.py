from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "heft.audit"
    label = "audit"
