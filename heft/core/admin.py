"""The Django admin for national admins: access decided by the permission module, every edit audited."""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from heft.accounts.permissions import Perm, has_perm
from heft.audit.services import audit_record, snapshot


def _may_use_admin(request) -> bool:
    return request.user.is_active and has_perm(request.user, Perm.USE_ADMIN_SITE)


@login_not_required
def _admin_login(request, extra_context=None):
    """Sign-in goes through django-allauth, so the admin cannot be a way around two-factor sign-in."""
    if not request.user.is_authenticated:
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        return redirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
    if not _may_use_admin(request):
        raise PermissionDenied
    return redirect("admin:index")


_admin_login.heft_access = "public"
admin.site.has_permission = _may_use_admin
admin.site.login = _admin_login


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes leave audit events in the same transaction."""

    def has_module_permission(self, request):
        return _may_use_admin(request)

    def has_view_permission(self, request, obj=None):
        return _may_use_admin(request)

    def has_add_permission(self, request):
        return _may_use_admin(request)

    def has_change_permission(self, request, obj=None):
        return _may_use_admin(request)

    def has_delete_permission(self, request, obj=None):
        return _may_use_admin(request)

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
