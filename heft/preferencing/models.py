from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


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

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at

    def has_closed(self, at=None) -> bool:
        return (at or timezone.now()) >= self.closes_at


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


class PreferenceList(models.Model):
    """A trainee's list for a window as a whole: draft or submitted, with a version for concurrent saves."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    window = models.ForeignKey(PreferenceWindow, on_delete=models.CASCADE, related_name="lists")
    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.CASCADE, related_name="preference_lists")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=0, help_text="Goes up by one with every save")
    saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["window", "trainee"], name="preference_list_unique")]

    def __str__(self):
        return f"{self.trainee} — {self.window} ({self.get_status_display()})"


class AllocationRun(models.Model):
    """One run of the allocation engine on a frozen snapshot of a window's preferences."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "Allocation"
        REFILL = "refill", "Re-offer freed places"
        REALLOCATION = "reallocation", "Reallocation after a change"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded"

    window = models.ForeignKey(PreferenceWindow, on_delete=models.PROTECT, related_name="runs")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INITIAL)
    mechanism = models.CharField(max_length=40)
    seed = models.BigIntegerField(null=True, blank=True)
    engine_version = models.CharField(max_length=20)
    input_snapshot = models.JSONField(help_text="The problem exactly as given to the engine")
    input_digest = models.CharField(max_length=64)
    assignments = models.JSONField(help_text="Trainee id -> rotation code or null")
    metrics = models.JSONField()
    explanations = models.JSONField()
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The published run this one changes, for re-offers and reallocations",
    )
    reason = models.TextField(blank=True, help_text="Why a reallocation was needed; affected trainees see it")
    fill_places_left = models.BooleanField(
        "fill the places left",
        default=False,
        db_default=False,
        help_text="After every ranked trainee, give the places left to members without a list or without a "
        "place, in recruitment-rank order",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["window"], condition=Q(status="published"), name="one_published_run_per_window"
            ),
        ]

    def __str__(self):
        return f"Run {self.pk} ({self.mechanism}, {self.get_status_display().lower()})"


class Offer(models.Model):
    """A rotation offered to a trainee by a published run, or placed by hand by the programme team."""

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        LAPSED = "lapsed", "Lapsed: no reply by the deadline"
        GIVEN_UP = "given_up", "Given up after accepting"
        UPGRADED = "upgraded", "Replaced by a higher choice"

    LIVE = (Status.OFFERED, Status.ACCEPTED)

    window = models.ForeignKey(PreferenceWindow, on_delete=models.PROTECT, related_name="offers")
    run = models.ForeignKey(
        AllocationRun,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offers",
        help_text="The run that made it; none when the programme team placed the trainee by hand",
    )
    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.PROTECT, related_name="offers")
    rotation = models.ForeignKey("programmes.Rotation", on_delete=models.PROTECT, related_name="offers")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    choice = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Which of their choices it was"
    )
    explanation = models.TextField(blank=True)
    respond_by = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(blank=True, help_text="Why it was withdrawn, for the trainee")
    upgrades = models.BooleanField(
        "accepted with upgrades",
        default=False,
        db_default=False,
        help_text="The trainee keeps a claim on their higher choices: a re-offer run moves them up when a "
        "place comes free",
    )
    by_hand_reason = models.TextField(
        blank=True,
        db_default="",
        help_text="Why the programme team placed the trainee by hand; shown to the trainee",
    )
    reminded_at = models.DateTimeField(null=True, blank=True, help_text="When the reply reminder went")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["window", "trainee", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["window", "trainee"],
                condition=Q(status__in=["offered", "accepted"]),
                name="one_live_offer_per_trainee_and_window",
            ),
            models.CheckConstraint(
                name="offer_made_by_a_run_or_by_hand",
                condition=Q(run__isnull=False) | ~Q(by_hand_reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.rotation.code} for {self.trainee} ({self.get_status_display().lower()})"


class RunRequest(models.Model):
    """A run asked for from the window's page, made by the background worker: the page follows its progress
    (a run can take a while on a large window) and links to the run once it is ready."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        READY = "ready", "Ready to review"
        FAILED = "failed", "Failed: no run was made"

    UNDER_WAY = (Status.QUEUED, Status.RUNNING)

    window = models.ForeignKey(PreferenceWindow, on_delete=models.PROTECT, related_name="run_requests")
    kind = models.CharField(max_length=20, choices=AllocationRun.Kind.choices)
    mechanism = models.CharField(max_length=40, blank=True)
    seed = models.BigIntegerField(null=True, blank=True)
    fill_places_left = models.BooleanField(default=False)
    reason = models.TextField(blank=True, help_text="Why a reallocation is needed; affected trainees see it")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=60, blank=True)
    progress_done = models.PositiveSmallIntegerField(default=0)
    progress_total = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why no run was made, for the person who asked")
    run = models.ForeignKey(AllocationRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.window} ({self.get_status_display().lower()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.READY, self.Status.FAILED}

    @property
    def percent_done(self) -> int:
        if self.is_finished:
            return 100
        return 100 * self.progress_done // self.progress_total if self.progress_total else 0
