"""The demo data: enough of everything, invented, consistent, one sign-in per role, and safe to re-run."""

import base64
import datetime
import hashlib
import io
import re
from collections import Counter
from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import validate_totp_code
from allauth.mfa.utils import decrypt
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings

from heft.accounts.models import Role, RoleAssignment, User
from heft.community.models import Mentor, MentorAssignment
from heft.community.selectors import outcomes_report
from heft.demo import world as demo
from heft.practices.models import Practice
from heft.programmes.models import Post, PostCategory, Region, Rotation, RotationSlot, TrainingScheme
from heft.programmes.selectors import rotations_with_heft_flag
from heft.trainees.models import Interruption, LtftChange, Placement, ProgrammeMembership, Trainee

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """Load the demo once for this module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]


def table_digests() -> dict[str, tuple[int, str]]:
    """Each demo table's row count and a digest of every value in it (bar the last sign-in time)."""
    result = {}
    for model in (*demo.DEMO_MODELS, Authenticator):
        rows = list(model.objects.order_by("pk").values())
        for row in rows:
            row.pop("last_login", None)
        result[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return result


def test_there_is_enough_of_everything():
    assert set(Region.objects.values_list("code", flat=True)) >= {"south-west", "east-of-england"}
    south_west = Region.objects.get(code="south-west")
    assert set(south_west.schools.values_list("name", flat=True)) == {"Severn", "Peninsula"}
    assert "Fridays" in south_west.summary
    assert "14:00" in south_west.summary
    assert all(region.summary for region in Region.objects.all())
    assert TrainingScheme.objects.count() >= 8
    assert Practice.objects.count() >= 40
    assert Trainee.objects.count() >= 150
    assert set(ProgrammeMembership.objects.values_list("intake", flat=True)) == {
        "2021-08",  # graduates
        "2022-08",
        "2024-08",  # in training
        "2025-08",
        "2026-08",
    }
    assert Placement.objects.exists()
    assert Interruption.objects.filter(membership__status=ProgrammeMembership.Status.INTERRUPTED).count() >= 2
    assert LtftChange.objects.count() >= 3


def test_every_category_has_a_post_and_every_innovative_one_too():
    kinds = Counter(PostCategory.objects.values_list("kind", flat=True))
    assert kinds[PostCategory.Kind.GP] == 1
    assert kinds[PostCategory.Kind.INNOVATIVE] == 10
    assert kinds[PostCategory.Kind.HOSPITAL] == 5
    without_posts = PostCategory.objects.filter(posts__isnull=True)
    assert not without_posts.exists(), list(without_posts)
    inclusion = PostCategory.objects.get(code="inclusion-health")
    assert "Gypsies and Travellers" in inclusion.description
    for post in Post.objects.select_related("category", "scheme__region"):
        assert post.post_number.startswith(
            {"south-west": "SWE/", "east-of-england": "EOE/"}[post.scheme.region.code]
        )
        assert bool(post.practice_id) == (post.category.kind == PostCategory.Kind.GP)
        assert post.practice_id or post.site


def test_practices_have_consistent_deprivation_and_a_realistic_share_of_deep_end():
    practices = list(Practice.objects.all())
    for practice in practices:
        assert re.fullmatch(r"Y9\d{4}", practice.ods_code)
        assert 1 <= practice.imd_decile <= 10
        assert 8 <= practice.imd_score <= 60
        assert 0 <= practice.most_deprived_share <= 1
        assert practice.is_deep_end == (practice.imd_decile == 1)
        assert practice.deprivation_vintage == "IMD 2019 (demo)"
        assert "decile 1" in practice.deep_end_rule
        assert practice.region_id
        assert practice.pcn
        assert practice.icb
        assert practice.list_size
    by_decile = sorted(practices, key=lambda p: (p.imd_decile, -p.imd_score))
    scores = [p.imd_score for p in by_decile]
    assert scores == sorted(scores, reverse=True), "a more deprived decile always has a higher score"
    shares = [p.most_deprived_share for p in by_decile]
    assert shares == sorted(shares, reverse=True)
    assert 0.2 <= sum(p.is_deep_end for p in practices) / len(practices) <= 0.4


def test_some_rotations_are_heft_and_some_are_not_with_sensible_slots():
    rotations = list(
        rotations_with_heft_flag().prefetch_related("slots__post__category", "slots__post__practice")
    )
    assert {r.intake for r in rotations} == {"2025-08", "2026-08"}
    for intake in ("2025-08", "2026-08"):
        flags = {r.heft for r in rotations if r.intake == intake}
        assert flags == {True, False}
    availability = Counter(r.availability for r in rotations)
    assert (
        availability[Rotation.Availability.AVAILABLE]
        > availability[Rotation.Availability.SUBJECT_TO_CHANGE]
        > 0
    )
    for rotation in rotations:
        assert 1 <= rotation.capacity <= 3
        assert rotation.heft == rotation.is_heft
        assert rotation.name.startswith(rotation.scheme.name)
        assert ("HEFT" in rotation.name) == rotation.heft
        slots = list(rotation.slots.all())
        assert [s.training_year for s in slots] == ["ST1", "ST1", "ST2", "ST2", "ST3"]
        months = 0
        for slot in slots:
            assert slot.start_offset_months == months, "slots follow one another without gaps"
            assert slot.post.scheme_id == rotation.scheme_id
            months += slot.months
        assert months == 36
        assert slots[-1].post.category.kind == PostCategory.Kind.GP
    for scheme in TrainingScheme.objects.all():
        assert Rotation.objects.filter(scheme=scheme, intake="2026-08").exists()


def test_trainees_are_invented_and_ranked_and_placed_in_order():
    for trainee in Trainee.objects.all():
        assert re.fullmatch(r"9\d{6}", trainee.gmc_number)
        assert trainee.email.endswith(("@example.org", "@heft.invalid"))
    for intake in ("2024-08", "2025-08", "2026-08"):
        ranks = list(
            ProgrammeMembership.objects.filter(intake=intake).values_list("national_rank", flat=True)
        )
        assert len(ranks) == len(set(ranks))
        assert None not in ranks
    memberships = ProgrammeMembership.objects.prefetch_related("placements__post")
    modes = Counter(m.heft_mode for m in memberships)
    assert all(modes[mode] >= 20 for mode in ProgrammeMembership.HeftMode.values)
    assert {m.wte for m in memberships} >= {1, Decimal("0.8"), Decimal("0.6")}
    for membership in memberships:
        assert membership.start_date.month == 8
        assert membership.start_date.weekday() == 2  # a Wednesday
        assert membership.start_date.day <= 7
        assert str(membership.start_date.year) == membership.intake[:4]
        placements = list(membership.placements.all())
        if membership.intake == "2026-08":
            assert not placements
            continue
        assert placements, membership
        assert placements[0].start_date == membership.start_date
        for before, after in zip(placements, placements[1:], strict=False):
            assert before.start_date <= before.end_date < after.start_date
        assert all(p.post.scheme_id == membership.scheme_id for p in placements)


def test_graduates_finished_three_years_on_and_the_outcomes_report_has_them():
    graduates = ProgrammeMembership.objects.filter(status=ProgrammeMembership.Status.COMPLETED)
    assert set(graduates.values_list("intake", flat=True)) == {"2021-08", "2022-08"}
    for membership in graduates:
        three_years_on = membership.start_date.replace(year=membership.start_date.year + 3)
        assert membership.cct_estimate == three_years_on - datetime.timedelta(days=1)
        assert membership.heft_mode != ProgrammeMembership.HeftMode.NONE
        assert membership.placements.order_by("-end_date").first().end_date == membership.cct_estimate
    admin = User.objects.get(email=demo.SIGN_IN_BY_ROLE[Role.NATIONAL_ADMIN].email)
    report = outcomes_report(admin, datetime.date(2026, 12, 6))
    assert [row["year"] for row in report["rows"]] == [2024, 2025]
    assert all(0 < row["deep_end"] < row["known"] < row["graduates"] for row in report["rows"])


def test_mentors_of_each_kind_in_each_region_support_trainees_there():
    for region in Region.objects.filter(code__in=["south-west", "east-of-england"]):
        assert set(Mentor.objects.filter(region=region).values_list("kind", flat=True)) == set(
            Mentor.Kind.values
        )
    for assignment in MentorAssignment.objects.select_related("mentor"):
        regions = set(assignment.trainee.memberships.values_list("scheme__region_id", flat=True))
        assert assignment.mentor.region_id in regions
    for mentor in Mentor.objects.all():
        assert 0 < mentor.assignments.count() <= mentor.capacity
        assert mentor.user.role_assignments.filter(role=Role.MENTOR).exists()


@pytest.mark.parametrize("sign_in", demo.DEMO_SIGN_INS, ids=lambda s: s.role)
def test_one_sign_in_per_role_with_its_scope_and_two_factor_for_staff(sign_in):
    user = User.objects.get(email=sign_in.email)
    assert user.check_password(demo.DEMO_PASSWORD)
    assert list(user.role_assignments.values_list("role", "region__code", "scheme__code")) == [
        (sign_in.role, sign_in.region_code, sign_in.scheme_code)
    ]
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if sign_in.role == Role.TRAINEE:
        assert totp is None
    else:
        assert decrypt(totp.data["secret"]) == demo.demo_totp_secret(sign_in.email)
        assert validate_totp_code(demo.demo_totp_secret(sign_in.email), demo.demo_totp_code(sign_in.email))


def test_the_role_scopes_are_the_expected_ones():
    expected = {
        ("national-admin@heft.invalid", Role.NATIONAL_ADMIN, None, None),
        ("regional-lead@heft.invalid", Role.REGIONAL_LEAD, "south-west", None),
        ("tpd@heft.invalid", Role.SCHEME_ADMIN, None, "bristol"),
        ("educator@heft.invalid", Role.EDUCATOR, "south-west", None),
        ("mentor@heft.invalid", Role.MENTOR, None, None),
        ("trainee@heft.invalid", Role.TRAINEE, None, None),
    }
    actual = set(
        RoleAssignment.objects.filter(user__email__endswith="@heft.invalid").values_list(
            "user__email", "role", "region__code", "scheme__code"
        )
    )
    assert actual == expected


def test_the_mentor_and_trainee_sign_ins_have_their_people():
    mentor = Mentor.objects.get(user__email="mentor@heft.invalid")
    assert mentor.kind == Mentor.Kind.DEPRIVATION_FELLOW
    assert mentor.region.code == "south-west"
    bristol_mentees = mentor.assignments.filter(trainee__memberships__scheme__code="bristol").distinct()
    assert bristol_mentees.count() >= 3
    trainee = Trainee.objects.get(user__email="trainee@heft.invalid")
    membership = trainee.memberships.get()
    assert (membership.scheme.code, membership.intake) == ("bristol", "2026-08")
    assert membership.heft_mode == ProgrammeMembership.HeftMode.ROTATION
    assert mentor.assignments.filter(trainee=trainee).exists()


def test_staff_with_roles_all_have_two_factor():
    staff = User.objects.filter(role_assignments__role__in=[r for r in Role if r != Role.TRAINEE]).distinct()
    without = staff.exclude(authenticator__type=Authenticator.Type.TOTP)
    assert not without.exists(), list(without)


def test_the_demo_totp_code_is_the_one_an_authenticator_app_shows(monkeypatch):
    email = "national-admin@heft.invalid"
    secret = demo.demo_totp_secret(email)
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert secret != demo.demo_totp_secret("tpd@heft.invalid")
    assert re.fullmatch(r"\d{6}", demo.demo_totp_code(email))
    # RFC 6238's test vector: the secret "12345678901234567890" at 59 seconds gives ...287082.
    rfc_secret = base64.b32encode(b"12345678901234567890").decode()
    monkeypatch.setattr(demo, "demo_totp_secret", lambda email: rfc_secret)
    assert demo.demo_totp_code(email, at=59) == "287082"


def test_loading_again_changes_nothing_and_says_nothing_at_verbosity_0(settings):
    before = table_digests()
    out = io.StringIO()
    settings.ENVIRONMENT = "production"
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("load_demo", "--allow-production", verbosity=0, stdout=out)
    assert table_digests() == before
    assert out.getvalue() == ""


def test_loading_is_all_or_nothing(monkeypatch):
    Region.objects.filter(code="south-west").update(summary="Changed by hand.")

    def fail(fake, world):
        raise RuntimeError("a later step fails")

    monkeypatch.setattr(demo, "build_mentors", fail)
    with pytest.raises(RuntimeError):
        call_command("load_demo", verbosity=0)
    assert Region.objects.get(code="south-west").summary == "Changed by hand."  # the refresh was undone


def test_load_demo_shows_counts_and_the_sign_ins():
    out = io.StringIO()
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "Demo data loaded" in text
    assert "Trainees" in text
    assert "tpd@heft.invalid" in text
    assert demo.DEMO_PASSWORD in text


def test_demo_signins_lists_every_sign_in_with_secrets_for_staff():
    out = io.StringIO()
    call_command("demo_signins", stdout=out)
    text = out.getvalue()
    for sign_in in demo.DEMO_SIGN_INS:
        assert sign_in.email in text
        assert (demo.demo_totp_secret(sign_in.email) in text) == (sign_in.role != Role.TRAINEE)
    assert "codes change every 30 seconds" in text.lower()
    assert "python manage.py demo_signins" in text


@pytest.mark.parametrize("command", ["load_demo", "demo_signins"])
def test_refuses_in_production(settings, command):
    settings.ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="production"):
        call_command(command, stdout=io.StringIO())


def test_slot_constraint_holds_in_the_database():
    assert not RotationSlot.objects.filter(start_offset_months__gte=36).exists()
