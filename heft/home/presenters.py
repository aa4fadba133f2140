"""What the trainee record page shows, worked out from the journey and the record's parts: the rows and
labels, the status wording and tags, which forms are offered and the dates and percentages as they read.
The template loops over these and prints them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.timezone import localtime
from markupsafe import Markup

TRAINING_MONTHS = 36
USUAL_PATTERNS = "(80, 70, 60 or 50%)"


def day(d: datetime.date | datetime.datetime) -> str:
    """A date in full, e.g. 4 August 2029; a moment in time on the local calendar."""
    return _local(d).strftime("%-d %B %Y")


def short(d: datetime.date | datetime.datetime) -> str:
    """A date in a table, e.g. 4 Aug 2029."""
    return _local(d).strftime("%-d %b %Y")


def pct(wte) -> str:
    return f"{wte:.0%}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _local(d):
    return localtime(d) if isinstance(d, datetime.datetime) else d


@dataclass(frozen=True)
class Tag:
    colour: str  # the nhsuk-tag modifier: green, red, ...
    text: str


@dataclass(frozen=True)
class Voice:
    """The words that change with who reads the record: the trainee on My training, or staff."""

    own: bool

    @property
    def subject(self) -> str:
        return "You" if self.own else "They"

    @property
    def possessive(self) -> str:
        return "Your" if self.own else "Their"


# --- sign-in (staff who manage the trainee) -------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    text: str
    button: str  # empty when they set a password: there is nothing to send


def sign_in(state: dict) -> SignIn:
    """`state` as the view builds it: the user, whether they sign in, their latest invitation and now."""
    if state["signs_in"]:
        return SignIn(_signs_in_text(state["user"]), "")
    invitation = state["invitation"]
    status = invitation.status(state["now"]) if invitation else None
    button = "Send the invitation again" if status == "sent" else "Send an invitation"
    return SignIn(_invitation_text(invitation, status), button)


def _signs_in_text(user) -> str:
    last = f"; last signed in on {day(user.last_login)}" if user.last_login else ""
    return (
        f"They have set a password and sign in to HEFT Hub{last}. "
        "If they forget it, they reset it from the sign-in page."
    )


def _invitation_text(invitation, status) -> str:
    if status is None or status not in ("sent", "expired", "revoked"):
        return "They have not been invited to set a password yet."
    sent, expires = day(invitation.sent_at), day(invitation.expires_at)
    if status == "expired":
        return f"The invitation sent on {sent} expired on {expires} without being used."
    if status == "revoked":
        return f"The invitation sent on {sent} was revoked."
    times = f" ({invitation.times_sent} times)" if invitation.times_sent > 1 else ""
    return f"An invitation to set a password was sent on {sent}{times}; its link works until {expires}."


# --- where they are -------------------------------------------------------------------------------------


def _row(key: str, value: str, *, html: bool = False) -> dict:
    return {"key": {"text": key}, "value": {"html" if html else "text": value}}


def where_rows(journey, *, own: bool) -> list[dict]:
    """The summary list under "Where you are": the CCT date once completed, progress before that."""
    m = journey.membership
    rows = [
        _row("Scheme and intake", f"{m.scheme.name}, {m.scheme.region.name}, {m.intake} intake"),
        _row("HEFT", m.get_heft_mode_display()),
        _row("Status", m.get_status_display()),
    ]
    rows += _completed_rows(m) if m.status == "completed" else _progress_rows(journey)
    if m.extension_months:
        rows.append(_row("Extension", f"{plural(m.extension_months, 'month')} added to training"))
    if m.returning_to_intake:
        joins = "you join" if own else "they join"
        rows.append(
            _row("Returning with", f"the {m.returning_to_intake} intake: {joins} its preference window")
        )
    return rows


def _completed_rows(m) -> list[dict]:
    return [
        _row(
            "Date of CCT", Markup("<strong>{}</strong>").format(day(m.cct_date or m.cct_estimate)), html=True
        )
    ]


def _progress_rows(journey) -> list[dict]:
    m = journey.membership
    earliest = (
        ", at the earliest: time out with no end date is counted up to today"
        if journey.open_interruption
        else ""
    )
    cct = Markup("<strong>{}</strong> (an estimate{})").format(day(journey.estimate.cct), earliest)
    done = f"{journey.months_done} of {TRAINING_MONTHS + m.extension_months} months (whole-time equivalent)"
    return [
        _row("Training year", journey.training_year),
        _row("Training done", f"{done}; {journey.months_to_go} to go"),
        _row("Estimated CCT date", cct, html=True),
    ]


def recalculate_text(journey, *, manage: bool) -> str:
    """The saved estimate, when staff may save the one worked out today instead; empty when not offered."""
    m = journey.membership
    if not (manage and journey.stored_estimate_differs and m.status != "completed"):
        return ""
    return f"The saved estimate is {day(m.cct_estimate) if m.cct_estimate else 'not set'}."


# --- the rotation ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    entry: object  # journey.TimelineEntry
    dates: str
    note: str  # more of the same post, or a share of full time; empty when neither


def timeline(journey) -> list[tuple[str, list[Placement]]]:
    return [(year, [_placement(e) for e in entries]) for year, entries in journey.years]


def _placement(e) -> Placement:
    continued = f"The same post, {e.continued}. " if e.continued else ""
    share = f"{pct(e.wte)} of full time in this post." if e.wte < 1 else ""
    return Placement(e, f"{short(e.start)} to {short(e.end)}", continued + share)


def planned_text(journey, *, own: bool) -> str:
    """Where the plan comes from, when no placements are recorded yet but a rotation was offered."""
    planned = journey.planned_from
    if not planned:
        return ""
    how = f"{'you' if own else 'they'} {'accepted' if planned.status == 'accepted' else 'were offered'}"
    return (
        f"No placements are recorded yet. This plan comes from the rotation {how}, {planned.rotation.name}; "
        "dates may change."
    )


# --- time out and the HEFT place -----------------------------------------------------------------------


@dataclass(frozen=True)
class TimeOut:
    interruption: object
    start: str
    end: str
    counts: str
    place: Tag | None  # None: the HEFT place is not affected
    place_on: str  # when the decision on the place was made
    decide: bool  # a link to the decision, for staff, while the place is at risk


def time_out_rows(interruptions, risks, *, own: bool) -> list[TimeOut]:
    at_risk = {r.interruption.pk for r in risks}
    return [_time_out(i, i.pk in at_risk, own) for i in interruptions]


def _time_out(i, at_risk: bool, own: bool) -> TimeOut:
    place, place_on = heft_place(i, at_risk)
    return TimeOut(
        interruption=i,
        start=short(i.start_date),
        end=short(i.end_date) if i.end_date else "Not known yet",
        counts="Yes" if i.counts_towards_training else "No: moves the CCT date",
        place=place,
        place_on=place_on,
        decide=at_risk and not i.heft_place_decision and not own,
    )


def heft_place(i, at_risk: bool) -> tuple[Tag | None, str]:
    """The HEFT place's tag, and the date it was decided on when it was."""
    if i.heft_place_decision == "kept":
        return Tag("green", "Kept"), _decided_on(i.heft_place_decided_at)
    if i.heft_place_decision:
        return Tag("orange", "Released"), _decided_on(i.heft_place_decided_at)
    return (Tag("red", "At risk") if at_risk else None), ""


