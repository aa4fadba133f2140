"""Subject access: everything HEFT Hub holds about one trainee, gathered by walking the models.

SECTIONS lists every model that holds a trainee's data and how to reach the trainee's rows from it: from
the Trainee record or from their sign-in account (User). EXEMPT lists the links to a Trainee or a User that
are deliberately left out, each with its reason. tests/privacy/test_export_coverage.py fails when a model
gains a link to Trainee or User that is in neither list, so a new kind of personal data cannot be missed.

Secrets (password hashes, token hashes, authenticator secrets) are never exported.
"""

import datetime
import decimal
import json
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone

from heft.audit.models import AuditEvent
from heft.privacy.retention import policy_table

FORMAT = "heft-hub-subject-access/1"
NEVER_EXPORTED = {"password", "token_hash"}
TRAINEE, USER = "trainee", "user"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    model: str  # "app_label.ModelName"
    subject: str  # TRAINEE or USER: where the lookup starts
    lookup: str  # the ORM path from the model to the subject ("pk" for the subject's own row)
    exclude: tuple[str, ...] = ()  # secrets of this model, on top of NEVER_EXPORTED

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def direct_link(self) -> str | None:
        """The field of the model that points straight at the subject, if the lookup is one step."""
        return None if self.lookup == "pk" or "__" in self.lookup else self.lookup


SECTIONS = [
    # The trainee record and what hangs from it.
    Section("trainee", "Your trainee record", "trainees.Trainee", TRAINEE, "pk"),
    Section("memberships", "Programme memberships", "trainees.ProgrammeMembership", TRAINEE, "trainee"),
    Section("placements", "Placements", "trainees.Placement", TRAINEE, "membership__trainee"),
    Section(
        "supervisors",
        "Placement supervisors",
        "teaching.PlacementSupervisor",
        TRAINEE,
        "placement__membership__trainee",
    ),
    Section("interruptions", "Time out of training", "trainees.Interruption", TRAINEE, "membership__trainee"),
    Section("ltft", "Less than full time changes", "trainees.LtftChange", TRAINEE, "membership__trainee"),
    Section("preference_lists", "Preference lists", "preferencing.PreferenceList", TRAINEE, "trainee"),
    Section("preferences", "Ranked preferences", "preferencing.Preference", TRAINEE, "trainee"),
    Section("offers", "Offers", "preferencing.Offer", TRAINEE, "trainee"),
    Section("attendance", "Attendance at teaching", "teaching.Attendance", TRAINEE, "trainee"),
    Section("reflections", "Reflections", "teaching.Reflection", TRAINEE, "trainee"),
    Section("feedback", "Feedback on sessions", "teaching.Feedback", TRAINEE, "trainee"),
    Section("reminders", "Session reminders sent", "teaching.ReminderSent", TRAINEE, "trainee"),
    Section("release_notices", "Release notices", "teaching.ReleaseNotice", TRAINEE, "trainee"),
    Section("calendar_feeds", "Calendar feeds", "teaching.CalendarFeedToken", TRAINEE, "trainee"),
    Section("mentors", "Mentors assigned to you", "community.MentorAssignment", TRAINEE, "trainee"),
    Section("community_groups", "Communities of practice", "community.GroupMember", TRAINEE, "trainee"),
    Section(
        "expressions_of_interest",
        "Expressions of interest",
        "community.ExpressionOfInterest",
        TRAINEE,
        "trainee",
    ),
    Section("career_outcomes", "Career outcomes", "community.CareerOutcome", TRAINEE, "trainee"),
    # The sign-in account and what hangs from it.
    Section(
        "account",
        "Your sign-in account",
        "accounts.User",
        USER,
        "pk",
        exclude=("groups", "user_permissions"),
    ),
    Section("email_addresses", "Email addresses", "account.EmailAddress", USER, "user"),
    Section("authenticators", "Two-factor authenticators", "mfa.Authenticator", USER, "user", ("data",)),
    Section("roles", "Roles", "accounts.RoleAssignment", USER, "user"),
    Section("invitations", "Invitations to HEFT Hub", "accounts.Invitation", USER, "user", ("nonce",)),
    Section("api_tokens", "API tokens", "accounts.ApiToken", USER, "user"),
    Section(
        "community_profile", "Interests and directory listing", "community.CommunityProfile", USER, "user"
    ),
    Section("mentor", "Your mentor profile", "community.Mentor", USER, "user"),
    Section(
        "group_notes", "Notes you wrote in your community of practice", "community.GroupNote", USER, "author"
    ),
    Section("sessions_led", "Teaching sessions you lead", "teaching.TeachingSession", USER, "leads"),
    Section("actions", "What you did in HEFT Hub (audit trail)", "audit.AuditEvent", USER, "actor"),
]

