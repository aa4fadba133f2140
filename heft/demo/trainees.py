"""Demo trainee journeys: graduates of the two intakes before the demo's (their CCT a year or more ago),
community accounts for some trainees in their final year, a curriculum requirement for one region, and
every membership's CCT estimate worked out and stored.

The accounts let those trainees record interests, join the directory and express interest in
opportunities in the demo; they have no password, so nobody can sign in as them.
"""

import datetime
from collections import OrderedDict

from django.db.models import Prefetch
from django.utils import timezone

from heft.accounts.models import Role, RoleAssignment, User
from heft.demo.world import (
    SCHEMES,
    email_part,
    intake_start,
    placement_row,
    rotation_followed,
    sync_rows,
)
from heft.engines.dates import add_months
from heft.trainees.models import (
    CurriculumRequirement,
    Interruption,
    LtftChange,
    Placement,
    ProgrammeMembership,
    Trainee,
)
from heft.trainees.selectors import cct_estimate_for

ACCOUNTS_INTAKE = "2024-08"  # in ST3 during the demo year
ACCOUNTS_PER_SCHEME = 2
GRADUATE_INTAKES = ("2021-08", "2022-08")  # CCT in August 2024 and 2025
GRADUATES_PER_SCHEME = 2  # per intake
# The outcomes report follows HEFT's own graduates: on a HEFT rotation or enrolled for the teaching only.
GRADUATE_MODES = OrderedDict(
    [(ProgrammeMembership.HeftMode.ROTATION, 0.6), (ProgrammeMembership.HeftMode.ENROLMENT_ONLY, 0.4)]
)
GRADUATES_FIRST_PHONE = 500  # Ofcom's drama numbers 07700 900500 onwards: world.py uses 900000-900199


def build_graduates(fake, world) -> None:
    """Trainees who finished full time, three years after they started, with their whole rotation as
    placements. Their memberships are completed, so they are in no window, group or register."""
    trainee_rows, plans = [], []
    for intake in GRADUATE_INTAKES:
        for spec in SCHEMES:
            for position in range(GRADUATES_PER_SCHEME):
                gmc = str(fake.unique.random_int(9_000_000, 9_099_999))  # apart from world.py's
                forenames, surname = fake.first_name(), fake.last_name()
                trainee_rows.append(
                    {
                        "gmc_number": gmc,
                        "forenames": forenames,
                        "surname": surname,
                        "email": f"{email_part(forenames)}.{email_part(surname)}.{gmc}@example.org",
                        "phone": f"07700 900{GRADUATES_FIRST_PHONE + len(trainee_rows):03d}",
                    }
                )
                plans.append((gmc, spec.code, intake, position, fake.random_element(GRADUATE_MODES)))
    trainees = sync_rows(Trainee, ("gmc_number",), trainee_rows)
    membership_rows = []
    for gmc, scheme, intake, _position, mode in plans:
        start = intake_start(intake)
        membership_rows.append(
            {
                "trainee_id": trainees[(gmc,)].pk,
                "scheme_id": world.schemes[scheme].pk,
                "intake": intake,
                "start_date": start,
                "wte": 1,
                "heft_mode": mode,
                "status": ProgrammeMembership.Status.COMPLETED,
                "cct_estimate": add_months(start, 36) - datetime.timedelta(days=1),
            }
        )
    memberships = sync_rows(ProgrammeMembership, ("trainee_id", "scheme_id", "intake"), membership_rows)
    placement_rows = []
    for gmc, scheme, intake, position, mode in plans:
        membership = memberships[(trainees[(gmc,)].pk, world.schemes[scheme].pk, intake)]
        start = membership.start_date
        for slot in world.rotation_slots[rotation_followed(world, scheme, intake, position, mode).code]:
            row = placement_row(membership, slot, start, 1)
            placement_rows.append(row)
            start = row["end_date"] + datetime.timedelta(days=1)
    sync_rows(Placement, ("membership_id", "start_date"), placement_rows)


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
    ("Graduates", build_graduates),
    ("Community accounts for trainees in ST3", build_accounts),
    ("CCT estimates", build_cct_estimates),
    ("Curriculum requirements", build_curriculum_requirements),
]
MODELS = (CurriculumRequirement,)
