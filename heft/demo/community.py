"""Demo community: where the mentors work, interests and directory listings, communities of practice formed
by the engine (and one adjusted by hand), their meetings (teaching sessions of kind community, in the
members' calendar feeds) with check-ins to those already held, notes, mentors matched, post-CCT
opportunities with interest from trainees in ST3, and where the demo's graduates worked a year after CCT.

Everything is keyed so that loading again changes nothing: groups are formed once per region, matching
only places trainees without a mentor, meetings (by group and start) and opportunities are found by their
natural keys, and check-ins are only added, never redrawn.
"""

import datetime
import zlib
from collections import OrderedDict
from zoneinfo import ZoneInfo

from django.utils import timezone

from heft.accounts.models import Role, User
from heft.community import selectors, services
from heft.community.models import (
    CareerOutcome,
    CommunityGroup,
    CommunityProfile,
    ExpressionOfInterest,
    GroupMember,
    GroupNote,
    InterestArea,
    Mentor,
    MentorAssignment,
    Opportunity,
)
from heft.demo.world import SIGN_IN_BY_ROLE, sync_rows
from heft.engines.dates import add_months
from heft.practices.models import Practice
from heft.teaching.models import Attendance, TeachingSession
from heft.teaching.selectors import trainees_for_session, year_covering
from heft.trainees.models import ProgrammeMembership, Trainee

LONDON = ZoneInfo("Europe/London")
MEETINGS_PUBLISHED_AT = datetime.datetime(2026, 9, 1, 9, tzinfo=LONDON)
CHECKED_IN = 80  # the percentage of members who check in to a meeting held
# Where the demo mentors work, in the order the world made them (by region).
MENTOR_SCHEMES = {
    "south-west": ["bristol", "plymouth", "exeter", "gloucestershire"],
    "east-of-england": ["norwich", "luton-bedford", "cambridge"],
}
GROUP_SIZES = (4, 6)
ABOUT = [
    "Happy to talk about inclusion health placements.",
    "Working on a project about access for people with no fixed address.",
    "Interested in teaching and in research on continuity of care.",
]
# Who forms each region's groups: the regional lead for the South West, the national admin elsewhere.
FORMED_BY = {"south-west": Role.REGIONAL_LEAD, "east-of-england": Role.NATIONAL_ADMIN}
MEETING_TOPICS = [
    "Getting started: what brought us to health equity",
    "Case discussion: continuity for patients with no fixed address",
    "Quality improvement ideas for our practices",
]
OPPORTUNITIES = [
    ("south-west", Opportunity.Kind.DEEP_END_FELLOWSHIP, "Deep End GP fellowship, Bristol",
     "A fictional Bristol primary care network", "Bristol", ["homelessness", "leadership"]),
    ("south-west", Opportunity.Kind.SALARIED_DEPRIVED, "Salaried GP in a Plymouth Deep End practice",
     "A fictional Plymouth surgery", "Plymouth", ["drugs-alcohol"]),
    ("south-west", Opportunity.Kind.INCLUSION_SERVICE, "GP with an interest in refugee health",
     "A fictional inclusion health service", "Exeter", ["refugee-asylum", "migrant-health"]),
    ("east-of-england", Opportunity.Kind.PORTFOLIO, "Portfolio role: GP and medical educator",
     "A fictional GP training hub", "Norwich", ["education"]),
    ("east-of-england", Opportunity.Kind.DEEP_END_FELLOWSHIP, "Health inequalities fellowship, Luton",
     "A fictional integrated care board", "Luton", ["public-health", "research"]),
]  # fmt: skip
CLOSES = datetime.date(2027, 6, 30)
OUTCOME_KNOWN = 0.85  # the share of graduates whose team recorded where they worked a year on
# What graduates went on to do, and how likely each is; practice roles are in Deep End practices this often.
OUTCOME_ROLES = OrderedDict(
    [
        (CareerOutcome.Role.SALARIED, 0.45),
        (CareerOutcome.Role.PARTNER, 0.1),
        (CareerOutcome.Role.LOCUM, 0.15),
        (CareerOutcome.Role.FELLOWSHIP, 0.15),
        (CareerOutcome.Role.PORTFOLIO, 0.15),
    ]
)
IN_DEEP_END = 0.55
DESCRIPTION = (
    "{organisation} is looking for a newly qualified GP to join its work in {location}. The role "
    "combines clinical sessions with protected time for work on health inequalities, with mentoring from "
    "an experienced Deep End GP.\n\nTalk to us before you apply: express interest and the programme team "
    "will put you in touch."
)
NOTES = [
    "Thanks all for Tuesday. The article on continuity in Deep End practices is worth ten minutes.",
    "Could we spend part of the next meeting on how our practices register people with no fixed address?",
    "I have a short list of local services for people seeking asylum: happy to share it next time.",
    "Reminder: bring one case where you felt the system worked against the patient, anonymised.",
]


