"""What each person's home page shows: for every role they hold, the tasks waiting for them first (each a
sentence with a link to the page where it is done), then what they need to know.

Every read goes through the owning app's scoped selectors; this module only puts them together, so each
part costs a few queries however much data there is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from heft.accounts.models import Role
from heft.accounts.permissions import roles_of
from heft.community import selectors as community
from heft.content import selectors as content
from heft.practices import selectors as practices
from heft.preferencing import selectors as preferencing
from heft.programmes import selectors as programmes
from heft.teaching import release_selectors
from heft.teaching import selectors as teaching
from heft.trainees import selectors as trainees
from heft.trainees.models import LtftChange, ProgrammeMembership

OFFERS_SHOWN = 10
LISTED = 10  # returners, rotations, drafts and practices listed before "and N more"
CHANGES_WITHOUT_SIGN_IN = datetime.timedelta(days=14)  # what "recent" means when the last visit is unknown
# A source published on a schedule is old once it has missed a release (docs/data-sources.md); the others
# change only with a new release of the indices, years apart.
STALE_AFTER_DAYS = {"epraccur": 90, "lsoa_patients": 120}


@dataclass
class Task:
    text: str  # the sentence, the link's text
    href: str
    hint: str = ""  # a deadline or what the task is about
    status: str = ""  # short, beside it: "Closes in 3 days"


# --- dates as the pages say them ----------------------------------------------------------------------------


def day(value: datetime.date | datetime.datetime) -> str:
    """'14 December 2026' (in UK time for a moment)."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y}"


def moment(value: datetime.datetime) -> str:
    """'17:00 on Monday 14 December 2026', in UK time."""
    local = timezone.localtime(value)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y}"


def days_left(deadline: datetime.datetime, now: datetime.datetime) -> str:
    """'today', 'tomorrow' or 'in 5 days', by calendar days in the UK."""
    days = (timezone.localtime(deadline).date() - timezone.localtime(now).date()).days
    return {0: "today", 1: "tomorrow"}.get(days, f"in {days} days")


def intake_label(intake: str) -> str:
    try:
        return datetime.datetime.strptime(intake, "%Y-%m").strftime("%B %Y")
    except ValueError:
        return intake


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _have(count: int) -> str:
    return "has" if count == 1 else "have"


# --- the trainee ----------------------------------------------------------------------------------------


@dataclass
class TraineeHome:
    trainee: object | None  # trainees.Trainee; None when no record is linked to the sign-in
    tasks: list[Task] = field(default_factory=list)
    next_session: object = None  # teaching.TeachingSession
    check_in_open: bool = False
    checked_in: bool = False
    training: list[tuple[str, str]] = field(default_factory=list)  # (what, its state) about time out, LTFT
    since: datetime.datetime | None = None
    since_known: bool = False  # the last sign-in is known (else: changes over CHANGES_WITHOUT_SIGN_IN)
    new_offers: list = field(default_factory=list)
    new_sessions: list = field(default_factory=list)
    news: list = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.new_offers or self.new_sessions or self.news)

    @property
    def since_label(self) -> str:
        return moment(self.since) if self.since else ""


def trainee_home(user, *, now: datetime.datetime, since: datetime.datetime | None) -> TraineeHome:
    trainee = trainees.own_record(user, with_history=True)
    if trainee is None:
        return TraineeHome(None)
    home = TraineeHome(trainee, since=since or now - CHANGES_WITHOUT_SIGN_IN, since_known=since is not None)
    home.tasks = _ranking_tasks(trainee, now) + _offer_tasks(trainee, now)
    _next_session(home, trainee, now)
    home.tasks += _reflection_tasks(trainee, now)
    if not community.has_interests(user):
        home.tasks.append(Task("Record your areas of interest", reverse("community:interests")))
    membership = trainees.current_membership(trainee)
    home.training = _training_state(membership, now.date()) if membership else []
    home.new_offers = preferencing.offers_made_since(trainee, home.since)
    home.new_sessions = teaching.sessions_published_since(trainee, home.since, now)
    home.news = content.news_since(home.since)
    return home


