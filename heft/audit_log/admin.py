from django.contrib import admin

from heft.accounts.permissions import Perm, has_perm
from heft.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: audit events can be searched but never added, changed or deleted here."""

    list_display = ["at", "actor_label", "verb", "target_type", "target_id"]
    list_filter = ["verb", "target_type"]
    search_fields = ["actor_label", "verb", "target_type", "target_id"]

    def has_module_permission(self, request):
        return has_perm(request.user, Perm.VIEW_AUDIT)

    def has_view_permission(self, request, obj=None):
        return has_perm(request.user, Perm.VIEW_AUDIT)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
