from django.contrib import admin

from heft.core.admin import AuditedAdmin
from heft.preferencing.models import Preference, PreferenceWindow


@admin.register(PreferenceWindow)
class PreferenceWindowAdmin(AuditedAdmin):
    list_display = ["scheme", "intake", "opens_at", "closes_at"]
    list_filter = ["scheme__region", "intake"]


@admin.register(Preference)
class PreferenceAdmin(AuditedAdmin):
    list_display = ["window", "trainee", "rank", "rotation"]
    list_filter = ["window"]