def _ranking_tasks(trainee, now) -> list[Task]:
    return [
        Task(
            f"Rank the rotations for {w.scheme.name} by {day(w.closes_at)}",
            reverse("preferencing:rank", args=[w.pk]),
            hint=f"{intake_label(w.intake)} intake. The window closes at {moment(w.closes_at)}."
            + (" You have saved a draft: submit it to take part." if w.has_draft else ""),
            status=f"Closes {days_left(w.closes_at, now)}",
        )
        for w in preferencing.windows_to_rank(trainee, now)
    ]


def _offer_tasks(trainee, now) -> list[Task]:
    return [
        Task(
            f"Reply to your offer of {offer.rotation.name} by {day(offer.respond_by)}",
            reverse("preferencing:offer_detail", args=[offer.pk]),
            hint=f"Accept or decline it by {moment(offer.respond_by)}.",
            status=f"Due {days_left(offer.respond_by, now)}",
        )
        for offer in preferencing.offers_awaiting_reply(trainee, now)
    ]


def _next_session(home: TraineeHome, trainee, now) -> None:
    session = teaching.next_session_for(trainee, now)
    if session is None:
        return
    home.next_session = session
    home.check_in_open = teaching.check_in_open(session, now)
    attendance = teaching.attendance_for_trainee(trainee).get(session.pk)
    home.checked_in = bool(attendance and attendance.status == attendance.Status.ATTENDED)
    if home.check_in_open and not home.checked_in:
        home.tasks.insert(
            0,
            Task(
                f"Check in to {session.title}",
                reverse("teaching:session_detail", args=[session.pk]) + "#check-in",
                hint=f"It is on now, until {timezone.localtime(session.end):%H:%M}.",
                status="Now",
            ),
        )


def _reflection_tasks(trainee, now) -> list[Task]:
    sessions = teaching.sessions_to_reflect_on(trainee, now)
    if not sessions:
        return []
    latest, others = sessions[0], len(sessions) - 1
    hint = f"You attended it on {day(latest.start)}."
    if others:
        hint += f" {plural(others, 'other session')} you attended also {_have(others)} none."
    return [
        Task(f"Write a reflection on {latest.title}", reverse("teaching:reflection", args=[latest.pk]), hint)
    ]


def _training_state(membership: ProgrammeMembership, today: datetime.date) -> list[tuple[str, str]]:
    """Time out, a return with a later intake, and LTFT applications that still matter."""
    rows = []
    for i in membership.interruptions.all():
        if i.start_date > today:
            rows.append(("Time out planned", f"{i.get_kind_display()} from {day(i.start_date)}"))
        elif i.end_date is None or i.end_date >= today:
            back = f", back on {day(i.end_date + datetime.timedelta(days=1))}" if i.end_date else ""
            rows.append(("Time out", f"{i.get_kind_display()} since {day(i.start_date)}{back}"))
    if membership.returning_to_intake:
        label = intake_label(membership.returning_to_intake)
        rows.append(("Returning", f"You join the {label} intake and rank its rotations"))
    for change in membership.ltft_changes.all():
        state = _ltft_state(change, today)
        if state:
            rows.append(("Less than full time", state))
    return rows


def _ltft_state(change: LtftChange, today: datetime.date) -> str:
    share = f"{change.wte * 100:.0f}%"
    if change.status == LtftChange.Status.APPLIED:
        return f"Your application to train at {share} from {day(change.start_date)} is waiting for a decision"
    if change.start_date < today:
        return ""
    if change.status == LtftChange.Status.APPROVED:
        return f"Approved: you train at {share} from {day(change.start_date)}"
    return f"Your application to train at {share} from {day(change.start_date)} was declined"


