"""Reads for the teaching programme, always limited to what the user's role and scope allow.

Which trainees a session applies to: a trainee's current membership is their latest active one; a HEFT
trainee (rotation or enrolment only) has every national session and the conference, the regional
sessions of their scheme's region, and the meetings of the community of practice they are in now.

Community meetings are scheduled from the community pages by the group's lead mentor or its programme
team (the community app decides who that is); the timetable planners neither plan nor count them.
"""

import datetime

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from heft.accounts.models import Role, User, hash_token
from heft.accounts.permissions import Perm, Scope, has_perm, scope_for
from heft.programmes.models import Region
from heft.teaching.models import (
    Attendance,
    CalendarFeedToken,
    Feedback,
    Reflection,
    TeachingSession,
    TeachingYear,
    TimetablePlan,
    short_date,
)
from heft.trainees.models import Placement, ProgrammeMembership, Trainee
from heft.trainees.selectors import own_record, own_record_or_404

HEFT_MODES = (ProgrammeMembership.HeftMode.ROTATION, ProgrammeMembership.HeftMode.ENROLMENT_ONLY)
ALL_ENGLAND_KINDS = (TeachingSession.Kind.NATIONAL, TeachingSession.Kind.CONFERENCE)
CHECK_IN_OPENS = datetime.timedelta(minutes=15)  # before the start; it closes at the end


# --- who a session is for ---------------------------------------------------------------------------------


def current_teaching_memberships(condition: Q | None = None) -> QuerySet[ProgrammeMembership]:
    """The current memberships (each trainee's latest active one, by start then id) that are in HEFT, and
    meet `condition`. Written as an anti-join: the planner estimates it well, where a correlated subquery
    in WHERE is guessed at one row and planned as nested loops over every attendance record."""
    active = ProgrammeMembership.objects.filter(status=ProgrammeMembership.Status.ACTIVE)
    later = active.filter(trainee=OuterRef("trainee")).filter(
        Q(start_date__gt=OuterRef("start_date")) | Q(start_date=OuterRef("start_date"), pk__gt=OuterRef("pk"))
    )
    return active.filter(condition or Q(), heft_mode__in=HEFT_MODES).exclude(Exists(later))


def teaching_trainee_ids(condition: Q | None = None) -> QuerySet:
    """The ids of trainees in HEFT teaching whose current membership meets `condition`, as a subquery."""
    return current_teaching_memberships(condition).values("trainee_id")


def trainees_in_teaching() -> QuerySet[Trainee]:
    """HEFT trainees, each annotated with the region and scheme of their current membership."""
    current = ProgrammeMembership.objects.filter(
        trainee=OuterRef("pk"), status=ProgrammeMembership.Status.ACTIVE
    ).order_by("-start_date", "-pk")
    return Trainee.objects.annotate(
        teaching_region_id=Subquery(current.values("scheme__region_id")[:1]),
        teaching_scheme_id=Subquery(current.values("scheme_id")[:1]),
    ).filter(pk__in=teaching_trainee_ids())


def teaching_region_id(trainee: Trainee) -> int | None:
    """The region whose regional sessions the trainee attends; None when they are not in HEFT teaching."""
    current = current_teaching_memberships(Q(trainee=trainee))
    return current.values_list("scheme__region_id", flat=True).first()


def is_in_teaching(trainee: Trainee) -> bool:
    return current_teaching_memberships(Q(trainee=trainee)).exists()


def trainees_for_session(session: TeachingSession) -> QuerySet[Trainee]:
    """The HEFT trainees the session is for, by name (without the region and scheme annotations, which
    cost two subqueries a row on a national register)."""
    regional = session.kind == TeachingSession.Kind.REGIONAL
    in_region = Q(scheme__region_id=session.region_id) if regional else None
    trainees = Trainee.objects.filter(pk__in=teaching_trainee_ids(in_region))
    if session.kind == TeachingSession.Kind.COMMUNITY:
        # One filter() call: both conditions hold on the same membership row, the current one.
        trainees = trainees.filter(
            community_memberships__group_id=session.community_group_id,
            community_memberships__left_at__isnull=True,
            community_memberships__group__archived_at__isnull=True,
        )
    return trainees.order_by("surname", "forenames")


