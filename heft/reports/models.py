"""What the equity report keeps so that it need not compute every placement again on each request.

PlacementExposure holds, for each placement, the inputs the exposure depends on as they were last read (its
membership, dates, whole-time equivalent, the post's kind, the practice's Deep End flag and IMD decile) and
its whole-time-equivalent months from start to end. A row whose inputs no longer match the live records is
stale; heft.reports.exposure_store finds those in one query and computes them again before every read, so
writes that send no signal (bulk_create, bulk_update, queryset.update) are caught as well as those that do.
"""

from django.db import models


class PlacementExposure(models.Model):
    placement = models.OneToOneField(
        "trainees.Placement", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    membership = models.ForeignKey("trainees.ProgrammeMembership", on_delete=models.CASCADE, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField()
    wte = models.DecimalField(max_digits=3, decimal_places=2)
    kind = models.CharField(max_length=16)  # the post category's kind: gp, innovative or hospital
    deep_end = models.BooleanField()  # the practice's flag; False for a post at no practice
    imd_decile = models.PositiveSmallIntegerField()  # the practice's national decile; 0 for none
    months = models.FloatField()  # whole-time-equivalent months from start_date to end_date

    class Meta:
        indexes = [models.Index(fields=["membership", "end_date"], name="reports_exposure_membership")]

    def __str__(self):
        return f"placement {self.placement_id}: {self.months:.2f} months"
