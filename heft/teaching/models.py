"""The teaching programme: a year's sessions, who came, what they thought, and their calendar feeds."""

import datetime
import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

CHECK_IN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or off a slide


def new_check_in_code() -> str:
    return "".join(secrets.choice(CHECK_IN_ALPHABET) for _ in range(6))


class TeachingYear(models.Model):
    """An academic year of teaching, e.g. 2026/27 from 5 August 2026 to 3 August 2027."""

    label = models.CharField(max_length=20, unique=True)
    start = models.DateField(unique=True)
    end = models.DateField()

    class Meta:
        ordering = ["-start"]
        constraints = [models.CheckConstraint(name="teaching_year_in_order", condition=Q(end__gt=F("start")))]

    def __str__(self):
        return self.label


class TeachingSession(models.Model):
    """One national, regional or conference event, or a meeting of a community of practice. Times are
    stored in UTC and shown in Europe/London."""

    class Kind(models.TextChoices):
        NATIONAL = "national", "National session"
        REGIONAL = "regional", "Regional session"
        CONFERENCE = "conference", "Annual conference"
        COMMUNITY = "community", "Community of practice meeting"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    year = models.ForeignKey(TeachingYear, on_delete=models.PROTECT, related_name="sessions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    region = models.ForeignKey(
        "programmes.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="teaching_sessions"
    )
    community_group = models.ForeignKey(
        "community.CommunityGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name="community of practice",
        help_text="The group whose meeting this is (community meetings only)",
    )
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    start = models.DateTimeField()
    end = models.DateTimeField()
    online_link = models.URLField("online joining link", blank=True)
    venue = models.CharField(max_length=300, blank=True)
    speakers = models.CharField(max_length=300, blank=True, help_text="Names of the speakers, if any")
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="teaching_sessions_led",
        verbose_name="session leads",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(
        default=0, help_text="iCalendar SEQUENCE: changes since publication"
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    check_in_code = models.CharField(max_length=8, default=new_check_in_code)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["year", "kind", "region"]), models.Index(fields=["start"])]
        constraints = [
            models.CheckConstraint(name="teaching_session_ends_after_start", condition=Q(end__gt=F("start"))),
            models.CheckConstraint(
                name="teaching_session_region_iff_regional",
                condition=Q(kind="regional", region__isnull=False)
                | (~Q(kind="regional") & Q(region__isnull=True)),
            ),
            models.CheckConstraint(
                name="teaching_session_group_iff_community",
                condition=Q(kind="community", community_group__isnull=False)
                | (~Q(kind="community") & Q(community_group__isnull=True)),
            ),
            models.CheckConstraint(
                name="teaching_session_kind_known",
                condition=Q(kind__in=["national", "regional", "conference", "community"]),
            ),
            models.CheckConstraint(
                name="teaching_session_status_known",
                condition=Q(status__in=["draft", "published", "cancelled"]),
            ),
            models.CheckConstraint(
                name="teaching_session_published_has_date",
                condition=Q(status="draft") | Q(published_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.start:%d %b %Y})"

    @property
    def ical_uid(self) -> str:
        return f"{self.uid}@heft-hub"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def place(self) -> str:
        return self.venue or ("Online" if self.online_link else "")

    @property
    def local_start(self) -> datetime.datetime:
        return timezone.localtime(self.start)

    @property
    def local_end(self) -> datetime.datetime:
        return timezone.localtime(self.end)

    @property
    def day_label(self) -> str:
        """e.g. Thu 24 Sep 2026."""
        return short_date(self.local_start)

    @property
    def when(self) -> str:
        """e.g. Thursday 24 September 2026, 14:00 to 16:00 (UK time)."""
        start, end = self.local_start, self.local_end
        if start.date() == end.date():
            return f"{long_date(start)}, {start:%H:%M} to {end:%H:%M} (UK time)"
        return f"{long_date(start)} {start:%H:%M} to {long_date(end)} {end:%H:%M} (UK time)"


def long_date(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: datetime.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


class TimetablePlan(models.Model):
    """A planning run saved as draft sessions: what was asked for and what the planner could not keep."""

    year = models.ForeignKey(TeachingYear, on_delete=models.CASCADE, related_name="plans")
    region = models.ForeignKey(
        "programmes.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="timetable_plans"
    )  # empty: the national programme
    spec = models.JSONField(help_text="The planning engine's spec (see heft/engines/timetable)")
    warnings = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.region or 'National'} plan for {self.year}"


class Attendance(models.Model):
    """Whether a trainee came to a session: from the educator's register or their own check-in."""

    class Status(models.TextChoices):
        ATTENDED = "attended", "Attended"
        APOLOGIES = "apologies", "Sent apologies"
        ABSENT = "absent", "Absent"

    class Source(models.TextChoices):
        REGISTER = "register", "Register"
        CHECK_IN = "check_in", "Checked in"
        MEETING_REPORT = "meeting", "Online meeting's attendance report"

    session = models.ForeignKey(TeachingSession, on_delete=models.PROTECT, related_name="attendances")
    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(max_length=10, choices=Status.choices)
    source = models.CharField(max_length=10, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "trainee"]
        verbose_name_plural = "attendance records"
        constraints = [
            models.UniqueConstraint(fields=["session", "trainee"], name="attendance_once_per_session"),
            models.CheckConstraint(
                name="attendance_status_known", condition=Q(status__in=["attended", "apologies", "absent"])
            ),
        ]

    def __str__(self):
        return f"{self.trainee} — {self.session}: {self.get_status_display()}"


class Reflection(models.Model):
    """A trainee's short reflection on a session: theirs alone to read."""

    session = models.ForeignKey(TeachingSession, on_delete=models.PROTECT, related_name="reflections")
    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.CASCADE, related_name="reflections")
    text = models.TextField(max_length=3000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "trainee"], name="reflection_once_per_session")
        ]

    def __str__(self):
        return f"{self.trainee} on {self.session}"


