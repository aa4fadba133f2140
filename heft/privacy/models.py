"""The retention review queue: records past their retention date wait here for a national admin's decision.

An item names its record by type and id only, and its summary holds no personal data, so the queue and its
history stay harmless after the record itself has been erased or anonymised.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class RetentionKind(models.TextChoices):
    TRAINEE = "trainee", "Trainee records"
    ATTENDANCE = "attendance", "Attendance at teaching sessions"
    REFLECTIONS = "reflections", "Reflections and feedback on teaching sessions"
    PREFERENCES = "preferences", "Preference lists"
    INTEREST = "interest", "Expressions of interest in opportunities"


class RetentionReview(models.Model):
    """One record (or one group of records, such as a session's attendance) past its retention date."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved: erased or anonymised"
        REJECTED = "rejected", "Rejected: kept"

    kind = models.CharField(max_length=20, choices=RetentionKind.choices)
    target_type = models.CharField("record type", max_length=60)
    target_id = models.PositiveBigIntegerField("record id")
    summary = models.CharField(max_length=300, help_text="What the record is, without personal data")
    due_on = models.DateField("retention ended on")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    queued_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="Why the record is kept, when the review is rejected")
    keep_until = models.DateField(
        null=True, blank=True, help_text="A rejected record is not queued again before this date"
    )
    result = models.JSONField(null=True, blank=True, help_text="How many records were erased or changed")

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = "retention review"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id"],
                condition=Q(status="pending"),
                name="retention_review_pending_once",
            ),
            models.CheckConstraint(
                name="retention_review_status_known",
                condition=Q(status__in=["pending", "approved", "rejected"]),
            ),
            models.CheckConstraint(
                name="retention_review_decision_dated",
                condition=Q(status="pending") | Q(decided_at__isnull=False),
            ),
            models.CheckConstraint(
                name="retention_review_rejection_kept_until",
                condition=~Q(status="rejected") | Q(keep_until__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.summary}"
