"""Writes to trainee records. Each runs in one transaction and leaves an audit event."""

import datetime
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from heft.accounts.models import Invitation, Role
from heft.accounts.services import invitation_create
from heft.audit.services import audit_record, snapshot
from heft.core.tasks import enqueue_with_change
from heft.engines.cct import Estimate, counts_by_default, ltft_flags
from heft.engines.cct import LtftChange as LtftSpec
from heft.trainees import tasks
from heft.trainees.models import Interruption, LtftChange, ProgrammeMembership, Trainee
from heft.trainees.placements import placements_redate
from heft.trainees.selectors import (
    cct_estimate_for,
    current_membership,
    heft_place_risk,
    ltft_notice,
    within_allowance,
)
from heft.trainees.signals import heft_place_released

DAY = datetime.timedelta(days=1)
INTAKE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
MOST_EXTENSION_MONTHS = 24
COMPLETION_AHEAD = datetime.timedelta(days=183)  # ARCP outcome 6 can come months before the CCT date


# --- time out of training, and the HEFT place it may put at risk -------------------------------------------


def interruption_record(
    *,
    membership: ProgrammeMembership,
    kind: str,
    start_date: datetime.date,
    by,
    end_date: datetime.date | None = None,
    counts_towards_training: bool | None = None,
    notes: str = "",
    heft_place: str = "",
    heft_place_reason: str = "",
) -> Interruption:
    """Time out of training. Unless it is over, or short enough for the allowance, the membership becomes
    interrupted. It never releases a HEFT place by itself: time out that puts one at risk (heft_place_risk)
    waits for the programme team to keep or release it (heft_place_decide), or they decide at once with
    `heft_place` (kept or released) and `heft_place_reason`. Placements and the CCT estimate follow.

    `counts_towards_training` None takes the usual rule: OOPT and sick leave count, the rest does not."""
    if kind not in Interruption.Kind.values:
        raise ValidationError({"kind": "Choose the kind of time out."})
    if heft_place:
        _check_heft_place_decision(heft_place, heft_place_reason)
    if counts_towards_training is None:
        counts_towards_training = counts_by_default(kind)
    with transaction.atomic():
        membership = ProgrammeMembership.objects.select_for_update().get(pk=membership.pk)
        _check_period(membership, start_date, end_date)
        interruption = Interruption.objects.create(
            membership=membership,
            kind=kind,
            start_date=start_date,
            end_date=end_date,
            counts_towards_training=counts_towards_training,
            notes=notes.strip(),
        )
        at_risk = heft_place_risk(interruption) is not None
        audit_record(
            by=by, verb="interruption.recorded", target=interruption,
            after={**snapshot(interruption), "heft_place_at_risk": at_risk},
        )  # fmt: skip
        if _interrupts_training(interruption):
            _set_status(membership, ProgrammeMembership.Status.INTERRUPTED, "membership.interrupted", by)
        placements_redate(membership=membership, by=by)
        cct_estimate_update(membership=membership, by=by)
        if heft_place:
            _heft_place_decide(interruption, heft_place, heft_place_reason.strip(), by)
    return interruption


def training_return(*, interruption: Interruption, return_date: datetime.date, by) -> Interruption:
    """The trainee is back: the time out ends the day before they returned. The membership is in training
    again unless other time out is still running; 'returning, HEFT not guaranteed' stays as it was.
    Placements and the CCT estimate follow."""
    with transaction.atomic():
        interruption = (
            Interruption.objects.select_for_update().select_related("membership").get(pk=interruption.pk)
        )
        membership = interruption.membership
        running = interruption.end_date is None or membership.status == ProgrammeMembership.Status.INTERRUPTED
        if not running:
            raise ValidationError("This time out has already ended.")
        if return_date > timezone.localdate():
            raise ValidationError(
                {"return_date": "Record the return once the trainee is back; a planned end is its last day."}
            )
        if return_date <= interruption.start_date:
            raise ValidationError({"return_date": "The return must come after the time out began."})
        before = {"end_date": str(interruption.end_date) if interruption.end_date else None}
        interruption.end_date = return_date - DAY
        interruption.save(update_fields=["end_date"])
        audit_record(
            by=by, verb="interruption.ended", target=interruption, before=before,
            after={"end_date": str(interruption.end_date), "return_date": str(return_date)},
        )  # fmt: skip
        if not _running_time_out(membership):
            _set_status(membership, ProgrammeMembership.Status.ACTIVE, "membership.returned", by)
        placements_redate(membership=membership, by=by)
        cct_estimate_update(membership=membership, by=by)
    return interruption


