"""A fictional England at national size: `python manage.py load_demo --scale national`.

On top of the demo world it adds every NHS England region, a school per local office and about 109 more
GP training schemes (120 with the demo's), about 6,500 practices with deprivation and the Deep End rule's
decision, posts and rotations for every scheme and intake, about 13,000 trainees over the three intakes
with returners (time out, back with a later intake) and alumni (completed), preference windows with
submitted lists and published allocation runs whose offers are accepted, declined or waiting for a reply,
placements from the accepted rotations, and three teaching years with national and regional sessions and
who attended them.

Everything is invented and drawn from seeded generators, so every load writes the same rows. Rows are
written in bulk by natural key (`sync_bulk`): a second load finds them all and writes nothing. The builder
takes a `factor` (1.0 is national size); the tests load a small fraction of it.

National rows are told apart from the demo's by their keys: schemes by `NationalScheme.code`, trainees by
the email domain `NATIONAL_EMAIL_DOMAIN`, practices by ODS codes starting `ZZ`, posts and rotations by the
scheme's number (`N001`). The demo's own builders that read the whole database run after the national
world is built, on every load, so they see the same rows each time.
"""

from __future__ import annotations

import copy
import datetime
import math
import random
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Q
from django.utils import timezone
from faker import Faker

from heft.accounts.models import Role
from heft.demo import teaching as demo_teaching
from heft.demo import world as demo
from heft.demo.world import (
    CATEGORIES,
    DEPRIVATION_VINTAGE,
    HOSPITAL_CODES,
    INNOVATIVE_CODES,
    INTAKES,
    OPEN_INTAKE,
    PRACTICE_SUFFIXES,
    SIGN_IN_BY_ROLE,
    SLOT_SHAPE,
    DemoWorld,
    deprivation_for,
    email_part,
    intake_start,
    sync_rows,
)
from heft.engines.allocation import ENGINE_VERSION, solve
from heft.engines.dates import add_months
from heft.engines.deprivation.deep_end import DeepEndRule, PracticeMeasure, apply_rule
from heft.engines.timetable import parse_spec, plan_national, plan_regional
from heft.practices.models import Practice
from heft.preferencing.models import AllocationRun, Offer, Preference, PreferenceList, PreferenceWindow
from heft.programmes.models import Post, Region, Rotation, RotationSlot, School, TrainingScheme
from heft.teaching.models import Attendance, Feedback, TeachingSession, TeachingYear
from heft.trainees.models import Interruption, Placement, ProgrammeMembership, Trainee

LONDON = ZoneInfo("Europe/London")
NATIONAL_SEED = 20261207
NATIONAL_EMAIL_DOMAIN = "england.example.org"
ODS_PREFIX = "ZZ"
BATCH = 2000
ALUMNI_INTAKES = ("2021-08", "2022-08")  # CCT in August 2024 and 2025
FULL_PRACTICES = 6_500
TRAINEES_PER_SCHEME_INTAKE = 40  # about 13,000 over the three intakes at full size
ALUMNI_SHARE = 1 / 3  # of an intake, per alumni intake
RETURNER_SHARE = 0.04  # of the 2024-08 and 2025-08 intakes
NO_LIST_SHARE = 0.05  # members who submit no list
HEFT_MODES = (
    (ProgrammeMembership.HeftMode.ROTATION, 0.35),
    (ProgrammeMembership.HeftMode.ENROLMENT_ONLY, 0.30),
    (ProgrammeMembership.HeftMode.NONE, 0.35),
)
WTES = ((Decimal("1.00"), 0.85), (Decimal("0.80"), 0.10), (Decimal("0.60"), 0.05))
DEEP_END_RULE = DeepEndRule(measure="imd_score", method="decile")
DEEP_END_RULE_TEXT = f"{DEEP_END_RULE.describe()} ({DEPRIVATION_VINTAGE})"

# NHS England's regions and their local offices (one school each); the number is how many national
# schemes each school has at full size (the demo's 11 schemes in the South West and East of England make
# the total about 120).
REGIONS = {
    "north-east-and-yorkshire": ("North East and Yorkshire", "NEY"),
    "north-west": ("North West", "NWE"),
    "midlands": ("Midlands", "MID"),
    "east-of-england": ("East of England", "EOE"),
    "london": ("London", "LDN"),
    "south-east": ("South East", "SEE"),
    "south-west": ("South West", "SWE"),
}
LOCAL_OFFICES = (
    ("north-east-and-yorkshire", "North East", 7),
    ("north-east-and-yorkshire", "Yorkshire and the Humber", 12),
    ("north-west", "North West", 15),
    ("midlands", "East Midlands", 9),
    ("midlands", "West Midlands", 13),
    ("east-of-england", "East of England", 7),
    ("london", "North Central and East London", 6),
    ("london", "North West London", 5),
    ("london", "South London", 6),
    ("south-east", "Kent, Surrey and Sussex", 9),
    ("south-east", "Thames Valley", 5),
    ("south-east", "Wessex", 7),
    ("south-west", "Severn", 4),
    ("south-west", "Peninsula", 4),
)
REGION_SUMMARY = (
    "HEFT in {name} (fictional national data) runs across the local offices of {offices}. Trainees on a "
    "HEFT rotation spend part of their training in an innovative post or a Deep End practice; every HEFT "
    "trainee joins the national and regional teaching, online about every two months."
)