def current_group_ids(trainee: Trainee) -> QuerySet:
    """The community of practice the trainee is in now (at most one), as a subquery of ids."""
    return trainee.community_memberships.filter(left_at__isnull=True, group__archived_at__isnull=True).values(
        "group_id"
    )


def sessions_for_trainee(trainee: Trainee) -> QuerySet[TeachingSession]:
    """The published (or cancelled after publication) sessions that apply to the trainee: the national
    programme, their region's sessions and their own group's meetings (never another group's)."""
    if not is_in_teaching(trainee):
        return TeachingSession.objects.none()
    region_id = teaching_region_id(trainee)
    return published_sessions().filter(
        Q(kind__in=ALL_ENGLAND_KINDS)
        | Q(kind=TeachingSession.Kind.REGIONAL, region_id=region_id)
        | Q(kind=TeachingSession.Kind.COMMUNITY, community_group_id__in=current_group_ids(trainee))
    )


# The names teaching's pages and API call: one lookup of the signed-in trainee's record, in trainees.


# --- sessions ---------------------------------------------------------------------------------------------


def published_sessions() -> QuerySet[TeachingSession]:
    return TeachingSession.objects.filter(published_at__isnull=False).select_related(
        "region", "year", "community_group"
    )


def public_sessions(*, region: Region | None = None) -> QuerySet[TeachingSession]:
    """What the public sees: the national programme and the conference, or one region's sessions."""
    sessions = published_sessions()
    if region is None:
        return sessions.filter(kind__in=ALL_ENGLAND_KINDS)
    return sessions.filter(kind=TeachingSession.Kind.REGIONAL, region=region)


def feed_sessions(*, region: Region | None = None) -> QuerySet[TeachingSession]:
    return public_sessions(region=region).order_by("start")


def trainee_feed_sessions(trainee: Trainee) -> QuerySet[TeachingSession]:
    return sessions_for_trainee(trainee).order_by("start")


def teaching_years() -> QuerySet[TeachingYear]:
    return TeachingYear.objects.all()


def year_or_current(year_id: int | None) -> TeachingYear | None:
    """The year asked for, else the one under way (see current_year)."""
    return (year_id and TeachingYear.objects.filter(pk=year_id).first()) or current_year()


def year_or_404(year_id: int | None) -> TeachingYear:
    return get_object_or_404(TeachingYear, pk=year_id)


def all_regions() -> QuerySet[Region]:
    """Regions are not personal data: the public timetable lists them all."""
    return Region.objects.order_by("name")


def region_or_404(code: str) -> Region:
    return get_object_or_404(Region, code=code)


def public_sessions_in(year: TeachingYear | None, *, region: Region | None = None) -> list[TeachingSession]:
    return list(public_sessions(region=region).filter(year=year)) if year else []


def year_covering(day: datetime.date) -> TeachingYear | None:
    """The teaching year a day falls in (the earliest, should two overlap)."""
    return TeachingYear.objects.filter(start__lte=day, end__gte=day).order_by("start").first()


def current_year(today: datetime.date | None = None) -> TeachingYear | None:
    """The year under way, else the next one, else the latest."""
    today = today or timezone.localdate()
    years = TeachingYear.objects.all()
    return (
        years.filter(start__lte=today, end__gte=today).first()
        or years.filter(start__gt=today).order_by("start").first()
        or years.first()
    )


def region_ids_of(scope: Scope) -> set[int]:
    """The regions a scope reaches, counting a scheme's region."""
    from heft.programmes.models import TrainingScheme

    scheme_regions = TrainingScheme.objects.filter(pk__in=scope.scheme_ids).values_list(
        "region_id", flat=True
    )
    return set(scope.region_ids) | set(scheme_regions)