def heft_place_decide(*, interruption: Interruption, decision: str, reason: str, by) -> Interruption:
    """The programme team keeps or releases the HEFT place that time out puts at risk, with a reason the
    trainee is emailed either way. Releasing withdraws their live offers and flags them 'returning — HEFT
    rotation not guaranteed'. A kept place may be released later; a released one stays released."""
    _check_heft_place_decision(decision, reason)
    with transaction.atomic():
        ProgrammeMembership.objects.select_for_update().get(pk=interruption.membership_id)
        interruption = (
            Interruption.objects.select_for_update().select_related("membership").get(pk=interruption.pk)
        )
        _heft_place_decide(interruption, decision, reason.strip(), by)
    return interruption


def returning_intake_set(*, membership: ProgrammeMembership, intake: str, by) -> ProgrammeMembership:
    """After time out, the intake whose preference window the trainee joins ("" for none)."""
    intake = intake.strip()
    if intake and not INTAKE.match(intake):
        raise ValidationError({"intake": "Give the intake as its year and month, for example 2027-08."})
    with transaction.atomic():
        membership = ProgrammeMembership.objects.select_for_update().get(pk=membership.pk)
        if intake and intake <= membership.intake:
            raise ValidationError({"intake": f"Choose an intake after their own ({membership.intake})."})
        if intake and not membership.interruptions.exists():
            raise ValidationError("Only a trainee who has had time out returns with another intake.")
        if membership.returning_to_intake != intake:
            before = {"returning_to_intake": membership.returning_to_intake}
            membership.returning_to_intake = intake
            membership.save(update_fields=["returning_to_intake"])
            audit_record(
                by=by, verb="membership.returning_intake_set", target=membership, before=before,
                after={"returning_to_intake": intake},
            )  # fmt: skip
    return membership


# --- less than full time training -------------------------------------------------------------------------


def ltft_apply(
    *, membership: ProgrammeMembership, wte: Decimal, start_date: datetime.date, reason: str, by
) -> LtftChange:
    """The trainee applies to change their working pattern from a date, asked for today. Nothing moves until
    the programme team approves it (ltft_change_approve). The notice, measured to the start of the
    placement the change falls in, goes in the audit event and shows to both sides."""
    if membership.trainee.user_id is None or membership.trainee.user_id != getattr(by, "pk", None):
        raise PermissionDenied("Only the trainee applies to change their own working pattern.")
    wte = _checked_wte(wte)
    if reason not in LtftChange.Reason.values:
        raise ValidationError({"reason": "Choose the category of your reason."})
    today = timezone.localdate()
    if start_date <= today:
        raise ValidationError({"start_date": "The change must start after today."})
    with transaction.atomic():
        membership = ProgrammeMembership.objects.select_for_update().get(pk=membership.pk)
        _check_in_training(membership)
        if membership.ltft_changes.filter(status=LtftChange.Status.APPLIED).exists():
            raise ValidationError("You already have an application waiting for a decision.")
        _check_ltft_start(membership, start_date)
        change = LtftChange.objects.create(
            membership=membership,
            wte=wte,
            start_date=start_date,
            requested_on=today,
            status=LtftChange.Status.APPLIED,
            reason=reason,
        )
        audit_record(
            by=by, verb="ltft_change.applied", target=change,
            after={**snapshot(change), **_ltft_checks(membership, change)},
        )  # fmt: skip
    return change


