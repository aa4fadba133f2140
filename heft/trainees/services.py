"""Writes to trainee records. Each runs in one transaction and leaves an audit event."""

import datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from heft.accounts.models import Invitation, Role
from heft.accounts.services import invitation_create
from heft.audit.services import audit_record, snapshot
from heft.engines.cct import Estimate, counts_by_default, ltft_flags
from heft.engines.cct import LtftChange as LtftSpec
from heft.trainees.models import Interruption, LtftChange, ProgrammeMembership, Trainee
from heft.trainees.selectors import cct_estimate_for, current_membership

DAY = datetime.timedelta(days=1)


def interruption_record(
    *,
    membership: ProgrammeMembership,
    kind: str,
    start_date: datetime.date,
    by,
    end_date: datetime.date | None = None,
    counts_towards_training: bool | None = None,
    notes: str = "",
) -> Interruption:
    """Time out of training. Unless it is already over, the membership becomes interrupted and any HEFT
    place is released: a HEFT rotation is not guaranteed on return. The CCT estimate is worked out again.

    `counts_towards_training` None takes the usual rule: OOPT and sick leave count, the rest does not."""
    from heft.preferencing.services import heft_place_release

    if kind not in Interruption.Kind.values:
        raise ValidationError({"kind": "Choose the kind of time out."})
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
        audit_record(by=by, verb="interruption.recorded", target=interruption, after=snapshot(interruption))
        if end_date is None or end_date >= timezone.localdate():
            _set_status(membership, ProgrammeMembership.Status.INTERRUPTED, "membership.interrupted", by)
            label = interruption.get_kind_display().lower()
            reason = f"You interrupted your training ({label}), so your HEFT place was released."
            heft_place_release(membership=membership, reason=reason, by=by)
        cct_estimate_update(membership=membership, by=by)
    return interruption


def training_return(*, interruption: Interruption, return_date: datetime.date, by) -> Interruption:
    """The trainee is back: the time out ends the day before they returned. The membership is in training
    again unless other time out is still running; 'returning, HEFT not guaranteed' stays as it was."""
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
        cct_estimate_update(membership=membership, by=by)
    return interruption


def ltft_change_record(
    *,
    membership: ProgrammeMembership,
    wte: Decimal,
    start_date: datetime.date,
    requested_on: datetime.date,
    by,
) -> LtftChange:
    """A change to less than full time (or back to full time) from a date. Patterns other than 100, 80,
    70, 60 or 50% are flagged for approval, and less than 16 weeks' notice is flagged; both go in the audit
    event and show wherever the change does."""
    wte = _checked_wte(wte)
    if requested_on > start_date:
        raise ValidationError(
            {"requested_on": "The request must come on or before the date the change starts."}
        )
    with transaction.atomic():
        membership = ProgrammeMembership.objects.select_for_update().get(pk=membership.pk)
        if start_date < membership.start_date:
            raise ValidationError({"start_date": "The change cannot start before training did."})
        if membership.ltft_changes.filter(start_date=start_date).exists():
            raise ValidationError({"start_date": "A change already starts on this date."})
        change = LtftChange.objects.create(
            membership=membership, wte=wte, start_date=start_date, requested_on=requested_on
        )
        flags = ltft_flags(LtftSpec(Fraction(str(wte)), start_date, requested_on))
        audit_record(
            by=by, verb="ltft_change.recorded", target=change,
            after={**snapshot(change), "flags": [flag.code for flag in flags]},
        )  # fmt: skip
        cct_estimate_update(membership=membership, by=by)
    return change


def ltft_change_approve(*, change: LtftChange, by) -> LtftChange:
    """The programme team approves a non-standard working pattern. A standard one needs no approval."""
    with transaction.atomic():
        change = LtftChange.objects.select_for_update().get(pk=change.pk)
        if not ltft_needs_approval(change):
            raise ValidationError("This is a standard working pattern: it needs no approval.")
        if change.approved_at:
            raise ValidationError("This working pattern is already approved.")
        change.approved_at, change.approved_by = timezone.now(), by
        change.save(update_fields=["approved_at", "approved_by"])
        audit_record(
            by=by,
            verb="ltft_change.approved",
            target=change,
            after={"approved_at": change.approved_at.isoformat()},
        )
    return change


def ltft_needs_approval(change: LtftChange) -> bool:
    flags = ltft_flags(LtftSpec(Fraction(str(change.wte)), change.start_date, change.requested_on))
    return any(flag.code == "needs_approval" for flag in flags)


def cct_estimate_update(*, membership: ProgrammeMembership, by) -> Estimate:
    """Work the CCT estimate out again from the membership's record and keep it if it changed."""
    with transaction.atomic():
        membership = ProgrammeMembership.objects.select_for_update().get(pk=membership.pk)
        result = cct_estimate_for(membership)
        if membership.cct_estimate != result.cct:
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
