from django.contrib import admin

from heft.core.admin import AuditedAdmin
from heft.practices.models import Practice


@admin.register(Practice)
class PracticeAdmin(AuditedAdmin):
    list_display = ["name", "ods_code", "region", "imd_decile", "is_deep_end", "status"]
    list_filter = ["region", "is_deep_end", "status", "imd_decile"]
    search_fields = ["name", "ods_code", "postcode"]