# Preference windows by intake: opens, closes, published, reply by; and how the offers stand now.
WINDOWS = {
    "2024-08": ((2024, 3, 4), (2024, 4, 5), (2024, 4, 19), (2024, 5, 10)),
    "2025-08": ((2025, 3, 3), (2025, 4, 4), (2025, 4, 18), (2025, 5, 9)),
    "2026-08": ((2026, 10, 5), (2026, 11, 6), (2026, 11, 20), (2026, 12, 18)),
}
OFFER_STATES = {
    "2024-08": ((Offer.Status.ACCEPTED, 0.93), (Offer.Status.DECLINED, 0.07)),
    "2025-08": ((Offer.Status.ACCEPTED, 0.93), (Offer.Status.DECLINED, 0.07)),
    "2026-08": ((Offer.Status.ACCEPTED, 0.55), (Offer.Status.OFFERED, 0.37), (Offer.Status.DECLINED, 0.08)),
}

# Teaching years before the demo's 2026/27: (label, start, end, conference days, Christmas break).
TEACHING_YEARS = (
    ("2024/25", "2024-08-07", "2025-08-05", ("2025-06-19", "2025-06-20"), ("2024-12-23", "2025-01-03")),
    ("2025/26", "2025-08-06", "2026-08-04", ("2026-06-18", "2026-06-19"), ("2025-12-22", "2026-01-02")),
)
ATTENDED, APOLOGIES = 78, 92  # of 100: attended below 78, apologies below 92, else absent
FEEDBACK_SHARE = 25  # of 100 attendances


def at(parts: tuple[int, int, int], hour: int = 9) -> datetime.datetime:
    return datetime.datetime(*parts, hour, tzinfo=LONDON)


def weighted(rng: random.Random, choices: tuple[tuple[object, float], ...]):
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def draw(*parts: object) -> int:
    """A number 0–99 fixed by the parts (not by the order of drawing)."""
    return zlib.crc32("|".join(map(str, parts)).encode()) % 100


def offer_state(intake: str, gmc: str) -> str:
    """How a trainee's offer in the window of `intake` stands now, in OFFER_STATES' proportions."""
    roll, total = draw("offer", intake, gmc), 0.0
    for status, share in OFFER_STATES[intake]:
        total += share * 100
        if roll < total:
            return status
    return OFFER_STATES[intake][-1][0]


def sync_bulk(
    model: type[models.Model],
    key: tuple[str, ...],
    rows: Iterable[dict],
    existing: models.QuerySet,
) -> dict[tuple, int]:
    """Create or update rows by natural key in batches, comparing plain values (no model per existing row);
    unchanged rows are not written. `existing` is the queryset the rows may already be in. Returns pks by key.
    """
    rows = list(rows)
    if not rows:
        return {}
    fields = list(rows[0])
    found: dict[tuple, tuple[int, tuple]] = {}
    positions = [fields.index(k) for k in key]
    for values in existing.values_list("pk", *fields).iterator(chunk_size=BATCH):
        found[tuple(values[1 + p] for p in positions)] = (values[0], values[1:])
    result: dict[tuple, int] = {}
    to_create: list[tuple[tuple, models.Model]] = []
    to_update: list[models.Model] = []
    changed: set[str] = set()
    for row in rows:
        row_key = tuple(row[k] for k in key)
        hit = found.get(row_key)
        if hit is None:
            to_create.append((row_key, model(**row)))
            continue
        pk, values = hit
        different = [name for name, value in zip(fields, values, strict=True) if row[name] != value]
        if different:
            changed.update(different)
            to_update.append(model(pk=pk, **row))
        result[row_key] = pk
    created = model.objects.bulk_create([obj for _, obj in to_create], batch_size=BATCH)
    for (row_key, _), obj in zip(to_create, created, strict=True):
        result[row_key] = obj.pk
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed), batch_size=BATCH)
    return result


@dataclass
class NationalScheme:
    number: int  # 1-based, in LOCAL_OFFICES order
    code: str
    name: str
    region: str
    school: str
    size: float  # relative size, about 1
    per_intake: int
    pk: int = 0

    @property
    def tag(self) -> str:
        return f"N{self.number:03d}"


@dataclass
class Member:
    """One national trainee's membership as it is being built."""

    gmc: str
    scheme: NationalScheme
    intake: str
    mode: str
    wte: Decimal
    status: str = ProgrammeMembership.Status.ACTIVE
    returning_to: str = ""
    rank: int | None = None
    trainee_pk: int = 0
    pk: int = 0

    @property
    def window(self) -> str:
        return self.returning_to or self.intake


@dataclass
class PostInfo:
    pk: int
    category: str
    place: str
    deep_end: bool = False

    @property
    def innovative(self) -> bool:
        return self.category in INNOVATIVE_CODES


