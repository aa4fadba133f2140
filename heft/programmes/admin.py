from django.contrib import admin

from heft.core.admin import AuditedAdmin
from heft.programmes.models import Post, PostCategory, Region, Rotation, RotationSlot, School, TrainingScheme


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(School)
class SchoolAdmin(AuditedAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]


@admin.register(TrainingScheme)
class TrainingSchemeAdmin(AuditedAdmin):
    list_display = ["name", "code", "region", "school"]
    list_filter = ["region"]
    search_fields = ["name", "code"]


@admin.register(PostCategory)
class PostCategoryAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind"]
    list_filter = ["kind"]


@admin.register(Post)
class PostAdmin(AuditedAdmin):
    list_display = ["post_number", "category", "scheme", "practice", "site", "wte"]
    list_filter = ["category", "scheme__region"]
    search_fields = ["post_number", "site", "practice__name"]
    autocomplete_fields = ["practice"]


class RotationSlotInline(admin.TabularInline):
    model = RotationSlot
    extra = 0
    ordering = ["order"]
    autocomplete_fields = ["post"]


@admin.register(Rotation)
class RotationAdmin(AuditedAdmin):
    list_display = ["code", "name", "scheme", "intake", "capacity", "availability"]
    list_filter = ["scheme__region", "intake", "availability"]
    search_fields = ["code", "name"]
    inlines = [RotationSlotInline]