def sessions_plannable_by(user) -> QuerySet[TeachingSession]:
    """The national and regional sessions the user plans; community meetings are not the planners' to edit."""
    scope = scope_for(user, Perm.PLAN_TIMETABLE)
    sessions = TeachingSession.objects.exclude(kind=TeachingSession.Kind.COMMUNITY).select_related(
        "region", "year"
    )
    if scope.england:
        return sessions
    return sessions.filter(region_id__in=scope.region_ids)


def can_plan(user, region: Region | None) -> bool:
    """National sessions need an England-wide planner; a region's, a planner for that region."""
    scope = scope_for(user, Perm.PLAN_TIMETABLE)
    return scope.england if region is None else scope.covers_region(region.pk)


def can_change(user, session: TeachingSession) -> bool:
    """Who may create, edit or cancel a session: planners for the programme, and for a community meeting
    the group's lead mentor or a programme team whose community scope covers the group."""
    if session.kind == TeachingSession.Kind.COMMUNITY:
        return _schedules_meetings_of(user, session.community_group)
    return can_plan(user, session.region)


def _schedules_meetings_of(user, group) -> bool:
    """The group's lead mentor, or a programme team whose community scope covers the group; an archived
    group holds no more meetings. The community app states the same rule (can_schedule_meetings): teaching
    sits below it and reads the group through the session rather than importing it."""
    if group is None or group.archived_at is not None:
        return False
    if group.lead_id is not None and group.lead.user_id == getattr(user, "pk", None):
        return True
    scope = scope_for(user, Perm.MANAGE_COMMUNITY)
    return scope.england or group.region_id in scope.region_ids or group.scheme_id in scope.scheme_ids


def regions_plannable_by(user) -> QuerySet[Region]:
    scope = scope_for(user, Perm.PLAN_TIMETABLE)
    return Region.objects.all() if scope.england else Region.objects.filter(pk__in=scope.region_ids)


def plannable_region_or_404(user, code: str) -> Region:
    return get_object_or_404(regions_plannable_by(user), code=code)


def sessions_runnable_by(user) -> QuerySet[TeachingSession]:
    """Published sessions whose register the user may take: in their scope, or led by them."""
    scope = scope_for(user, Perm.RUN_SESSIONS)
    sessions = published_sessions()
    if not scope:
        return sessions.none()
    if scope.england:
        return sessions
    regions = region_ids_of(scope)
    condition = (
        Q(kind__in=ALL_ENGLAND_KINDS)
        | Q(region_id__in=regions)
        | Q(community_group__region_id__in=regions)
        | Q(leads=user)
    )
    return sessions.filter(pk__in=sessions.filter(condition).values("pk"))


def sessions_visible_to(user) -> QuerySet[TeachingSession]:
    """Any session the user may open: planned, run, attended, or reported on by them."""
    ids = (
        set(sessions_plannable_by(user).values_list("pk", flat=True))
        if has_perm(user, Perm.PLAN_TIMETABLE)
        else set()
    )
    ids |= set(sessions_runnable_by(user).values_list("pk", flat=True))
    if has_perm(user, Perm.VIEW_ATTENDANCE):
        scope = scope_for(user, Perm.VIEW_ATTENDANCE)
        reach = published_sessions()
        if not scope.england:
            regions = region_ids_of(scope)
            reach = reach.filter(
                Q(kind__in=ALL_ENGLAND_KINDS)
                | Q(region_id__in=regions)
                | Q(community_group__region_id__in=regions)
            )
        ids |= set(reach.values_list("pk", flat=True))
    trainee = own_record(user)
    if trainee:
        ids |= set(sessions_for_trainee(trainee).values_list("pk", flat=True))
    return (
        TeachingSession.objects.filter(pk__in=ids)
        .select_related("region", "year", "community_group")
        .prefetch_related("leads")
    )


def session_for(user, pk: int) -> TeachingSession:
    return get_object_or_404(sessions_visible_to(user), pk=pk)


