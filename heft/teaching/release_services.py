"""Writes for release notices: one trainee's, sent at once; a batch of them after a timetable is published,
sent by a background task; and a lead's correction of who a placement's notices go to. Each runs in one
transaction and leaves an audit event."""

import smtplib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from heft.accounts.permissions import Perm, has_perm
from heft.audit.services import audit_record
from heft.core.tasks import enqueue_with_change
from heft.programmes.models import Region
from heft.teaching import emails
from heft.teaching.models import (
    PlacementSupervisor,
    ReleaseNotice,
    ReleaseNoticeBatch,
    TeachingSession,
    TeachingYear,
)
from heft.teaching.release_selectors import (
    placement_own_supervisor,
    release_overview,
    supervisor_for,
    supervisor_record,
)
from heft.teaching.selectors import release_sessions, trainees_with_attendance_visible_to


def release_notice_send(*, trainee, placement, supervisor_name: str, supervisor_email: str, by):
    """Email the trainee's placement supervisor the sessions they are released for, at once, and keep a
    record (one trainee's page: the person learns straight away whether it went). The supervisor typed is
    kept for the placement's next notice. If the email cannot be sent, nothing is kept."""
    is_self = trainee.user_id is not None and trainee.user_id == by.pk
    if not is_self and not trainees_with_attendance_visible_to(by).filter(pk=trainee.pk).exists():
        raise PermissionDenied("This trainee is outside your scope.")
    sessions = list(release_sessions(trainee, placement))
    if not sessions:
        raise ValidationError("There are no coming sessions to release this trainee for.")
    with transaction.atomic():
        if placement:
            _keep_supervisor(placement, supervisor_name.strip(), supervisor_email.strip())
        notice = ReleaseNotice.objects.create(
            trainee=trainee,
            placement=placement,
            supervisor_name=supervisor_name,
            supervisor_email=supervisor_email,
            sessions=_listed(sessions),
            status=ReleaseNotice.Status.SENT,
            sent_at=timezone.now(),
            sent_by=by,
        )
        audit_record(
            by=by,
            verb="release_notice.sent",
            target=notice,
            after={"trainee": trainee.pk, "to": supervisor_email, "sessions": len(sessions)},
        )
        try:
            emails.release_notice(notice, sessions).send()
        except (smtplib.SMTPException, OSError) as error:
            raise ValidationError(
                f"The email could not be sent ({error.__class__.__name__}): try again later."
            ) from error
    return notice


def _listed(sessions) -> list[dict]:
    return [
        {"id": s.pk, "title": s.title, "start": s.start.isoformat(), "end": s.end.isoformat()}
        for s in sessions
    ]


def _keep_supervisor(placement, name: str, email: str) -> PlacementSupervisor | None:
    """Keep who the placement's notices go to: a correction when the placement names someone else (or the
    same person differently), a plain record when it names nobody. Typing the placement's own supervisor
    again ends an earlier correction. Returns the record when it changed."""
    own = placement_own_supervisor(placement)
    corrects = own is not None and (own.email.lower() != email.lower() or own.name != name)
    record = supervisor_record(placement)
    if own is not None and not corrects and (record is None or not record.corrects_placement):
        return None
    values = {"name": name, "email": email, "corrects_placement": corrects}
    if record and all(getattr(record, key) == value for key, value in values.items()):
        return None
    record, _ = PlacementSupervisor.objects.update_or_create(placement=placement, defaults=values)
    return record


def placement_supervisor_correct(*, placement, name: str, email: str, by) -> bool:
    """A lead corrects who a placement's release notices go to. The correction is kept on the placement's
    supervisor record and used instead of the supervisor copied from the post. Returns whether it changed."""
    trainee = placement.membership.trainee
    if not trainees_with_attendance_visible_to(by).filter(pk=trainee.pk).exists():
        raise PermissionDenied("This trainee is outside your scope.")
    name, email = name.strip(), email.strip()
    if not name or not email:
        raise ValidationError("Give the supervisor's name and email address.")
    with transaction.atomic():
        before = supervisor_for(placement)
        record = _keep_supervisor(placement, name, email)
        if record is None:
            return False
        audit_record(
            by=by,
            verb="placement_supervisor.corrected",
            target=record,
            before={"name": before.name, "email": before.email, "source": before.source} if before else None,
            after={"name": name, "email": email, "placement": placement.pk, "trainee": trainee.pk},
        )
    return True