def _user(role: str) -> User:
    return User.objects.get(email=SIGN_IN_BY_ROLE[role].email)


def build_mentor_places(fake, world) -> None:
    for region, schemes in MENTOR_SCHEMES.items():
        mentors = Mentor.objects.filter(region=world.regions[region]).order_by("pk")
        for mentor, scheme in zip(mentors, schemes, strict=False):
            if mentor.scheme_id != world.schemes[scheme].pk:
                mentor.scheme = world.schemes[scheme]
                mentor.save(update_fields=["scheme"])


def build_interests(fake, world) -> None:
    """Interests for mentors and trainees with accounts; half of the trainees are in the directory."""
    areas = list(InterestArea.objects.order_by("code"))
    people = list(User.objects.filter(mentor__isnull=False).order_by("pk"))
    people += list(User.objects.filter(trainee__isnull=False).order_by("pk"))
    for index, user in enumerate(people):
        profile, created = CommunityProfile.objects.get_or_create(user=user)
        if not created:
            continue
        chosen = fake.random_sample(areas, length=fake.random_int(1, 3))
        listed = index % 2 == 0
        profile.listed, profile.listed_since = (
            listed,
            (datetime.datetime(2026, 9, 1, tzinfo=LONDON) if listed else None),
        )
        profile.about = ABOUT[index % len(ABOUT)] if listed else ""
        profile.save()
        profile.interests.set(chosen)


def build_groups(fake, world) -> None:
    for code, region in world.regions.items():
        patch = selectors.Patch(region)
        if selectors.patch_groups(patch).exists():
            continue
        low, high = GROUP_SIZES
        services.groups_form(patch=patch, min_size=low, max_size=high, by=_user(FORMED_BY[code]))
    _trainee_joins_the_mentor_sign_ins_group()


def _trainee_joins_the_mentor_sign_ins_group() -> None:
    """A lead's adjustment by hand: the trainee sign-in goes to the group the mentor sign-in leads."""
    trainee = Trainee.objects.get(user=_user(Role.TRAINEE))
    group = selectors.active_groups().filter(lead__user=_user(Role.MENTOR)).order_by("pk").first()
    current = selectors.current_group_membership(trainee)
    if group is None or (current and current.group_id == group.pk):
        return
    services.group_member_place(group=group, trainee=trainee, by=_user(Role.REGIONAL_LEAD))


def build_meetings_and_notes(fake, world) -> None:
    for number, group in enumerate(selectors.active_groups().order_by("pk")):
        _meetings(group, number)
        if group.notes.exists():
            continue
        authors = [
            m.trainee.user for m in group.memberships.select_related("trainee__user") if m.trainee.user_id
        ]
        authors += [group.lead.user] if group.lead else []
        for index, author in enumerate(authors[:2]):
            GroupNote.objects.create(group=group, author=author, text=NOTES[(number + index) % len(NOTES)])
    _check_ins()


def _meetings(group: CommunityGroup, number: int) -> None:
    """Three evening meetings online, eight weeks apart, staggered across the groups."""
    rows = []
    for index, topic in enumerate(MEETING_TOPICS):
        day = datetime.date(2026, 10, 7) + datetime.timedelta(weeks=8 * index, days=number % 5)
        year = year_covering(day)
        if year is None:
            continue
        start = datetime.datetime.combine(day, datetime.time(18, 30), LONDON)
        rows.append(
            {
                "community_group_id": group.pk, "start": start, "year_id": year.pk,
                "kind": TeachingSession.Kind.COMMUNITY, "title": services.meeting_title(group, topic),
                "topic": topic, "end": start + datetime.timedelta(hours=1, minutes=30),
                "online_link": f"https://meet.heft.invalid/community-{group.pk}",
                "status": TeachingSession.Status.PUBLISHED, "published_at": MEETINGS_PUBLISHED_AT,
            }
        )  # fmt: skip
    sync_rows(TeachingSession, ("community_group_id", "start"), rows)