def sessions_listed_for(
    user, *, year: str = "", kind: str = "", region: str = ""
) -> QuerySet[TeachingSession]:
    """The sessions the user may see, narrowed to a year (its label), a kind and a region (its code)."""
    sessions = sessions_visible_to(user)
    if year:
        sessions = sessions.filter(year__label=year)
    if kind:
        sessions = sessions.filter(kind=kind)
    if region:
        sessions = sessions.filter(region__code=region)
    return sessions.order_by("start", "pk")


def session_plannable_or_404(user, pk: int) -> TeachingSession:
    return get_object_or_404(sessions_plannable_by(user).prefetch_related("leads"), pk=pk)


def session_runnable_or_404(user, pk: int) -> TeachingSession:
    return get_object_or_404(sessions_runnable_by(user), pk=pk)


def is_runnable_by(user, session: TeachingSession) -> bool:
    return sessions_runnable_by(user).filter(pk=session.pk).exists()


def applies_to(trainee: Trainee | None, session: TeachingSession) -> bool:
    return bool(trainee) and sessions_for_trainee(trainee).filter(pk=session.pk).exists()


def own_session_or_404(user, pk: int) -> tuple[TeachingSession, Trainee]:
    """A session of the signed-in trainee's, with their trainee record."""
    session = session_for(user, pk)
    trainee = own_record_or_404(user)
    if not applies_to(trainee, session):
        raise Http404
    return session, trainee


def own_reflection_text(session: TeachingSession, trainee: Trainee) -> str | None:
    return session.reflections.filter(trainee=trainee).values_list("text", flat=True).first()


def own_feedback(session: TeachingSession, trainee: Trainee) -> Feedback | None:
    return session.feedback.filter(trainee=trainee).first()


def session_leads(session: TeachingSession) -> list[User]:
    return list(session.leads.all())


def session_leads_label(session: TeachingSession) -> str:
    return ", ".join(u.get_full_name() or u.email for u in session_leads(session))


def sessions_run_by(user, now: datetime.datetime) -> dict[str, list[TeachingSession]]:
    """The published programme sessions whose registers the user takes: the next few and the last few.
    Community meetings are run by their groups' mentors; programme teams reach those registers from the
    community pages."""
    runnable = (
        sessions_runnable_by(user)
        .filter(status=TeachingSession.Status.PUBLISHED)
        .exclude(kind=TeachingSession.Kind.COMMUNITY)
    )
    return {
        "recent": list(runnable.filter(end__lt=now).order_by("-start")[:5]),
        "next": list(runnable.filter(end__gte=now).order_by("start")[:8]),
    }


def plannable_sessions_in(user, year: TeachingYear) -> list[TeachingSession]:
    return list(sessions_plannable_by(user).filter(year=year).prefetch_related("leads"))


def educators_for(session: TeachingSession) -> QuerySet[User]:
    """Who may lead a session: educators for England or for the session's region."""
    roles = {"role_assignments__role": Role.EDUCATOR}
    users = User.objects.filter(
        **roles, role_assignments__region__isnull=True, role_assignments__scheme__isnull=True
    )
    if session.region_id:
        users = users | User.objects.filter(**roles, role_assignments__region_id=session.region_id)
    return users.distinct().order_by("last_name", "first_name")


def online_link_sessions(user, year: TeachingYear, region: Region | None, now=None) -> list[TeachingSession]:
    """The scope's coming sessions of the year, drafts too, whose joining link a planner may set: the
    national programme (region None) or a region's. Cancelled and finished sessions are left alone."""
    if not can_plan(user, region):
        return []
    now = now or timezone.now()
    sessions = sessions_plannable_by(user).filter(year=year, end__gte=now)
    sessions = sessions.exclude(status=TeachingSession.Status.CANCELLED)
    if region is None:
        sessions = sessions.filter(kind__in=ALL_ENGLAND_KINDS)
    else:
        sessions = sessions.filter(kind=TeachingSession.Kind.REGIONAL, region=region)
    return list(sessions.order_by("start"))


