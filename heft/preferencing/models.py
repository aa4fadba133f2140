from django.db import models
from django.db.models import F, Q


class PreferenceWindow(models.Model):
    """When the trainees of one scheme and intake may rank that intake's rotations."""

    scheme = models.ForeignKey("programmes.TrainingScheme", on_delete=models.PROTECT, related_name="windows")
    intake = models.CharField(max_length=20)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                name="window_closes_after_it_opens", condition=Q(closes_at__gt=F("opens_at"))
            ),
        ]

    def __str__(self):
        return f"{self.scheme} {self.intake}: {self.opens_at:%d %b %Y}–{self.closes_at:%d %b %Y}"


class Preference(models.Model):
    """One rotation in a trainee's ranked list for a window (rank 1 is their first choice)."""

    window = models.ForeignKey(PreferenceWindow, on_delete=models.CASCADE, related_name="preferences")
    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.CASCADE, related_name="preferences")
    rotation = models.ForeignKey("programmes.Rotation", on_delete=models.PROTECT, related_name="preferences")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["window", "trainee", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["window", "trainee", "rank"], name="preference_rank_unique"),
            models.UniqueConstraint(
                fields=["window", "trainee", "rotation"], name="preference_rotation_once"
            ),
            models.CheckConstraint(name="preference_rank_positive", condition=Q(rank__gte=1)),
        ]

    def __str__(self):
        return f"{self.trainee} #{self.rank}: {self.rotation.code}"
