"""The demo world: invented regions, practices, posts, rotations, trainees, mentors and sign-ins.

Every person, place and number here is made up (Faker en_GB, seeded, so the same people come out each time;
emails on the reserved domains example.org and heft.invalid; GMC numbers start with 9). Each builder takes a
seeded Faker and writes through the ORM by natural key (codes, ODS codes, post numbers, GMC numbers, emails),
so loading twice changes nothing. The other modules of heft/demo build on this world; `heft.demo.load` runs
them all in one transaction.

The demo sign-ins share a known password, so the commands that load or list them refuse to run in
production unless told otherwise.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import math
import re
import time
import unicodedata
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from faker import Faker

from heft.accounts.models import Role, RoleAssignment, User
from heft.accounts.permissions import STAFF_ROLES
from heft.community.models import Mentor, MentorAssignment
from heft.engines.dates import add_months
from heft.practices.models import Practice
from heft.programmes.models import Post, PostCategory, Region, Rotation, RotationSlot, School, TrainingScheme
from heft.trainees.models import Interruption, LtftChange, Placement, ProgrammeMembership, Trainee

DEMO_PASSWORD = "demo-password-heft"  # noqa: S105 — a published demo password, refused in production
DEMO_SEED = 20260805
DEPRIVATION_VINTAGE = "IMD 2019 (demo)"
DEEP_END_RULE = "Demo rule: national IMD decile 1 (IMD 2019 demo data)"
INTAKES = ("2024-08", "2025-08", "2026-08")
OPEN_INTAKE = "2026-08"  # the intake whose rotations trainees rank; its trainees have no placements yet
TOTP_NOTE = (
    "Codes change every 30 seconds; run `python manage.py demo_signins` again for a fresh one, "
    "or add the secret to an authenticator app."
)


# --- sign-ins ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSignIn:
    role: str
    email: str
    first_name: str
    last_name: str
    region_code: str | None = None
    scheme_code: str | None = None

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES


DEMO_SIGN_INS = (
    DemoSignIn(Role.NATIONAL_ADMIN, "national-admin@heft.invalid", "Demo", "National Admin"),
    DemoSignIn(
        Role.REGIONAL_LEAD, "regional-lead@heft.invalid", "Demo", "Regional Lead", region_code="south-west"
    ),
    DemoSignIn(Role.SCHEME_ADMIN, "tpd@heft.invalid", "Demo", "Programme Director", scheme_code="bristol"),
    DemoSignIn(Role.EDUCATOR, "educator@heft.invalid", "Demo", "Educator", region_code="south-west"),
    DemoSignIn(Role.MENTOR, "mentor@heft.invalid", "Demo", "Mentor"),
    DemoSignIn(Role.TRAINEE, "trainee@heft.invalid", "Demo", "Trainee"),
)
SIGN_IN_BY_ROLE = {s.role: s for s in DEMO_SIGN_INS}


def demo_totp_secret(email: str) -> str:
    """The fixed, fictional base32 TOTP secret of a demo staff sign-in (32 characters)."""
    digest = hashlib.sha1(b"heft-demo:" + email.lower().encode(), usedforsecurity=False).digest()
    return base64.b32encode(digest[:20]).decode("ascii")


def demo_totp_code(email: str, at: float | None = None) -> str:
    """The 6-digit code a demo staff sign-in's authenticator app would show now (or at a Unix time)."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time() if at is None else at) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(demo_totp_secret(email), counter))


def demo_allowed(*, allow_production: bool) -> bool:
    """Demo accounts have a known password: never in production unless explicitly allowed."""
    return settings.ENVIRONMENT != "production" or allow_production


# --- helpers ----------------------------------------------------------------------------------------------


def demo_faker(section: str) -> Faker:
    """A Faker (en_GB) seeded for one section, so a change in one builder does not reshuffle the others."""
    fake = Faker("en_GB")
    fake.seed_instance(DEMO_SEED + zlib.crc32(section.encode()))
    return fake


def sync_rows(
    model: type[models.Model], key: tuple[str, ...], rows: Iterable[dict]
) -> dict[tuple, models.Model]:
    """Create or update rows by natural key (field attnames), in bulk; unchanged rows are not written.

    Returns the instances by key. Rows that exist but are not listed are left alone.
    """
    rows = list(rows)
    if not rows:
        return {}
    first = key[0]
    existing = {
        tuple(getattr(obj, k) for k in key): obj
        for obj in model.objects.filter(**{f"{first}__in": {row[first] for row in rows}})
    }
    result: dict[tuple, models.Model] = {}
    to_create, to_update, changed_fields = [], [], set()
    for row in rows:
        row_key = tuple(row[k] for k in key)
        if row_key in result:
            raise ValueError(f"Duplicate demo {model.__name__} {row_key!r}")
        obj = existing.get(row_key)
        if obj is None:
            obj = model(**row)
            to_create.append(obj)
        else:
            changed = [name for name, value in row.items() if getattr(obj, name) != value]
            for name in changed:
                setattr(obj, name, row[name])
            if changed:
                changed_fields.update(changed)
                to_update.append(obj)
        result[row_key] = obj
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=500)
    return result


