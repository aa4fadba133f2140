"""Records on both sides of every scope line, on top of the `world` fixture, and the ways to reach them.

The world's staff are all scoped to region A (the scheme administrator to scheme A); its mentor mentors
trainee A2; its trainee is trainee A. Here each kind of record gets a twin that those users must not
reach: in region B, in another scheme of region A (scheme A2), another trainee's, or another mentor's
mentee's. The people who do reach them (national admin, trainee B, trainee A2, mentor B) can sign in.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.apps import apps
from django.utils import timezone

from heft.accounts.models import Role
from heft.accounts.services import api_token_create
from heft.community.models import CommunityGroup, GroupMember, GroupNote, Opportunity
from heft.preferencing.models import AllocationRun, Offer, PreferenceWindow
from heft.teaching.models import Attendance, TeachingSession, TeachingYear
from heft.trainees.models import Interruption
from tests import factories as f
from tests.conftest import give_totp
from tests.content.factories import NewsFactory, PageFactory, TestimonialFactory

HOUR = datetime.timedelta(hours=1)
# Fields that change by signing in or by using a token, not by the request under test.
VOLATILE_FIELDS = {"last_login", "last_used_at"}
# Tables every request may write whatever it asks for: the rate limits' counts and the sessions.
VOLATILE_TABLES = {"core.RateLimitCounter", "accounts.UserSession"}


@dataclass
class Records:
    world: object
    users: dict = field(default_factory=dict)  # the world's roles, and the insiders added here
    tokens: dict = field(default_factory=dict)  # raw bearer tokens, made on first use

    def user(self, who: str):
        return self.users[who]


def build_records(world) -> Records:
    """Twins across every scope line; returns them with the users who may and may not reach them."""
    r = Records(world, users=dict(world.users))
    _people(r, world)
    _preferencing(r, world)
    _teaching(r, world)
    _community(r, world)
    _other(r, world)
    return r


def _signing_in_trainee(trainee, label: str):
    user = f.RoleFactory(role=Role.TRAINEE, user__email=f"{label}@example.org").user
    trainee.user = user
    trainee.save()
    return user


def _people(r: Records, world) -> None:
    r.trainee_a2, r.trainee_b = world.trainee_a2, world.trainee_b
    r.users["trainee_a2"] = _signing_in_trainee(world.trainee_a2, "trainee-a2")
    r.users["trainee_b"] = _signing_in_trainee(world.trainee_b, "trainee-b")
    r.scheme_a2 = f.SchemeFactory(code="scheme-a2", name="Scheme A2", region=world.region_a)
    r.trainee_a3 = f.MembershipFactory(scheme=r.scheme_a2).trainee  # region A, not the TPD's scheme
    r.mentor_b = f.MentorFactory(region=world.region_b, user=f.RoleFactory(role=Role.MENTOR).user)
    give_totp(r.mentor_b.user)  # staff use two-factor sign-in, or every page sends them to set it up
    r.users["mentor_b"] = r.mentor_b.user
    r.mentor_a = world.user("mentor").mentor
    r.assignment_b = f.MentorAssignmentFactory(mentor=r.mentor_b, trainee=world.trainee_b)
    r.interruption_b = Interruption.objects.create(
        membership=world.trainee_b.memberships.get(),
        kind=Interruption.Kind.SICK,
        start_date=datetime.date(2026, 11, 2),
    )
    r.membership_b = world.trainee_b.memberships.get()
    f.PlacementFactory(membership=r.membership_b)  # so that trainee B has an exposure report
    r.membership_a2 = world.trainee_a2.memberships.get()


def _window(scheme, by):
    now = timezone.now()
    window = PreferenceWindow.objects.create(
        scheme=scheme, intake="2026-08", opens_at=now - 24 * HOUR, closes_at=now + 24 * HOUR
    )
    run = AllocationRun.objects.create(
        window=window, mechanism="serial-dictatorship", engine_version="test",
        input_snapshot={"trainees": []}, input_digest="0" * 64, assignments={},
        metrics={"placed": 0, "unplaced": 0, "rank_profile": []}, explanations={}, created_by=by,
    )  # fmt: skip
    return window, run


def _offer(window, run, trainee, rotation):
    return Offer.objects.create(
        window=window, run=run, trainee=trainee, rotation=rotation,
        respond_by=timezone.now() + 7 * 24 * HOUR,
    )  # fmt: skip


def _preferencing(r: Records, world) -> None:
    national = world.user("national_admin")
    r.window_a, r.run_a = _window(world.scheme_a, national)
    r.window_a2, _ = _window(r.scheme_a2, national)
    r.window_b, r.run_b = _window(world.scheme_b, national)
    r.offer_a2 = _offer(r.window_a, r.run_a, world.trainee_a2, world.rotation_a)  # another trainee's
    r.offer_b = _offer(r.window_b, r.run_b, world.trainee_b, world.rotation_b)


def _teaching(r: Records, world) -> None:
    now = timezone.now()
    year = TeachingYear.objects.create(
        label="scope",
        start=now.date() - datetime.timedelta(days=60),
        end=now.date() + datetime.timedelta(days=300),
    )
    common = {"year": year, "topic": "Topic", "kind": "regional", "region": world.region_b}
    r.session_b = TeachingSession.objects.create(  # under way: check-in, reflections and feedback are open
        title="Region B session", start=now - HOUR, end=now + HOUR, status="published", published_at=now,
        **common,
    )  # fmt: skip
    r.draft_b = TeachingSession.objects.create(
        title="Region B draft", start=now + 300 * HOUR, end=now + 302 * HOUR, **common
    )
    r.national_session = TeachingSession.objects.create(
        **{**common, "kind": "national", "region": None},
        title="National session", start=now - HOUR, end=now + HOUR, status="published", published_at=now,
    )  # fmt: skip
    r.attendance_b = Attendance.objects.create(
        session=r.session_b, trainee=world.trainee_b, status="attended", source="register"
    )


def _community(r: Records, world) -> None:
    r.group_a = CommunityGroup.objects.create(
        region=world.region_a, scheme=world.scheme_a, name="Scheme A 1", lead=r.mentor_a
    )
    for trainee in (world.trainee_a, world.trainee_a2):
        GroupMember.objects.create(group=r.group_a, trainee=trainee)
    r.note_a2 = GroupNote.objects.create(group=r.group_a, author=r.user("trainee_a2"), text="Mine.")
    r.group_b = CommunityGroup.objects.create(
        region=world.region_b, scheme=world.scheme_b, name="Scheme B 1", lead=r.mentor_b
    )
    GroupMember.objects.create(group=r.group_b, trainee=world.trainee_b)
    r.note_b = GroupNote.objects.create(group=r.group_b, author=r.user("trainee_b"), text="Ours.")
    r.opportunity_b = Opportunity.objects.create(
        region=world.region_b, kind=Opportunity.Kind.DEEP_END_FELLOWSHIP, title="Region B fellowship",
        organisation="A fictional PCN", description="A year's fellowship.",
        closes_on=datetime.date(2099, 1, 1),
    )  # fmt: skip


def _other(r: Records, world) -> None:
    r.practice_b = f.PracticeFactory(region=world.region_b)
    r.page_b = PageFactory(region=world.region_b)
    r.news_b = NewsFactory(region=world.region_b)
    r.testimonial_b = TestimonialFactory(region=world.region_b)
    r.token_of_national, _ = api_token_create(name="national's tool", by=world.user("national_admin"))


# --- sending requests as someone --------------------------------------------------------------------------


def bearer(r: Records, who: str) -> str:
    if who not in r.tokens:
        _, r.tokens[who] = api_token_create(name=f"{who}'s tool", by=r.user(who))
    return r.tokens[who]


def sign_in(client, r: Records, who: str, via: str = "session") -> dict:
    """Signs the client in (a session, or a bearer token for the API); returns the headers to send."""
    client.logout()
    if via == "token":
        return {"Authorization": f"Bearer {bearer(r, who)}"}
    client.force_login(r.user(who))
    return {}


def send(client, method: str, url: str, *, body=None, api: bool = False, headers=None):
    """A page request (form data) or an API request (JSON)."""
    if api:
        data = json.dumps(body) if body is not None else ""
        return client.generic(method.upper(), url, data, content_type="application/json", headers=headers)
    return getattr(client, method)(url, data=body or {}, headers=headers)


def database_state() -> dict[str, list]:
    """Every row of every HEFT Hub table (audit events included), to show a request changed nothing."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.app_config.name.startswith("heft.") or model._meta.label in VOLATILE_TABLES:
            continue
        names = [x.attname for x in model._meta.concrete_fields if x.attname not in VOLATILE_FIELDS]
        state[model._meta.label] = sorted(map(repr, model.objects.values_list(*names)))
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in after if before.get(label) != after[label])
