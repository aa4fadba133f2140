"""Writes to the teaching programme. Each runs in one transaction and leaves an audit event."""

import datetime
import hmac
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from heft.accounts.models import hash_token
from heft.audit.services import audit_record, audit_view, snapshot
from heft.core.tasks import enqueue_with_change
from heft.engines.timetable import Plan, PlanSpec
from heft.programmes.models import Region
from heft.teaching import emails
from heft.teaching.models import (
    Attendance,
    CalendarFeedToken,
    Feedback,
    Reflection,
    ReminderSent,
    TeachingSession,
    TeachingYear,
    TimetablePlan,
    long_date,
    short_date,
)
from heft.teaching.planning import blackouts_for, kept_and_replaced
from heft.teaching.selectors import (
    CHECK_IN_OPENS,
    can_change,
    can_plan,
    check_in_open,
    register_trainees,
    sessions_for_trainee,
    sessions_runnable_by,
    trainees_for_session,
    year_covering,
)
from heft.trainees.selectors import own_record

Kind, Status = TeachingSession.Kind, TeachingSession.Status
ENGINE_KINDS = {"national": Kind.NATIONAL, "regional": Kind.REGIONAL, "conference": Kind.CONFERENCE}
# What trainees see in their calendars: a change to any of these goes out as a new SEQUENCE.
REMINDER_LEAD = datetime.timedelta(days=2)
CALENDAR_FIELDS = ["title", "topic", "description", "start", "end", "online_link", "venue", "speakers"]


# --- planning ---------------------------------------------------------------------------------------------


def timetable_save_plan(
    *, spec: PlanSpec, spec_data: dict, result: Plan, region: Region | None, by
) -> TimetablePlan:
    """Save a planned timetable as draft sessions of its year, replacing this scope's earlier drafts.

    `region` None is the national programme (national sessions and the conference): refused once it has
    published sessions that year, which are then edited one by one. A region may plan again at any time:
    its published, cancelled and past sessions stay, and the plan must start after the last of them.
    """
    if not can_plan(by, region):
        raise PermissionDenied("You cannot plan this timetable.")
    with transaction.atomic():
        year = _year_for(spec, by)
        replaced, planned_from = _replaced_by_plan(year, region, result)
        replaced_ids = [s.pk for s in replaced]
        TeachingSession.objects.filter(pk__in=replaced_ids).delete()
        created = TeachingSession.objects.bulk_create(
            TeachingSession(
                year=year,
                kind=ENGINE_KINDS[s.kind],
                region=region if s.kind == "regional" else None,
                title=s.title,
                topic=s.topic,
                start=s.start,
                end=s.end,
                venue=s.venue,
            )
            for s in result.sessions
        )
        plan = TimetablePlan.objects.create(
            year=year,
            region=region,
            spec=spec_data,
            warnings=[w.to_dict() for w in result.warnings],
            created_by=by,
        )
        audit_record(
            by=by,
            verb="timetable.planned",
            target=plan,
            after={
                "year": year.label,
                "region": region.code if region else None,
                "sessions": len(created),
                "warnings": len(result.warnings),
                "replaced_drafts": replaced_ids,
                "planned_from": planned_from.isoformat() if planned_from else None,
            },
        )
    return plan


def _replaced_by_plan(year: TeachingYear, region: Region | None, result: Plan):
    """The drafts a plan replaces, and the first day a regional plan may use (None for the national one)."""
    if region is None:
        in_scope = _sessions_in_scope(year, None)
        if in_scope.exclude(status=Status.DRAFT).exists():
            raise ValidationError(
                f"The national programme for {year} is already published: edit or cancel its sessions one "
                "by one."
            )
        return list(in_scope), None
    _, replaced, first = kept_and_replaced(year, region)
    if any(timezone.localtime(s.start).date() < first for s in result.sessions):
        raise ValidationError(
            f"The plan starts before {long_date(first)}, where the sessions kept end: preview it again."
        )
    return replaced, first


def _year_for(spec: PlanSpec, by) -> TeachingYear:
    label = f"{spec.year_start.year}/{spec.year_end.year % 100:02d}"
    year = TeachingYear.objects.filter(start=spec.year_start).first()
    if year is None:
        if TeachingYear.objects.filter(label=label).exists():
            raise ValidationError(
                f"The {label} year already starts on another date: use the same start date."
            )
        year = TeachingYear.objects.create(label=label, start=spec.year_start, end=spec.year_end)
        audit_record(by=by, verb="teaching_year.created", target=year, after=snapshot(year))
    elif year.end != spec.year_end:
        raise ValidationError(f"The {year} year ends on {long_date(year.end)}: use the same end date.")
    return year