def check_in_open(session: TeachingSession, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        session.status == TeachingSession.Status.PUBLISHED
        and session.start - CHECK_IN_OPENS <= now <= session.end
    )


def latest_plan(year: TeachingYear, region: Region | None) -> TimetablePlan | None:
    return TimetablePlan.objects.filter(year=year, region=region).first()


# --- registers and attendance -----------------------------------------------------------------------------


def register_trainees(user, session: TeachingSession) -> QuerySet[Trainee]:
    """The trainees on the register the user takes: those the session is for, within the user's scope
    (all of them for the session's leads)."""
    trainees = trainees_for_session(session)
    scope = scope_for(user, Perm.RUN_SESSIONS)
    if scope.england or session.leads.filter(pk=user.pk).exists():
        return trainees
    return trainees.filter(_in_scope(scope))


def register_trainee_list(user, session: TeachingSession) -> list[Trainee]:
    """The register's trainees with their sign-in accounts (a meeting report may give either address)."""
    return list(register_trainees(user, session).select_related("user"))


def session_attendance(session: TeachingSession) -> dict[int, Attendance]:
    """The session's attendance records by trainee id."""
    return {a.trainee_id: a for a in session.attendances.all()}


def _in_scope(scope: Scope) -> Q:
    """Trainees in HEFT teaching whose current membership is in a region or scheme of the scope."""
    return Q(pk__in=teaching_trainee_ids(_scope_condition(scope)))


def _scope_condition(scope: Scope) -> Q:
    """Memberships in a region or scheme of the scope."""
    return Q(scheme__region_id__in=scope.region_ids) | Q(scheme_id__in=scope.scheme_ids)


def trainees_with_attendance_visible_to(user) -> QuerySet[Trainee]:
    """Trainees whose attendance the user may see (VIEW_ATTENDANCE scope: region or scheme)."""
    scope = scope_for(user, Perm.VIEW_ATTENDANCE)
    trainees = trainees_in_teaching()
    if scope.england:
        return trainees
    return trainees.filter(_in_scope(scope)) if scope else trainees.none()


def trainee_attendance_or_404(user, trainee_id: int) -> Trainee:
    return get_object_or_404(trainees_with_attendance_visible_to(user), pk=trainee_id)


def attendance_visible_to(user) -> QuerySet[Attendance]:
    """Attendance records for staff: trainees in VIEW_ATTENDANCE scope, and the registers they may take.
    Each condition a subquery on the record's own columns, so no join repeats a record (no DISTINCT)."""
    records = Attendance.objects.select_related("session__region", "trainee")
    condition = Q(pk__in=[])
    if has_perm(user, Perm.VIEW_ATTENDANCE):
        condition |= Q(trainee_id__in=_attendance_memberships(user).values("trainee_id"))
    run_scope = scope_for(user, Perm.RUN_SESSIONS)
    if run_scope:
        registers = Q(session_id__in=sessions_runnable_by(user).values("pk"))
        if not run_scope.england:
            led = TeachingSession.objects.filter(leads=user).values("pk")
            in_scope = teaching_trainee_ids(_scope_condition(run_scope))
            registers &= Q(trainee_id__in=in_scope) | Q(session_id__in=led)
        condition |= registers
    return records.filter(condition).order_by("session__start", "trainee__surname", "pk")


def attendance_visible_for_session(user, session_id: int | None) -> QuerySet[Attendance]:
    """The staff view of attendance, for one session when `session_id` is given."""
    records = attendance_visible_to(user)
    return records if session_id is None else records.filter(session_id=session_id)


def attendance_of(trainee: Trainee) -> QuerySet[Attendance]:
    """The trainee's own attendance records, earliest session first."""
    return trainee.attendances.select_related("session", "trainee").order_by("session__start")


def trainee_attendance_rows(trainee: Trainee, now: datetime.datetime | None = None) -> list[dict]:
    """The trainee's sessions that have begun, with their records, for a lead's page."""
    now = now or timezone.now()
    return [r for r in trainee_sessions_with_records(trainee) if r["session"].start <= now]