def ltft_change_record(
    *,
    membership: ProgrammeMembership,
    wte: Decimal,
    start_date: datetime.date,
    requested_on: datetime.date,
    by,
    reason: str = "",
) -> LtftChange:
    """The programme team records a change to less than full time (or back to full time) from a date: it
    is approved at once, so placements and the CCT estimate follow. A pattern other than 100, 80, 70, 60 or
    50%, and less than 16 weeks' notice, are flagged in the audit event and wherever the change shows."""
    wte = _checked_wte(wte)
    if reason and reason not in LtftChange.Reason.values:
        raise ValidationError({"reason": "Choose the category of the reason."})
    if requested_on > start_date:
        raise ValidationError(
            {"requested_on": "The request must come on or before the date the change starts."}
        )
    with transaction.atomic():
        membership = ProgrammeMembership.objects.select_for_update().get(pk=membership.pk)
        _check_ltft_start(membership, start_date)
        change = LtftChange.objects.create(
            membership=membership,
            wte=wte,
            start_date=start_date,
            requested_on=requested_on,
            reason=reason,
            status=LtftChange.Status.APPROVED,
            approved_at=timezone.now(),
            approved_by=by,
        )
        audit_record(
            by=by, verb="ltft_change.recorded", target=change,
            after={**snapshot(change), **_ltft_checks(membership, change)},
        )  # fmt: skip
        placements_redate(membership=membership, by=by)
        cct_estimate_update(membership=membership, by=by)
    return change


def ltft_change_approve(*, change: LtftChange, by, note: str = "") -> LtftChange:
    """The programme team approves an application: from now on it counts, so placements and the CCT
    estimate move. The trainee is emailed."""
    return _ltft_decide(change, LtftChange.Status.APPROVED, note.strip(), by)


def ltft_change_decline(*, change: LtftChange, note: str, by) -> LtftChange:
    """The programme team declines an application with a note for the trainee, who is emailed. Nothing
    else changes."""
    if not note.strip():
        raise ValidationError({"note": "Say why it is declined: the trainee is told."})
    return _ltft_decide(change, LtftChange.Status.DECLINED, note.strip(), by)


# --- the end of training ------------------------------------------------------------------------------------


def training_complete(*, membership: ProgrammeMembership, cct_date: datetime.date, by) -> ProgrammeMembership:
    """The outcome that ends training: completion, on its CCT date. The membership is completed and its CCT
    estimate becomes the date itself, so from now the trainee is an alumnus (community's graduates, the
    outcomes report, post-CCT opportunities). The trainee is emailed."""
    with transaction.atomic():
        membership = ProgrammeMembership.objects.select_for_update().get(pk=membership.pk)
        _check_in_training(membership)
        if _running_time_out(membership):
            raise ValidationError("Their time out is still running: record their return first.")
        if cct_date <= membership.start_date:
            raise ValidationError({"cct_date": "The CCT date must come after training began."})
        if cct_date > timezone.localdate() + COMPLETION_AHEAD:
            raise ValidationError({"cct_date": "Record completion at most 6 months before the CCT date."})
        before = snapshot(membership, ["status", "cct_date", "cct_estimate"])
        membership.status = ProgrammeMembership.Status.COMPLETED
        membership.cct_date = membership.cct_estimate = cct_date
        membership.save(update_fields=["status", "cct_date", "cct_estimate"])
        audit_record(
            by=by, verb="membership.completed", target=membership, before=before,
            after=snapshot(membership, ["status", "cct_date", "cct_estimate"]),
        )  # fmt: skip
        enqueue_with_change(tasks.send_training_completed, membership.pk)
    return membership


def training_extend(*, membership: ProgrammeMembership, months: int, reason: str, by) -> ProgrammeMembership:
    """Training time added (e.g. after an ARCP outcome 3): the months add to the extension, and the CCT
    estimate moves by them."""
    if not 1 <= months <= MOST_EXTENSION_MONTHS:
        raise ValidationError({"months": f"Give from 1 to {MOST_EXTENSION_MONTHS} months."})
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason, for example the ARCP outcome."})
    with transaction.atomic():
        membership = ProgrammeMembership.objects.select_for_update().get(pk=membership.pk)
        _check_in_training(membership)
        before = {"extension_months": membership.extension_months}
        membership.extension_months += months
        membership.save(update_fields=["extension_months"])
        after = {"extension_months": membership.extension_months, "months": months, "reason": reason.strip()}
        audit_record(by=by, verb="membership.extended", target=membership, before=before, after=after)
        cct_estimate_update(membership=membership, by=by)
        membership.refresh_from_db(fields=["cct_estimate"])
    return membership


