"""The national-size demo data at a small fraction: its shape, and that loading it again changes nothing."""

import hashlib
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F
from django.test import override_settings

from heft.demo import national
from heft.demo.load import APP_MODULES, demo_steps
from heft.demo.world import DEMO_MODELS, INTAKES, OPEN_INTAKE
from heft.practices.models import Practice
from heft.preferencing.models import AllocationRun, Offer, Preference, PreferenceList, PreferenceWindow
from heft.programmes.models import Region, Rotation, School, TrainingScheme
from heft.teaching.models import Attendance, TeachingSession, TeachingYear
from heft.trainees.models import Interruption, Placement, ProgrammeMembership, Trainee

FACTOR = 0.01
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
NATIONAL = {"email__endswith": f"@{national.NATIONAL_EMAIL_DOMAIN}"}


def all_models():
    return [*DEMO_MODELS, *(model for module in APP_MODULES for model in module.MODELS)]


def digests() -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of its values (bar times set on writing and random ids)."""
    skip = {"last_login", "created_at", "updated_at", "recorded_at", "submitted_at", "uid", "check_in_code"}
    result = {}
    for model in all_models():
        rows = list(model.objects.order_by("pk").values())
        for row in rows:
            for name in skip & set(row):
                row.pop(name)
        result[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return result


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Load the national data at a small fraction twice, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        call_command("load_demo", scale="national", factor=FACTOR, verbosity=0)
        first = digests()
        call_command("load_demo", scale="national", factor=FACTOR, verbosity=0)
        yield first, digests()
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loaded")]


def national_members():
    return ProgrammeMembership.objects.filter(trainee__email__endswith=f"@{national.NATIONAL_EMAIL_DOMAIN}")


def test_every_region_and_a_school_per_local_office():
    assert set(Region.objects.values_list("name", flat=True)) == {
        name for name, _ in national.REGIONS.values()
    }
    offices = {(national.REGIONS[region][0], office) for region, office, _ in national.LOCAL_OFFICES}
    assert set(School.objects.values_list("region__name", "name")) == offices
    assert 13 <= len(offices) <= 15
    # Every local office runs national schemes; the demo's schemes are still there.
    per_school = Counter(
        TrainingScheme.objects.filter(code__startswith="n-").values_list("school__name", flat=True)
    )
    assert set(per_school) == {office for _, office in offices}
    assert TrainingScheme.objects.filter(code="bristol").exists()


def test_trainees_over_three_intakes_with_returners_and_alumni():
    members = national_members()
    by_intake = Counter(members.values_list("intake", flat=True))
    for intake in INTAKES:
        assert by_intake[intake] >= 3 * TrainingScheme.objects.filter(code__startswith="n-").count()
    assert set(by_intake) == {*INTAKES, *national.ALUMNI_INTAKES}
    alumni = members.filter(status=ProgrammeMembership.Status.COMPLETED)
    assert set(alumni.values_list("intake", flat=True)) == set(national.ALUMNI_INTAKES)
    assert not alumni.filter(cct_date__isnull=True).exists()
    assert (
        not Placement.objects.filter(membership__in=alumni)
        .values("membership")
        .annotate(n=Count("pk"))
        .filter(n__lt=5)
    )
    returners = members.exclude(returning_to_intake="")
    assert returners.filter(intake="2024-08", returning_to_intake="2025-08", status="active").exists()
    assert returners.filter(intake="2025-08", returning_to_intake=OPEN_INTAKE, status="interrupted").exists()
    assert Interruption.objects.filter(membership__in=returners).count() == returners.count()
    # Everyone still in training has a CCT estimate; the open intake has no placements yet.
    assert not members.exclude(status="completed").filter(cct_estimate__isnull=True).exists()
    assert not Placement.objects.filter(
        membership__in=members.filter(intake=OPEN_INTAKE, returning_to_intake="")
    )
    assert Trainee.objects.filter(**NATIONAL).count() == members.count()


def test_practices_with_deprivation_and_the_deep_end_rule():
    practices = Practice.objects.filter(ods_code__startswith=national.ODS_PREFIX)
    assert practices.count() >= 65
    assert not practices.filter(imd_decile__isnull=True).exists()
    assert not practices.filter(imd_score__isnull=True).exists()
    assert not practices.filter(list_size__isnull=True).exists()
    deep_end = practices.filter(is_deep_end=True)
    assert deep_end.count() == -(-practices.count() // 10)  # the most deprived tenth, by the rule
    assert not deep_end.exclude(imd_decile__lte=2).exists()
    assert not practices.exclude(deep_end_by_rule=F("is_deep_end")).exists()
    assert all(p.deep_end_reason and p.deep_end_rule for p in practices)


def test_posts_rotations_heft_and_not():
    schemes = TrainingScheme.objects.filter(code__startswith="n-")
    for scheme in schemes:
        rotations = Rotation.objects.filter(scheme=scheme)
        assert set(rotations.values_list("intake", flat=True)) == set(INTAKES)
        assert rotations.filter(name__contains="HEFT").exists()
        assert rotations.exclude(name__contains="HEFT").exists()
        assert not rotations.annotate(n=Count("slots")).exclude(n=5).exists()


def test_windows_with_published_runs_and_offers():
    windows = PreferenceWindow.objects.filter(scheme__code__startswith="n-")
    assert windows.count() == 3 * TrainingScheme.objects.filter(code__startswith="n-").count()
    runs = AllocationRun.objects.filter(window__in=windows)
    assert runs.count() == windows.count()
    assert set(runs.values_list("status", flat=True)) == {AllocationRun.Status.PUBLISHED}
    offers = Offer.objects.filter(window__in=windows)
    assert {Offer.Status.ACCEPTED, Offer.Status.DECLINED, Offer.Status.OFFERED} == set(
        offers.values_list("status", flat=True)
    )
    assert not offers.filter(window__intake__in=["2024-08", "2025-08"], status="offered").exists()
    assert PreferenceList.objects.filter(window__in=windows).count() > 0
    assert (
        Preference.objects.filter(window__in=windows).count()
        > PreferenceList.objects.filter(window__in=windows).count()
    )
    # Accepted rotations became placements for the intakes in training.
    accepted = offers.filter(status="accepted", window__intake="2024-08").first()
    assert (
        Placement.objects.filter(membership__trainee=accepted.trainee, rotation=accepted.rotation).count()
        == 5
    )


def test_three_years_of_teaching_with_attendance():
    assert set(TeachingYear.objects.values_list("label", flat=True)) >= {"2024/25", "2025/26", "2026/27"}
    for label in ("2024/25", "2025/26"):
        sessions = TeachingSession.objects.filter(year__label=label)
        assert sessions.filter(kind="national").exists()
        assert set(sessions.filter(kind="regional").values_list("region__code", flat=True)) == set(
            national.REGIONS
        )
    attendance = Attendance.objects.filter(trainee__email__endswith=f"@{national.NATIONAL_EMAIL_DOMAIN}")
    assert attendance.filter(session__year__label="2024/25").exists()
    assert attendance.filter(session__year__label="2025/26").exists()
    assert set(attendance.values_list("status", flat=True)) == {"attended", "apologies", "absent"}
    # Alumni of 2022-08 were in training in 2024/25, and only then.
    alumni = national_members().filter(intake="2022-08", heft_mode__in=["rotation", "enrolment_only"])
    alumni_attendance = attendance.filter(trainee__memberships__in=alumni)
    assert alumni_attendance.exists()
    assert set(alumni_attendance.values_list("session__year__label", flat=True)) == {"2024/25"}


def test_loading_again_changes_nothing(loaded):
    first, second = loaded
    assert first == second


def test_the_steps_follow_the_demo_with_a_factor_and_not_without():
    demo_labels = [label for label, _ in demo_steps()]
    national_labels = [label for label, _ in demo_steps(FACTOR)]
    assert not any(label.startswith("National") for label in demo_labels)
    assert [label for label in national_labels if not label.startswith("National")] == demo_labels