# --- programme teams: scheme administrators and TPDs, and regional leads for their region ---------------


@dataclass
class ProgrammeHome:
    tasks: list[Task] = field(default_factory=list)
    windows: list = field(default_factory=list)  # preferencing.WindowProgress
    offers: list = field(default_factory=list)  # the first OFFERS_SHOWN waiting for a reply
    offers_waiting: int = 0
    returners: list = field(default_factory=list)  # trainees.ProgrammeMembership with `returns_on`
    rotations: list = field(default_factory=list)  # (rotation, findings)
    intake: str = ""
    set_up: list[dict] = field(default_factory=list)  # programmes.intake_set_up rows


def programme_home(user, *, now: datetime.datetime) -> ProgrammeHome:
    today = timezone.localtime(now).date()
    home = ProgrammeHome(intake=programmes.next_intake(today))
    home.windows = preferencing.open_windows_progress(user, now)
    offers = preferencing.offers_unanswered_managed_by(user)
    home.offers_waiting = offers.count()
    home.offers = list(offers[:OFFERS_SHOWN])
    current = programmes.current_intake(today)
    home.returners = trainees.returners_managed_by(user, today=today, from_intake=current)
    home.rotations = programmes.rotations_with_findings(user, from_intake=current)
    home.set_up = programmes.intake_set_up(programmes.schemes_managed_by(user), home.intake)
    home.tasks = _window_tasks(home.windows, now) + _offers_task(home, now) + _decision_tasks(user)
    home.tasks += _set_up_tasks(home) + _rotation_tasks(home.rotations)
    return home


def _window_tasks(windows, now) -> list[Task]:
    return [
        Task(
            f"Chase the {plural(len(p.not_submitted), 'trainee')} who {_have(len(p.not_submitted))} not "
            f"submitted their preferences for {p.window.scheme.name}",
            reverse("preferencing:window_detail", args=[p.window.pk]),
            hint=f"{intake_label(p.window.intake)} intake: {p.submitted} of {p.members} submitted. "
            f"The window closes at {moment(p.window.closes_at)}.",
            status=f"Closes {days_left(p.window.closes_at, now)}",
        )
        for p in windows
        if p.not_submitted
    ]


def _offers_task(home: ProgrammeHome, now) -> list[Task]:
    if not home.offers:
        return []
    first = home.offers[0]
    return [
        Task(
            f"{plural(home.offers_waiting, 'offer waits', 'offers wait')} for a reply",
            "#offers-waiting",
            hint=f"The first deadline is {moment(first.respond_by)} ({first.trainee.full_name}, "
            f"{first.window.scheme.name}).",
            status=f"First due {days_left(first.respond_by, now)}",
        )
    ]


def _decision_tasks(user) -> list[Task]:
    waiting = trainees.decisions_waiting(user)
    tasks = []
    if waiting.heft_place_at_risk:
        count = len(waiting.heft_place_at_risk)
        tasks.append(
            Task(
                f"Decide whether {plural(count, 'trainee')} on time out "
                + ("keeps their HEFT place" if count == 1 else "keep their HEFT places"),
                reverse("trainees:trainee_list") + "?show=heft_place_at_risk",
                hint="Their time out puts a HEFT post at risk.",
            )
        )
    if waiting.ltft_applied:
        count = len(waiting.ltft_applied)
        tasks.append(
            Task(
                f"Decide on {plural(count, 'application')} to train less than full time",
                reverse("trainees:trainee_list") + "?show=ltft_applied",
            )
        )
    return tasks