# Links to a Trainee or a User that the export leaves out on purpose: "app_label.Model.field" -> reason.
EXEMPT = {
    "trainees.Trainee.user": "The link from the trainee record to the sign-in account: both are exported "
    "in full (the trainee and account sections).",
    "trainees.LtftChange.approved_by": "Who approved a change of working pattern: a programme team member; "
    "the change itself is exported through its trainee's membership.",
    "accounts.UserSession.user": "Sign-in sessions: the browser's sign-in state (timestamps and security "
    "tokens), deleted at sign-out, after 30 minutes idle or 12 hours at most; nothing the trainee entered.",
    "admin.LogEntry.user": "Admin-site changes: the admin site is open only to national admins, never to "
    "trainees, and every change made there is also an audit event.",
    "practices.DataImport.by": "Imports of public data: only national admins import data.",
    "trainees.Interruption.heft_place_decided_by": "Who decided to keep or release a HEFT place: a programme "
    "team member; the decision itself is exported with the time out.",
    "accounts.Invitation.invited_by": "Who sent an invitation: a programme team member; the invitations a "
    "person received are exported in their account's section.",
    "preferencing.RunRequest.requested_by": "Requests for an allocation run: only programme team members "
    "make them; the runs' offers are exported through each trainee.",
    "practices.DeepEndRuleApplication.by": "Deep End rule changes: only national admins make them.",
    "community.CommunityGroup.formed_by": "Who formed a community of practice: a programme team member.",
    "community.Opportunity.posted_by": "Who posted an opportunity: a programme team member.",
    "community.CareerOutcome.recorded_by": "Who recorded a career outcome: a programme team member; the "
    "outcome itself is exported through its trainee.",
    "preferencing.AllocationRun.created_by": "Who ran an allocation: a programme team member.",
    "preferencing.AllocationRun.published_by": "Who published an allocation: a programme team member.",
    "teaching.TimetablePlan.created_by": "Who planned a timetable: a programme team member.",
    "teaching.Attendance.recorded_by": "Who recorded attendance: the record is exported through its trainee.",
    "teaching.ReleaseNotice.sent_by": "Who sent a release notice: the notice itself is exported "
    "through its trainee.",
    "privacy.RetentionReview.decided_by": "Who decided a retention review: only national admins do.",
}


@dataclass
class ExportField:
    name: str
    label: str
    value: object  # JSON-ready
    text: str  # for people


@dataclass
class ExportRecord:
    label: str
    fields: list[ExportField] = field(default_factory=list)

    def as_json(self) -> dict:
        return {f.name: f.value for f in self.fields}


@dataclass
class ExportSection:
    key: str
    title: str
    records: list[ExportRecord]

    def as_json(self) -> dict:
        return {"key": self.key, "title": self.title, "records": [r.as_json() for r in self.records]}


@dataclass
class SubjectAccessExport:
    trainee_id: int
    user_id: int | None
    generated_at: datetime.datetime
    sections: list[ExportSection]

    @property
    def record_count(self) -> int:
        return sum(len(section.records) for section in self.sections)

    def as_json(self) -> dict:
        return {
            "format": FORMAT,
            "service": "HEFT Hub",
            "generated_at": self.generated_at.isoformat(),
            "subject": {"trainee_id": self.trainee_id, "user_id": self.user_id},
            "retention": [row.__dict__ for row in policy_table()],
            "sections": [section.as_json() for section in self.sections],
        }


def subject_access_data(trainee) -> SubjectAccessExport:
    """Everything held about `trainee`. A read: the caller (services.subject_access_export) audits it."""
    subjects = {TRAINEE: trainee, USER: trainee.user}
    rows_by_section = []
    for section in SECTIONS:
        subject = subjects[section.subject]
        rows_by_section.append((section, _rows(section, subject) if subject is not None else []))
    _attach_related(
        [row for _, rows in rows_by_section for row in rows],
        depth=RELATED_DEPTH,
        known=[record for record in subjects.values() if record is not None],
    )
    sections, seen = [], set()
    for section, rows in rows_by_section:
        seen.update((row._meta.label_lower, str(row.pk)) for row in rows)
        sections.append(ExportSection(section.key, section.title, [_record(row, section) for row in rows]))
    about = _audit_events_about(seen, exclude_actor=trainee.user)
    sections.append(
        ExportSection(
            "audit_about_you",
            "Changes to and views of your records (audit trail)",
            [_record(event, None) for event in about],
        )
    )
    return SubjectAccessExport(trainee.pk, trainee.user_id, timezone.now(), sections)


