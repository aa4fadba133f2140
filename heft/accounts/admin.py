from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from heft.accounts.models import ApiToken, RoleAssignment, User
from heft.accounts.services import user_sessions_end
from heft.core.admin import AuditedAdmin


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
