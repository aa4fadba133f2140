from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

gmc_number_validator = RegexValidator(r"^\d{7}$", "A GMC number is seven digits.")


class Trainee(models.Model):
    """A doctor in training. Personal data: reached only through scoped selectors."""

    gmc_number = models.CharField("GMC number", max_length=7, unique=True, validators=[gmc_number_validator])
    forenames = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    email = models.EmailField(unique=True)
    phone = models.CharField(max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="trainee"
    )

    class Meta:
        ordering = ["surname", "forenames"]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.forenames} {self.surname}"


class ProgrammeMembership(models.Model):
    """A trainee's place on a scheme for one intake."""

    class HeftMode(models.TextChoices):
        ROTATION = "rotation", "HEFT rotation"
        ENROLMENT_ONLY = "enrolment_only", "Enrolment only (teaching and community)"
        NONE = "none", "Not in HEFT"

    class Status(models.TextChoices):
        ACTIVE = "active", "In training"
        INTERRUPTED = "interrupted", "Interrupted"
        COMPLETED = "completed", "Completed (CCT)"
        WITHDRAWN = "withdrawn", "Left the programme"

    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="memberships")
    scheme = models.ForeignKey(
        "programmes.TrainingScheme", on_delete=models.PROTECT, related_name="memberships"
    )
    intake = models.CharField(max_length=20, help_text="e.g. 2026-08")
    start_date = models.DateField()
    wte = models.DecimalField("whole-time equivalent", max_digits=3, decimal_places=2, default=1)
    heft_mode = models.CharField(max_length=20, choices=HeftMode.choices, default=HeftMode.NONE)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    national_rank = models.PositiveIntegerField(null=True, blank=True)
    recruitment_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    returning_heft_not_guaranteed = models.BooleanField(
        "returning — HEFT rotation not guaranteed",
        default=False,
        help_text="Set when a trainee interrupts training while holding a HEFT place",
    )
    cct_estimate = models.DateField("estimated CCT date", null=True, blank=True)
    cct_date = models.DateField(
        "date of CCT", null=True, blank=True, help_text="Recorded with the outcome that completes training"
    )
    extension_months = models.PositiveSmallIntegerField(
        "months of extension",
        default=0,
        db_default=0,
        help_text="Training time added (e.g. after an ARCP outcome 3): the CCT estimate moves by it",
    )
    returning_to_intake = models.CharField(
        "returning with the intake",
        max_length=7,
        blank=True,
        db_default="",
        help_text="After time out: the intake whose preference window the trainee joins",
    )

    class Meta:
        ordering = ["trainee", "-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "scheme", "intake"], name="membership_unique_per_intake"
            ),
            models.CheckConstraint(name="membership_wte_in_range", condition=Q(wte__gt=0) & Q(wte__lte=1)),
        ]

    def __str__(self):
        return f"{self.trainee} — {self.scheme} {self.intake}"


class Placement(models.Model):
    """Where a trainee works for a period: a post, from one date to another. Placements made from an
    accepted rotation name it and the slot they come from, so that giving the rotation up, a reallocation or
    a re-dating (LTFT, time out) finds them."""

    membership = models.ForeignKey(ProgrammeMembership, on_delete=models.CASCADE, related_name="placements")
    post = models.ForeignKey("programmes.Post", on_delete=models.PROTECT, related_name="placements")
    start_date = models.DateField()
    end_date = models.DateField()
    wte = models.DecimalField("whole-time equivalent", max_digits=3, decimal_places=2, default=1)
    training_year = models.CharField(max_length=3, blank=True)
    rotation = models.ForeignKey(
        "programmes.Rotation", null=True, blank=True, on_delete=models.SET_NULL, related_name="placements"
    )
    slot_order = models.PositiveSmallIntegerField(null=True, blank=True)
    months = models.PositiveSmallIntegerField(
        "months whole-time", null=True, blank=True, help_text="The slot's length at full time"
    )
    # Copied from the post when the placement is made, and kept: the supervisor of a placement in the past
    # is who supervised it then (release notices and the national bulk-upload export name them).
    educational_supervisor_name = models.CharField(max_length=200, blank=True, db_default="")
    educational_supervisor_email = models.EmailField(blank=True, db_default="")
    clinical_supervisor_name = models.CharField(max_length=200, blank=True, db_default="")
    clinical_supervisor_email = models.EmailField(blank=True, db_default="")

    class Meta:
        ordering = ["membership", "start_date"]
        constraints = [
            models.CheckConstraint(
                name="placement_dates_in_order", condition=Q(end_date__gte=F("start_date"))
            ),
            models.CheckConstraint(name="placement_wte_in_range", condition=Q(wte__gt=0) & Q(wte__lte=1)),
            # Two posts may start together (a split post); the same post twice from one date is a mistake.
            models.UniqueConstraint(
                fields=["membership", "post", "start_date"], name="placement_once_per_post_and_start"
            ),
        ]

    def __str__(self):
        return f"{self.post} {self.start_date:%d %b %Y}–{self.end_date:%d %b %Y}"


