from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Mentor(models.Model):
    """A near-peer supporter of HEFT trainees."""

    class Kind(models.TextChoices):
        DEPRIVATION_FELLOW = "deprivation_fellow", "Deprivation fellow"
        TRAILBLAZER_FELLOW = "trailblazer_fellow", "Trailblazer fellow"
        PCN_LEAD = "pcn_lead", "PCN health-inequalities lead"
        NEAR_PEER = "near_peer", "Near-peer mentor"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    region = models.ForeignKey("programmes.Region", on_delete=models.PROTECT, related_name="mentors")
    scheme = models.ForeignKey(
        "programmes.TrainingScheme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentors",
        verbose_name="where they work",
        help_text="The scheme (patch) they work in: matching keeps journeys short",
    )
    locality = models.ForeignKey(
        "programmes.Locality",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentors",
        help_text="The locality within the scheme, where it has them",
    )
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


class InterestArea(models.Model):
    """An area of interest a trainee or mentor can record: an inclusion group, a specialty, and so on."""

    class Group(models.TextChoices):
        INCLUSION = "inclusion", "Inclusion health"
        SPECIALTY = "specialty", "Specialties"
        RESEARCH = "research", "Research"
        LEADERSHIP = "leadership", "Leadership"
        EDUCATION = "education", "Education"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    group = models.CharField(max_length=20, choices=Group.choices)

    class Meta:
        ordering = ["group", "name"]

    def __str__(self):
        return self.name


class CommunityProfile(models.Model):
    """A person's interests and their choice to be listed in the directory (off unless they opt in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_profile"
    )
    interests = models.ManyToManyField(InterestArea, blank=True, related_name="profiles")
    listed = models.BooleanField("listed in the directory", default=False)
    listed_since = models.DateTimeField(null=True, blank=True, help_text="When they agreed to be listed")
    about = models.CharField(
        "a line about you", max_length=300, blank=True, help_text="Shown in the directory if you are listed"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="profile_listed_has_consent_time",
                condition=Q(listed=False) | Q(listed_since__isnull=False),
            )
        ]

    def __str__(self):
        return f"Community profile of {self.user}"


class CommunityGroup(models.Model):
    """A local community of practice: trainees of a locality, mixed across years, led by a mentor."""

    region = models.ForeignKey("programmes.Region", on_delete=models.PROTECT, related_name="community_groups")
    scheme = models.ForeignKey(
        "programmes.TrainingScheme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="community_groups",
        help_text="The locality most members are in",
    )
    name = models.CharField(max_length=120)
    lead = models.ForeignKey(
        Mentor, null=True, blank=True, on_delete=models.SET_NULL, related_name="groups_led"
    )
    explanation = models.TextField(blank=True, help_text="Why the group has the members and lead it has")
    formed_at = models.DateTimeField(auto_now_add=True)
    formed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["region", "name"]
        verbose_name = "community of practice"
        verbose_name_plural = "communities of practice"

    def __str__(self):
        return self.name


class GroupMember(models.Model):
    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="memberships")
    trainee = models.ForeignKey(
        "trainees.Trainee", on_delete=models.CASCADE, related_name="community_memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why they are in this group")

    class Meta:
        ordering = ["group", "trainee__surname"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee"], condition=Q(left_at__isnull=True), name="one_current_community_group"
            )
        ]

    def __str__(self):
        return f"{self.trainee} in {self.group}"


class GroupNote(models.Model):
    """A note in a group's shared space: every member and the lead can read it."""

    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(max_length=3000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Note in {self.group} by {self.author}"


class Opportunity(models.Model):
    """A post-CCT opportunity posted by a programme team, open until its closing date."""

    class Kind(models.TextChoices):
        DEEP_END_FELLOWSHIP = "deep_end_fellowship", "Deep End fellowship"
        SALARIED_DEPRIVED = "salaried_deprived", "Salaried post in a deprived practice"
        PORTFOLIO = "portfolio", "Portfolio role"
        INCLUSION_SERVICE = "inclusion_service", "Inclusion-health service"
        OTHER = "other", "Other"

    region = models.ForeignKey("programmes.Region", on_delete=models.PROTECT, related_name="opportunities")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    location = models.CharField(max_length=200, blank=True)
    description = models.TextField(max_length=5000)
    link = models.URLField("more information", blank=True)
    closes_on = models.DateField("closing date")
    interests = models.ManyToManyField(InterestArea, blank=True, related_name="opportunities")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["closes_on", "title"]
        verbose_name_plural = "opportunities"

    def __str__(self):
        return self.title


class ExpressionOfInterest(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="interest")
    trainee = models.ForeignKey(
        "trainees.Trainee", on_delete=models.CASCADE, related_name="expressions_of_interest"
    )
    message = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "expression of interest"
        verbose_name_plural = "expressions of interest"
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "trainee"], name="interest_once_per_opportunity")
        ]

    def __str__(self):
        return f"{self.trainee} in {self.opportunity}"


class CareerOutcome(models.Model):
    """Where a graduate worked on a date after their CCT, for the programme's outcomes report."""

    class Role(models.TextChoices):
        SALARIED = "salaried", "Salaried GP"
        PARTNER = "partner", "GP partner"
        LOCUM = "locum", "Locum GP"
        FELLOWSHIP = "fellowship", "Fellowship"
        PORTFOLIO = "portfolio", "Portfolio career"
        OTHER = "other", "Other"

    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.CASCADE, related_name="career_outcomes")
    as_at = models.DateField("where they were working on")
    role = models.CharField(max_length=20, choices=Role.choices)
    practice = models.ForeignKey(
        "practices.Practice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.CharField(max_length=200, blank=True, help_text="When not a practice we know")
    deep_end = models.BooleanField("in a Deep End practice", default=False)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["trainee", "-as_at"]
        constraints = [models.UniqueConstraint(fields=["trainee", "as_at"], name="outcome_once_per_date")]

    def __str__(self):
        return f"{self.trainee} on {self.as_at:%d %b %Y}: {self.get_role_display()}"