def release_notices_queue(*, year: TeachingYear, region: Region | None, placement_ids: list[int], by):
    """Queue the release notices of the chosen placements (rows of the year's release notices) as one
    batch, sent by a background task. Every placement must be in the user's scope, have coming sessions
    and a supervisor to send to."""
    if not has_perm(by, Perm.VIEW_ATTENDANCE):
        raise PermissionDenied("You cannot send release notices.")
    if not placement_ids:
        raise ValidationError({"placements": "Choose at least one trainee to send a notice for."})
    rows = {row.placement.pk: row for row in release_overview(by, year, region=region).rows}
    missing = [pk for pk in placement_ids if pk not in rows]
    if missing:
        raise ValidationError("Some of the chosen placements have no coming sessions in your scope any more.")
    without = [rows[pk].trainee.full_name for pk in placement_ids if rows[pk].supervisor is None]
    if without:
        raise ValidationError(f"Add the supervisor first for: {', '.join(without)}.")
    with transaction.atomic():
        batch = ReleaseNoticeBatch.objects.create(year=year, region=region)
        ReleaseNotice.objects.bulk_create(
            ReleaseNotice(
                trainee=row.trainee,
                placement=row.placement,
                batch=batch,
                supervisor_name=row.supervisor.name,
                supervisor_email=row.supervisor.email,
                sessions=_listed(row.sessions),
                status=ReleaseNotice.Status.QUEUED,
                sent_at=None,
                sent_by=by,
            )
            for row in (rows[pk] for pk in dict.fromkeys(placement_ids))
        )
        audit_record(
            by=by,
            verb="release_notices.queued",
            target=batch,
            after={
                "year": year.label,
                "region": region.code if region else None,
                "notices": len(set(placement_ids)),
                "placements": sorted(set(placement_ids)),
            },
        )
        from heft.teaching.tasks import send_release_notices

        enqueue_with_change(send_release_notices, batch.pk)
    return batch


def release_notice_deliver(*, notice_id: int, connection=None) -> str:
    """Send one queued notice of a batch and record the outcome, as the person who queued it; a notice no
    longer queued (sent by an earlier attempt) is left alone. Returns the notice's status."""
    with transaction.atomic():
        notice = (
            ReleaseNotice.objects.select_for_update(of=("self",))  # PostgreSQL locks no outer-joined row
            .select_related("trainee", "placement__post__category", "placement__post__practice", "sent_by")
            .get(pk=notice_id)
        )
        if notice.status != ReleaseNotice.Status.QUEUED:
            return notice.status
        sessions = _sessions_listed(notice)
        try:
            emails.release_notice(notice, sessions, connection=connection).send()
        except (smtplib.SMTPException, OSError) as error:
            notice.status, notice.error = ReleaseNotice.Status.FAILED, error.__class__.__name__
            verb = "release_notice.failed"
        else:
            notice.status, notice.sent_at = ReleaseNotice.Status.SENT, timezone.now()
            verb = "release_notice.sent"
        notice.save(update_fields=["status", "sent_at", "error"])
        audit_record(
            by=notice.sent_by,
            verb=verb,
            target=notice,
            after={
                "trainee": notice.trainee_id,
                "to": notice.supervisor_email,
                "sessions": len(notice.sessions),
                "batch": notice.batch_id,
                **({"error": notice.error} if notice.error else {}),
            },
        )
    return notice.status


def _sessions_listed(notice: ReleaseNotice) -> list[TeachingSession]:
    """The notice's sessions, read again for the email's printable notice and calendar file."""
    ids = [item["id"] for item in notice.sessions if "id" in item]
    return list(TeachingSession.objects.filter(pk__in=ids).order_by("start"))
