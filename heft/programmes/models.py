from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q

# Intakes are named by the month training starts: "2027-08".
INTAKE_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
intake_validator = RegexValidator(INTAKE_PATTERN, "Give the intake as year and month, e.g. 2027-08.")


class Region(models.Model):
    """An NHS England region that runs its own HEFT programme (e.g. South West)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    summary = models.TextField(blank=True)
    # Shown on the region's public page: where applicants and trainees write or ring. (Database defaults on
    # new text columns let code that predates them keep inserting rows while a deployment rolls out.)
    contact_email = models.EmailField("contact email", blank=True, db_default="")
    contact_phone = models.CharField("contact phone", max_length=30, blank=True, db_default="")
    contact_url = models.URLField("contact web page", blank=True, db_default="")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class School(models.Model):
    """An optional sub-division of a region (e.g. Severn, Peninsula)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["region__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="school_name_unique_in_region")
        ]

    def __str__(self):
        return self.name


class TrainingScheme(models.Model):
    """A GP training scheme: the 'patch' a trainee is recruited to."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="schemes")
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="schemes"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Locality(models.Model):
    """A named area within a scheme (e.g. North Bristol): where mentors work and groups meet."""

    scheme = models.ForeignKey(TrainingScheme, on_delete=models.CASCADE, related_name="localities")
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["scheme__name", "name"]
        verbose_name_plural = "localities"
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="locality_name_unique_in_scheme")
        ]

    def __str__(self):
        return f"{self.scheme.name}: {self.name}"


class SchemeIntake(models.Model):
    """Whether a scheme offers HEFT for one intake: the programme team's decision, shown publicly.
    The hints (innovative posts, Deep End practices in its rotations) are shown beside it, never instead."""

    scheme = models.ForeignKey(TrainingScheme, on_delete=models.CASCADE, related_name="intakes")
    intake = models.CharField(max_length=7, validators=[intake_validator], help_text="e.g. 2027-08")
    offers_heft = models.BooleanField("offers HEFT")
    note = models.CharField(max_length=300, blank=True, help_text="Shown on the public page")

    class Meta:
        ordering = ["scheme__name", "-intake"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "intake"], name="scheme_intake_unique"),
            models.CheckConstraint(
                name="scheme_intake_is_year_month", condition=Q(intake__regex=INTAKE_PATTERN)
            ),
        ]

    def __str__(self):
        return f"{self.scheme.name} {self.intake}: {'HEFT' if self.offers_heft else 'no HEFT'}"


class PostCategory(models.Model):
    class Kind(models.TextChoices):
        GP = "gp", "GP placement"
        INNOVATIVE = "innovative", "Innovative post"
        HOSPITAL = "hospital", "Hospital or community specialty"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = "post categories"

    def __str__(self):
        return self.name

    @property
    def is_innovative(self) -> bool:
        return self.kind == self.Kind.INNOVATIVE


class PostSubtype(models.Model):
    """A controlled subdivision of a category: inclusion health's homelessness, migrant health, and so on."""

    category = models.ForeignKey(PostCategory, on_delete=models.PROTECT, related_name="subtypes")
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["category__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="post_subtype_name_unique_in_category")
        ]

    def __str__(self):
        return f"{self.category.name}: {self.name}"


class Post(models.Model):
    """A training post: a place of work in a category, in a practice or at a site."""

    post_number = models.CharField("national post number", max_length=40, unique=True)
    category = models.ForeignKey(PostCategory, on_delete=models.PROTECT, related_name="posts")
    subtype = models.ForeignKey(
        PostSubtype, null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    scheme = models.ForeignKey(TrainingScheme, on_delete=models.PROTECT, related_name="posts")
    practice = models.ForeignKey(
        "practices.Practice", null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    site = models.CharField(max_length=200, blank=True, help_text="Where the post is, when not a GP practice")
    wte = models.DecimalField(
        "whole-time equivalent",
        max_digits=3,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )
    educational_supervisor_name = models.CharField(max_length=200, blank=True, db_default="")
    educational_supervisor_email = models.EmailField(blank=True, db_default="")
    clinical_supervisor_name = models.CharField(max_length=200, blank=True, db_default="")
    clinical_supervisor_email = models.EmailField(blank=True, db_default="")
    notes = models.TextField(blank=True, db_default="")

    class Meta:
        ordering = ["post_number"]
        constraints = [
            models.CheckConstraint(name="post_wte_in_range", condition=Q(wte__gt=0) & Q(wte__lte=1)),
        ]

    def __str__(self):
        return f"{self.post_number} {self.category} — {self.place}"

    @property
    def place(self) -> str:
        return self.practice.name if self.practice_id else self.site


class Rotation(models.Model):
    """A sequence of posts over ST1–ST3 that a trainee can be allocated to."""

    class Availability(models.TextChoices):
        AVAILABLE = "available", "Available"
        SUBJECT_TO_CHANGE = "subject_to_change", "Subject to change"
        WITHDRAWN = "withdrawn", "Withdrawn"

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    scheme = models.ForeignKey(TrainingScheme, on_delete=models.PROTECT, related_name="rotations")
    intake = models.CharField(max_length=20, validators=[intake_validator], help_text="e.g. 2026-08")
    capacity = models.PositiveSmallIntegerField(default=1)
    availability = models.CharField(
        max_length=20, choices=Availability.choices, default=Availability.AVAILABLE
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["scheme__name", "intake", "code"]
        constraints = [
            models.CheckConstraint(name="rotation_capacity_not_negative", condition=Q(capacity__gte=0))
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_heft(self) -> bool:
        """HEFT means the rotation holds an innovative post or a Deep End practice."""
        return any(slot.is_heft for slot in self.slots.all())


class RotationSlot(models.Model):
    """One post in a rotation's timeline, in order."""

    class TrainingYear(models.TextChoices):
        ST1 = "ST1", "ST1"
        ST2 = "ST2", "ST2"
        ST3 = "ST3", "ST3"

    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="slots")
    order = models.PositiveSmallIntegerField()
    training_year = models.CharField(max_length=3, choices=TrainingYear.choices)
    start_offset_months = models.PositiveSmallIntegerField(help_text="Months after the rotation starts")
    months = models.PositiveSmallIntegerField()
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="slots")

    class Meta:
        ordering = ["rotation", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rotation", "order"], name="slot_order_unique_in_rotation"),
            models.CheckConstraint(name="slot_months_positive", condition=Q(months__gt=0)),
            models.CheckConstraint(
                name="slot_within_three_years",
                condition=Q(start_offset_months__lt=36) & Q(start_offset_months__lte=36 - F("months")),
            ),
        ]

    def __str__(self):
        return f"{self.rotation.code} #{self.order} {self.training_year} {self.post.category}"

    @property
    def is_heft(self) -> bool:
        post = self.post
        return post.category.is_innovative or bool(post.practice_id and post.practice.is_deep_end)