def _set_up_tasks(home: ProgrammeHome) -> list[Task]:
    """One task a scheme without rotations for the next intake; one for them all when there are several."""
    missing = [row["scheme"] for row in home.set_up if not row["rotations"]]
    label = intake_label(home.intake)
    if len(missing) == 1:
        scheme = missing[0]
        return [
            Task(
                f"Add rotations for {scheme.name}, {label} intake",
                add_rotations_href(scheme, home.intake),
                hint="It has none yet: build them, or copy the last intake's.",
            )
        ]
    if missing:
        return [
            Task(
                f"Add rotations for the {label} intake to {len(missing)} schemes",
                "#next-intake",
                hint=f"None yet for {_sentence([s.name for s in missing])[:-1]}.",
            )
        ]
    return []


def add_rotations_href(scheme, intake: str) -> str:
    return reverse("setup:rotation_new") + f"?scheme={scheme.code}&intake={intake}"


def _rotation_tasks(rotations) -> list[Task]:
    if not rotations:
        return []
    return [
        Task(
            f"Look at the {plural(len(rotations), 'rotation')} the checks warn about",
            "#rotations-with-warnings",
            hint="Gaps, posts in the wrong training year or innovative posts not six months whole-time.",
        )
    ]


# --- regional leads -----------------------------------------------------------------------------------


@dataclass
class RegionalHome:
    tasks: list[Task] = field(default_factory=list)
    year: object = None  # teaching.TeachingYear
    timetable: list[dict] = field(default_factory=list)
    release_due: int = 0
    drafts: list = field(default_factory=list)


def regional_home(user, *, now: datetime.datetime) -> RegionalHome:
    home = RegionalHome(year=teaching.current_year(timezone.localtime(now).date()))
    if home.year is not None:
        home.timetable = teaching.timetable_status(user, home.year)
        home.release_due = release_selectors.release_notices_due(user, home.year, now)
    home.drafts = content.drafts_managed_by(user)
    home.tasks = _timetable_tasks(home) + _release_tasks(home) + _draft_tasks(home.drafts)
    return home


def _timetable_tasks(home: RegionalHome) -> list[Task]:
    tasks = []
    for row in home.timetable:
        href = (
            reverse("teaching:plan_region", args=[row["region"].code])
            if row["region"]
            else reverse("teaching:plan_national")
        )
        if not (row["draft"] or row["published"]):
            tasks.append(Task(f"Plan the {row['label']} timetable for {home.year.label}", href))
        elif row["draft"]:
            drafts = plural(row["draft"], "draft session")
            tasks.append(
                Task(f"Publish the {drafts} in the {row['label']} timetable", href, hint=home.year.label)
            )
    return tasks


def _release_tasks(home: RegionalHome) -> list[Task]:
    if not home.release_due:
        return []
    return [
        Task(
            f"Send release notices to the supervisors of {plural(home.release_due, 'placement')}",
            reverse("teaching:release_notices", args=[home.year.pk]),
            hint=f"Their trainees have {home.year.label} sessions to be released for.",
        )
    ]


def _draft_tasks(drafts) -> list[Task]:
    if not drafts:
        return []
    return [
        Task(
            f"Publish or remove {plural(len(drafts), 'draft')} of the public site's content",
            "#content-drafts",
            hint="Pages, news and testimonials not yet on the public site.",
        )
    ]


def draft_link(item) -> tuple[str, str, str]:
    """(kind, title, address) of a draft, for its manage page."""
    kinds = {
        "page": ("Page", "page"),
        "newsitem": ("News", "news"),
        "testimonial": ("Testimonial", "testimonial"),
    }
    label, key = kinds[item._meta.model_name]
    title = getattr(item, "title", "") or getattr(item, "attribution", "") or str(item)
    return label, title, reverse(f"content:{key}_manage", args=[item.pk])


# --- educators -----------------------------------------------------------------------------------------


@dataclass
class EducatorHome:
    tasks: list[Task] = field(default_factory=list)
    sessions: list = field(default_factory=list)  # coming sessions they run
    new_feedback: int = 0
    since: datetime.datetime | None = None


