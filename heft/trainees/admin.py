from django.contrib import admin

from heft.core.admin import AuditedAdmin
from heft.trainees.models import (
    CurriculumRequirement,
    Interruption,
    LtftChange,
    Placement,
    ProgrammeMembership,
    Trainee,
)


class MembershipInline(admin.StackedInline):
    model = ProgrammeMembership
    extra = 0


@admin.register(Trainee)
class TraineeAdmin(AuditedAdmin):
    list_display = ["surname", "forenames", "gmc_number", "email"]
    search_fields = ["surname", "forenames", "gmc_number", "email"]
    inlines = [MembershipInline]


@admin.register(Placement)
class PlacementAdmin(AuditedAdmin):
    list_display = ["membership", "post", "start_date", "end_date", "wte"]
    autocomplete_fields = ["post"]


@admin.register(Interruption)
class InterruptionAdmin(AuditedAdmin):
    list_display = ["membership", "kind", "start_date", "end_date"]
    list_filter = ["kind"]


@admin.register(LtftChange)
class LtftChangeAdmin(AuditedAdmin):
    list_display = ["membership", "wte", "start_date", "requested_on"]


@admin.register(CurriculumRequirement)
class CurriculumRequirementAdmin(AuditedAdmin):
    list_display = ["region", "gp_months_minimum", "final_year_gp_months_minimum"]