def _sessions_in_scope(year: TeachingYear, region: Region | None):
    if region is None:
        return year.sessions.filter(kind__in=[Kind.NATIONAL, Kind.CONFERENCE])
    return year.sessions.filter(kind=Kind.REGIONAL, region=region)


def _plannable(session: TeachingSession, by) -> None:
    if not can_change(by, session):
        if session.kind == Kind.COMMUNITY:
            raise PermissionDenied("Only the group's lead mentor or programme team can change its meetings.")
        raise PermissionDenied("This session is outside the timetables you plan.")


def session_create(
    *,
    kind: str,
    title: str,
    topic: str,
    start: datetime.datetime,
    end: datetime.datetime,
    by,
    year: TeachingYear | None = None,
    region: Region | None = None,
    community_group=None,
    publish: bool = False,
    leads=None,
    **details: str,
) -> TeachingSession:
    """One session outside a planning run: an extra national or regional session, or a community meeting.

    `year` is by default the teaching year the session starts in. `details` are the description, venue,
    online link and speakers. The session is a draft to check and publish, unless `publish` (a community
    meeting is published as it is made: its group's lead is its own planner).
    """
    unknown = set(details) - {"description", "venue", "online_link", "speakers"}
    if unknown:
        raise ValueError(f"Not settable here: {sorted(unknown)}")
    session = TeachingSession(
        kind=kind, region=region, community_group=community_group, title=title.strip(), topic=topic.strip(),
        start=start, end=end, **{name: value.strip() for name, value in details.items()},
    )  # fmt: skip
    _plannable(session, by)
    with transaction.atomic():
        session.year = year or _year_of(start)
        _check_times(session, start, end)
        session.full_clean()
        session.save()
        if leads:
            session.leads.set(leads)
        audit_record(by=by, verb="teaching_session.created", target=session, after=snapshot(session))
        if publish:
            _publish(session, by)
            _queue_reminders()
    return session


def _year_of(start: datetime.datetime) -> TeachingYear:
    day = timezone.localtime(start).date()
    year = year_covering(day)
    if year is None:
        raise ValidationError(
            {"start": f"No teaching year covers {long_date(day)} yet: the programme team sets up each year."}
        )
    return year