@dataclass
class National:
    """The national world as it is built; `factor` 1.0 is national size."""

    factor: float = 1.0
    regions: dict[str, int] = field(default_factory=dict)
    schools: dict[str, int] = field(default_factory=dict)
    schemes: list[NationalScheme] = field(default_factory=list)
    practices: dict[str, list[tuple[int, str, bool]]] = field(default_factory=dict)  # scheme: (pk, name, DE)
    gp_posts: dict[str, list[PostInfo]] = field(default_factory=dict)
    hospital_posts: dict[str, list[PostInfo]] = field(default_factory=dict)
    innovative_posts: dict[str, list[PostInfo]] = field(default_factory=dict)
    rotations: dict[tuple[str, str], list[tuple[str, int, int]]] = field(
        default_factory=dict
    )  # code, pk, cap
    slots: dict[int, list[tuple[int, str, int, int, int]]] = field(
        default_factory=dict
    )  # order, yr, off, m, post
    members: list[Member] = field(default_factory=list)
    alumni: list[Member] = field(default_factory=list)
    accepted: dict[int, int] = field(default_factory=dict)  # membership pk -> rotation pk
    interruptions: dict[int, tuple[datetime.date, datetime.date | None]] = field(default_factory=dict)
    heft_rotations: set[int] = field(default_factory=set)

    # --- steps ------------------------------------------------------------------------------------------

    def world_steps(self) -> list[tuple[str, Callable[[Faker, DemoWorld], None]]]:
        return [
            ("National: regions, local offices and schemes", self.national_regions),
            ("National: practices and the Deep End rule", self.national_practices),
            ("National: posts", self.national_posts),
            ("National: rotations", self.national_rotations),
            ("National: trainees, returners and alumni", self.national_trainees),
            ("National: preference windows, allocation runs and offers", self.national_allocation),
            ("National: placements", self.national_placements),
        ]

    def teaching_steps(self) -> list[tuple[str, Callable[[Faker, DemoWorld], None]]]:
        return [
            ("National: three years of teaching", self.national_teaching),
            ("National: attendance and feedback", self.national_attendance),
        ]

    def scheme_ids(self) -> list[int]:
        return [s.pk for s in self.schemes]

    # --- regions, schools, schemes ------------------------------------------------------------------------

    def national_regions(self, fake: Faker, world: DemoWorld) -> None:
        offices_by_region: dict[str, list[str]] = {}
        for region, office, _count in LOCAL_OFFICES:
            offices_by_region.setdefault(region, []).append(office)
        rows = []
        for code, (name, _prefix) in REGIONS.items():
            if code in demo.REGIONS:  # the demo's own regions keep their words
                name, summary = demo.REGIONS[code]
            else:
                offices = offices_by_region[code]
                listed = offices[0] if len(offices) == 1 else f"{', '.join(offices[:-1])} and {offices[-1]}"
                summary = REGION_SUMMARY.format(name=name, offices=listed)
            rows.append({"code": code, "name": name, "summary": summary})
        regions = sync_rows(Region, ("code",), rows)
        self.regions = {code: regions[(code,)].pk for code in REGIONS}
        schools = sync_rows(
            School,
            ("region_id", "name"),
            [{"region_id": self.regions[region], "name": office} for region, office, _ in LOCAL_OFFICES],
        )
        self.schools = {
            office: schools[(self.regions[region], office)].pk for region, office, _ in LOCAL_OFFICES
        }

        rng = random.Random(NATIONAL_SEED)
        taken = set(TrainingScheme.objects.exclude(code__startswith="n-").values_list("code", flat=True))
        counts = [max(1, round(count * self.factor)) for _, _, count in LOCAL_OFFICES]
        full_count = sum(count for _, _, count in LOCAL_OFFICES)
        scale = self.factor * full_count / sum(counts)
        self.schemes = []
        names: set[str] = set()
        for (region, office, _), count in zip(LOCAL_OFFICES, counts, strict=True):
            for _ in range(count):
                name = fake.city()
                while name in names:
                    name = fake.city()
                names.add(name)
                size = rng.uniform(0.7, 1.3)
                code = f"n-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}"[:40]
                if code in taken:  # never a demo scheme's code
                    code = f"{code[:35]}-{len(self.schemes) + 1}"
                self.schemes.append(
                    NationalScheme(
                        number=len(self.schemes) + 1,
                        code=code,
                        name=name,
                        region=region,
                        school=office,
                        size=size,
                        per_intake=max(3, round(TRAINEES_PER_SCHEME_INTAKE * size * scale)),
                    )
                )
        saved = sync_rows(
            TrainingScheme,
            ("code",),
            [
                {
                    "code": s.code,
                    "name": s.name,
                    "region_id": self.regions[s.region],
                    "school_id": self.schools[s.school],
                }
                for s in self.schemes
            ],
        )
        for s in self.schemes:
            s.pk = saved[(s.code,)].pk

    # --- practices ------------------------------------------------------------------------------------------

    def national_practices(self, fake: Faker, world: DemoWorld) -> None:
        rng = random.Random(NATIONAL_SEED + 1)
        total = max(4 * len(self.schemes), round(FULL_PRACTICES * self.factor))
        weights = [s.size for s in self.schemes]
        owners = list(self.schemes) + rng.choices(self.schemes, weights=weights, k=total - len(self.schemes))
        owners.sort(key=lambda s: s.number)
        deciles = [1 + (i * 10) // total for i in range(total)]  # exact tenths
        rng.shuffle(deciles)
        pcns: dict[str, list[str]] = {}
        rows, measures = [], []
        for number, (scheme, decile) in enumerate(zip(owners, deciles, strict=True), start=1):
            if scheme.code not in pcns:
                pcns[scheme.code] = [f"{fake.city()} PCN" for _ in range(max(1, round(3 * scheme.size)))]
            suffix = rng.choice(PRACTICE_SUFFIXES)
            place = fake.street_name() if suffix in {"Surgery", "Family Practice"} else fake.city()
            ods = f"{ODS_PREFIX}{number:05d}"
            row = {
                "ods_code": ods,
                "name": f"{place} {suffix}",
                "postcode": fake.postcode(),
                "pcn": rng.choice(pcns[scheme.code]),
                "icb": f"NHS {scheme.school} ICB {1 + scheme.number % 3} (fictional)",
                "region_id": self.regions[scheme.region],
                "status": Practice.Status.ACTIVE,
                "list_size": rng.randint(15, 250) * 100,
                **deprivation_for(decile, rng.random()),
                "deprivation_vintage": DEPRIVATION_VINTAGE,
            }
            rows.append(row)
            measures.append(PracticeMeasure(ods, float(row["imd_score"])))
        decisions = apply_rule(DEEP_END_RULE, measures)
        for row in rows:
            decision = decisions[row["ods_code"]]
            row.update(
                is_deep_end=decision.is_deep_end,
                deep_end_by_rule=decision.is_deep_end,
                deep_end_rule=DEEP_END_RULE_TEXT,
                deep_end_reason=decision.reason,
                deep_end_override=None,
                deep_end_override_reason="",
            )
        saved = sync_bulk(
            Practice, ("ods_code",), rows, Practice.objects.filter(ods_code__startswith=ODS_PREFIX)
        )
        self.practices = {}
        for scheme, row in zip(owners, rows, strict=True):
            self.practices.setdefault(scheme.code, []).append(
                (saved[(row["ods_code"],)], row["name"], row["is_deep_end"])
            )

    # --- posts ----------------------------------------------------------------------------------------------

    def national_posts(self, fake: Faker, world: DemoWorld) -> None:
        categories = {code: world.categories[code].pk for code in CATEGORIES}
        rows, infos = [], []
        for scheme in self.schemes:
            prefix = f"{REGIONS[scheme.region][1]}/{scheme.tag}"
            practices = self.practices[scheme.code]
            training = max(2, min(len(practices), math.ceil(scheme.per_intake / 2)))
            chosen = [p for p in practices if p[2]][:2] + [p for p in practices if not p[2]]
            chosen = chosen[:training] if len(chosen) >= training else practices[:training]
            kinds: dict[str, list] = {"gp": [], "hospital": [], "innovative": []}

            def add(
                kind, category, number, practice=None, site="", prefix=prefix, kinds=kinds, scheme=scheme
            ):
                rows.append(
                    {
                        "post_number": f"{prefix}/{CATEGORIES[category][2]}/{number:03d}",
                        "category_id": categories[category],
                        "scheme_id": scheme.pk,
                        "practice_id": practice[0] if practice else None,
                        "site": site,
                        "wte": Decimal("1.00"),
                    }
                )
                info = PostInfo(
                    0, category, practice[1] if practice else site, bool(practice and practice[2])
                )
                kinds[kind].append(info)
                infos.append((rows[-1]["post_number"], info))

            for n, practice in enumerate(chosen, start=1):
                add("gp", "gp-practice", n, practice=practice)
            hospitals = [f"{fake.city()} General Hospital", f"{fake.city()} Royal Infirmary"]
            for category in HOSPITAL_CODES:
                for n in range(1, 4):
                    add("hospital", category, n, site=hospitals[n % 2])
            for k in range(3):
                category = INNOVATIVE_CODES[(scheme.number + k * 4) % len(INNOVATIVE_CODES)]
                pattern = CATEGORIES[category][4]
                site = pattern.format(city=fake.city(), street=fake.street_name(), surname=fake.last_name())
                add("innovative", category, 1, site=site)
            self.gp_posts[scheme.code] = kinds["gp"]
            self.hospital_posts[scheme.code] = kinds["hospital"]
            self.innovative_posts[scheme.code] = kinds["innovative"]
        saved = sync_bulk(Post, ("post_number",), rows, Post.objects.filter(scheme_id__in=self.scheme_ids()))
        for number, info in infos:
            info.pk = saved[(number,)]

    # --- rotations ------------------------------------------------------------------------------------------

    def _plans(self, rng: random.Random, scheme: NationalScheme, count: int, variant: int):
        """(name, posts, HEFT?) for each rotation of one scheme and intake: about half are HEFT."""
        hospital = self.hospital_posts[scheme.code]
        innovative = self.innovative_posts[scheme.code]
        deep_end = [p for p in self.gp_posts[scheme.code] if p.deep_end]
        ordinary = [p for p in self.gp_posts[scheme.code] if not p.deep_end] or deep_end
        plans = []
        for i in range(count):
            h1, h2, h3 = (hospital[(3 * i + variant + k * 5) % len(hospital)] for k in range(3))
            gp = ordinary[(i + variant) % len(ordinary)]
            kind = ("innovative", "deep_end", "both")[i % 3] if i < (count + 1) // 2 else "ordinary"
            if kind == "deep_end" and not deep_end:
                kind = "innovative"
            if kind in {"innovative", "both"}:
                post = innovative[(i + variant) % len(innovative)]
                if kind == "both" and deep_end:
                    gp = deep_end[(i + variant) % len(deep_end)]
                posts = [h1, post, h3, gp, gp] if i % 2 else [h1, h2, post, gp, gp]
                theme = CATEGORIES[post.category][0].lower() + (
                    " and Deep End practice" if gp.deep_end else ""
                )
                name = f"{scheme.name} HEFT rotation {i + 1} — {theme}"
            elif kind == "deep_end":
                gp = deep_end[(i + variant) % len(deep_end)]
                posts = [h1, h2, h3, gp, gp]
                name = f"{scheme.name} HEFT rotation {i + 1} — Deep End practice"
            else:
                posts = [h1, h2, h3, gp, gp]
                name = f"{scheme.name} rotation {i + 1}"
            plans.append((name, posts))
        return plans

    @staticmethod
    def _describe(posts: list[PostInfo]) -> str:
        def part(post: PostInfo) -> str:
            name = CATEGORIES[post.category][0].lower()
            return f"{name} at {post.place}" if post.innovative else name

        return (
            f"ST1: {part(posts[0])}, then {part(posts[1])}. "
            f"ST2: {part(posts[2])}, then GP at {posts[3].place}. "
            f"ST3: twelve months in general practice at {posts[4].place}."
        )

    def national_rotations(self, fake: Faker, world: DemoWorld) -> None:
        rng = random.Random(NATIONAL_SEED + 2)
        rotation_rows, plans = [], []
        for scheme in self.schemes:
            for variant, intake in enumerate(INTAKES):
                places = math.ceil(scheme.per_intake * 1.15) + 1
                capacities: list[int] = []
                while sum(capacities) < places:
                    capacities.append(rng.randint(1, 3))
                for n, (name, posts) in enumerate(
                    self._plans(rng, scheme, len(capacities), variant), start=1
                ):
                    code = f"{scheme.tag}-{intake}-{n:02d}"
                    subject_to_change = intake == OPEN_INTAKE and rng.random() < 0.1
                    rotation_rows.append(
                        {
                            "code": code,
                            "name": name,
                            "scheme_id": scheme.pk,
                            "intake": intake,
                            "capacity": capacities[n - 1],
                            "availability": Rotation.Availability.SUBJECT_TO_CHANGE
                            if subject_to_change
                            else Rotation.Availability.AVAILABLE,
                            "description": self._describe(posts),
                        }
                    )
                    plans.append((scheme.code, intake, code, capacities[n - 1], posts))
        rotations = sync_bulk(
            Rotation, ("code",), rotation_rows, Rotation.objects.filter(scheme_id__in=self.scheme_ids())
        )
        slot_rows = []
        for scheme_code, intake, code, capacity, posts in plans:
            pk = rotations[(code,)]
            self.rotations.setdefault((scheme_code, intake), []).append((code, pk, capacity))
            if any(post.innovative or post.deep_end for post in posts):
                self.heft_rotations.add(pk)
            self.slots[pk] = []
            for (order, year, offset, months), post in zip(SLOT_SHAPE, posts, strict=True):
                slot_rows.append(
                    {
                        "rotation_id": pk,
                        "order": order,
                        "training_year": year,
                        "start_offset_months": offset,
                        "months": months,
                        "post_id": post.pk,
                    }
                )
                self.slots[pk].append((order, year, offset, months, post.pk))
        sync_bulk(
            RotationSlot,
            ("rotation_id", "order"),
            slot_rows,
            RotationSlot.objects.filter(rotation__scheme_id__in=self.scheme_ids()),
        )

    # --- trainees -------------------------------------------------------------------------------------------

    def national_trainees(self, fake: Faker, world: DemoWorld) -> None:
        rng = random.Random(NATIONAL_SEED + 3)
        taken = set(
            Trainee.objects.exclude(email__endswith=f"@{NATIONAL_EMAIL_DOMAIN}").values_list(
                "gmc_number", flat=True
            )
        )

        def new_gmc() -> str:
            while True:
                gmc = str(rng.randint(9_100_000, 9_999_999))
                if gmc not in taken:
                    taken.add(gmc)
                    return gmc

        self.members, self.alumni = [], []
        trainee_rows = []

        def person(gmc: str) -> None:
            forenames, surname = fake.first_name(), fake.last_name()
            trainee_rows.append(
                {
                    "gmc_number": gmc,
                    "forenames": forenames,
                    "surname": surname,
                    "email": f"{email_part(forenames)}.{email_part(surname)}.{gmc}@{NATIONAL_EMAIL_DOMAIN}",
                    "phone": "",
                }
            )

        for intake in ALUMNI_INTAKES:
            for scheme in self.schemes:
                for _ in range(max(1, round(scheme.per_intake * ALUMNI_SHARE))):
                    gmc = new_gmc()
                    person(gmc)
                    mode = weighted(rng, HEFT_MODES)
                    status = ProgrammeMembership.Status.COMPLETED
                    self.alumni.append(Member(gmc, scheme, intake, mode, Decimal("1.00"), status=status))
        for index, intake in enumerate(INTAKES):
            following = INTAKES[index + 1] if index + 1 < len(INTAKES) else None
            for scheme in self.schemes:
                returners = max(1, round(scheme.per_intake * RETURNER_SHARE)) if following else 0
                for position in range(scheme.per_intake):
                    gmc = new_gmc()
                    person(gmc)
                    member = Member(gmc, scheme, intake, weighted(rng, HEFT_MODES), weighted(rng, WTES))
                    if position >= scheme.per_intake - returners:  # time out, back with the next intake
                        member.returning_to = following
                        if following == OPEN_INTAKE:
                            member.status = ProgrammeMembership.Status.INTERRUPTED
                    self.members.append(member)
        self._rank()
        trainees = sync_bulk(
            Trainee,
            ("gmc_number",),
            trainee_rows,
            Trainee.objects.filter(email__endswith=f"@{NATIONAL_EMAIL_DOMAIN}"),
        )
        membership_rows = []
        for member in [*self.alumni, *self.members]:
            member.trainee_pk = trainees[(member.gmc,)]
            start = intake_start(member.intake)
            completed = member.status == ProgrammeMembership.Status.COMPLETED
            cct = add_months(start, 36) - datetime.timedelta(days=1) if completed else None
            membership_rows.append(
                {
                    "trainee_id": member.trainee_pk,
                    "scheme_id": member.scheme.pk,
                    "intake": member.intake,
                    "start_date": start,
                    "wte": member.wte,
                    "heft_mode": member.mode,
                    "status": member.status,
                    "national_rank": member.rank,
                    "returning_to_intake": member.returning_to,
                    "returning_heft_not_guaranteed": bool(member.returning_to)
                    and member.mode == ProgrammeMembership.HeftMode.ROTATION,
                    **({"cct_estimate": cct, "cct_date": cct} if completed else {}),
                }
            )
        # Alumni rows carry their CCT; the others' estimates are worked out by the demo's CCT step.
        alumni_rows = [r for r in membership_rows if r["status"] == ProgrammeMembership.Status.COMPLETED]
        other_rows = [r for r in membership_rows if r["status"] != ProgrammeMembership.Status.COMPLETED]
        scope = ProgrammeMembership.objects.filter(scheme_id__in=self.scheme_ids())
        key = ("trainee_id", "scheme_id", "intake")
        saved = {**sync_bulk(ProgrammeMembership, key, alumni_rows, scope)}
        saved.update(sync_bulk(ProgrammeMembership, key, other_rows, scope))
        for member in [*self.alumni, *self.members]:
            member.pk = saved[(member.trainee_pk, member.scheme.pk, member.intake)]

        interruption_rows = []
        for member in self.members:
            if not member.returning_to:
                continue
            begins = add_months(intake_start(member.intake), 6)
            if member.status == ProgrammeMembership.Status.INTERRUPTED:
                kind, ends, notes = Interruption.Kind.OOPC, None, "Career break; back with the next intake."
            else:
                kind, ends = (
                    Interruption.Kind.PARENTAL,
                    intake_start(member.returning_to) - datetime.timedelta(days=1),
                )
                notes = "Parental leave; back with the next intake."
            self.interruptions[member.pk] = (begins, ends)
            interruption_rows.append(
                {
                    "membership_id": member.pk,
                    "kind": kind,
                    "start_date": begins,
                    "end_date": ends,
                    "counts_towards_training": False,
                    "notes": notes,
                }
            )
        sync_bulk(
            Interruption,
            ("membership_id", "start_date"),
            interruption_rows,
            Interruption.objects.filter(membership__scheme_id__in=self.scheme_ids()),
        )

    def _rank(self) -> None:
        """National recruitment ranks, 1 the best, for each intake; a returner's rank is never one a member
        of the window they return to holds."""
        rng = random.Random(NATIONAL_SEED + 4)
        by_intake: dict[str, list[Member]] = {}
        for member in self.members:
            by_intake.setdefault(member.intake, []).append(member)
        for members in by_intake.values():
            ranks = list(range(1, len(members) + 1))
            rng.shuffle(ranks)
            for member, rank in zip(members, ranks, strict=True):
                member.rank = rank
        held: dict[tuple[str, str], Counter] = {}
        for member in self.members:
            held.setdefault((member.scheme.code, member.window), Counter())[member.rank] += 1
        for member in self.members:
            mine = held[(member.scheme.code, member.window)]
            if not member.returning_to or mine[member.rank] <= 1:
                continue
            for other in by_intake[
                member.intake
            ]:  # swap with a member of another window, no clash either way
                theirs = held[(other.scheme.code, other.window)]
                if other.returning_to or theirs is mine or mine[other.rank] or theirs[member.rank]:
                    continue
                mine[member.rank] -= 1
                theirs[other.rank] -= 1
                member.rank, other.rank = other.rank, member.rank
                mine[member.rank] += 1
                theirs[other.rank] += 1
                break

    # --- preference windows, runs and offers ----------------------------------------------------------------

    def national_allocation(self, fake: Faker, world: DemoWorld) -> None:
        rng = random.Random(NATIONAL_SEED + 5)
        admin = world.users[SIGN_IN_BY_ROLE[Role.NATIONAL_ADMIN].email].pk
        window_rows = []
        for scheme in self.schemes:
            for intake in INTAKES:
                opens, closes, _published, _reply = WINDOWS[intake]
                window_rows.append(
                    {
                        "scheme_id": scheme.pk,
                        "intake": intake,
                        "opens_at": at(opens),
                        "closes_at": at(closes, 17),
                    }
                )
        windows = sync_bulk(
            PreferenceWindow,
            ("scheme_id", "intake"),
            window_rows,
            PreferenceWindow.objects.filter(scheme_id__in=self.scheme_ids()),
        )
        members_by_window: dict[tuple[str, str], list[Member]] = {}
        for member in self.members:
            members_by_window.setdefault((member.scheme.code, member.window), []).append(member)

        list_rows, preference_rows, run_rows, outcomes = [], [], [], []
        for scheme in self.schemes:
            for intake in INTAKES:
                window_pk = windows[(scheme.pk, intake)]
                opens, _closes, published, reply = WINDOWS[intake]
                rotations = self.rotations[(scheme.code, intake)]
                heft = {code for code, pk, _ in rotations if pk in self.heft_rotations}
                codes = [code for code, _, _ in rotations]
                members = sorted(members_by_window.get((scheme.code, intake), []), key=lambda m: m.rank)
                trainees, no_list = [], []
                for member in members:
                    tid = str(member.trainee_pk)
                    if rng.random() < NO_LIST_SHARE:
                        no_list.append(tid)
                        trainees.append({"id": tid, "rank": member.rank, "preferences": []})
                        continue
                    ranked = rng.sample(codes, rng.randint(min(3, len(codes)), len(codes)))
                    if member.mode == ProgrammeMembership.HeftMode.ROTATION:
                        ranked.sort(key=lambda code: code not in heft)  # HEFT rotations first, order kept
                    submitted = at(opens) + datetime.timedelta(hours=rng.randint(1, 24 * 28))
                    list_rows.append(
                        {
                            "window_id": window_pk,
                            "trainee_id": member.trainee_pk,
                            "status": PreferenceList.Status.SUBMITTED,
                            "version": 1,
                            "saved_at": submitted,
                            "submitted_at": submitted,
                        }
                    )
                    rotation_pks = {code: pk for code, pk, _ in rotations}
                    preference_rows.extend(
                        {
                            "window_id": window_pk,
                            "trainee_id": member.trainee_pk,
                            "rotation_id": rotation_pks[code],
                            "rank": rank,
                        }
                        for rank, code in enumerate(ranked, start=1)
                    )
                    trainees.append({"id": tid, "rank": member.rank, "preferences": ranked})
                problem = {
                    "version": 1,
                    "rotations": [{"id": code, "capacity": cap} for code, _, cap in rotations],
                    "trainees": trainees,
                }
                outcome = solve(problem, "serial-dictatorship").to_dict()
                run_rows.append(
                    {
                        "window_id": window_pk,
                        "kind": AllocationRun.Kind.INITIAL,
                        "mechanism": "serial-dictatorship",
                        "seed": outcome["seed"],
                        "engine_version": ENGINE_VERSION,
                        "input_snapshot": problem,
                        "input_digest": outcome["input_digest"],
                        "assignments": outcome["assignments"],
                        "metrics": {
                            **outcome["metrics"],
                            "members": {
                                "count": len(trainees),
                                "no_list": sorted(no_list, key=int),
                                "not_in_run": {},
                                "roll_digest": "",
                            },
                        },
                        "explanations": outcome["explanations"],
                        "status": AllocationRun.Status.PUBLISHED,
                        "created_by_id": admin,
                        "published_by_id": admin,
                        "published_at": at(published),
                    }
                )
                outcomes.append((window_pk, intake, members, trainees, rotations, outcome, reply, published))
        sync_bulk(
            PreferenceList,
            ("window_id", "trainee_id"),
            list_rows,
            PreferenceList.objects.filter(window__scheme_id__in=self.scheme_ids()),
        )
        sync_bulk(
            Preference,
            ("window_id", "trainee_id", "rank"),
            preference_rows,
            Preference.objects.filter(window__scheme_id__in=self.scheme_ids()),
        )
        runs = sync_bulk(
            AllocationRun,
            ("window_id",),
            run_rows,
            AllocationRun.objects.filter(window_id__in=windows.values()),
        )
        offer_rows = []
        self.accepted = {}
        for window_pk, intake, members, trainees, rotations, outcome, reply, published in outcomes:
            rotation_pks = {code: pk for code, pk, _ in rotations}
            preferences = {t["id"]: t["preferences"] for t in trainees}
            for member in members:
                tid = str(member.trainee_pk)
                code = outcome["assignments"].get(tid)
                if code is None:
                    continue
                status = offer_state(intake, member.gmc)
                replied = at(published) + datetime.timedelta(hours=rng.randint(2, 24 * 14))
                offer_rows.append(
                    {
                        "window_id": window_pk,
                        "run_id": runs[(window_pk,)],
                        "trainee_id": member.trainee_pk,
                        "rotation_id": rotation_pks[code],
                        "status": status,
                        "choice": preferences[tid].index(code) + 1 if code in preferences[tid] else None,
                        "explanation": outcome["explanations"].get(tid, ""),
                        "respond_by": at(reply, 17),
                        "responded_at": None if status == Offer.Status.OFFERED else replied,
                    }
                )
                if status == Offer.Status.ACCEPTED:
                    self.accepted[member.pk] = rotation_pks[code]
        sync_bulk(
            Offer,
            ("window_id", "trainee_id"),
            offer_rows,
            Offer.objects.filter(window_id__in=windows.values()),
        )

    # --- placements -----------------------------------------------------------------------------------------

    def national_placements(self, fake: Faker, world: DemoWorld) -> None:
        """The accepted rotation for the intakes already in training (returners from their return, after a
        first post before time out), and the whole of a rotation for the alumni."""
        rows = []

        def place(member: Member, slots, start: datetime.date, rotation_pk: int | None, stop=None) -> None:
            for order, year, _offset, months, post_pk in slots:
                following = add_months(start, math.ceil(months / float(member.wte)))
                end = following - datetime.timedelta(days=1)
                if stop and end >= stop:
                    end = stop - datetime.timedelta(days=1)
                rows.append(
                    {
                        "membership_id": member.pk,
                        "post_id": post_pk,
                        "start_date": start,
                        "end_date": end,
                        "wte": member.wte,
                        "training_year": year,
                        "rotation_id": rotation_pk,
                        "slot_order": order if rotation_pk else None,
                        "months": months,
                    }
                )
                if stop and end < following - datetime.timedelta(days=1):
                    return
                start = following

        first_rotations = {
            key: rotations for key, rotations in self.rotations.items() if key[1] == INTAKES[0]
        }
        for n, member in enumerate(self.alumni):
            rotations = first_rotations[(member.scheme.code, INTAKES[0])]
            rotation_pk = rotations[n % len(rotations)][1]
            place(member, self.slots[rotation_pk], intake_start(member.intake), None)
        for n, member in enumerate(self.members):
            if member.intake == OPEN_INTAKE:
                continue
            if member.returning_to:
                rotations = self.rotations[(member.scheme.code, member.intake)]
                first = self.slots[rotations[n % len(rotations)][1]][:1]
                begins, _ends = self.interruptions[member.pk]
                place(member, first, intake_start(member.intake), None, stop=begins)
                rotation_pk = self.accepted.get(member.pk)
                if rotation_pk and member.returning_to != OPEN_INTAKE:
                    place(member, self.slots[rotation_pk][1:], intake_start(member.returning_to), rotation_pk)
                continue
            rotation_pk = self.accepted.get(member.pk)
            if rotation_pk:
                place(member, self.slots[rotation_pk], intake_start(member.intake), rotation_pk)
        sync_bulk(
            Placement,
            ("membership_id", "start_date"),
            rows,
            Placement.objects.filter(membership__scheme_id__in=self.scheme_ids()),
        )

    # --- teaching -------------------------------------------------------------------------------------------

    def national_teaching(self, fake: Faker, world: DemoWorld) -> None:
        """National and regional sessions for 2024/25 and 2025/26, and 2026/27's regional sessions in the
        regions the demo does not plan, all planned by the timetable engine as the demo's are."""
        region_rows = {r.code: r for r in Region.objects.filter(code__in=REGIONS)}
        years = []
        for label, start, end, conference, christmas in TEACHING_YEARS:
            spec = copy.deepcopy(demo_teaching.NATIONAL_SPEC)
            spec["academic_year"] = {"start": start, "end": end}
            spec["conference"] = {**spec["conference"], "date": conference[0], "end_date": conference[1]}
            spec["blackouts"] = [{"from": christmas[0], "to": christmas[1], "reason": "Christmas break"}]
            years.append((label, spec, set(REGIONS)))
        years.append(("2026/27", demo_teaching.NATIONAL_SPEC, set(REGIONS) - set(demo_teaching.REGIONS)))
        for label, spec, regions in years:
            parsed = parse_spec(spec)
            year, _ = TeachingYear.objects.update_or_create(
                start=parsed.year_start, defaults={"label": label, "end": parsed.year_end}
            )
            national = plan_national(parsed)
            if spec is not demo_teaching.NATIONAL_SPEC:
                demo_teaching._save(year, None, spec, national)
            for code in sorted(regions):
                region = region_rows[code]
                region_spec = {
                    **{key: value for key, value in spec.items() if key != "conference"},
                    "regional": {"name": region.name, "every_weeks": 8},
                }
                demo_teaching._save(
                    year, region, region_spec, plan_regional(parse_spec(region_spec), national.sessions)
                )

    def national_attendance(self, fake: Faker, world: DemoWorld) -> None:
        """Registers for the sessions already over, for the national trainees in HEFT teaching then: in
        training on the day (started, not yet completed, not out of programme), and in the session's region
        for regional sessions. Who came is drawn from the session and the trainee, so every load draws the
        same; some who came left feedback."""
        now = timezone.now()
        labels = [label for label, *_ in TEACHING_YEARS] + ["2026/27"]
        sessions = list(
            TeachingSession.objects.filter(
                year__label__in=labels, status=TeachingSession.Status.PUBLISHED, end__lt=now
            )
            .exclude(kind=TeachingSession.Kind.COMMUNITY)
            .order_by("start", "pk")
        )
        people = []
        for member in [*self.alumni, *self.members]:
            if member.mode == ProgrammeMembership.HeftMode.NONE:
                continue
            start = intake_start(member.intake)
            if member.status == ProgrammeMembership.Status.COMPLETED:
                end = add_months(start, 36) - datetime.timedelta(days=1)
            else:
                end = datetime.date.max
            away = self.interruptions.get(member.pk)
            people.append((member, start, end, away, self.regions[member.scheme.region]))
        attendance, feedback = [], []
        for session in sessions:
            day = timezone.localtime(session.start, LONDON).date()
            tag = f"{session.kind}|{session.region_id}|{session.start.isoformat()}"
            for member, start, end, away, region_pk in people:
                if not start <= day <= end:
                    continue
                if away and away[0] <= day and (away[1] is None or day <= away[1]):
                    continue
                if session.kind == TeachingSession.Kind.REGIONAL and session.region_id != region_pk:
                    continue
                roll = draw(tag, member.gmc)
                status = "attended" if roll < ATTENDED else "apologies" if roll < APOLOGIES else "absent"
                attendance.append(
                    {
                        "session_id": session.pk,
                        "trainee_id": member.trainee_pk,
                        "status": status,
                        "source": Attendance.Source.REGISTER,
                        "recorded_by_id": None,
                    }
                )
                second = draw(tag, member.gmc, "feedback")
                if status == "attended" and second < FEEDBACK_SHARE:
                    feedback.append(
                        {
                            "session_id": session.pk,
                            "trainee_id": member.trainee_pk,
                            "rating": (3, 4, 4, 5, 5)[second % 5],
                            "what_worked": demo_teaching.WORKED[second % len(demo_teaching.WORKED)],
                            "what_to_change": demo_teaching.CHANGE[second % len(demo_teaching.CHANGE)],
                        }
                    )
        session_ids = [s.pk for s in sessions]
        national = Q(trainee__email__endswith=f"@{NATIONAL_EMAIL_DOMAIN}")
        sync_bulk(
            Attendance,
            ("session_id", "trainee_id"),
            attendance,
            Attendance.objects.filter(national, session_id__in=session_ids),
        )
        sync_bulk(
            Feedback,
            ("session_id", "trainee_id"),
            feedback,
            Feedback.objects.filter(national, session_id__in=session_ids),
        )