def cct_estimate_update(*, membership: ProgrammeMembership, by) -> Estimate:
    """Work the CCT estimate out again from the membership's record and keep it if it changed. Once training
    is completed the stored date is the CCT date itself, and stays."""
    with transaction.atomic():
        membership = ProgrammeMembership.objects.select_for_update().get(pk=membership.pk)
        result = cct_estimate_for(membership)
        completed = membership.status == ProgrammeMembership.Status.COMPLETED
        if membership.cct_estimate != result.cct and not completed:
            before = {"cct_estimate": str(membership.cct_estimate) if membership.cct_estimate else None}
            membership.cct_estimate = result.cct
            membership.save(update_fields=["cct_estimate"])
            audit_record(
                by=by, verb="membership.cct_estimated", target=membership, before=before,
                after={"cct_estimate": str(result.cct), "review": result.review.needed},
            )  # fmt: skip
    return result


# --- the pieces -----------------------------------------------------------------------------------------


def _check_period(membership: ProgrammeMembership, start: datetime.date, end: datetime.date | None) -> None:
    if end is not None and end < start:
        raise ValidationError({"end_date": "The last day cannot come before the first."})
    if start < membership.start_date:
        raise ValidationError({"start_date": "Time out cannot start before training did."})
    last = end or datetime.date.max
    for other in membership.interruptions.all():
        if other.start_date <= last and start <= (other.end_date or datetime.date.max):
            raise ValidationError(f"This overlaps time out already recorded ({other}).")


def _interrupts_training(interruption: Interruption) -> bool:
    """Time out under way or to come interrupts training, unless the allowance absorbs it."""
    over = interruption.end_date is not None and interruption.end_date < timezone.localdate()
    return not over and not within_allowance(interruption)


def _check_heft_place_decision(decision: str, reason: str) -> None:
    if decision not in Interruption.HeftPlace.values:
        raise ValidationError({"decision": "Choose whether to keep or release the HEFT place."})
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason: the trainee is told it."})


def _heft_place_decide(interruption: Interruption, decision: str, reason: str, by) -> None:
    """Inside the caller's transaction, with the interruption and its membership locked."""
    if interruption.heft_place_decision == Interruption.HeftPlace.RELEASED:
        raise ValidationError("The HEFT place was already released.")
    if interruption.heft_place_decision == decision:
        raise ValidationError("The HEFT place is already kept.")
    before = {"heft_place_decision": interruption.heft_place_decision}
    interruption.heft_place_decision = decision
    interruption.heft_place_decided_at, interruption.heft_place_decided_by = timezone.now(), by
    interruption.save(update_fields=["heft_place_decision", "heft_place_decided_at", "heft_place_decided_by"])
    audit_record(
        by=by, verb=f"interruption.heft_place_{decision}", target=interruption, before=before,
        after={"heft_place_decision": decision, "reason": reason},
    )  # fmt: skip
    if decision == Interruption.HeftPlace.RELEASED:
        _heft_place_release(interruption.membership, reason, by)
    enqueue_with_change(tasks.send_heft_place_decision, interruption.pk, reason)


def _heft_place_release(membership: ProgrammeMembership, reason: str, by) -> None:
    """Offers belong to preferencing, above this app: it withdraws them on the signal. A release that
    nothing carried out would leave the offers live, so it fails (and the decision rolls back)."""
    told = f"Your HEFT place was released during your time out of training: {reason}"
    if not heft_place_released.send(sender=Interruption, membership=membership, reason=told, by=by):
        raise ImproperlyConfigured("Nothing received heft_place_released: is heft.preferencing installed?")


def _check_ltft_start(membership: ProgrammeMembership, start_date: datetime.date) -> None:
    if start_date < membership.start_date:
        raise ValidationError({"start_date": "The change cannot start before training did."})
    if membership.ltft_changes.filter(start_date=start_date).exists():
        raise ValidationError({"start_date": "A change already starts on this date."})


def _ltft_checks(membership: ProgrammeMembership, change: LtftChange) -> dict:
    """The flags of a change for its audit event: a non-standard pattern, short notice (to the slot)."""
    pattern = ltft_flags(LtftSpec(Fraction(str(change.wte)), change.start_date))  # notice is judged below
    notice = ltft_notice(membership, change.start_date, change.requested_on)
    flags = [flag.code for flag in pattern] + (["short_notice"] if notice.short else [])
    return {"flags": flags, "notice_measured_to": str(notice.measured_to)}