def _rows(section: Section, subject) -> list[models.Model]:
    """The section's rows, without their related records (`_attach_related` adds those for all sections at
    once). A lookup through a many-to-many link can reach a row twice: each row is kept once."""
    model = section.model_class
    value = subject.pk if section.lookup == "pk" else subject
    queryset = model._default_manager.filter(**{section.lookup: value})
    many = [f.name for f in model._meta.many_to_many if f.name not in section.exclude]
    rows = {row.pk: row for row in queryset.prefetch_related(*many).order_by("pk")}
    return list(rows.values())


# Each row is shown with its related records' names, and a name often reads a further record (a release
# notice's placement is named by its post, a post by its category). Those are loaded this many links deep,
# a level at a time for every section together: one simple query per related model and level, never once
# per row, and never one wide join (a join of twenty tables took PostgreSQL longer to plan than to run).
RELATED_DEPTH = 3


def _forward_links(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one]


def _attach_related(rows: list[models.Model], *, depth: int, known: list[models.Model] = ()) -> None:
    """Load the records the rows link to, and theirs, `depth` links deep, into each row's link cache (as
    select_related() would). Records of a many-to-many link already prefetched count as one link away.
    `known` records (the subject's own) are used as they are. Large JSON columns of the linked records
    (allocation inputs and results) are left unread unless a record's name asks for them."""
    loaded: dict[tuple[type, str], dict] = {}
    for record in known:
        loaded.setdefault((type(record), record._meta.pk.attname), {})[record.pk] = record
    level = list(rows)
    for row in rows:
        for related in getattr(row, "_prefetched_objects_cache", {}).values():
            level.extend(related)
    for _ in range(depth):
        wanted: dict[tuple[type, str], set] = {}
        links = []
        for record in level:
            for link in _forward_links(type(record)):
                value = getattr(record, link.attname)
                if value is None or link.is_cached(record):
                    continue
                key = (link.related_model, link.target_field.attname)
                links.append((record, link, key, value))
                if value not in loaded.get(key, {}):
                    wanted.setdefault(key, set()).add(value)
        fresh = []
        for (model, attname), values in wanted.items():
            heavy = [f.name for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
            queryset = model._base_manager.filter(**{f"{attname}__in": values}).defer(*heavy).order_by()
            found = {getattr(record, attname): record for record in queryset}
            loaded.setdefault((model, attname), {}).update(found)
            fresh.extend(found.values())
        for record, link, key, value in links:
            related = loaded[key].get(value)
            if related is not None:
                link.set_cached_value(record, related)
        level = fresh
        if not level:
            break


def _audit_events_about(records: set[tuple[str, str]], *, exclude_actor) -> list[AuditEvent]:
    """Events whose target is any record in the export (the subject's own actions are a section)."""
    by_type: dict[str, list[str]] = {}
    for target_type, target_id in records:
        if target_type != AuditEvent._meta.label_lower:
            by_type.setdefault(target_type, []).append(target_id)
    condition = Q(pk__in=[])
    for target_type, ids in by_type.items():
        condition |= Q(target_type=target_type, target_id__in=ids)
    events = AuditEvent.objects.filter(condition).select_related("actor")
    if exclude_actor is not None:
        events = events.exclude(actor=exclude_actor)
    return list(events.order_by("at", "pk"))


def _record(instance: models.Model, section: Section | None) -> ExportRecord:
    excluded = NEVER_EXPORTED | set(section.exclude if section else ())
    record = ExportRecord(label=str(instance))
    meta = instance._meta
    for model_field in [*meta.concrete_fields, *meta.many_to_many]:
        if model_field.name in excluded:
            continue
        value, text = _value(instance, model_field)
        label = str(model_field.verbose_name)
        record.fields.append(ExportField(model_field.name, label[:1].upper() + label[1:], value, text))
    return record


def _value(instance, model_field) -> tuple[object, str]:
    """A field's value for JSON, and as words for the readable page."""
    if model_field.many_to_many:
        related = list(getattr(instance, model_field.name).all())
        return [r.pk for r in related], ", ".join(str(r) for r in related)
    if model_field.is_relation:
        related_id = getattr(instance, model_field.attname)
        return related_id, "" if related_id is None else str(getattr(instance, model_field.name))
    value = getattr(instance, model_field.attname)
    if model_field.choices and value not in (None, ""):
        return value, str(getattr(instance, f"get_{model_field.name}_display")())
    return _json_ready(value), _text(value)


def _json_ready(value):
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


def _text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{local.day} {local:%B %Y, %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
