"""Demo trainee journeys: community accounts for some trainees in their final year, a curriculum
requirement for one region, and every membership's CCT estimate worked out and stored.

The accounts let those trainees record interests, join the directory and express interest in
opportunities in the demo; they have no password, so nobody can sign in as them.
"""

from django.db.models import Prefetch
from django.utils import timezone

from heft.accounts.models import Role, RoleAssignment, User
from heft.trainees.models import CurriculumRequirement, Interruption, LtftChange, ProgrammeMembership
from heft.trainees.selectors import cct_estimate_for

ACCOUNTS_INTAKE = "2024-08"  # in ST3 during the demo year
ACCOUNTS_PER_SCHEME = 2


def build_accounts(fake, world) -> None:
    for (_scheme, intake), memberships in sorted(world.memberships.items()):
        if intake != ACCOUNTS_INTAKE:
            continue
        heft = [m for m in memberships if m.heft_mode != ProgrammeMembership.HeftMode.NONE]
        for membership in heft[:ACCOUNTS_PER_SCHEME]:
            trainee = membership.trainee
            user = User.objects.filter(email=trainee.email).first()
            if user is None:
                user = User(email=trainee.email, first_name=trainee.forenames, last_name=trainee.surname)
                user.set_unusable_password()
                user.save()
            RoleAssignment.objects.get_or_create(user=user, role=Role.TRAINEE, region=None, scheme=None)
            if trainee.user_id != user.pk:
                trainee.user = user
                trainee.save(update_fields=["user"])


def build_cct_estimates(fake, world) -> None:
    """The estimate of every membership still in training, worked out from its record as it stands."""
    memberships = ProgrammeMembership.objects.exclude(
        status=ProgrammeMembership.Status.COMPLETED
    ).prefetch_related(
        Prefetch("ltft_changes", queryset=LtftChange.objects.order_by("start_date")),
        Prefetch("interruptions", queryset=Interruption.objects.order_by("start_date")),
    )
    today = timezone.localdate()
    changed = []
    for membership in memberships:
        cct = cct_estimate_for(membership, today).cct
        if membership.cct_estimate != cct:
            membership.cct_estimate = cct
            changed.append(membership)
    ProgrammeMembership.objects.bulk_update(changed, ["cct_estimate"], batch_size=500)


def build_curriculum_requirements(fake, world) -> None:
    """The East of England asks for 18 months in general practice (a demo choice); elsewhere RCGP's 12."""
    CurriculumRequirement.objects.update_or_create(
        region=world.regions["east-of-england"],
        defaults={"gp_months_minimum": 18, "final_year_gp_months_minimum": 12},
    )


STEPS = [
    ("Community accounts for trainees in ST3", build_accounts),
    ("CCT estimates", build_cct_estimates),
    ("Curriculum requirements", build_curriculum_requirements),
]
MODELS = (CurriculumRequirement,)
