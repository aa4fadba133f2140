"""The audited admin base: every edit in the admin leaves an audit event in its transaction.

Who may use the admin is the site's rule, `admin.site.has_permission`, which heft/accounts/admin.py sets
from the permission module; asking the site keeps core below accounts."""

from django.contrib import admin
from django.db import transaction

from heft.audit.services import audit_record, snapshot


def _may_use_admin(request) -> bool:
    return admin.site.has_permission(request)


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes leave audit events in the same transaction."""

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            verb = "admin.changed" if change else "admin.added"
            audit_record(by=request.user, verb=verb, target=obj, before=before, after=snapshot(obj))

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(by=request.user, verb="admin.deleted", target=obj, before=snapshot(obj))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit_record(by=request.user, verb="admin.deleted", target=obj, before=snapshot(obj))
            super().delete_queryset(request, queryset)


def put_third_party_admins_behind_permissions() -> None:
    """Model admins that other packages register (allauth, tasks) become read-only for national admins,
    so no change escapes the audit trail; Django's groups are not used (roles live in RoleAssignment)."""
    from django.contrib.auth.models import Group

    if admin.site.is_registered(Group):
        admin.site.unregister(Group)
    for model_admin in admin.site._registry.values():
        if isinstance(model_admin, AuditedAdmin) or model_admin.__module__.startswith("heft."):
            continue
        model_admin.has_module_permission = _may_use_admin
        model_admin.has_view_permission = lambda request, obj=None: _may_use_admin(request)
        model_admin.has_add_permission = lambda request, obj=None: False
        model_admin.has_change_permission = lambda request, obj=None: False
        model_admin.has_delete_permission = lambda request, obj=None: False
