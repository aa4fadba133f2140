from django.db import models
from django.db.models import Q


class Practice(models.Model):
    """A GP practice, with the deprivation of the population it serves."""

    class Status(models.TextChoices):
        ACTIVE = "A", "Active"
        CLOSED = "C", "Closed"
        DORMANT = "D", "Dormant"
        PROPOSED = "P", "Proposed"

    ods_code = models.CharField("ODS code", max_length=10, unique=True)
    name = models.CharField(max_length=200)
    postcode = models.CharField(max_length=10, blank=True)
    pcn = models.CharField("primary care network", max_length=200, blank=True)
    icb = models.CharField("integrated care board", max_length=200, blank=True)
    region = models.ForeignKey(
        "programmes.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="practices"
    )
    status = models.CharField(max_length=1, choices=Status.choices, default=Status.ACTIVE)
    list_size = models.PositiveIntegerField(null=True, blank=True)

    imd_score = models.DecimalField("IMD score", max_digits=6, decimal_places=2, null=True, blank=True)
    imd_decile = models.PositiveSmallIntegerField(
        "national IMD decile", null=True, blank=True, help_text="1 is the most deprived tenth of practices"
    )
    most_deprived_share = models.DecimalField(
        "share of patients in the most deprived decile",
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
    )
    deprivation_vintage = models.CharField(
        max_length=60, blank=True, help_text="e.g. IMD 2019 / Fingertips 2024"
    )

    is_deep_end = models.BooleanField("Deep End", default=False)
    deep_end_rule = models.CharField(
        max_length=200, blank=True, help_text="The rule and data vintage that set it"
    )
    deep_end_override = models.BooleanField(null=True, blank=True, help_text="A manual decision, if any")
    deep_end_override_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="practice_decile_1_to_10",
                condition=Q(imd_decile__isnull=True) | Q(imd_decile__range=(1, 10)),
            ),
            models.CheckConstraint(
                name="practice_share_0_to_1",
                condition=Q(most_deprived_share__isnull=True) | Q(most_deprived_share__range=(0, 1)),
            ),
            models.CheckConstraint(
                name="practice_override_has_reason",
                condition=Q(deep_end_override__isnull=True) | ~Q(deep_end_override_reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.ods_code})"