def attendance_for_trainee(trainee: Trainee) -> dict[int, Attendance]:
    return {a.session_id: a for a in Attendance.objects.filter(trainee=trainee)}


def trainee_sessions_with_records(trainee: Trainee) -> list[dict]:
    """The trainee's sessions with their attendance, reflection and feedback, in date order."""
    sessions = list(sessions_for_trainee(trainee).order_by("start"))
    attendance = attendance_for_trainee(trainee)
    reflected = set(Reflection.objects.filter(trainee=trainee).values_list("session_id", flat=True))
    rated = set(Feedback.objects.filter(trainee=trainee).values_list("session_id", flat=True))
    return [
        {
            "session": s,
            "attendance": attendance.get(s.pk),
            "reflected": s.pk in reflected,
            "rated": s.pk in rated,
        }
        for s in sessions
    ]


def _attendance_memberships(user) -> QuerySet[ProgrammeMembership]:
    """The current HEFT memberships of the trainees whose attendance the user may see (VIEW_ATTENDANCE)."""
    scope = scope_for(user, Perm.VIEW_ATTENDANCE)
    if scope.england:
        return current_teaching_memberships()
    if not scope:
        return ProgrammeMembership.objects.none()
    return current_teaching_memberships(_scope_condition(scope))


def _status_counts(prefix: str = "", on: Q | None = None) -> dict:
    """Count(...) of attendance records of each status, the records reached through `prefix`."""
    return {
        status.value: Count(f"{prefix}pk", filter=(on or Q()) & Q(**{f"{prefix}status": status}))
        for status in (Attendance.Status.ATTENDED, Attendance.Status.APOLOGIES, Attendance.Status.ABSENT)
    }


def attendance_summary(user, *, by: str, year: TeachingYear | None) -> list[dict]:
    """Attendance counts grouped by session, region or trainee, within the user's VIEW_ATTENDANCE scope;
    each a grouped query, whatever the number of records."""
    memberships = _attendance_memberships(user)
    if by == "region":
        return _attendance_by_region(memberships, year)
    records = Attendance.objects.filter(trainee_id__in=memberships.values("trainee_id"))
    if year:
        records = records.filter(session__year=year)
    if by == "session":
        return _attendance_by_session(records)
    return _attendance_by_trainee(records, memberships)


def _counted_by(records: QuerySet[Attendance], field: str) -> dict[int, dict]:
    """The records' counts of each status for each value of `field`."""
    return {r[field]: r for r in records.values(field).annotate(**_status_counts()).order_by()}


def _attendance_by_session(records: QuerySet[Attendance]) -> list[dict]:
    """Grouped by the session's id alone (grouping by its title too sorts every record by text)."""
    counts = _counted_by(records, "session_id")
    sessions = TeachingSession.objects.filter(pk__in=counts).order_by("start", "pk")
    return [
        {
            "key": s.pk,
            "label": f"{short_date(timezone.localtime(s.start))} {s.title}",
            **_counts(counts[s.pk]),
        }
        for s in sessions.only("pk", "start", "title")
    ]


def _attendance_by_trainee(records: QuerySet[Attendance], memberships) -> list[dict]:
    counts = _counted_by(records, "trainee_id")
    trainees = Trainee.objects.filter(pk__in=memberships.values("trainee_id"))
    trainees = trainees.order_by("surname", "forenames", "pk")
    return [
        {"key": pk, "label": f"{forenames} {surname}", **_counts(counts[pk])}
        for pk, forenames, surname in trainees.values_list("pk", "forenames", "surname")
        if pk in counts
    ]


def _attendance_by_region(memberships: QuerySet[ProgrammeMembership], year: TeachingYear | None) -> list:
    """Counted from the memberships' side, as a trainee's region is their current membership's."""
    prefix = "trainee__attendances__"
    on = Q(**{f"{prefix}session__year": year}) if year else Q()
    rows = memberships.values("scheme__region_id", "scheme__region__name")
    rows = rows.annotate(**_status_counts(prefix, on))
    rows = [
        {"key": r["scheme__region_id"], "label": r["scheme__region__name"], **_counts(r)}
        for r in rows.order_by("scheme__region__name")
    ]
    return [r for r in rows if r["total"]]


