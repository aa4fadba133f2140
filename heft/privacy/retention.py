"""How long HEFT Hub keeps each kind of record, which records are past it, and how each is erased.

Nothing here runs by itself. `retention_queue` (a management command, run daily) only lists what is due on
the review queue; a kind's `apply` runs only when a national admin approves an item
(heft/privacy/services.py). Periods are in years and can be changed with the setting
HEFT_RETENTION_YEARS, e.g. {"trainee": 8}.

Audit events are kept: they are the record of who did what, including every erasure, and the app lets no
one change or delete them.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, Max, Q
from django.utils import timezone

from heft.accounts.models import Role
from heft.community.models import (
    CareerOutcome,
    ExpressionOfInterest,
    GroupMember,
    GroupNote,
    Opportunity,
)
from heft.preferencing.models import Preference, PreferenceList, PreferenceWindow
from heft.privacy.models import RetentionKind
from heft.teaching.models import (
    Attendance,
    CalendarFeedToken,
    Feedback,
    PlacementSupervisor,
    Reflection,
    ReleaseNotice,
    ReminderSent,
    TeachingSession,
)
from heft.trainees.models import Interruption, ProgrammeMembership, Trainee

ERASE, ANONYMISE = "erase", "anonymise"
# An anonymised trainee's email is on this reserved domain: it marks the record as done.
ANONYMISED_DOMAIN = "erased.invalid"
STILL_IN_TRAINING = (ProgrammeMembership.Status.ACTIVE, ProgrammeMembership.Status.INTERRUPTED)


@dataclass(frozen=True)
class Due:
    target: models.Model
    due_on: datetime.date
    summary: str  # no personal data: ids, dates, titles of sessions and opportunities


def years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year + years, day=28)


def short(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


class Kind:
    """One kind of record: its default period, what starts the clock, and how it is erased."""

    key: str
    model: type[models.Model]
    default_years: int
    action: str
    starts: str  # when the period starts, e.g. "after the session"
    what_happens: str  # what approval does, for the reviewer

    @property
    def label(self) -> str:
        return RetentionKind(self.key).label

    @property
    def years(self) -> int:
        return getattr(settings, "HEFT_RETENTION_YEARS", {}).get(self.key, self.default_years)

    def cutoff(self, today: datetime.date) -> datetime.date:
        """Records whose clock started before this day are past their retention date."""
        return years_after(today, -self.years)

    def due(self, today: datetime.date) -> Iterator[Due]:
        raise NotImplementedError

    def due_on(self, target) -> datetime.date | None:
        raise NotImplementedError

    def preview(self, target) -> dict[str, int]:
        """What approval would erase or change, by description: nothing left means nothing is due."""
        raise NotImplementedError

    def apply(self, target) -> dict[str, int]:
        raise NotImplementedError

    def is_due(self, target, today: datetime.date) -> bool:
        due_on = self.due_on(target)
        return due_on is not None and due_on <= today and any(self.preview(target).values())


def _session_end(session: TeachingSession) -> datetime.date:
    return timezone.localtime(session.end).date()


def _aware_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class TraineeRecords(Kind):
    key = RetentionKind.TRAINEE
    model = Trainee
    default_years = 6
    action = ANONYMISE
    starts = "after their training ends (CCT or leaving the programme)"
    what_happens = (
        "The trainee's name, GMC number, email and phone are replaced; their sign-in account is deleted "
        "(or, if they hold another role, their trainee role is removed); their reflections, calendar feeds, "
        "release notices, reminders, supervisors' details and community notes are deleted, and free text "
        "(notes on time out, feedback comments, messages, reasons) is emptied. Their training history "
        "(placements, time out, offers, attendance) stays for the programme's figures, under an id only."
    )

    def _finished(self):
        """Trainees with memberships, none of them still in training, not yet anonymised."""
        return (
            Trainee.objects.filter(memberships__isnull=False)
            .exclude(memberships__status__in=STILL_IN_TRAINING)
            .exclude(email__endswith=f"@{ANONYMISED_DOMAIN}")
            .annotate(
                last_cct=Max("memberships__cct_estimate"),
                last_placement=Max("memberships__placements__end_date"),
                last_start=Max("memberships__start_date"),
            )
        )

    @staticmethod
    def _training_ended(trainee) -> datetime.date:
        """The later of the CCT date and the last placement's end; the start, for someone with neither."""
        known = [day for day in (trainee.last_cct, trainee.last_placement) if day]
        return max(known) if known else trainee.last_start

    def due(self, today):
        for trainee in self._finished().order_by("pk"):
            ended = self._training_ended(trainee)
            due_on = years_after(ended, self.years)
            if due_on <= today:
                yield Due(trainee, due_on, f"Trainee {trainee.pk}: training ended {short(ended)}")

    def due_on(self, target):
        trainee = self._finished().filter(pk=target.pk).first()
        return years_after(self._training_ended(trainee), self.years) if trainee else None

    def preview(self, target):
        user = target.user
        return {
            "trainee record (name, GMC number, contact details)": int(
                not target.email.endswith(f"@{ANONYMISED_DOMAIN}")
            ),
            "sign-in account": int(user is not None),
            "reflections": Reflection.objects.filter(trainee=target).count(),
            "calendar feeds": CalendarFeedToken.objects.filter(trainee=target).count(),
            "release notices": ReleaseNotice.objects.filter(trainee=target).count(),
            "placement supervisors' details": PlacementSupervisor.objects.filter(
                placement__membership__trainee=target
            ).count(),
            "community notes they wrote": GroupNote.objects.filter(author=user).count() if user else 0,
        }

    def apply(self, target):
        counts = {
            "reflections": Reflection.objects.filter(trainee=target).delete()[0],
            "calendar feeds": CalendarFeedToken.objects.filter(trainee=target).delete()[0],
            "release notices": ReleaseNotice.objects.filter(trainee=target).delete()[0],
            "reminders": ReminderSent.objects.filter(trainee=target).delete()[0],
            "placement supervisors' details": PlacementSupervisor.objects.filter(
                placement__membership__trainee=target
            ).delete()[0],
            **self._empty_free_text(target),
        }
        if target.user_id:
            counts.update(self._close_account(target))
        target.forenames = "Erased"
        target.surname = f"trainee {target.pk}"
        target.email = f"trainee-{target.pk}@{ANONYMISED_DOMAIN}"
        target.phone = ""
        target.gmc_number = self._placeholder_gmc_number(target.pk)
        target.user = None
        target.save()
        counts["trainee record"] = 1
        return counts

    @staticmethod
    def _empty_free_text(target) -> dict[str, int]:
        """Free text may say anything about the person: emptied; the rows stay for the figures."""
        return {
            "notes on time out": Interruption.objects.filter(membership__trainee=target)
            .exclude(notes="")
            .update(notes=""),
            "feedback comments": Feedback.objects.filter(trainee=target)
            .exclude(what_worked="", what_to_change="")
            .update(what_worked="", what_to_change=""),
            "messages with expressions of interest": ExpressionOfInterest.objects.filter(trainee=target)
            .exclude(message="")
            .update(message=""),
            "reasons for community group places": GroupMember.objects.filter(trainee=target)
            .exclude(reason="")
            .update(reason=""),
            "notes on career outcomes": CareerOutcome.objects.filter(trainee=target)
            .exclude(notes="")
            .update(notes=""),
        }

    @staticmethod
    def _close_account(target) -> dict[str, int]:
        """Delete the sign-in account, unless the person also holds a staff role: then only the trainee
        role goes (their staff work, such as mentoring, is not the trainee record's to erase)."""
        user = get_user_model().objects.get(pk=target.user_id)
        notes = GroupNote.objects.filter(author=user).delete()[0]
        if user.role_assignments.exclude(role=Role.TRAINEE).exists():
            user.role_assignments.filter(role=Role.TRAINEE).delete()
            return {"community notes they wrote": notes, "trainee role": 1}
        user.delete()
        return {"community notes they wrote": notes, "sign-in account": 1}

    @staticmethod
    def _placeholder_gmc_number(pk: int) -> str:
        """Unique, seven characters, and plainly not a GMC number (those are all digits)."""
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"
        text = ""
        while pk:
            pk, rest = divmod(pk, 36)
            text = digits[rest] + text
        return "X" + text.rjust(6, "0")[-6:]


