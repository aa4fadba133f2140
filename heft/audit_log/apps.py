from django.apps import AppConfig


class AuditLogConfig(AppConfig):
    name = "heft.audit_log"
    label = "audit_log"
    verbose_name = "HEFT Hub audit log"