def educator_home(user, *, now: datetime.datetime, since: datetime.datetime | None) -> EducatorHome:
    home = EducatorHome(since=since)
    home.tasks = [
        Task(
            f"Take the register for {s.title}",
            reverse("teaching:register", args=[s.pk]),
            hint=s.when,
            status="Now" if s.end >= now else "",
        )
        for s in teaching.registers_to_take(user, now)
    ]
    home.sessions = teaching.sessions_to_run(user, now)
    if since is not None:
        home.new_feedback = teaching.feedback_received_since(user, since)
    return home


# --- mentors ----------------------------------------------------------------------------------------------


@dataclass
class MentorHome:
    tasks: list[Task] = field(default_factory=list)
    mentees: list = field(default_factory=list)  # (community.MentorAssignment, why they need attention)
    meetings: list = field(default_factory=list)


def mentor_home(user, *, now: datetime.datetime) -> MentorHome:
    assignments = list(community.mentees_of(user))
    ids = [a.trainee_id for a in assignments]
    flags = trainees.attention_flags(user, ids, timezone.localtime(now).date())
    for trainee_id, absent in teaching.absences_since(ids, now - teaching.ABSENCES_LOOKED_AT).items():
        if absent >= 2:
            flags.setdefault(trainee_id, []).append(f"absent from {absent} sessions in the last three months")
    why = {trainee_id: _sentence(reasons) for trainee_id, reasons in flags.items() if reasons}
    home = MentorHome(mentees=[(a, why.get(a.trainee_id, "")) for a in assignments])
    home.tasks = [
        Task(
            f"Check in with {a.trainee.full_name}",
            reverse("trainees:trainee_detail", args=[a.trainee_id]),
            hint=reason,
        )
        for a, reason in home.mentees
        if reason
    ]
    home.meetings = community.meetings_led_by(user, now)
    return home


def _sentence(parts: list[str]) -> str:
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return text[:1].upper() + text[1:] + "."


# --- national admins -------------------------------------------------------------------------------------


@dataclass
class NationalHome:
    tasks: list[Task] = field(default_factory=list)
    sources: list = field(default_factory=list)  # practices.SourceState, each with `age_days` and `stale`
    rule: object = None  # practices.DeepEndRuleApplication in force
    rules_recorded: list[str] = field(default_factory=list)  # as the practices record them
    deep_end: int = 0  # Deep End practices now
    rule_under_way: object = None
    newer_deprivation: list = field(default_factory=list)  # deprivation loaded after the rule was applied
    warnings: dict = field(default_factory=dict)  # practices.practices_needing_a_look


def national_home(*, now: datetime.datetime) -> NationalHome:
    home = NationalHome(sources=practices.data_sources_state())
    for state in home.sources:
        loaded = state.loaded
        state.age_days = (now - loaded.finished_at).days if loaded and loaded.finished_at else None
        limit = STALE_AFTER_DAYS.get(state.source)
        state.stale = bool(limit and state.age_days is not None and state.age_days > limit)
    home.rule = practices.latest_rule_application()
    home.rule_under_way = practices.rule_application_under_way()
    home.rules_recorded = practices.deep_end_rules_recorded()
    home.deep_end = practices.deep_end_count()
    if home.rule is not None:
        home.newer_deprivation = practices.deprivation_loaded_after(
            home.rule.finished_at or home.rule.applied_at
        )
    home.warnings = practices.practices_needing_a_look(LISTED)
    home.tasks = _import_tasks(home.sources) + _rule_tasks(home) + _practice_tasks(home.warnings)
    return home


def _import_tasks(sources) -> list[Task]:
    tasks = []
    for state in sources:
        if state.last_attempt_failed:
            tasks.append(
                Task(
                    f"See why the latest {state.label} import was not loaded",
                    reverse("practices:import_detail", args=[state.latest.pk]),
                    hint=f"{state.latest.file_name}: {state.latest.get_status_display()}",
                )
            )
        elif state.loaded is None:
            tasks.append(Task(f"Load {state.label}", reverse("practices:import_list"), hint="Never loaded."))
        elif state.stale:
            tasks.append(
                Task(
                    f"Load the latest {state.label}",
                    reverse("practices:import_list"),
                    hint=f"The data loaded {state.age_days} days ago is {state.loaded.vintage or 'undated'}.",
                )
            )
    return tasks