class SessionRecords(Kind):
    """Records kept per teaching session, reviewed a session at a time."""

    model = TeachingSession
    noun = ""

    def _querysets(self, session) -> dict[str, models.QuerySet]:
        raise NotImplementedError

    def _sessions_with_records(self):
        raise NotImplementedError

    def due(self, today):
        sessions = self._sessions_with_records().filter(end__lt=_aware_midnight(self.cutoff(today)))
        for session in sessions.order_by("end", "pk"):
            count = sum(self.preview(session).values())
            summary = f"{self.noun} “{session.title}” on {short(_session_end(session))} ({count})"
            yield Due(session, years_after(_session_end(session), self.years), summary)

    def due_on(self, target):
        return years_after(_session_end(target), self.years)

    def preview(self, target):
        return {name: queryset.count() for name, queryset in self._querysets(target).items()}

    def apply(self, target):
        return {name: queryset.delete()[0] for name, queryset in self._querysets(target).items()}


class AttendanceRecords(SessionRecords):
    key = RetentionKind.ATTENDANCE
    default_years = 6
    action = ERASE
    starts = "after the session"
    noun = "Attendance at"
    what_happens = "The session's attendance records (who came, sent apologies or was absent) are deleted."

    def _querysets(self, session):
        return {"attendance records": Attendance.objects.filter(session=session)}

    def _sessions_with_records(self):
        return TeachingSession.objects.filter(attendances__isnull=False).distinct()