def _decided_on(moment) -> str:
    return short(moment) if moment else ""


@dataclass(frozen=True)
class AtRisk:
    interruption: object
    reasons: tuple[str, ...]
    period: str  # the time out, as staff read it


def at_risk(risks) -> list[AtRisk]:
    """The HEFT places at risk, from selectors.heft_place_risks."""
    return [AtRisk(r.interruption, r.reasons, _risk_period(r.interruption)) for r in risks]


def _risk_period(i) -> str:
    end = f" to {day(i.end_date)}" if i.end_date else ", with no end date yet"
    return f"{i.get_kind_display()} from {day(i.start_date)}{end}"


# --- less than full time -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ltft:
    change: object
    working: str
    reason: str
    start: str
    status: Tag
    status_on: str  # when it was approved
    unusual: str  # a note when the percentage is not a usual pattern
    notice_tag: Tag | None  # when asked for at short notice
    notice: str


_LTFT_STATUS = {
    "applied": Tag("yellow", "Waiting for a decision"),
    "approved": Tag("green", "Approved"),
}


def ltft_row(row) -> Ltft:
    """One change to the working pattern, from a selectors.ltft_rows row (change, standard, notice)."""
    change = row.change
    approved = change.status == "approved" and change.approved_at
    return Ltft(
        change=change,
        working=pct(change.wte),
        reason=change.get_reason_display() if change.reason else "",
        start=short(change.start_date),
        status=_LTFT_STATUS.get(change.status, Tag("red", "Declined")),
        status_on=short(change.approved_at) if approved else "",
        unusual=""
        if row.standard
        else f"{pct(change.wte)} is not one of the usual patterns {USUAL_PATTERNS}.",
        notice_tag=Tag("yellow", "Short notice") if row.notice.short else None,
        notice=f"Asked for on {short(change.requested_on)}, {row.notice.text}",
    )


def _waiting_text(rows) -> str:
    """The trainee's application waiting for a decision; empty when there is none and they may apply."""
    waiting = next((row.change for row in rows if row.change.status == "applied"), None)
    if waiting is None:
        return ""
    return (
        f"Your application to work {pct(waiting.wte)} of full time from {day(waiting.start_date)} is waiting "
        "for your programme team's decision. We will email you when they decide."
    )


@dataclass(frozen=True)
class LtftDecision:
    change: object
    title: str  # "to work 80% from 4 August 2029", after "Application" and "Save the decision on"
    asked: str
    form: object


def ltft_decisions(rows, forms: dict) -> list[LtftDecision]:
    """The applications staff decide on the record, each with its form."""
    return [_ltft_decision(row, forms[row.change.pk]) for row in rows if row.change.pk in forms]