def _counts(row: dict) -> dict:
    return _with_rate({k: row[k] for k in ("attended", "apologies", "absent")})


def _with_rate(row: dict) -> dict:
    total = row["attended"] + row["apologies"] + row["absent"]
    return {**row, "total": total, "rate": round(100 * row["attended"] / total) if total else 0}


# --- feedback ---------------------------------------------------------------------------------------------


def feedback_sessions_for(user) -> QuerySet[TeachingSession]:
    """Sessions whose feedback the user sees (those they may run, which includes those they lead), newest
    first."""
    sessions = sessions_runnable_by(user)
    return (
        sessions.annotate(responses=Count("feedback", distinct=True), average=Avg("feedback__rating"))
        .filter(responses__gt=0)
        .order_by("-start")
    )


def feedback_by_topic(sessions: QuerySet[TeachingSession]) -> list[dict]:
    rows = (
        Feedback.objects.filter(session__in=sessions.values("pk"))
        .values("session__topic")
        .annotate(responses=Count("pk"), average=Avg("rating"))
        .order_by("session__topic")
    )
    return [
        {"topic": r["session__topic"], "responses": r["responses"], "average": r["average"]} for r in rows
    ]


def feedback_comments(session: TeachingSession) -> dict[str, list]:
    """The comments on a session, sorted and without names: trainees say more when leads cannot tell who
    wrote what."""
    rows = list(Feedback.objects.filter(session=session))
    return {
        "what_worked": sorted(r.what_worked for r in rows if r.what_worked),
        "what_to_change": sorted(r.what_to_change for r in rows if r.what_to_change),
        "ratings": sorted(r.rating for r in rows),
    }


# --- calendar feeds and release notices -------------------------------------------------------------------