class ReflectionRecords(SessionRecords):
    key = RetentionKind.REFLECTIONS
    default_years = 3
    action = ERASE
    starts = "after the session"
    noun = "Reflections and feedback on"
    what_happens = (
        "Trainees' reflections on the session and their feedback (ratings and comments) are deleted."
    )

    def _querysets(self, session):
        return {
            "reflections": Reflection.objects.filter(session=session),
            "feedback": Feedback.objects.filter(session=session),
        }

    def _sessions_with_records(self):
        return TeachingSession.objects.filter(
            Q(reflections__isnull=False) | Q(feedback__isnull=False)
        ).distinct()


class PreferenceRecords(Kind):
    key = RetentionKind.PREFERENCES
    model = PreferenceWindow
    default_years = 2
    action = ERASE
    starts = "after the preference window closes"
    what_happens = (
        "Every trainee's ranked list for the window is deleted. Offers stay: they are part of the training "
        "record. Allocation runs keep their input snapshot (trainee ids and ranks, no names) as the record "
        "of how places were decided."
    )

    def due(self, today):
        windows = (
            PreferenceWindow.objects.filter(closes_at__lt=_aware_midnight(self.cutoff(today)))
            .annotate(
                list_count=Count("lists", distinct=True), rank_count=Count("preferences", distinct=True)
            )
            .filter(Q(list_count__gt=0) | Q(rank_count__gt=0))
            .select_related("scheme")
        )
        for window in windows.order_by("closes_at", "pk"):
            closed = timezone.localtime(window.closes_at).date()
            summary = f"Preferences for {window.scheme.name} {window.intake}, closed {short(closed)}"
            yield Due(window, years_after(closed, self.years), f"{summary} ({window.list_count} lists)")

    def due_on(self, target):
        return years_after(timezone.localtime(target.closes_at).date(), self.years)

    def _querysets(self, window):
        return {
            "ranked preferences": Preference.objects.filter(window=window),
            "preference lists": PreferenceList.objects.filter(window=window),
        }

    def preview(self, target):
        return {name: queryset.count() for name, queryset in self._querysets(target).items()}

    def apply(self, target):
        return {name: queryset.delete()[0] for name, queryset in self._querysets(target).items()}


class InterestRecords(Kind):
    key = RetentionKind.INTEREST
    model = Opportunity
    default_years = 2
    action = ERASE
    starts = "after the opportunity closes"
    what_happens = "Trainees' expressions of interest in the opportunity (and their messages) are deleted."

    def due(self, today):
        opportunities = (
            Opportunity.objects.filter(closes_on__lt=self.cutoff(today))
            .annotate(expression_count=Count("interest"))
            .filter(expression_count__gt=0)
        )
        for opportunity in opportunities.order_by("closes_on", "pk"):
            summary = (
                f"Expressions of interest in “{opportunity.title}”, closed {short(opportunity.closes_on)} "
                f"({opportunity.expression_count})"
            )
            yield Due(opportunity, years_after(opportunity.closes_on, self.years), summary)

    def due_on(self, target):
        return years_after(target.closes_on, self.years)

    def preview(self, target):
        return {"expressions of interest": ExpressionOfInterest.objects.filter(opportunity=target).count()}

    def apply(self, target):
        return {
            "expressions of interest": ExpressionOfInterest.objects.filter(opportunity=target).delete()[0]
        }


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        TraineeRecords(),
        AttendanceRecords(),
        ReflectionRecords(),
        PreferenceRecords(),
        InterestRecords(),
    )
}


@dataclass(frozen=True)
class PolicyRow:
    label: str
    kept_for: str
    then: str


def policy_table() -> list[PolicyRow]:
    """The retention policy in words, for the review page, the docs and subject access exports."""
    rows = [
        PolicyRow(kind.label, f"{kind.years} years {kind.starts}", f"{kind.action.capitalize()}d on approval")
        for kind in KINDS.values()
    ]
    rows.append(
        PolicyRow(
            "Audit events",
            "Kept",
            "Never erased by the app: they record every change, view, export and erasure",
        )
    )
    return rows
