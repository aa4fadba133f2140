"""The life of an offer once published: the reply, the reminder, the lapse, giving a rotation up, and
moving up (upgrades) when a re-offer run frees a higher choice.

As in national recruitment, a trainee replies by the deadline in one of three ways: accept; accept with
upgrades (they hold the place and keep a claim on the rotations they ranked higher, and a re-offer run moves
them up automatically when one comes free); or decline. Accepting makes their placements, in the same
transaction. An offer not answered by the deadline lapses and its place goes to the next re-offer run; a
reminder goes a working day before. An accepted rotation can be given up until it starts.

Each write takes `by=` (None for the scheduled work: the audit log shows "system"), runs in one transaction
with its audit event, and queues its email in that transaction. The reminder and lapse sweeps are safe to
run as often as anyone likes: each offer is reminded at most once and lapses once.
"""

import datetime
import enum

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from heft.audit.services import audit_record
from heft.core.tasks import enqueue_with_change
from heft.engines.allocation.upgrades import Move, explain_move, final_holders, net_moves, upgrade_moves
from heft.engines.offers import working_hours_after, working_hours_before
from heft.preferencing import tasks
from heft.preferencing.models import AllocationRun, Offer, PreferenceWindow
from heft.preferencing.problem import live_offers, rotation_places, submitted_preferences, window_memberships
from heft.trainees.models import Placement, ProgrammeMembership
from heft.trainees.placements import rotation_placements_create, rotation_placements_remove

LAPSED_REASON = "No reply was received by the deadline, so the place was offered to someone else."
GIVEN_UP_REASON = "You gave this rotation up after accepting it."
# How far past the reminder lead a deadline may lie: the lead is in working hours, and the longest run of
# days off in England (Christmas to New Year) stretches it by a week at most.
REMINDER_SEARCH_SLACK = datetime.timedelta(days=14)


class OfferError(Exception):
    """A reply or change that cannot be made, with a message for the person who asked."""


class Reply(enum.StrEnum):
    ACCEPT = "accept"
    ACCEPT_WITH_UPGRADES = "accept_upgrades"
    DECLINE = "decline"


# --- deadlines ----------------------------------------------------------------------------------------------


def default_reply_by(now: datetime.datetime | None = None) -> datetime.datetime:
    """The reply deadline to propose when a run is published: HEFT_OFFER_REPLY_WORKING_HOURS working hours
    from now, weekends and England's bank holidays not counted (Friday 15:00 + 48 h -> Tuesday 15:00),
    rounded up to the hour so that trainees read "15:00" rather than "14:37"."""
    deadline = working_hours_after(now or timezone.now(), settings.HEFT_OFFER_REPLY_WORKING_HOURS)
    past_the_hour = datetime.timedelta(
        minutes=deadline.minute, seconds=deadline.second, microseconds=deadline.microsecond
    )
    return deadline if not past_the_hour else deadline - past_the_hour + datetime.timedelta(hours=1)


def reminder_due_at(respond_by: datetime.datetime) -> datetime.datetime:
    """When the reminder for an offer due at `respond_by` goes: HEFT_OFFER_REMINDER_HOURS working hours
    before, so a Monday deadline is reminded on the Friday rather than on the Sunday."""
    return working_hours_before(respond_by, settings.HEFT_OFFER_REMINDER_HOURS)


# --- what the trainee's pages show --------------------------------------------------------------------------


def upgrades_possible(offer: Offer) -> bool:
    """Whether the trainee ranked anything higher than the offered rotation, to keep a claim on."""
    return bool(offer.choice and offer.choice > 1)