def _ltft_decision(row, form) -> LtftDecision:
    change = row.change
    reason = f" ({change.get_reason_display()})" if change.reason else ""
    return LtftDecision(
        change=change,
        title=f"{pct(change.wte)} from {day(change.start_date)}",
        asked=f"Asked for on {day(change.requested_on)}{reason}, {row.notice.text}",
        form=form,
    )


# --- what staff may record -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Actions:
    """The forms offered on the record, by who reads it and where the training is."""

    heft_mode: bool
    waiting: str  # the trainee's application waiting for a decision
    apply: bool  # the trainee may apply to change their working pattern
    returning_from: object  # the time out to record a return from, or None
    time_out: bool  # record time out, or a change to less than full time
    returning_intake: bool
    ended: str  # how training ended; empty while the completion and extension forms are offered
    extended: str  # the extension so far, beside those forms


def actions(journey, ltft_rows, *, own: bool, manage: bool) -> Actions:
    """`ltft_rows` as selectors.ltft_rows gives them; the trainee applies while none waits for a decision."""
    m = journey.membership
    open_training = m.status != "completed"
    waiting = _waiting_text(ltft_rows) if own and open_training else ""
    return Actions(
        heft_mode=manage,
        waiting=waiting,
        apply=own and open_training and not waiting,
        returning_from=_returning_from(journey) if manage else None,
        time_out=manage and open_training,
        returning_intake=manage and bool(journey.interruptions),
        ended=_ended(journey),
        extended=f" Extended so far by {plural(m.extension_months, 'month')}." if m.extension_months else "",
    )


def _returning_from(journey):
    if journey.open_interruption:
        return journey.open_interruption
    interrupted = journey.membership.status == "interrupted"
    return journey.interruptions[-1] if interrupted and journey.interruptions else None


def _ended(journey) -> str:
    m, forenames = journey.membership, journey.trainee.forenames
    if m.status == "completed":
        cct = day(m.cct_date or m.cct_estimate)
        return f"{forenames} completed training on {cct} (CCT) and is a HEFT alumnus."
    if m.status == "withdrawn":
        return f"{forenames} left the programme."
    return ""


# --- curriculum, teaching and community -----------------------------------------------------------------

MET, NOT_MET = Tag("green", "Met"), Tag("red", "Not met")


def curriculum_tags(check) -> tuple[Tag, Tag]:
    """The tags before the two curriculum messages: months in general practice, and in the final year."""
    gp = MET if check.gp_met else NOT_MET if check.complete else Tag("grey", "Not yet")
    if check.final_year_met is None:
        return gp, Tag("grey", "Not known yet")
    return gp, MET if check.final_year_met else NOT_MET


def teaching_text(teaching: dict, *, own: bool) -> str:
    sessions = "session" if teaching["past"] == 1 else "sessions"
    return (
        f"{'You have' if own else 'They have'} attended {teaching['attended']} of the {teaching['past']} "
        f"HEFT teaching {sessions} so far."
    )


def session_where(session) -> str:
    """After a session's title: when, and where when it has a place."""
    return f"{session.when}, {session.place}" if session.place else session.when


@dataclass(frozen=True)
class Community:
    group: object  # community.CommunityGroup, or None
    lead: str  # the lead mentor's name, empty without one
    mentors: str


def community(journey) -> Community:
    group = journey.group.group if journey.group else None
    lead = group.lead.user.get_full_name() if group and group.lead else ""
    names = [
        f"{a.mentor.user.get_full_name()} ({a.mentor.get_kind_display().lower()})" for a in journey.mentors
    ]
    mentors = f"Mentor: {'; '.join(names)}" if names else "No mentor assigned yet."
    return Community(group, lead, mentors)


def opportunity_matches(row) -> str:
    return f" (matches your interest in {', '.join(row.matches)})" if row.matches else ""


# --- the whole page -------------------------------------------------------------------------------------


def record(journey, *, own: bool, manage: bool, risks, ltft_rows, ltft_forms: dict) -> dict:
    """Everything the record template shows beyond the journey and the forms: `risks` and `ltft_rows` from
    the trainees selectors, `ltft_forms` the decision form of each application waiting for one."""
    shown = {
        "voice": Voice(own),
        "community": community(journey),
        "teaching": teaching_text(journey.teaching, own=own) if journey.teaching is not None else "",
        "day": day,
        "pct": pct,
        "session_where": session_where,
        "opportunity_matches": opportunity_matches,
    }
    if journey.membership is not None:
        shown |= _training(journey, own=own, manage=manage, risks=risks, ltft_rows=ltft_rows)
        shown["ltft_decisions"] = ltft_decisions(ltft_rows, ltft_forms)
    return shown


def _training(journey, *, own: bool, manage: bool, risks, ltft_rows) -> dict:
    return {
        "where_rows": where_rows(journey, own=own),
        "recalculate": recalculate_text(journey, manage=manage),
        "risks": at_risk(risks),
        "planned": planned_text(journey, own=own),
        "timeline": timeline(journey),
        "time_out_rows": time_out_rows(journey.interruptions, risks, own=own),
        "ltft_rows": [ltft_row(row) for row in ltft_rows],
        "actions": actions(journey, ltft_rows, own=own, manage=manage),
        "curriculum_tags": curriculum_tags(journey.curriculum),
    }
