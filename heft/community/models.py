from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Mentor(models.Model):
    """A near-peer supporter of HEFT trainees."""

    class Kind(models.TextChoices):
        DEPRIVATION_FELLOW = "deprivation_fellow", "Deprivation fellow"
        TRAILBLAZER_FELLOW = "trailblazer_fellow", "Trailblazer fellow"
        PCN_LEAD = "pcn_lead", "PCN health-inequalities lead"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    region = models.ForeignKey("programmes.Region", on_delete=models.PROTECT, related_name="mentors")
    capacity = models.PositiveSmallIntegerField(default=6, help_text="How many trainees they can support")

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self):
        return f"{self.user} ({self.get_kind_display()})"


class MentorAssignment(models.Model):
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="assignments")
    trainee = models.ForeignKey(
        "trainees.Trainee", on_delete=models.CASCADE, related_name="mentor_assignments"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["mentor", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "trainee", "start_date"], name="mentor_assignment_unique"
            ),
            models.CheckConstraint(
                name="mentor_assignment_dates_in_order",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
            ),
        ]

    def __str__(self):
        return f"{self.mentor} → {self.trainee}"