def trainee_for_feed_token(raw: str) -> Trainee | None:
    """The trainee whose live feed token this is (and note its use), or None."""
    if not raw or len(raw) > 100:
        return None
    token = (
        CalendarFeedToken.objects.select_related("trainee")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    CalendarFeedToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.trainee


def live_calendar_token(trainee: Trainee) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(trainee=trainee, revoked_at__isnull=True).first()


def current_placement(trainee: Trainee, today: datetime.date | None = None) -> Placement | None:
    today = today or timezone.localdate()
    placements = Placement.objects.filter(membership__trainee=trainee).select_related(
        "post__practice", "post__category"
    )
    return (
        placements.filter(start_date__lte=today, end_date__gte=today).order_by("-start_date").first()
        or placements.filter(start_date__gt=today).order_by("start_date").first()
    )


def release_sessions(trainee: Trainee, placement: Placement | None, now: datetime.datetime | None = None):
    """The trainee's coming teaching sessions (not cancelled) while in the placement (or all coming ones
    without). Community meetings are arranged by the group around its members' work, not released for."""
    now = now or timezone.now()
    sessions = sessions_for_trainee(trainee).filter(end__gte=now, status=TeachingSession.Status.PUBLISHED)
    sessions = sessions.exclude(kind=TeachingSession.Kind.COMMUNITY)
    if placement:
        sessions = sessions.filter(start__date__lte=placement.end_date, end__date__gte=placement.start_date)
    return sessions.order_by("start")


# --- for the home pages -------------------------------------------------------------------------------------

REGISTERS_KEPT_OPEN = datetime.timedelta(days=28)  # how far back a register not yet taken is still asked for
ABSENCES_LOOKED_AT = datetime.timedelta(days=91)


def next_session_for(trainee: Trainee, now: datetime.datetime) -> TeachingSession | None:
    """The trainee's next published session (or the one under way)."""
    sessions = sessions_for_trainee(trainee).filter(status=TeachingSession.Status.PUBLISHED, end__gte=now)
    return sessions.order_by("start").first()


def sessions_to_reflect_on(trainee: Trainee, now: datetime.datetime) -> list[TeachingSession]:
    """Sessions the trainee attended that have ended with no reflection of theirs, the latest first."""
    attended = Attendance.objects.filter(
        session=OuterRef("pk"), trainee=trainee, status=Attendance.Status.ATTENDED
    )
    reflected = Reflection.objects.filter(session=OuterRef("pk"), trainee=trainee)
    sessions = (
        sessions_for_trainee(trainee)
        .filter(end__lt=now)
        .exclude(status=TeachingSession.Status.CANCELLED)
        .filter(Exists(attended))
        .exclude(Exists(reflected))
    )
    return list(sessions.order_by("-start"))


def sessions_published_since(trainee: Trainee, since: datetime.datetime, now: datetime.datetime):
    """The trainee's coming sessions published after `since`, soonest first."""
    sessions = sessions_for_trainee(trainee).filter(
        published_at__gt=since, status=TeachingSession.Status.PUBLISHED, end__gte=now
    )
    return list(sessions.order_by("start"))


def _theirs_to_run(user) -> QuerySet[TeachingSession]:
    """Published programme sessions whose register the user takes and that are theirs: led by them, or by
    no one (then anyone who may run it). Community meetings belong to their groups' mentors."""
    runnable = sessions_runnable_by(user).filter(status=TeachingSession.Status.PUBLISHED)
    runnable = runnable.exclude(kind=TeachingSession.Kind.COMMUNITY)
    return runnable.filter(Q(leads=user) | Q(leads__isnull=True)).distinct()


def sessions_to_run(user, now: datetime.datetime, limit: int = 5) -> list[TeachingSession]:
    return list(_theirs_to_run(user).filter(end__gte=now).order_by("start")[:limit])


def registers_to_take(user, now: datetime.datetime) -> list[TeachingSession]:
    """Sessions of the user's that have begun, in the last REGISTERS_KEPT_OPEN, with no attendance
    recorded yet, the latest first."""
    recorded = Attendance.objects.filter(session=OuterRef("pk"))
    sessions = (
        _theirs_to_run(user)
        .filter(start__lte=now, end__gte=now - REGISTERS_KEPT_OPEN)
        .exclude(Exists(recorded))
    )
    return list(sessions.order_by("-start"))


def feedback_received_since(user, since: datetime.datetime) -> int:
    """Feedback responses given after `since` on the sessions whose feedback the user sees."""
    return Feedback.objects.filter(
        session__in=sessions_runnable_by(user).values("pk"), submitted_at__gt=since
    ).count()


def absences_since(trainee_ids, since: datetime.datetime) -> dict[int, int]:
    """Trainee id -> sessions recorded absent (not apologies) that began after `since`."""
    rows = (
        Attendance.objects.filter(
            trainee_id__in=trainee_ids, status=Attendance.Status.ABSENT, session__start__gt=since
        )
        .order_by()
        .values("trainee_id")
        .annotate(n=Count("pk"))
    )
    return {row["trainee_id"]: row["n"] for row in rows}


def timetable_status(user, year: TeachingYear) -> list[dict]:
    """For each region the user plans (and the national programme for England-wide planners): the year's
    sessions by status. Two queries."""
    regions = list(regions_plannable_by(user))
    counts: dict[int | None, dict[str, int]] = {}
    rows = (
        sessions_plannable_by(user)
        .filter(year=year)
        .order_by()
        .values("region_id", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts.setdefault(row["region_id"], {})[row["status"]] = row["n"]
    planned = [(None, "National programme")] if scope_for(user, Perm.PLAN_TIMETABLE).england else []
    planned += [(r, r.name) for r in regions]
    rows = []
    for region, label in planned:
        found = counts.get(region.pk if region else None, {})
        by_status = {status: found.get(status, 0) for status in TeachingSession.Status.values}
        rows.append({"region": region, "label": label, **by_status})
    return rows
