"""The Django admin for national admins: who may use it is decided by the permission module, sign-in goes
through django-allauth; and the admin of users and API tokens."""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from heft.accounts.access import public
from heft.accounts.models import ApiToken, RoleAssignment, User
from heft.accounts.permissions import Perm, has_perm
from heft.accounts.services import user_sessions_end
from heft.core.admin import AuditedAdmin


def _may_use_admin(request) -> bool:
    return request.user.is_active and has_perm(request.user, Perm.USE_ADMIN_SITE)


@public
def _admin_login(request, extra_context=None):
    """Sign-in goes through django-allauth, so the admin cannot be a way around two-factor sign-in."""
    if not request.user.is_authenticated:
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        return redirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
    if not _may_use_admin(request):
        raise PermissionDenied
    return redirect("admin:index")


# Set when the admin discovers this module, before any request; AuditedAdmin and the third-party model
# admins ask the site.
admin.site.has_permission = _may_use_admin
admin.site.login = _admin_login


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Name", {"fields": ["first_name", "last_name"]}),
        ("Status", {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [RoleAssignmentInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not obj.is_active:
            # Disabling an account signs it out everywhere at once, not when its sessions would expire.
            user_sessions_end(user=obj, by=request.user)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ["name", "user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["token_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # Tokens are issued by the token service, which shows the raw value once.