def session_update(*, session: TeachingSession, by, leads=None, **changes) -> TeachingSession:
    """Change a session's details. Once published, each change raises its SEQUENCE and tells subscribers."""
    _plannable(session, by)
    unknown = set(changes) - set(CALENDAR_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    with transaction.atomic():
        session = TeachingSession.objects.select_for_update().get(pk=session.pk)
        if session.status == Status.CANCELLED:
            raise ValidationError("A cancelled session cannot be changed.")
        start, end = changes.get("start", session.start), changes.get("end", session.end)
        year_before = session.year_id
        if session.kind == Kind.COMMUNITY and start != session.start:
            session.year = _year_of(start)  # a meeting moves with its date; planned sessions keep their year
        _check_times(session, start, end)
        changed = [name for name, value in changes.items() if getattr(session, name) != value]
        before = snapshot(session, changed)
        for name in changed:
            setattr(session, name, changes[name])
        if changed and session.is_published:
            session.sequence += 1
        session.save()
        lead_change = _set_leads(session, leads)
        if not changed and not lead_change:
            return session
        after = snapshot(session, changed)
        if lead_change:
            before["leads"], after["leads"] = lead_change
        if session.year_id != year_before:
            before["year"], after["year"] = year_before, session.year_id
        audit_record(by=by, verb="teaching_session.updated", target=session, before=before, after=after)
        if changed and session.is_published:
            _notify_members(session, [_describe(name, before[name], after[name]) for name in changed])
    return session


def sessions_set_online_link(*, sessions: list[TeachingSession], online_link: str, by) -> int:
    """Give many sessions one joining link (a series run in the same online meeting). Each change is
    audited and raises a published session's SEQUENCE; subscribers get one email listing their sessions
    whose link changed, not one per session. Returns how many sessions changed."""
    online_link = online_link.strip()
    for session in sessions:
        _plannable(session, by)
    with transaction.atomic():
        locked = TeachingSession.objects.select_for_update().filter(pk__in=[s.pk for s in sessions])
        changed = []
        for session in locked.order_by("start"):
            if session.status == Status.CANCELLED:
                raise ValidationError(f"{session} is cancelled: its link cannot be changed.")
            if session.online_link == online_link:
                continue
            before = {"online_link": session.online_link}
            session.online_link = online_link
            if session.is_published:
                session.sequence += 1
            session.save(update_fields=["online_link", "sequence", "updated_at"])
            audit_record(
                by=by,
                verb="teaching_session.updated",
                target=session,
                before=before,
                after={"online_link": online_link, "bulk": True},
            )
            changed.append(session)
        published = [s.pk for s in changed if s.is_published]
        if published:
            from heft.teaching.tasks import notify_link_changed

            enqueue_with_change(notify_link_changed, published)
    return len(changed)


def _check_times(session: TeachingSession, start: datetime.datetime, end: datetime.datetime) -> None:
    """A session ends after it starts, within its teaching year; the programme's sessions also keep off the
    blackout days (a community of practice meets when its members can)."""
    if end <= start:
        raise ValidationError({"end": "The session must end after it starts."})
    first, last = (timezone.localtime(moment).date() for moment in (start, end))
    if first < session.year.start or last > session.year.end:
        raise ValidationError(
            {"start": f"Choose a date in the {session.year} teaching year ({short_date(session.year.start)} "
                      f"to {short_date(session.year.end)})."}
        )  # fmt: skip
    if session.kind == Kind.COMMUNITY:
        return
    blackouts = blackouts_for(session.year, session.region)
    for day in {timezone.localtime(start).date(), timezone.localtime(end).date()}:
        if reason := blackouts.reason(day):
            raise ValidationError({"date": f"{long_date(day)} is a blackout ({reason}): choose another day."})


def _set_leads(session: TeachingSession, leads) -> tuple[list, list] | None:
    if leads is None:
        return None
    before = sorted(session.leads.values_list("email", flat=True))
    after = sorted(u.email for u in leads)
    if before == after:
        return None
    session.leads.set(leads)
    return before, after


def _describe(name: str, before, after) -> str:
    label = TeachingSession._meta.get_field(name).verbose_name.capitalize()
    if name in {"start", "end"}:
        moment = timezone.localtime(datetime.datetime.fromisoformat(after))
        return f"{label}: now {short_date(moment)} {moment:%H:%M}"
    return f"{label} changed" if name == "description" else f"{label}: now {after or '(none)'}"


def session_publish(*, session: TeachingSession, by) -> TeachingSession:
    _plannable(session, by)
    with transaction.atomic():
        session = TeachingSession.objects.select_for_update().get(pk=session.pk)
        if session.status != Status.DRAFT:
            raise ValidationError("Only a draft session can be published.")
        _publish(session, by)
        _queue_reminders()
    return session


def sessions_publish_drafts(*, year: TeachingYear, region: Region | None, by) -> int:
    """Publish every draft of one scope (the national programme, or a region) in a year."""
    if not can_plan(by, region):
        raise PermissionDenied("You cannot publish this timetable.")
    with transaction.atomic():
        drafts = list(_sessions_in_scope(year, region).filter(status=Status.DRAFT).select_for_update())
        for session in drafts:
            _publish(session, by)
        _queue_reminders()
    return len(drafts)


def _publish(session: TeachingSession, by) -> None:
    session.status, session.published_at = Status.PUBLISHED, timezone.now()
    session.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(by=by, verb="teaching_session.published", target=session, after={"status": session.status})


def session_cancel(*, session: TeachingSession, reason: str, by) -> TeachingSession | None:
    """Cancel a published session (feeds then carry STATUS:CANCELLED); a draft is simply deleted."""
    _plannable(session, by)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the session is cancelled: trainees will be told."})
    with transaction.atomic():
        session = TeachingSession.objects.select_for_update().get(pk=session.pk)
        if session.status == Status.CANCELLED:
            raise ValidationError("This session is already cancelled.")
        if session.status == Status.DRAFT:
            audit_record(
                by=by, verb="teaching_session.draft_deleted", target=session, before=snapshot(session)
            )
            session.delete()
            return None
        session.status = Status.CANCELLED
        session.sequence += 1
        session.save(update_fields=["status", "sequence", "updated_at"])
        audit_record(
            by=by,
            verb="teaching_session.cancelled",
            target=session,
            before={"status": Status.PUBLISHED},
            after={"status": Status.CANCELLED, "reason": reason.strip()},
        )
        _notify_members(session, [f"Cancelled: {reason.strip()}"])
    return session


def _notify_members(session: TeachingSession, changes: list[str]) -> None:
    from heft.teaching.tasks import notify_session_changed

    enqueue_with_change(notify_session_changed, session.pk, changes)


def _queue_reminders() -> None:
    """A session published close to its start still gets its reminders."""
    from heft.teaching.tasks import send_due_reminders

    enqueue_with_change(send_due_reminders)


# --- attendance -------------------------------------------------------------------------------------------


def register_record(
    *, session: TeachingSession, marks: dict[int, str], by, source: str = Attendance.Source.REGISTER
) -> int:
    """Record the register: trainee id -> attended, apologies or absent. Returns how many records changed.

    Attended and absent only once the session has begun; apologies at any time.
    """
    if not sessions_runnable_by(by).filter(pk=session.pk).exists():
        raise PermissionDenied("You cannot take this session's register.")
    if session.status != Status.PUBLISHED:
        raise ValidationError("A register can only be taken for a published session that is not cancelled.")
    if set(marks.values()) - set(Attendance.Status.values):
        raise ValidationError("Mark each trainee as attended, apologies or absent.")
    started = timezone.now() >= session.start - CHECK_IN_OPENS
    if not started and set(marks.values()) - {Attendance.Status.APOLOGIES}:
        raise ValidationError("Until the session begins, only apologies can be recorded.")
    allowed = set(register_trainees(by, session).filter(pk__in=marks).values_list("pk", flat=True))
    if set(marks) - allowed:
        raise ValidationError("Some of these trainees are not on this register.")
    changed = 0
    with transaction.atomic():
        existing = {
            a.trainee_id: a for a in session.attendances.select_for_update().filter(trainee_id__in=marks)
        }
        for trainee_id, status in sorted(marks.items()):
            record = existing.get(trainee_id)
            if record and record.status == status:
                continue
            changed += 1
            _record_attendance(session, trainee_id, status, source, record, by)
    return changed


def register_mark_all_present(*, session: TeachingSession, by) -> int:
    """Mark every trainee on the register not yet marked as attended: the first step with a big register,
    before changing the few who did not come. Marks already there (apologies sent ahead) are kept."""
    with transaction.atomic():
        marked = set(session.attendances.values_list("trainee_id", flat=True))
        unmarked = register_trainees(by, session).exclude(pk__in=marked).values_list("pk", flat=True)
        changed = register_record(
            session=session, marks=dict.fromkeys(unmarked, Attendance.Status.ATTENDED), by=by
        )
        if changed:
            audit_record(by=by, verb="register.all_marked_present", target=session, after={"marked": changed})
    return changed


def register_import(*, session: TeachingSession, marks: dict[int, str], summary: dict, by) -> int:
    """Record the attendance confirmed from an online meeting's report; `summary` (the meeting's title and
    how many rows were matched, chosen and ignored) goes into the audit trail beside each record."""
    with transaction.atomic():
        changed = register_record(
            session=session, marks=marks, by=by, source=Attendance.Source.MEETING_REPORT
        )
        audit_record(by=by, verb="register.imported", target=session, after={**summary, "changed": changed})
    return changed


def attendance_check_in(*, session: TeachingSession, code: str, by) -> Attendance:
    """A trainee marks themself attended with the code the educator shows during the session."""
    trainee = _own_session_trainee(session, by)
    if not check_in_open(session):
        raise ValidationError("Check-in is open from 15 minutes before the session starts until it ends.")
    if not hmac.compare_digest(code.strip().upper().encode(), session.check_in_code.encode()):
        raise ValidationError(
            {"code": "That code is not right: check it with the person running the session."}
        )
    with transaction.atomic():
        record = session.attendances.select_for_update().filter(trainee=trainee).first()
        if record and record.status == Attendance.Status.ATTENDED:
            return record
        return _record_attendance(
            session, trainee.pk, Attendance.Status.ATTENDED, Attendance.Source.CHECK_IN, record, by
        )


def _record_attendance(session, trainee_id: int, status: str, source: str, record, by) -> Attendance:
    before = {"status": record.status, "source": record.source} if record else None
    record = record or Attendance(session=session, trainee_id=trainee_id)
    record.status, record.source, record.recorded_by = status, source, by
    record.save()
    verb = "attendance.checked_in" if source == Attendance.Source.CHECK_IN else "attendance.recorded"
    after = {"status": status, "source": source, "session": session.pk, "trainee": trainee_id}
    audit_record(by=by, verb=verb, target=record, before=before, after=after)
    return record


def _own_session_trainee(session: TeachingSession, by):
    trainee = own_record(by)
    if trainee is None or not sessions_for_trainee(trainee).filter(pk=session.pk).exists():
        raise PermissionDenied("This session is not one of yours.")
    return trainee


def _started(session: TeachingSession) -> None:
    if session.status != Status.PUBLISHED:
        raise ValidationError("This session is cancelled.")
    if timezone.now() < session.start:
        raise ValidationError("You can do this once the session has started.")


def reflection_save(*, session: TeachingSession, text: str, by) -> Reflection:
    trainee = _own_session_trainee(session, by)
    _started(session)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write your reflection, or leave the page without saving."})
    with transaction.atomic():
        reflection, created = Reflection.objects.update_or_create(
            session=session, trainee=trainee, defaults={"text": text}
        )
        # The text is the trainee's own: the audit trail records that it changed, not what it says.
        audit_record(
            by=by,
            verb="reflection.created" if created else "reflection.updated",
            target=reflection,
            after={"session": session.pk, "characters": len(text)},
        )
    return reflection


def feedback_submit(
    *, session: TeachingSession, rating: int, what_worked: str, what_to_change: str, by
) -> Feedback:
    trainee = _own_session_trainee(session, by)
    _started(session)
    if rating not in range(1, 6):
        raise ValidationError({"rating": "Choose a rating from 1 to 5."})
    with transaction.atomic():
        feedback, created = Feedback.objects.update_or_create(
            session=session,
            trainee=trainee,
            defaults={
                "rating": rating,
                "what_worked": what_worked.strip(),
                "what_to_change": what_to_change.strip(),
            },
        )
        audit_record(
            by=by,
            verb="feedback.submitted" if created else "feedback.updated",
            target=feedback,
            after={"session": session.pk, "rating": rating},
        )
    return feedback


def trainee_attendance_viewed(*, trainee, by) -> None:
    """A lead opened one trainee's attendance and reflections record: the audit trail notes it."""
    with transaction.atomic():
        audit_view(by=by, target=trainee, page="attendance")


# --- reminders --------------------------------------------------------------------------------------------


def reminders_send_due(*, by=None, now: datetime.datetime | None = None) -> int:
    """Email each trainee a reminder, with the invitation attached, for sessions starting within
    REMINDER_LEAD. Safe to run often: nobody is reminded twice. Returns how many reminders went out."""
    now = now or timezone.now()
    due = TeachingSession.objects.filter(
        status=Status.PUBLISHED, start__gt=now, start__lte=now + REMINDER_LEAD
    )
    sent = 0
    with get_connection() as connection:
        for session in due.order_by("start"):
            with transaction.atomic():
                already = ReminderSent.objects.filter(session=session).values("trainee_id")
                trainees = list(trainees_for_session(session).exclude(pk__in=already))
                if not trainees:
                    continue
                # Recorded before sending: a second worker fails on the unique constraint instead of
                # sending again; a failed send rolls the records back for the next run.
                ReminderSent.objects.bulk_create(ReminderSent(session=session, trainee=t) for t in trainees)
                connection.send_messages([emails.reminder(session, t, connection) for t in trainees])
                audit_record(
                    by=by,
                    verb="teaching_session.reminders_sent",
                    target=session,
                    after={"trainees": len(trainees)},
                )
            sent += len(trainees)
    return sent


# --- calendar feed tokens ---------------------------------------------------------------------------------


def calendar_token_create(*, trainee, by) -> str:
    """A new secret feed address for the trainee; any earlier one stops working. Returns the raw token."""
    _own(trainee, by)
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        _revoke_live(trainee, by)
        token = CalendarFeedToken.objects.create(trainee=trainee, token_hash=hash_token(raw))
        audit_record(by=by, verb="calendar_token.created", target=token, after={"trainee": trainee.pk})
    return raw


def calendar_token_revoke(*, trainee, by) -> bool:
    _own(trainee, by)
    with transaction.atomic():
        return _revoke_live(trainee, by)


def _revoke_live(trainee, by) -> bool:
    tokens = list(
        CalendarFeedToken.objects.select_for_update().filter(trainee=trainee, revoked_at__isnull=True)
    )
    for token in tokens:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(by=by, verb="calendar_token.revoked", target=token, after={"trainee": trainee.pk})
    return bool(tokens)


def _own(trainee, by) -> None:
    if trainee.user_id is None or trainee.user_id != getattr(by, "pk", None):
        raise PermissionDenied("Only the trainee manages their calendar feed.")