class Feedback(models.Model):
    """A trainee's rating and comments on a session. Leads and speakers see it only in aggregate."""

    session = models.ForeignKey(TeachingSession, on_delete=models.PROTECT, related_name="feedback")
    trainee = models.ForeignKey(
        "trainees.Trainee", on_delete=models.CASCADE, related_name="teaching_feedback"
    )
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    what_worked = models.TextField(max_length=1500, blank=True)
    what_to_change = models.TextField(max_length=1500, blank=True)
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name_plural = "feedback"
        constraints = [
            models.UniqueConstraint(fields=["session", "trainee"], name="feedback_once_per_session"),
            models.CheckConstraint(name="feedback_rating_1_to_5", condition=Q(rating__gte=1, rating__lte=5)),
        ]

    def __str__(self):
        return f"{self.rating}/5 for {self.session}"


class CalendarFeedToken(models.Model):
    """The secret in a trainee's private calendar feed URL. Only its hash is kept; revoking ends the feed."""

    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.CASCADE, related_name="calendar_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee"], condition=Q(revoked_at__isnull=True), name="one_live_calendar_token"
            )
        ]

    def __str__(self):
        return f"Calendar feed of {self.trainee} from {self.created_at:%d %b %Y}"


class PlacementSupervisor(models.Model):
    """Who to send a placement's release notices to, when the placement's own record cannot say.

    A placement carries the supervisors copied from its post (trainees.Placement). This record is used
    instead when a lead corrects that (`corrects_placement`), and when the placement names no supervisor
    (typed with a notice, before placements carried them)."""

    placement = models.OneToOneField(
        "trainees.Placement", on_delete=models.CASCADE, related_name="teaching_supervisor"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    corrects_placement = models.BooleanField(
        "corrects the placement's supervisor",
        default=False,
        help_text="A lead's correction: used instead of the supervisor copied from the post",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.name} <{self.email}>"


class ReleaseNoticeBatch(models.Model):
    """Release notices a lead sent together after a timetable was published: sent one by one in the
    background, each notice's status showing how far the batch has gone. Who sent it is on its notices."""

    year = models.ForeignKey(TeachingYear, on_delete=models.PROTECT, related_name="release_batches")
    region = models.ForeignKey(
        "programmes.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # the region the lead chose to list; empty: every trainee in their scope
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "release notice batches"

    def __str__(self):
        return f"Release notices for {self.year}, {self.created_at:%d %b %Y %H:%M}"


class ReleaseNotice(models.Model):
    """A release notice emailed to a placement supervisor: the sessions listed, as sent. Sent at once from
    one trainee's page, or queued in a batch and sent by a background task."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"

    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.CASCADE, related_name="release_notices")
    placement = models.ForeignKey(
        "trainees.Placement", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    batch = models.ForeignKey(
        ReleaseNoticeBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    supervisor_name = models.CharField(max_length=200)
    supervisor_email = models.EmailField()
    sessions = models.JSONField(help_text="Title, start and end of each session listed")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    queued_at = models.DateTimeField(default=timezone.now)
    # Empty while queued or after a failure; a notice made without a status was sent as it was made.
    sent_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    error = models.CharField(max_length=200, blank=True, help_text="Why the email could not be sent")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-queued_at", "-pk"]
        indexes = [models.Index(fields=["placement", "-queued_at"])]
        constraints = [
            models.CheckConstraint(
                name="release_notice_status_known", condition=Q(status__in=["queued", "sent", "failed"])
            ),
            models.CheckConstraint(
                name="release_notice_sent_when_sent",
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
            ),
        ]

    def __str__(self):
        return f"Release notice for {self.trainee} to {self.supervisor_email}"


class ReminderSent(models.Model):
    """A reminder email went to a trainee for a session (so the task never sends it twice)."""

    session = models.ForeignKey(TeachingSession, on_delete=models.CASCADE, related_name="reminders_sent")
    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "trainee"], name="one_reminder_per_session")
        ]

    def __str__(self):
        return f"Reminder to {self.trainee} for {self.session}"