def first_wednesday_of_august(year: int) -> datetime.date:
    first = datetime.date(year, 8, 1)
    return first + datetime.timedelta(days=(2 - first.weekday()) % 7)


def intake_start(intake: str) -> datetime.date:
    return first_wednesday_of_august(int(intake[:4]))


def email_part(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def two_places(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


# --- the world the builders share -------------------------------------------------------------------------


@dataclass
class DemoWorld:
    regions: dict[str, Region] = field(default_factory=dict)
    schools: dict[str, School] = field(default_factory=dict)
    schemes: dict[str, TrainingScheme] = field(default_factory=dict)
    categories: dict[str, PostCategory] = field(default_factory=dict)
    practices: dict[str, list[Practice]] = field(default_factory=dict)  # by scheme code
    gp_posts: dict[str, list[Post]] = field(default_factory=dict)  # by scheme code, in practice order
    hospital_posts: dict[str, list[Post]] = field(default_factory=dict)
    innovative_posts: dict[str, list[Post]] = field(default_factory=dict)
    rotations: dict[tuple[str, str], list[Rotation]] = field(default_factory=dict)  # (scheme, intake)
    rotation_slots: dict[str, list[RotationSlot]] = field(default_factory=dict)  # by rotation code
    heft_rotations: set[str] = field(default_factory=set)
    memberships: dict[tuple[str, str], list[ProgrammeMembership]] = field(default_factory=dict)
    trainees: dict[str, Trainee] = field(default_factory=dict)  # by GMC number
    users: dict[str, User] = field(default_factory=dict)  # by email
    mentors: dict[str, Mentor] = field(default_factory=dict)  # by user email


# --- regions, schools, schemes ----------------------------------------------------------------------------

REGIONS = {
    "south-west": (
        "South West",
        "HEFT in the South West runs across the Severn and Peninsula schools. Trainees on a HEFT rotation "
        "spend part of their training in an innovative post or a Deep End practice, and every HEFT trainee "
        "joins the regional teaching: sessions are online about every two months, on Fridays from 14:00 to "
        "16:00, with an in-person conference once a year. Each trainee is offered a near-peer mentor and a "
        "place in a community of practice.",
    ),
    "east-of-england": (
        "East of England",
        "HEFT in the East of England covers schemes from Norwich to Luton and Bedford. Regional sessions "
        "are online about every two months, on Fridays from 14:00 to 16:00, alongside the "
        "national programme. HEFT trainees are matched with a mentor (a deprivation fellow, trailblazer "
        "fellow or PCN health-inequalities lead) and join a community of practice near where they work.",
    ),
}
REGION_PREFIX = {"south-west": "SWE", "east-of-england": "EOE"}
SCHOOLS = {"Severn": "south-west", "Peninsula": "south-west"}


@dataclass(frozen=True)
class SchemeSpec:
    code: str
    name: str
    region: str
    school: str | None
    abbr: str
    practices: int  # how many demo practices
    deep_end: int  # how many of them are Deep End
    trainees_per_intake: int
    rotations: int  # for the open intake


SCHEMES = (
    SchemeSpec("bristol", "Bristol", "south-west", "Severn", "BRI", 6, 2, 8, 5),
    SchemeSpec("gloucestershire", "Gloucestershire", "south-west", "Severn", "GLO", 4, 1, 5, 4),
    SchemeSpec("bath-swindon", "Bath & Swindon", "south-west", "Severn", "BSW", 4, 1, 5, 4),
    SchemeSpec("plymouth", "Plymouth", "south-west", "Peninsula", "PLY", 4, 2, 5, 4),
    SchemeSpec("exeter", "Exeter", "south-west", "Peninsula", "EXE", 4, 1, 5, 4),
    SchemeSpec("cornwall", "Cornwall", "south-west", "Peninsula", "COR", 4, 1, 4, 4),
    SchemeSpec("cambridge", "Cambridge", "east-of-england", None, "CAM", 4, 0, 6, 4),
    SchemeSpec("norwich", "Norwich", "east-of-england", None, "NOR", 4, 1, 5, 4),
    SchemeSpec("ipswich", "Ipswich", "east-of-england", None, "IPS", 4, 1, 4, 4),
    SchemeSpec("peterborough", "Peterborough", "east-of-england", None, "PET", 4, 1, 4, 4),
    SchemeSpec("luton-bedford", "Luton & Bedford", "east-of-england", None, "LBE", 4, 2, 5, 4),
)
SCHEME_SPECS = {s.code: s for s in SCHEMES}
# Schemes that also published rotations for the intake before (their 2025-08 trainees follow them).
PREVIOUS_INTAKE_ROTATIONS = {"bristol": 2, "exeter": 2, "cambridge": 2}


def build_regions(fake: Faker, world: DemoWorld) -> None:
    regions = sync_rows(
        Region, ("code",), [{"code": code, "name": name, "summary": s} for code, (name, s) in REGIONS.items()]
    )
    world.regions = {code: regions[(code,)] for code in REGIONS}
    schools = sync_rows(
        School,
        ("region_id", "name"),
        [{"region_id": world.regions[region].pk, "name": name} for name, region in SCHOOLS.items()],
    )
    world.schools = {name: schools[(world.regions[region].pk, name)] for name, region in SCHOOLS.items()}
    schemes = sync_rows(
        TrainingScheme,
        ("code",),
        [
            {
                "code": spec.code,
                "name": spec.name,
                "region_id": world.regions[spec.region].pk,
                "school_id": world.schools[spec.school].pk if spec.school else None,
            }
            for spec in SCHEMES
        ],
    )
    world.schemes = {spec.code: schemes[(spec.code,)] for spec in SCHEMES}


# --- post categories --------------------------------------------------------------------------------------

GP, INNOVATIVE, HOSPITAL = PostCategory.Kind.GP, PostCategory.Kind.INNOVATIVE, PostCategory.Kind.HOSPITAL
# code: (name, kind, abbreviation in post numbers, description, site name pattern)
CATEGORIES = {
    "gp-practice": ("GP practice", GP, "GP", "General practice: a GP training practice.", ""),
    "mental-health": (
        "Mental health", INNOVATIVE, "MH",
        "Community and primary care mental health services, alongside mental health practitioners.",
        "{city} Community Mental Health Team",
    ),
    "public-health": (
        "Public health", INNOVATIVE, "PH",
        "A local authority public health team: population health, screening and health protection.",
        "{city} Council Public Health Team",
    ),
    "substance-misuse": (
        "Substance misuse", INNOVATIVE, "SM",
        "Drug and alcohol treatment and recovery services in the community.",
        "{street} Recovery Service",
    ),
    "psychiatry": (
        "Psychiatry", INNOVATIVE, "PSY",
        "Psychiatric liaison, crisis and community psychiatry teams.",
        "{city} Psychiatric Liaison Service",
    ),
    "prisons": (
        "Prisons", INNOVATIVE, "PRI",
        "Healthcare in a prison or an immigration removal centre.",
        "{surname} Fields Prison Healthcare Unit",
    ),
    "inclusion-health": (
        "Inclusion health", INNOVATIVE, "IH",
        "Care for people often excluded from healthcare: homelessness, migrant health, sex workers, "
        "refugees and asylum seekers, and Gypsies and Travellers.",
        "{street} Street Outreach Service",
    ),
    "leadership": (
        "Leadership", INNOVATIVE, "LDR",
        "Clinical leadership and service improvement with a primary care network or integrated care board.",
        "{city} PCN Leadership Fellowship",
    ),
    "education": (
        "Education", INNOVATIVE, "EDU",
        "Medical education: teaching students and trainees, with a postgraduate certificate.",
        "{city} Medical Education Centre",
    ),
    "academic": (
        "Academic", INNOVATIVE, "ACA",
        "Research in primary care and health inequalities with a university department.",
        "University of {city} Primary Care Research Unit",
    ),
    "emergency-medicine": (
        "Emergency medicine", INNOVATIVE, "EM",
        "Urgent and emergency care outside hospital: urgent treatment centres and out-of-hours services.",
        "{city} Urgent Treatment Centre",
    ),
    "paediatrics": ("Paediatrics", HOSPITAL, "PAE", "A hospital paediatrics post.", ""),
    "obstetrics-gynaecology": (
        "Obstetrics and gynaecology", HOSPITAL, "OG", "A hospital obstetrics and gynaecology post.", "",
    ),
    "general-medicine": ("General medicine", HOSPITAL, "GM", "A hospital general medicine post.", ""),
    "care-of-the-elderly": (
        "Care of the elderly", HOSPITAL, "COE", "A hospital post in the care of older people.", "",
    ),
    "emergency-department": (
        "Emergency department (hospital)", HOSPITAL, "ED", "A hospital emergency department post.", "",
    ),
}  # fmt: skip
INNOVATIVE_CODES = [code for code, spec in CATEGORIES.items() if spec[1] == INNOVATIVE]
HOSPITAL_CODES = [code for code, spec in CATEGORIES.items() if spec[1] == HOSPITAL]


def build_categories(fake: Faker, world: DemoWorld) -> None:
    rows = [
        {"code": code, "name": name, "kind": kind, "description": description}
        for code, (name, kind, _abbr, description, _site) in CATEGORIES.items()
    ]
    categories = sync_rows(PostCategory, ("code",), rows)
    world.categories = {code: categories[(code,)] for code in CATEGORIES}


# --- practices --------------------------------------------------------------------------------------------

# IMD 2019 practice-level score bands by national decile (1 = most deprived), and the share of patients
# living in the most deprived decile of areas that goes with them. Invented, but in realistic proportion.
DECILE_SCORE = {
    1: (40, 60), 2: (32, 40), 3: (27, 32), 4: (23, 27), 5: (19.5, 23),
    6: (16.5, 19.5), 7: (14, 16.5), 8: (11.5, 14), 9: (9.5, 11.5), 10: (8, 9.5),
}  # fmt: skip
DECILE_SHARE = {
    1: (0.45, 0.85), 2: (0.25, 0.45), 3: (0.12, 0.25), 4: (0.06, 0.12), 5: (0.03, 0.06),
    6: (0.01, 0.03), 7: (0.004, 0.01), 8: (0.001, 0.004), 9: (0.0, 0.001), 10: (0.0, 0.0),
}  # fmt: skip
PRACTICE_SUFFIXES = ("Surgery", "Medical Centre", "Health Centre", "Family Practice", "Medical Practice")


def deprivation_for(decile: int, position: float) -> dict:
    """Score and share for a practice at a position (0 least, 1 most deprived) within its decile band."""
    low, high = DECILE_SCORE[decile]
    share_low, share_high = DECILE_SHARE[decile]
    return {
        "imd_decile": decile,
        "imd_score": two_places(low + position * (high - low)),
        "most_deprived_share": Decimal(str(share_low + position * (share_high - share_low))).quantize(
            Decimal("0.0001")
        ),
    }


def build_practices(fake: Faker, world: DemoWorld) -> None:
    rows, order = [], []
    number = 0
    for spec in SCHEMES:
        pcns = [f"{fake.city()} PCN" for _ in range(2)]
        icb = f"NHS {spec.name} Demo ICB"
        deciles = [1] * spec.deep_end + [
            fake.random_int(2, 10) for _ in range(spec.practices - spec.deep_end)
        ]
        fake.random.shuffle(deciles)
        codes = []
        for i, decile in enumerate(deciles):
            number += 1
            ods_code = f"Y98{number:03d}"
            suffix = fake.random_element(PRACTICE_SUFFIXES)
            place = fake.street_name() if suffix in {"Surgery", "Family Practice"} else fake.city()
            deep_end = decile == 1
            rows.append(
                {
                    "ods_code": ods_code,
                    "name": f"{place} {suffix}",
                    "postcode": fake.postcode(),
                    "pcn": pcns[i % 2],
                    "icb": icb,
                    "region_id": world.regions[spec.region].pk,
                    "status": Practice.Status.ACTIVE,
                    "list_size": fake.random_int(25, 180) * 100,
                    **deprivation_for(decile, fake.random.random()),
                    "deprivation_vintage": DEPRIVATION_VINTAGE,
                    "is_deep_end": deep_end,
                    "deep_end_rule": DEEP_END_RULE,
                    "deep_end_override": None,
                    "deep_end_override_reason": "",
                }
            )
            codes.append(ods_code)
        order.append((spec.code, codes))
    practices = sync_rows(Practice, ("ods_code",), rows)
    world.practices = {scheme: [practices[(code,)] for code in codes] for scheme, codes in order}


# --- posts ------------------------------------------------------------------------------------------------


def innovative_categories_by_scheme() -> dict[str, list[str]]:
    """Two or three innovative posts per scheme; each region covers every innovative category."""
    result: dict[str, list[str]] = {}
    for region in REGIONS:
        cycle = INNOVATIVE_CODES[INNOVATIVE_CODES.index("inclusion-health") :] + INNOVATIVE_CODES
        cycle = list(OrderedDict.fromkeys(cycle))  # inclusion health first, then the rest in order
        position = 0
        for spec in (s for s in SCHEMES if s.region == region):
            count = 3 if spec.code == "bristol" else 2
            result[spec.code] = [cycle[(position + i) % len(cycle)] for i in range(count)]
            position += count
    return result


def build_posts(fake: Faker, world: DemoWorld) -> None:
    rows, index = [], {}
    innovative = innovative_categories_by_scheme()
    for spec in SCHEMES:
        scheme = world.schemes[spec.code]
        prefix = f"{REGION_PREFIX[spec.region]}/{spec.abbr}"
        kinds = index[spec.code] = {"gp": [], "hospital": [], "innovative": []}

        def add(
            kind: str,
            category: str,
            number: int,
            practice=None,
            site="",
            prefix=prefix,
            scheme=scheme,
            kinds=kinds,
        ):
            post_number = f"{prefix}/{CATEGORIES[category][2]}/{number:03d}"
            rows.append(
                {
                    "post_number": post_number,
                    "category_id": world.categories[category].pk,
                    "scheme_id": scheme.pk,
                    "practice_id": practice.pk if practice else None,
                    "site": site,
                    "wte": Decimal("1.00"),
                }
            )
            kinds[kind].append(post_number)

        for n, practice in enumerate(world.practices[spec.code], start=1):
            add("gp", "gp-practice", n, practice=practice)
        hospital = f"{fake.city()} General Hospital"
        for category in HOSPITAL_CODES:
            add("hospital", category, 1, site=hospital)
        for category in innovative[spec.code]:
            pattern = CATEGORIES[category][4]
            site = pattern.format(city=fake.city(), street=fake.street_name(), surname=fake.last_name())
            add("innovative", category, 1, site=site)
    posts = sync_rows(Post, ("post_number",), rows)
    categories = {c.pk: c for c in world.categories.values()}
    practices = {p.pk: p for scheme_practices in world.practices.values() for p in scheme_practices}
    for post in posts.values():  # the related rows are already in hand: no query per post later
        post.category = categories[post.category_id]
        if post.practice_id:
            post.practice = practices[post.practice_id]
    for scheme, kinds in index.items():
        world.gp_posts[scheme] = [posts[(n,)] for n in kinds["gp"]]
        world.hospital_posts[scheme] = [posts[(n,)] for n in kinds["hospital"]]
        world.innovative_posts[scheme] = [posts[(n,)] for n in kinds["innovative"]]


# --- rotations --------------------------------------------------------------------------------------------

# (order, training year, start offset in months, months): ST1 two 6-month posts, ST2 6 months + 6 months GP,
# ST3 12 months GP.
SLOT_SHAPE = ((1, "ST1", 0, 6), (2, "ST1", 6, 6), (3, "ST2", 12, 6), (4, "ST2", 18, 6), (5, "ST3", 24, 12))


def rotation_plans(
    spec: SchemeSpec, world: DemoWorld, count: int, variant: int
) -> list[tuple[str, list[Post]]]:
    """Rotations for one scheme and intake: (name, five posts in slot order). The first are HEFT."""
    hospital = world.hospital_posts[spec.code]
    innovative = world.innovative_posts[spec.code]
    practices = world.practices[spec.code]
    gp = world.gp_posts[spec.code]
    deep_end = [post for post, practice in zip(gp, practices, strict=True) if practice.is_deep_end]
    ordinary = [post for post, practice in zip(gp, practices, strict=True) if not practice.is_deep_end]
    heft_kinds = [
        "innovative",
        "deep_end" if deep_end else "innovative",
        "both" if deep_end else "innovative",
    ]
    heft_kinds = heft_kinds[: (count + 1) // 2]  # about half are HEFT
    plans, used_innovative = [], 0
    for i in range(count):
        h1, h2, h3 = (hospital[(2 * i + variant + k) % len(hospital)] for k in range(3))
        gp_post = ordinary[(i + variant) % len(ordinary)]
        kind = heft_kinds[i] if i < len(heft_kinds) else "ordinary"
        if kind in {"innovative", "both"}:
            post = innovative[used_innovative % len(innovative)]
            used_innovative += 1
            if kind == "both":
                gp_post = deep_end[(i + variant) % len(deep_end)]
            posts = [h1, post, h3, gp_post, gp_post] if i % 2 else [h1, h2, post, gp_post, gp_post]
            theme = post.category.name.lower() + (" and Deep End practice" if kind == "both" else "")
            name = f"{spec.name} HEFT rotation {i + 1} — {theme}"
        elif kind == "deep_end":
            gp_post = deep_end[(i + variant) % len(deep_end)]
            posts = [h1, h2, h3, gp_post, gp_post]
            name = f"{spec.name} HEFT rotation {i + 1} — Deep End practice"
        else:
            posts = [h1, h2, h3, gp_post, gp_post]
            name = f"{spec.name} rotation {i + 1}"
        plans.append((name, posts))
    return plans


def describe_rotation(posts: list[Post]) -> str:
    def part(post: Post) -> str:
        name = post.category.name.lower()
        return f"{name} at {post.site}" if post.category.is_innovative else name

    return (
        f"ST1: {part(posts[0])}, then {part(posts[1])}. ST2: {part(posts[2])}, then GP at {posts[3].place}. "
        f"ST3: twelve months in general practice at {posts[4].place}."
    )


def build_rotations(fake: Faker, world: DemoWorld) -> None:
    plans: list[tuple[str, str, str, list[Post]]] = []  # (scheme, intake, code, posts)
    rotation_rows = []
    for spec in SCHEMES:
        batches = [(OPEN_INTAKE, spec.rotations, 0)]
        if spec.code in PREVIOUS_INTAKE_ROTATIONS:
            batches.append(("2025-08", PREVIOUS_INTAKE_ROTATIONS[spec.code], 1))
        for intake, count, variant in batches:
            for n, (name, posts) in enumerate(rotation_plans(spec, world, count, variant), start=1):
                code = f"{spec.abbr}-{intake}-{n:02d}"
                rotation_rows.append(
                    {
                        "code": code,
                        "name": name,
                        "scheme_id": world.schemes[spec.code].pk,
                        "intake": intake,
                        "capacity": fake.random_int(1, 3),
                        "availability": Rotation.Availability.SUBJECT_TO_CHANGE
                        if fake.random_int(1, 9) == 1
                        else Rotation.Availability.AVAILABLE,
                        "description": describe_rotation(posts),
                    }
                )
                plans.append((spec.code, intake, code, posts))
    rotations = sync_rows(Rotation, ("code",), rotation_rows)
    slot_rows = []
    for _scheme, _intake, code, posts in plans:
        for (order, year, offset, months), post in zip(SLOT_SHAPE, posts, strict=True):
            slot_rows.append(
                {
                    "rotation_id": rotations[(code,)].pk,
                    "order": order,
                    "training_year": year,
                    "start_offset_months": offset,
                    "months": months,
                    "post_id": post.pk,
                }
            )
    demo_rotation_ids = [rotation.pk for rotation in rotations.values()]
    # A demo rotation holds exactly its demo slots: drop any left over from an older shape.
    RotationSlot.objects.filter(rotation_id__in=demo_rotation_ids).exclude(
        order__in=[s[0] for s in SLOT_SHAPE]
    ).delete()
    slots = sync_rows(RotationSlot, ("rotation_id", "order"), slot_rows)
    for scheme, intake, code, posts in plans:
        rotation = rotations[(code,)]
        world.rotations.setdefault((scheme, intake), []).append(rotation)
        world.rotation_slots[code] = [slots[(rotation.pk, shape[0])] for shape in SLOT_SHAPE]
        if any(
            post.category.is_innovative or (post.practice_id and post.practice.is_deep_end) for post in posts
        ):
            world.heft_rotations.add(code)


# --- trainees ---------------------------------------------------------------------------------------------

HEFT_MODES = OrderedDict(
    [
        (ProgrammeMembership.HeftMode.ROTATION, 0.35),
        (ProgrammeMembership.HeftMode.ENROLMENT_ONLY, 0.30),
        (ProgrammeMembership.HeftMode.NONE, 0.35),
    ]
)
WTES = OrderedDict([(Decimal("1.00"), 0.85), (Decimal("0.80"), 0.10), (Decimal("0.60"), 0.05)])
# Deterministic story lines: (scheme, intake, position among that scheme's intake) → what happens.
Day = datetime.date
INTERRUPTED = {
    ("plymouth", "2024-08", 2): (Interruption.Kind.OOPR, Day(2025, 9, 1), None, "Research year (demo)."),
    ("cambridge", "2025-08", 1): (
        Interruption.Kind.PARENTAL,
        Day(2026, 6, 1),
        Day(2027, 5, 31),
        "Parental leave.",
    ),
}
SHORT_ABSENCES = {
    ("bristol", "2024-08", 1): (
        Interruption.Kind.SICK,
        Day(2025, 2, 3),
        Day(2025, 2, 14),
        "Short sick leave.",
    ),
}
# (scheme, intake, position) → (new WTE, index of the placement it starts with)
LTFT_CHANGES = {
    ("bristol", "2024-08", 3): (Decimal("0.80"), 2),
    ("exeter", "2024-08", 0): (Decimal("0.60"), 3),
    ("norwich", "2025-08", 1): (Decimal("0.80"), 1),
    ("luton-bedford", "2025-08", 0): (Decimal("0.80"), 2),
}


def build_trainees(fake: Faker, world: DemoWorld) -> None:
    trainee_sign_in = SIGN_IN_BY_ROLE[Role.TRAINEE]
    trainee_rows, plans = [], []  # plans: (gmc, scheme, intake, position, wte, mode)
    used_emails: set[str] = set()
    for intake in INTAKES:
        for spec in SCHEMES:
            for position in range(spec.trainees_per_intake):
                gmc = str(fake.unique.random_int(9_100_000, 9_999_999))
                forenames, surname = fake.first_name(), fake.last_name()
                wte = fake.random_element(WTES)
                mode = fake.random_element(HEFT_MODES)
                if (spec.code, intake, position) in LTFT_CHANGES:
                    wte = Decimal("1.00")
                is_sign_in = (spec.code, intake, position) == ("bristol", OPEN_INTAKE, 0)
                if is_sign_in:
                    forenames, surname = trainee_sign_in.first_name, trainee_sign_in.last_name
                    email, wte, mode = (
                        trainee_sign_in.email,
                        Decimal("1.00"),
                        ProgrammeMembership.HeftMode.ROTATION,
                    )
                else:
                    email = f"{email_part(forenames)}.{email_part(surname)}@example.org"
                    suffix = 2
                    while email in used_emails:
                        email = f"{email_part(forenames)}.{email_part(surname)}{suffix}@example.org"
                        suffix += 1
                used_emails.add(email)
                trainee_rows.append(
                    {
                        "gmc_number": gmc,
                        "forenames": forenames,
                        "surname": surname,
                        "email": email,
                        "phone": f"07700 900{len(trainee_rows):03d}",  # Ofcom's range for drama: never real
                    }
                )
                plans.append((gmc, spec.code, intake, position, wte, mode))
    trainees = sync_rows(Trainee, ("gmc_number",), trainee_rows)
    world.trainees = {gmc: trainees[(gmc,)] for gmc, *_ in plans}

    ranks: dict[str, list[int]] = {}
    for intake in INTAKES:
        size = sum(1 for plan in plans if plan[2] == intake)
        ranks[intake] = list(range(1, size + 1))
        fake.random.shuffle(ranks[intake])
    membership_rows, next_rank = [], dict.fromkeys(INTAKES, 0)
    for gmc, scheme, intake, position, wte, mode in plans:
        status = ProgrammeMembership.Status.ACTIVE
        if (scheme, intake, position) in INTERRUPTED:
            status = ProgrammeMembership.Status.INTERRUPTED
        membership_rows.append(
            {
                "trainee_id": world.trainees[gmc].pk,
                "scheme_id": world.schemes[scheme].pk,
                "intake": intake,
                "start_date": intake_start(intake),
                "wte": wte,
                "heft_mode": mode,
                "status": status,
                "national_rank": ranks[intake][next_rank[intake]],
                "cct_estimate": None,
            }
        )
        next_rank[intake] += 1
    memberships = sync_rows(ProgrammeMembership, ("trainee_id", "scheme_id", "intake"), membership_rows)
    for gmc, scheme, intake, _position, _wte, _mode in plans:
        key = (world.trainees[gmc].pk, world.schemes[scheme].pk, intake)
        world.memberships.setdefault((scheme, intake), []).append(memberships[key])


def rotation_followed(world: DemoWorld, scheme: str, intake: str, position: int, mode: str) -> Rotation:
    """The rotation an in-training trainee follows: their intake's if published, else the open intake's."""
    rotations = world.rotations.get((scheme, intake)) or world.rotations[(scheme, OPEN_INTAKE)]
    heft = [r for r in rotations if r.code in world.heft_rotations]
    other = [r for r in rotations if r.code not in world.heft_rotations] or heft
    choices = heft if mode == ProgrammeMembership.HeftMode.ROTATION else other
    return choices[position % len(choices)]


def placement_row(membership: ProgrammeMembership, slot: RotationSlot, start: datetime.date, wte) -> dict:
    """A rotation's slot worked from `start`, its months stretched for less than full time."""
    following = add_months(start, math.ceil(slot.months / float(wte)))
    return {
        "membership_id": membership.pk,
        "post_id": slot.post_id,
        "start_date": start,
        "end_date": following - datetime.timedelta(days=1),
        "wte": wte,
        "training_year": slot.training_year,
    }


def build_placements(fake: Faker, world: DemoWorld) -> None:
    """Placements for the intakes already in training: the whole rotation (past, current and planned),
    stretched for less than full time, stopping where an interruption begins."""
    placement_rows, ltft_rows, interruption_rows = [], [], []
    for (scheme, intake), memberships in world.memberships.items():
        if intake == OPEN_INTAKE:
            continue
        for position, membership in enumerate(memberships):
            story = (scheme, intake, position)
            rotation = rotation_followed(world, scheme, intake, position, membership.heft_mode)
            interruption = INTERRUPTED.get(story)
            stop = interruption[1] if interruption else None
            change = LTFT_CHANGES.get(story)
            wte = membership.wte
            start = membership.start_date
            for index, slot in enumerate(world.rotation_slots[rotation.code]):
                if change and index == change[1]:
                    wte = change[0]
                    ltft_rows.append(
                        {
                            "membership_id": membership.pk,
                            "wte": wte,
                            "start_date": start,
                            "requested_on": start - datetime.timedelta(weeks=16),
                        }
                    )
                if stop and start >= stop:
                    break
                row = placement_row(membership, slot, start, wte)
                start = row["end_date"] + datetime.timedelta(days=1)
                if stop and row["end_date"] >= stop:
                    row["end_date"] = stop - datetime.timedelta(days=1)
                placement_rows.append(row)
            for kind, begins, ends, notes in filter(None, [interruption, SHORT_ABSENCES.get(story)]):
                interruption_rows.append(
                    {
                        "membership_id": membership.pk,
                        "kind": kind,
                        "start_date": begins,
                        "end_date": ends,
                        "counts_towards_training": kind == Interruption.Kind.SICK,
                        "notes": notes,
                    }
                )
    sync_rows(Placement, ("membership_id", "start_date"), placement_rows)
    sync_rows(LtftChange, ("membership_id", "start_date"), ltft_rows)
    sync_rows(Interruption, ("membership_id", "start_date"), interruption_rows)


# --- users, roles, two-factor, mentors --------------------------------------------------------------------


class _Passwords:
    """Hashes the demo password once per run, and checks each distinct stored hash once."""

    def __init__(self):
        self._hash: str | None = None
        self._checked: dict[str, bool] = {}

    def new_hash(self) -> str:
        if self._hash is None:
            self._hash = make_password(DEMO_PASSWORD)
        return self._hash

    def is_demo(self, encoded: str) -> bool:
        if encoded not in self._checked:
            self._checked[encoded] = check_password(DEMO_PASSWORD, encoded)
        return self._checked[encoded]


def ensure_user(email: str, first_name: str, last_name: str, *, sign_in: bool, passwords: _Passwords) -> User:
    """A demo user by email. Sign-ins get the demo password; other demo users cannot sign in."""
    user = User.objects.filter(email=email).first()
    created = user is None
    if created:
        user = User(email=email)
    changed = created
    for name, value in (("first_name", first_name), ("last_name", last_name), ("is_active", True)):
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed = True
    if sign_in and (created or not passwords.is_demo(user.password)):
        user.password = passwords.new_hash()
        changed = True
    elif created:
        user.set_unusable_password()
    if changed:
        user.save()
    return user


def ensure_demo_totp(user: User) -> None:
    """The user's TOTP authenticator holds their fixed demo secret: created once, corrected if changed."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from allauth.mfa.utils import decrypt, encrypt

    secret = demo_totp_secret(user.email)
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        TOTP.activate(user, secret)
    elif decrypt(authenticator.data.get("secret", "")) != secret:
        authenticator.data = {**authenticator.data, "secret": encrypt(secret)}
        authenticator.save(update_fields=["data"])


def ensure_role(user: User, role: str, *, region: Region | None = None, scheme: TrainingScheme | None = None):
    RoleAssignment.objects.get_or_create(user=user, role=role, region=region, scheme=scheme)


def build_sign_ins(fake: Faker, world: DemoWorld) -> None:
    passwords = _Passwords()
    for sign_in in DEMO_SIGN_INS:
        user = ensure_user(
            sign_in.email, sign_in.first_name, sign_in.last_name, sign_in=True, passwords=passwords
        )
        ensure_role(
            user,
            sign_in.role,
            region=world.regions[sign_in.region_code] if sign_in.region_code else None,
            scheme=world.schemes[sign_in.scheme_code] if sign_in.scheme_code else None,
        )
        if sign_in.is_staff_role:
            ensure_demo_totp(user)
        world.users[sign_in.email] = user
    trainee_user = world.users[SIGN_IN_BY_ROLE[Role.TRAINEE].email]
    trainee = world.memberships[("bristol", OPEN_INTAKE)][0].trainee
    Trainee.objects.filter(user=trainee_user).exclude(pk=trainee.pk).update(user=None)
    if trainee.user_id != trainee_user.pk:
        trainee.user = trainee_user
        trainee.save(update_fields=["user"])


# (region, kind) — the first, a South West deprivation fellow, is the mentor sign-in.
MENTORS = (
    ("south-west", Mentor.Kind.DEPRIVATION_FELLOW),
    ("south-west", Mentor.Kind.TRAILBLAZER_FELLOW),
    ("south-west", Mentor.Kind.PCN_LEAD),
    ("south-west", Mentor.Kind.NEAR_PEER),
    ("east-of-england", Mentor.Kind.DEPRIVATION_FELLOW),
    ("east-of-england", Mentor.Kind.TRAILBLAZER_FELLOW),
    ("east-of-england", Mentor.Kind.PCN_LEAD),
    ("east-of-england", Mentor.Kind.NEAR_PEER),
)
MENTEES_EACH = 4


def build_mentors(fake: Faker, world: DemoWorld) -> None:
    passwords = _Passwords()
    mentor_sign_in = SIGN_IN_BY_ROLE[Role.MENTOR]
    mentor_rows, emails = [], []
    for index, (region, kind) in enumerate(MENTORS):
        first, last = fake.first_name(), fake.last_name()
        if index == 0:
            user = world.users[mentor_sign_in.email]
        else:
            email = f"{email_part(first)}.{email_part(last)}.mentor@example.org"
            user = ensure_user(email, first, last, sign_in=False, passwords=passwords)
            ensure_role(user, Role.MENTOR)
            ensure_demo_totp(user)
        mentor_rows.append(
            {"user_id": user.pk, "kind": kind, "region_id": world.regions[region].pk, "capacity": 6}
        )
        emails.append(user.email)
    mentors = sync_rows(Mentor, ("user_id",), mentor_rows)
    world.mentors = {
        email: mentors[(row["user_id"],)] for email, row in zip(emails, mentor_rows, strict=True)
    }

    # Mentees: HEFT trainees (rotation or enrolment only) in the mentor's region; the mentor sign-in
    # supports the trainee sign-in and other Bristol trainees.
    candidates: dict[str, list[ProgrammeMembership]] = {region: [] for region in REGIONS}
    for intake in reversed(INTAKES):
        for spec in SCHEMES:
            for membership in world.memberships[(spec.code, intake)]:
                if membership.heft_mode != ProgrammeMembership.HeftMode.NONE:
                    candidates[spec.region].append(membership)
    bristol = world.schemes["bristol"].pk
    region_codes = {r.pk: code for code, r in world.regions.items()}
    taken: set[int] = set()
    rows = []
    for email, mentor in world.mentors.items():
        pool = [m for m in candidates[region_codes[mentor.region_id]] if m.trainee_id not in taken]
        if email == mentor_sign_in.email:
            pool.sort(key=lambda m: m.scheme_id != bristol)  # the trainee sign-in first, then Bristol
        else:
            fake.random.shuffle(pool)
        for membership in pool[:MENTEES_EACH]:
            taken.add(membership.trainee_id)
            rows.append(
                {
                    "mentor_id": mentor.pk,
                    "trainee_id": membership.trainee_id,
                    "start_date": membership.start_date,
                    "end_date": None,
                }
            )
    sync_rows(MentorAssignment, ("mentor_id", "trainee_id", "start_date"), rows)


# --- the world's steps and tables ---------------------------------------------------------------------------

DEMO_MODELS = (
    Region, School, TrainingScheme, PostCategory, Practice, Post, Rotation, RotationSlot,
    Trainee, ProgrammeMembership, Placement, Interruption, LtftChange, User, RoleAssignment, Mentor,
    MentorAssignment,
)  # fmt: skip


def world_steps() -> list[tuple[str, Callable[[Faker, DemoWorld], None]]]:
    """The world's builders in order, looked up when called (so a test can replace one)."""
    return [
        ("Regions, schools and schemes", build_regions),
        ("Post categories", build_categories),
        ("Practices and deprivation", build_practices),
        ("Posts", build_posts),
        ("Rotations", build_rotations),
        ("Trainees and memberships", build_trainees),
        ("Placements, LTFT and interruptions", build_placements),
        ("Sign-ins, roles and two-factor", build_sign_ins),
        ("Mentors and mentees", build_mentors),
    ]
