from django.contrib import admin

from heft.community.models import Mentor, MentorAssignment
from heft.core.admin import AuditedAdmin


@admin.register(Mentor)
class MentorAdmin(AuditedAdmin):
    list_display = ["user", "kind", "region", "capacity"]
    list_filter = ["kind", "region"]


@admin.register(MentorAssignment)
class MentorAssignmentAdmin(AuditedAdmin):
    list_display = ["mentor", "trainee", "start_date", "end_date"]