def rotation_start(offer: Offer) -> datetime.date | None:
    """The first day of the offered rotation for this trainee: its earliest placement (made on
    acceptance), else the start of their programme; None if neither is known."""
    membership = _membership(offer)
    if membership is None:
        return None
    first = (
        Placement.objects.filter(membership=membership, rotation_id=offer.rotation_id)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    return first or membership.start_date


def has_started(offer: Offer, today: datetime.date | None = None) -> bool:
    start = rotation_start(offer)
    return start is not None and (today or timezone.localdate()) >= start


def can_give_up(offer: Offer, today: datetime.date | None = None) -> bool:
    return offer.status == Offer.Status.ACCEPTED and not has_started(offer, today)


def _membership(offer: Offer) -> ProgrammeMembership | None:
    """The trainee's membership of the offer's window (a returner's is of an earlier intake)."""
    return window_memberships(offer.window).filter(trainee_id=offer.trainee_id).first()


# --- the trainee's reply ------------------------------------------------------------------------------------


def offer_reply(*, offer: Offer, reply: Reply | str, by) -> Offer:
    """Accept, accept with upgrades, or decline. Accepting makes the rotation's placements in the same
    transaction."""
    reply = Reply(reply)
    with transaction.atomic():
        offer = _locked(offer)
        _refuse_unless_theirs(offer, by)
        if offer.status != Offer.Status.OFFERED:
            raise OfferError(f"This offer is already {offer.get_status_display().lower()}.")
        now = timezone.now()
        if now >= offer.respond_by:
            raise OfferError("The deadline to reply to this offer has passed. Contact your programme team.")
        if reply is Reply.ACCEPT_WITH_UPGRADES and not upgrades_possible(offer):
            raise OfferError(
                "You ranked nothing higher than this rotation, so there is nothing to upgrade to: accept it."
            )
        before = _picture(offer)
        accepted = reply is not Reply.DECLINE
        offer.status = Offer.Status.ACCEPTED if accepted else Offer.Status.DECLINED
        offer.upgrades = reply is Reply.ACCEPT_WITH_UPGRADES
        offer.responded_at = now
        offer.save(update_fields=["status", "upgrades", "responded_at"])
        verb = "offer.accepted" if accepted else "offer.declined"
        audit_record(by=by, verb=verb, target=offer, before=before, after=_picture(offer))
        if accepted:
            _placements_make(offer, by)
    return offer


def offer_give_up(*, offer: Offer, by, today: datetime.date | None = None) -> Offer:
    """Give up an accepted rotation before it starts: the place is freed for the next re-offer run and the
    placements not yet begun are taken back."""
    with transaction.atomic():
        offer = _locked(offer)
        _refuse_unless_theirs(offer, by)
        if offer.status != Offer.Status.ACCEPTED:
            raise OfferError("Only a rotation you have accepted can be given up.")
        start = rotation_start(offer)
        if start is not None and (today or timezone.localdate()) >= start:
            raise OfferError(
                f"This rotation started on {start:%-d %B %Y}, so it can no longer be given up here. "
                "Contact your programme team."
            )
        before = _picture(offer)
        offer.status, offer.status_reason = Offer.Status.GIVEN_UP, GIVEN_UP_REASON
        offer.save(update_fields=["status", "status_reason"])
        audit_record(by=by, verb="offer.given_up", target=offer, before=before, after=_picture(offer))
        placements_take_back(offer, by)
        enqueue_with_change(tasks.send_offer_notices, [offer.pk], "given_up")
    return offer


def _locked(offer: Offer) -> Offer:
    """The offer's row locked (only it: a reply must not hold up others in the window)."""
    related = Offer.objects.select_related("trainee", "rotation", "window")
    return related.select_for_update(of=("self",)).get(pk=offer.pk)


def _refuse_unless_theirs(offer: Offer, by) -> None:
    if by is None or offer.trainee.user_id != by.pk:
        raise OfferError("Only the trainee offered this rotation can reply to it or give it up.")


def _picture(offer: Offer) -> dict:
    return {"status": offer.status, "upgrades": offer.upgrades, "rotation": offer.rotation.code}


def _placements_make(offer: Offer, by) -> None:
    membership = _membership(offer)
    if membership is not None:
        rotation_placements_create(membership=membership, rotation=offer.rotation, by=by)


def placements_take_back(offer: Offer, by) -> None:
    membership = _membership(offer)
    if membership is not None:
        rotation_placements_remove(membership=membership, rotation=offer.rotation, by=by)


# --- reminders and lapses (scheduled) -----------------------------------------------------------------------


def offers_remind_due(*, by=None, now: datetime.datetime | None = None) -> int:
    """Remind each trainee whose offer is still unanswered once its reminder moment has come. An offer made
    after that moment (a short deadline) gets none: its offer email is fresh. Returns how many."""
    now = now or timezone.now()
    lead = datetime.timedelta(hours=settings.HEFT_OFFER_REMINDER_HOURS) + REMINDER_SEARCH_SLACK
    candidates = Offer.objects.filter(
        status=Offer.Status.OFFERED, reminded_at__isnull=True, respond_by__gt=now, respond_by__lte=now + lead
    ).values_list("pk", "respond_by", "created_at")
    due = [pk for pk, respond_by, made in candidates if made < reminder_due_at(respond_by) <= now]
    return sum(_remind(pk, now, by) for pk in due)


def _remind(pk: int, now: datetime.datetime, by) -> bool:
    with transaction.atomic():
        # Locked and checked again: a reply or another sweep may have got there first.
        offer = (
            Offer.objects.select_for_update()
            .filter(pk=pk, status=Offer.Status.OFFERED, reminded_at__isnull=True, respond_by__gt=now)
            .first()
        )
        if offer is None:
            return False
        offer.reminded_at = now
        offer.save(update_fields=["reminded_at"])
        audit_record(
            by=by, verb="offer.reminded", target=offer, after={"respond_by": offer.respond_by.isoformat()}
        )
        enqueue_with_change(tasks.send_offer_notices, [offer.pk], "reminder")
    return True


def offers_lapse_due(*, by=None, now: datetime.datetime | None = None) -> int:
    """Lapse every offer not answered by its deadline: its place is free for the next re-offer run, and
    the trainee is told. Returns how many lapsed."""
    now = now or timezone.now()
    due = Offer.objects.filter(status=Offer.Status.OFFERED, respond_by__lte=now).values_list("pk", flat=True)
    return sum(_lapse(pk, now, by) for pk in list(due))


def _lapse(pk: int, now: datetime.datetime, by) -> bool:
    with transaction.atomic():
        offer = (
            Offer.objects.select_for_update(of=("self",))
            .select_related("rotation")
            .filter(pk=pk, status=Offer.Status.OFFERED, respond_by__lte=now)
            .first()
        )
        if offer is None:
            return False
        before = _picture(offer)
        offer.status, offer.status_reason = Offer.Status.LAPSED, LAPSED_REASON
        offer.save(update_fields=["status", "status_reason"])
        audit_record(by=by, verb="offer.lapsed", target=offer, before=before, after=_picture(offer))
        enqueue_with_change(tasks.send_offer_notices, [offer.pk], "lapsed")
    return True


def deadline_tasks_schedule(respond_by: datetime.datetime) -> None:
    """At publication, in its transaction: queue the reminder sweep and the lapse sweep to run at their
    moments, so they happen on time while the worker runs (`manage.py lapse_offers` from cron is the
    backstop). A queue that cannot wait (the immediate one, in tests) is left to the command."""
    if not tasks.lapse_offers_due.get_backend().supports_defer:
        return
    remind_at = reminder_due_at(respond_by)
    if remind_at > timezone.now():
        enqueue_with_change(tasks.remind_offers_due.using(run_after=remind_at))
    enqueue_with_change(tasks.lapse_offers_due.using(run_after=respond_by))


# --- upgrades in re-offer runs ------------------------------------------------------------------------------


def upgrades_plan(window: PreferenceWindow, today: datetime.date | None = None) -> tuple[list[Move], dict]:
    """The cascade of upgrades a re-offer run makes first, and the places everyone holds after it
    (trainee id -> rotation code) to fix in the run. Upgraders whose rotation has begun stay put."""
    holders = live_offers(window)
    ranks = {str(m.trainee_id): m.national_rank for m in window_memberships(window)}
    claims = Offer.objects.filter(window=window, status=Offer.Status.ACCEPTED, upgrades=True).select_related(
        "window"
    )
    eligible = [str(o.trainee_id) for o in claims if not has_started(o, today)]
    upgraders = sorted(eligible, key=lambda t: (ranks.get(t) is None, ranks.get(t) or 0, int(t)))
    moves = upgrade_moves(
        capacities=rotation_places(window),
        holders=holders,
        preferences=submitted_preferences(window),
        upgraders=upgraders,
    )
    return moves, final_holders(holders, moves)


def upgrades_record(run: AllocationRun, moves: list[Move]) -> None:
    """Write the cascade onto a draft re-offer run: each move explained on the run page (and in the
    trainee's new offer) and listed for publication to carry out. Publication refuses a run whose window
    has changed since (replies, lapses: services._check_publishable), so the moves still hold then."""
    net = net_moves(moves)
    run.explanations = {**run.explanations, **{t: explain_move(m) for t, m in net.items()}}
    run.metrics = {**run.metrics, "upgrades": [_move_picture(m) for m in net.values()]}
    run.save(update_fields=["explanations", "metrics"])


def planned_upgrades(run: AllocationRun) -> dict[str, Move]:
    """Trainee id -> the move a re-offer run makes for them."""
    return {
        item["trainee"]: Move(
            item["trainee"], item["from"], item["to"], item["from_choice"], item["to_choice"]
        )
        for item in run.metrics.get("upgrades", [])
    }


def _move_picture(move: Move) -> dict:
    return {
        "trainee": move.trainee,
        "from": move.from_rotation,
        "to": move.to_rotation,
        "from_choice": move.from_choice,
        "to_choice": move.to_choice,
    }


def offer_upgrade(*, offer: Offer, move: Move, rotation, run: AllocationRun, by) -> Offer:
    """Publication of a re-offer run moves an upgrader up: their offer becomes `upgraded` and a new one, for
    the higher rotation, is accepted already and keeps upgrades on (they asked for it); the placements
    move with it. Runs inside the publication's transaction; the caller emails the trainee."""
    now = timezone.now()
    with transaction.atomic():
        before = _picture(offer)
        offer.status = Offer.Status.UPGRADED
        offer.status_reason = (
            f"You were moved up to {rotation.name}, a higher choice, when a place came free."
        )
        offer.save(update_fields=["status", "status_reason"])
        audit_record(by=by, verb="offer.upgraded", target=offer, before=before, after=_picture(offer))
        new = Offer.objects.create(
            window=offer.window,
            run=run,
            trainee=offer.trainee,
            rotation=rotation,
            status=Offer.Status.ACCEPTED,
            upgrades=True,
            choice=move.to_choice,
            explanation=run.explanations.get(move.trainee, explain_move(move)),
            respond_by=offer.respond_by,
            responded_at=now,
        )
        audit_record(
            by=by, verb="offer.accepted_by_upgrade", target=new, after={**_picture(new), "replaces": offer.pk}
        )
        placements_take_back(offer, by)
        _placements_make(new, by)
    return new
