from django.conf import settings
from django.db import models
from django.db.models import Q

from heft.engines.deprivation import SOURCE_NAMES, quintile_of_decile


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
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    commissioner_code = models.CharField(
        "commissioner code", max_length=10, blank=True, help_text="The sub-ICB location that commissions it"
    )
    ods_vintage = models.CharField("ODS data", max_length=120, blank=True, help_text="The file that set them")
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
        max_length=120, blank=True, help_text="e.g. IMD 2019 / Fingertips 2024"
    )
    deprived_15_share = models.DecimalField(
        "share of patients in the most deprived 15% of areas",
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
    )
    deprived_20_share = models.DecimalField(
        "share of patients in the most deprived fifth of areas",
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
    )
    shares_vintage = models.CharField(
        "area shares data", max_length=120, blank=True, help_text="The IoD and patients-by-LSOA files used"
    )

    is_deep_end = models.BooleanField("Deep End", default=False, help_text="By the rule, or an override")
    deep_end_by_rule = models.BooleanField(
        "Deep End without the override",
        null=True,
        blank=True,
        help_text="The rule's answer; empty when no rule has run here (the flag then stands as it was set)",
    )
    deep_end_rule = models.CharField(
        max_length=300, blank=True, help_text="The rule and data vintage that set it"
    )
    deep_end_reason = models.TextField("why the rule placed it so", blank=True)
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
                name="practice_15_share_0_to_1",
                condition=Q(deprived_15_share__isnull=True) | Q(deprived_15_share__range=(0, 1)),
            ),
            models.CheckConstraint(
                name="practice_20_share_0_to_1",
                condition=Q(deprived_20_share__isnull=True) | Q(deprived_20_share__range=(0, 1)),
            ),
            models.CheckConstraint(
                name="practice_override_has_reason",
                condition=Q(deep_end_override__isnull=True) | ~Q(deep_end_override_reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.ods_code})"

    @property
    def imd_quintile(self) -> int | None:
        return quintile_of_decile(self.imd_decile)


class LsoaDeprivation(models.Model):
    """One small area's deprivation in one release of the English Indices of Deprivation."""

    class Release(models.TextChoices):
        IOD_2019 = "IoD2019", "IoD 2019 (LSOA 2011)"
        IOD_2025 = "IoD2025", "IoD 2025 (LSOA 2021)"

    release = models.CharField(max_length=10, choices=Release.choices)
    lsoa_code = models.CharField("LSOA code", max_length=9)
    imd_score = models.DecimalField("IMD score", max_digits=6, decimal_places=3)
    imd_rank = models.PositiveIntegerField("IMD rank", help_text="1 is the most deprived area in England")
    imd_decile = models.PositiveSmallIntegerField("IMD decile")

    class Meta:
        ordering = ["release", "imd_rank"]
        verbose_name = "LSOA deprivation"
        verbose_name_plural = "LSOA deprivation"
        constraints = [
            models.UniqueConstraint(fields=["release", "lsoa_code"], name="lsoa_unique_in_release"),
            models.CheckConstraint(name="lsoa_decile_1_to_10", condition=Q(imd_decile__range=(1, 10))),
            models.CheckConstraint(name="lsoa_rank_positive", condition=Q(imd_rank__gte=1)),
        ]

    def __str__(self):
        return f"{self.lsoa_code} ({self.get_release_display()})"