class Interruption(models.Model):
    """Time out of training."""

    class Kind(models.TextChoices):
        OOPT = "OOPT", "Out of programme for training"
        OOPE = "OOPE", "Out of programme for experience"
        OOPR = "OOPR", "Out of programme for research"
        OOPC = "OOPC", "Out of programme for a career break"
        OOPP = "OOPP", "Out of programme pause"
        PARENTAL = "parental", "Parental leave"
        SICK = "sick", "Sick leave"
        OTHER = "other", "Other"

    membership = models.ForeignKey(
        ProgrammeMembership, on_delete=models.CASCADE, related_name="interruptions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Leave empty while the end is not known")
    counts_towards_training = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    class HeftPlace(models.TextChoices):
        KEPT = "kept", "HEFT place kept"
        RELEASED = "released", "HEFT place released"

    heft_place_decision = models.CharField(
        "HEFT place", max_length=10, choices=HeftPlace.choices, blank=True, db_default=""
    )
    heft_place_decided_at = models.DateTimeField(null=True, blank=True)
    heft_place_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["membership", "start_date"]
        constraints = [
            models.CheckConstraint(
                name="interruption_dates_in_order",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
            ),
            # Time out never overlaps (interruption_record checks); this keeps two from one date out.
            models.UniqueConstraint(fields=["membership", "start_date"], name="interruption_one_per_start"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.start_date:%d %b %Y}"


class LtftChange(models.Model):
    """A change to less than full time training, from a date on: applied for by the trainee and decided by
    the programme team, or recorded by the team. Only an approved change counts (CCT estimate, placements)."""

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied for: waiting for a decision"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    class Reason(models.TextChoices):
        # NHS England's categories of eligibility for less than full time training.
        CATEGORY_1 = (
            "category_1",
            "Category 1: disability or ill health, or caring for a child or someone ill",
        )
        CATEGORY_2 = "category_2", "Category 2: a unique opportunity, religious commitment or well-being"
        CATEGORY_3 = "category_3", "Category 3: preference for less than full time training"

    membership = models.ForeignKey(ProgrammeMembership, on_delete=models.CASCADE, related_name="ltft_changes")
    wte = models.DecimalField("whole-time equivalent", max_digits=3, decimal_places=2)
    start_date = models.DateField()
    requested_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.APPROVED, db_default=Status.APPROVED
    )
    reason = models.CharField(
        "category of reason", max_length=12, choices=Reason.choices, blank=True, db_default=""
    )
    decision_note = models.TextField(
        blank=True, db_default="", help_text="Why it was declined, for the trainee"
    )
    # A pattern other than the standard ones needs the programme team's approval (see ltft_change_approve).
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["membership", "start_date"]
        verbose_name = "LTFT change"
        constraints = [
            models.CheckConstraint(name="ltft_wte_in_range", condition=Q(wte__gt=0) & Q(wte__lte=1)),
            models.CheckConstraint(
                name="ltft_requested_before_start", condition=Q(requested_on__lte=F("start_date"))
            ),
            # Two patterns from one date would leave the CCT estimate to guess which holds.
            models.UniqueConstraint(fields=["membership", "start_date"], name="ltft_one_change_per_start"),
        ]

    def __str__(self):
        return f"{self.wte:.0%} from {self.start_date:%d %b %Y}"


class CurriculumRequirement(models.Model):
    """A region's minimum time in general practice for the curriculum check (RCGP guidance: 12 and 12)."""

    region = models.OneToOneField(
        "programmes.Region", on_delete=models.CASCADE, related_name="curriculum_requirement"
    )
    gp_months_minimum = models.PositiveSmallIntegerField(
        "months in general practice posts, at least", default=12, help_text="Whole-time equivalent"
    )
    final_year_gp_months_minimum = models.PositiveSmallIntegerField(
        "months of the final year in general practice, at least", default=12
    )

    class Meta:
        verbose_name = "curriculum requirement"
        constraints = [
            models.CheckConstraint(
                name="curriculum_gp_months_in_range",
                condition=Q(gp_months_minimum__gte=1, gp_months_minimum__lte=36),
            ),
            models.CheckConstraint(
                name="curriculum_final_year_months_in_range",
                condition=Q(final_year_gp_months_minimum__gte=0, final_year_gp_months_minimum__lte=12),
            ),
        ]

    def __str__(self):
        months, final = self.gp_months_minimum, self.final_year_gp_months_minimum
        return f"{self.region}: {months} months in GP, {final} in the final year"