def _rule_tasks(home: NationalHome) -> list[Task]:
    href = reverse("practices:deep_end_rule")
    if home.rule_under_way is not None:
        return []
    if home.rule is None:
        return [Task("Choose and apply a Deep End rule", href, hint="No rule has been applied here yet.")]
    if home.newer_deprivation:
        names = ", ".join(sorted({i.get_source_display() for i in home.newer_deprivation}))
        return [
            Task(
                "Look at the Deep End rule again with the new deprivation figures",
                href,
                hint=f"Loaded since the rule was applied: {names}.",
            )
        ]
    return []


def _practice_tasks(warnings: dict) -> list[Task]:
    tasks = []
    closed, _ = warnings["closed"]
    if closed:
        tasks.append(
            Task(f"Check the posts at {plural(closed, 'practice')} the NHS lists as closed", "#data-warnings")
        )
    missing, _ = warnings["no_deprivation"]
    if missing:
        tasks.append(
            Task(
                f"Find deprivation figures for {plural(missing, 'practice')} holding posts", "#data-warnings"
            )
        )
    return tasks


# --- the page ---------------------------------------------------------------------------------------------


def by_deadline(tasks: list[Task]) -> list[Task]:
    """Tasks with a deadline or under way first (they carry a status), each group in its own order."""
    return sorted(tasks, key=lambda task: not task.status)


@dataclass
class Section:
    """One role's part of the home page: its tasks, then what the template for `key` shows of `data`."""

    key: str
    heading: str
    role: str  # the role's name, under the heading
    tasks: list[Task]
    data: dict


def home_for(user, *, since: datetime.datetime | None, now: datetime.datetime | None = None) -> list[Section]:
    """A part for each role the user holds: the trainee's own first, then the staff roles'. A regional lead
    who also administers a scheme sees the programme team's tasks once, in their region's part (the
    selectors reach the union of their scopes)."""
    now = now or timezone.now()
    held = roles_of(user)
    sections = []
    if Role.TRAINEE in held:
        mine = trainee_home(user, now=now, since=since)
        sections.append(Section("trainee", "Your training", Role.TRAINEE.label, mine.tasks, {"home": mine}))
    if Role.NATIONAL_ADMIN in held:
        data = national_home(now=now)
        heading = "Data and the Deep End rule"
        sections.append(Section("national", heading, Role.NATIONAL_ADMIN.label, data.tasks, {"home": data}))
    if held & {Role.REGIONAL_LEAD, Role.SCHEME_ADMIN}:
        programme = programme_home(user, now=now)
        if Role.REGIONAL_LEAD in held:
            region = regional_home(user, now=now)
            tasks = by_deadline(region.tasks + programme.tasks)
            data = {"region": region, "programme": programme}
            sections.append(Section("regional", "Your region", Role.REGIONAL_LEAD.label, tasks, data))
        else:
            data = {"programme": programme}
            sections.append(
                Section("programme", "Your schemes", Role.SCHEME_ADMIN.label, programme.tasks, data)
            )
    if Role.EDUCATOR in held:
        data = educator_home(user, now=now, since=since)
        sections.append(
            Section("educator", "Your teaching sessions", Role.EDUCATOR.label, data.tasks, {"home": data})
        )
    if Role.MENTOR in held:
        data = mentor_home(user, now=now)
        sections.append(Section("mentor", "Your mentees", Role.MENTOR.label, data.tasks, {"home": data}))
    return sections


def role_labels(user) -> list[str]:
    return sorted(Role(r).label for r in roles_of(user))