class DataImport(models.Model):
    """One load of a public data file: the import log, one row per data vintage tried."""

    class Source(models.TextChoices):
        EPRACCUR = "epraccur", SOURCE_NAMES["epraccur"]
        FINGERTIPS = "fingertips", SOURCE_NAMES["fingertips"]
        IOD = "iod", SOURCE_NAMES["iod"]
        LSOA_PATIENTS = "lsoa_patients", SOURCE_NAMES["lsoa_patients"]

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        LOADED = "loaded", "Loaded"
        REFUSED = "refused", "Refused: nothing was changed"
        FAILED = "failed", "Failed: nothing was changed"

    source = models.CharField(max_length=20, choices=Source.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(max_length=255)
    checksum = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("bytes")
    rows = models.PositiveIntegerField("data rows", null=True, blank=True)
    vintage = models.CharField(max_length=120, blank=True)
    stage = models.CharField(max_length=60, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_label = models.CharField("by", max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["source", "checksum"])]

    def __str__(self):
        return f"{self.get_source_display()} {self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.LOADED, self.Status.REFUSED, self.Status.FAILED}

    @property
    def percent_done(self) -> int:
        if self.is_finished:
            return 100
        return 100 * self.progress_done // self.progress_total if self.progress_total else 0


class ImportUpload(models.Model):
    """An uploaded file waiting for the background worker; removed once its import has run."""

    data_import = models.OneToOneField(
        DataImport, on_delete=models.CASCADE, primary_key=True, related_name="upload"
    )
    content = models.BinaryField()

    def __str__(self):
        return f"Upload for import {self.pk}"


class DeepEndRuleApplication(models.Model):
    """A Deep End rule as it was applied: the rule, the data it ran on, who applied it and what it found.

    Applying follows a preview: the row is made when the person confirms the changes they were shown (their
    digest in `expected`), then the work is done, in the background when it is long. If the data changed
    in between, nothing is applied (refused) and the person looks again."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        APPLIED = "applied", "Applied"
        REFUSED = "refused", "Not applied: the changes were no longer those confirmed"
        FAILED = "failed", "Failed: nothing was changed"

    class Measure(models.TextChoices):
        IMD_SCORE = "imd_score", "IMD score of the practice population"
        SHARE_10 = "share_10", "Share of patients in the most deprived 10% of areas"
        SHARE_15 = "share_15", "Share of patients in the most deprived 15% of areas"
        SHARE_20 = "share_20", "Share of patients in the most deprived 20% of areas"

    class Method(models.TextChoices):
        DECILE = "decile", "The most deprived tenth of practices"
        TOP_N = "top_n", "A number of the most deprived practices"

    measure = models.CharField(max_length=10, choices=Measure.choices)
    method = models.CharField(max_length=10, choices=Method.choices)
    top_n = models.PositiveIntegerField("how many practices", null=True, blank=True)
    per_region = models.BooleanField("rank within each region", default=False)
    description = models.CharField(max_length=300)
    data_vintage = models.CharField(max_length=300, blank=True)
    assessed = models.PositiveIntegerField("practices ranked", default=0)
    deep_end = models.PositiveIntegerField("Deep End practices", default=0)
    changed = models.PositiveIntegerField("practices whose flag changed", default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    missing_to_no = models.BooleanField(
        "practices without figures set to No",
        default=False,
        help_text="Otherwise a practice the rule cannot place keeps its Deep End status",
    )
    expected = models.CharField(
        "changes confirmed", max_length=64, blank=True, help_text="The digest of the previewed changes"
    )
    became_deep_end = models.PositiveIntegerField("practices that became Deep End", default=0)
    left_deep_end = models.PositiveIntegerField("practices that stopped being Deep End", default=0)
    kept_without_figures = models.PositiveIntegerField(
        "practices without figures that kept their status", default=0
    )
    rotations_started = models.PositiveIntegerField("rotations that started counting as HEFT", default=0)
    rotations_stopped = models.PositiveIntegerField("rotations that stopped counting as HEFT", default=0)
    summary = models.JSONField(default=dict, blank=True, help_text="The codes of what changed")
    stage = models.CharField(max_length=60, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_label = models.CharField("by", max_length=254)
    applied_at = models.DateTimeField("asked for", auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-applied_at", "-pk"]
        get_latest_by = ["applied_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="deep_end_top_n_needs_a_number",
                condition=~Q(method="top_n") | Q(top_n__gt=0),
            )
        ]

    def __str__(self):
        return f"{self.description} ({self.applied_at:%d %b %Y})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.APPLIED, self.Status.REFUSED, self.Status.FAILED}

    @property
    def percent_done(self) -> int:
        if self.is_finished:
            return 100
        return 100 * self.progress_done // self.progress_total if self.progress_total else 0
