import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q


class EmailUserManager(UserManager):
    """Users sign in by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Every user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = EmailUserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", "National admin"
    REGIONAL_LEAD = "regional_lead", "Regional programme lead"
    SCHEME_ADMIN = "scheme_admin", "Scheme administrator or TPD"
    EDUCATOR = "educator", "Educator"
    MENTOR = "mentor", "Mentor"
    TRAINEE = "trainee", "Trainee"


ROLE_SCOPE_FITS = (
    Q(role="national_admin", region__isnull=True, scheme__isnull=True)
    | Q(role="regional_lead", region__isnull=False)
    | Q(role="scheme_admin", scheme__isnull=False)
    | Q(role__in=["educator", "mentor", "trainee"])
)


class RoleAssignment(models.Model):
    """A role held by a user within a scope: all of England, one region, or one scheme."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=32, choices=Role.choices)
    region = models.ForeignKey("programmes.Region", null=True, blank=True, on_delete=models.CASCADE)
    scheme = models.ForeignKey("programmes.TrainingScheme", null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="role_scope_is_one_level",
                condition=~(Q(region__isnull=False) & Q(scheme__isnull=False)),
                violation_error_message="A role is scoped to a region or a scheme, not both.",
            ),
            models.CheckConstraint(
                name="role_scope_fits_role",
                condition=ROLE_SCOPE_FITS,
                violation_error_message="National admins cover England; leads need a region; TPDs a scheme.",
            ),
        ]

    def __str__(self):
        scope = self.scheme or self.region or "England"
        return f"{self.get_role_display()} ({scope})"


class Invitation(models.Model):
    """A one-time link that lets someone set their password and take up a role.

    The link carries the invitation's id and nonce, signed with the secret key (heft.accounts.invitations):
    the database alone cannot forge one, and the email task needs only the id. The link works once, until
    `expires_at`; sending it again draws a new nonce, so the old link stops working; revoking stops it at
    once. The role is granted when the link is used (or at once, for someone who already signs in)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=32, choices=Role.choices)
    region = models.ForeignKey("programmes.Region", null=True, blank=True, on_delete=models.CASCADE)
    scheme = models.ForeignKey("programmes.TrainingScheme", null=True, blank=True, on_delete=models.CASCADE)
    # What the role needs beyond its scope, for the app that keeps it (a mentor's kind, capacity, locality).
    details = models.JSONField(default=dict, blank=True)
    nonce = models.CharField(max_length=32, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    times_sent = models.PositiveSmallIntegerField(default=1)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.CheckConstraint(
                name="invitation_scope_is_one_level",
                condition=~(Q(region__isnull=False) & Q(scheme__isnull=False)),
            ),
            models.CheckConstraint(name="invitation_scope_fits_role", condition=ROLE_SCOPE_FITS),
            models.CheckConstraint(
                name="invitation_used_or_revoked_not_both",
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"Invitation for {self.user.email} as {self.get_role_display()}"

    @property
    def scope_label(self) -> str:
        return str(self.scheme or self.region or "England")

    def status(self, now) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if now >= self.expires_at else "sent"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is stored; the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name} ({self.user})"

    @staticmethod
    def new_raw_value() -> str:
        return "heft_" + secrets.token_urlsafe(32)


class UserSession(AbstractBaseSession):
    """A server-side session (Django's database sessions) with its signed-in user beside the encoded data,
    so that signing a user out everywhere finds their sessions by an index instead of decoding them all.
    Set by heft.accounts.sessions.SessionStore on every save; None before sign-in."""

    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta(AbstractBaseSession.Meta):
        verbose_name = "sign-in session"

    @classmethod
    def get_session_store_class(cls):
        from heft.accounts.sessions import SessionStore

        return SessionStore
