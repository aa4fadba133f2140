from django.contrib import admin

from heft.community.models import (
    CareerOutcome,
    CommunityGroup,
    CommunityProfile,
    ExpressionOfInterest,
    GroupMember,
    GroupNote,
    InterestArea,
    Mentor,
    MentorAssignment,
    Opportunity,
)
from heft.core.admin import AuditedAdmin


@admin.register(Mentor)
class MentorAdmin(AuditedAdmin):
    list_display = ["user", "kind", "region", "scheme", "capacity"]
    list_filter = ["kind", "region"]


@admin.register(MentorAssignment)
class MentorAssignmentAdmin(AuditedAdmin):
    list_display = ["mentor", "trainee", "start_date", "end_date"]


@admin.register(InterestArea)
class InterestAreaAdmin(AuditedAdmin):
    list_display = ["name", "group", "code"]
    list_filter = ["group"]


@admin.register(CommunityProfile)
class CommunityProfileAdmin(AuditedAdmin):
    list_display = ["user", "listed", "listed_since", "updated_at"]
    list_filter = ["listed"]


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    raw_id_fields = ["trainee"]


@admin.register(CommunityGroup)
class CommunityGroupAdmin(AuditedAdmin):
    list_display = ["name", "region", "scheme", "lead", "formed_at", "archived_at"]
    list_filter = ["region"]
    inlines = [GroupMemberInline]


@admin.register(GroupNote)
class GroupNoteAdmin(AuditedAdmin):
    list_display = ["group", "author", "created_at"]


@admin.register(Opportunity)
class OpportunityAdmin(AuditedAdmin):
    list_display = ["title", "kind", "region", "closes_on"]
    list_filter = ["kind", "region"]


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(AuditedAdmin):
    list_display = ["opportunity", "trainee", "created_at"]


@admin.register(CareerOutcome)
class CareerOutcomeAdmin(AuditedAdmin):
    list_display = ["trainee", "as_at", "role", "deep_end"]
    list_filter = ["role", "deep_end"]