def _ltft_decide(change: LtftChange, status: str, note: str, by) -> LtftChange:
    with transaction.atomic():
        ProgrammeMembership.objects.select_for_update().get(pk=change.membership_id)
        change = LtftChange.objects.select_for_update().select_related("membership").get(pk=change.pk)
        if change.status != LtftChange.Status.APPLIED:
            raise ValidationError(f"This change is already {change.get_status_display().lower()}.")
        before = {"status": change.status}
        change.status, change.decision_note = status, note
        fields = ["status", "decision_note"]
        if status == LtftChange.Status.APPROVED:
            change.approved_at, change.approved_by = timezone.now(), by
            fields += ["approved_at", "approved_by"]
        change.save(update_fields=fields)
        audit_record(
            by=by, verb=f"ltft_change.{status}", target=change, before=before,
            after={"status": status, "note": note},
        )  # fmt: skip
        if status == LtftChange.Status.APPROVED:
            placements_redate(membership=change.membership, by=by)
            cct_estimate_update(membership=change.membership, by=by)
        enqueue_with_change(tasks.send_ltft_decision, change.pk)
    return change


def _check_in_training(membership: ProgrammeMembership) -> None:
    if membership.status in (ProgrammeMembership.Status.COMPLETED, ProgrammeMembership.Status.WITHDRAWN):
        raise ValidationError(f"Training has already ended ({membership.get_status_display().lower()}).")


def _running_time_out(membership: ProgrammeMembership) -> bool:
    today = timezone.localdate()
    return membership.interruptions.filter(start_date__lte=today).exclude(end_date__lt=today).exists()


def _set_status(membership: ProgrammeMembership, status: str, verb: str, by) -> None:
    if membership.status == status:
        return
    before = {"status": membership.status}
    membership.status = status
    membership.save(update_fields=["status"])
    audit_record(by=by, verb=verb, target=membership, before=before, after={"status": status})


def _checked_wte(wte) -> Decimal:
    try:
        value = Decimal(str(wte)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"wte": "Give the whole-time equivalent as a number, e.g. 0.8."}) from None
    if not Decimal("0") < value <= Decimal("1"):
        raise ValidationError({"wte": "The whole-time equivalent must be above 0 and at most 1 (100%)."})
    return value


# --- sign-in and HEFT mode --------------------------------------------------------------------------------


def trainee_invite(*, trainee: Trainee, by) -> Invitation:
    """Email the trainee a link to set their password (again, with a new link, if one is waiting). Their
    sign-in is the one the import made; a trainee without one gets it now, linked to their record."""
    membership = current_membership(trainee)
    if membership is None:
        raise ValidationError("This trainee has no programme membership, so nobody can invite them yet.")
    email = trainee.user.email if trainee.user_id else trainee.email
    with transaction.atomic():
        trainee = Trainee.objects.select_for_update().get(pk=trainee.pk)
        outcome = invitation_create(
            email=email,
            role=Role.TRAINEE,
            first_name=trainee.forenames,
            last_name=trainee.surname,
            scheme=membership.scheme,
            by=by,
        )
        invitation = outcome.invitation
        if trainee.user_id is None:
            _link_sign_in(trainee, invitation.user, by=by)
    return invitation


def heft_mode_change(*, membership: ProgrammeMembership, heft_mode: str, by) -> ProgrammeMembership:
    """Whether the trainee is in HEFT, and how: a HEFT rotation, enrolment only (teaching and community), or
    not at all. Offers already made stay as they are: the allocation pages deal with those."""
    if heft_mode not in ProgrammeMembership.HeftMode.values:
        raise ValidationError({"heft_mode": "Choose how the trainee takes part in HEFT."})
    with transaction.atomic():
        membership = ProgrammeMembership.objects.select_for_update().get(pk=membership.pk)
        if membership.heft_mode != heft_mode:
            before = {"heft_mode": membership.heft_mode}
            membership.heft_mode = heft_mode
            membership.save(update_fields=["heft_mode"])
            audit_record(
                by=by, verb="membership.heft_mode_changed", target=membership, before=before,
                after={"heft_mode": heft_mode},
            )  # fmt: skip
    return membership


def _link_sign_in(trainee: Trainee, user, *, by) -> None:
    if Trainee.objects.filter(user=user).exclude(pk=trainee.pk).exists():
        raise ValidationError(f"The sign-in {user.email} belongs to another trainee: check the email.")
    trainee.user = user
    trainee.save(update_fields=["user"])
    audit_record(by=by, verb="trainee.sign_in_linked", target=trainee, after={"user": user.email})