def _check_ins() -> None:
    """Members who checked in to the meetings already held (the demo trainee to all of them). Who came is
    drawn from the meeting's UID and the trainee, so every load draws the same; records are only added."""
    demo_trainee_email = SIGN_IN_BY_ROLE[Role.TRAINEE].email
    held = TeachingSession.objects.filter(
        kind=TeachingSession.Kind.COMMUNITY, status=TeachingSession.Status.PUBLISHED, end__lt=timezone.now()
    ).order_by("start", "pk")
    recorded = set(Attendance.objects.filter(session__in=held).values_list("session_id", "trainee_id"))
    rows = []
    for session in held:
        for trainee in trainees_for_session(session).select_related("user"):
            if (session.pk, trainee.pk) in recorded:
                continue
            draw = zlib.crc32(f"{session.uid}|{trainee.pk}".encode()) % 100
            if trainee.email == demo_trainee_email or draw < CHECKED_IN:
                rows.append(
                    {
                        "session_id": session.pk,
                        "trainee_id": trainee.pk,
                        "status": Attendance.Status.ATTENDED,
                        "source": Attendance.Source.CHECK_IN,
                        "recorded_by_id": trainee.user_id,
                    }
                )
    sync_rows(Attendance, ("session_id", "trainee_id"), rows)


def build_mentor_matches(fake, world) -> None:
    for code, region in world.regions.items():
        patch = selectors.Patch(region)
        result, _, _ = services.mentors_preview(patch=patch)
        if result.pairs:
            services.mentors_match(patch=patch, by=_user(FORMED_BY[code]))


def build_opportunities(fake, world) -> None:
    areas = {a.code: a for a in InterestArea.objects.all()}
    poster = _user(Role.NATIONAL_ADMIN)
    for region, kind, title, organisation, location, interests in OPPORTUNITIES:
        opportunity, created = Opportunity.objects.get_or_create(
            region=world.regions[region],
            title=title,
            defaults={
                "kind": kind, "organisation": organisation, "location": location, "closes_on": CLOSES,
                "posted_by": poster,
                "description": DESCRIPTION.format(organisation=organisation, location=location),
            },
        )  # fmt: skip
        if created:
            opportunity.interests.set([areas[code] for code in interests])
    # Trainees in ST3 with accounts show interest in their region's first opportunity.
    for trainee in (
        Trainee.objects.filter(user__isnull=False).exclude(user=_user(Role.TRAINEE)).order_by("pk")
    ):
        region_ids = {m.scheme.region_id for m in trainee.memberships.select_related("scheme")}
        first = Opportunity.objects.filter(region_id__in=region_ids).order_by("pk").first()
        if first:
            ExpressionOfInterest.objects.get_or_create(
                opportunity=first, trainee=trainee, defaults={"message": "I would like to hear more."}
            )


def build_outcomes(fake, world) -> None:
    """Where graduates worked a year after CCT: a practice (Deep End or not) in their region, a Deep End
    fellowship, or a portfolio role; recorded by their region's lead (the national admin elsewhere)."""
    graduates = (
        ProgrammeMembership.objects.filter(
            status=ProgrammeMembership.Status.COMPLETED, scheme__region__in=world.regions.values()
        )
        .select_related("scheme__region")
        .order_by("cct_estimate", "trainee__gmc_number")
    )
    practices = {}
    for practice in Practice.objects.filter(region__in=world.regions.values()).order_by("ods_code"):
        practices.setdefault((practice.region_id, practice.is_deep_end), []).append(practice)
    recorders = {region: _user(role).pk for region, role in FORMED_BY.items()}
    rows = []
    for membership in graduates:
        if fake.random.random() >= OUTCOME_KNOWN:
            continue
        role = fake.random_element(OUTCOME_ROLES)
        deep_end = role == CareerOutcome.Role.FELLOWSHIP or fake.random.random() < IN_DEEP_END
        practice = None
        if role != CareerOutcome.Role.PORTFOLIO:
            practice = fake.random_element(practices[(membership.scheme.region_id, deep_end)])
        rows.append(
            {
                "trainee_id": membership.trainee_id,
                "as_at": add_months(membership.cct_estimate, 12),
                "role": role,
                "practice_id": practice.pk if practice else None,
                "organisation": "" if practice else "A fictional inclusion health service and a university",
                "deep_end": practice is not None and practice.is_deep_end,
                "recorded_by_id": recorders[membership.scheme.region.code],
            }
        )
    sync_rows(CareerOutcome, ("trainee_id", "as_at"), rows)


STEPS = [
    ("Where mentors work", build_mentor_places),
    ("Interests and the directory", build_interests),
    ("Communities of practice", build_groups),
    ("Community meetings and notes", build_meetings_and_notes),
    ("Mentors matched", build_mentor_matches),
    ("Post-CCT opportunities", build_opportunities),
    ("Where graduates work a year after CCT", build_outcomes),
]
MODELS = (
    InterestArea, CommunityProfile, CommunityGroup, GroupMember, GroupNote, MentorAssignment, Opportunity,
    ExpressionOfInterest, CareerOutcome,
)  # fmt: skip
