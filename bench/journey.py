"""Journey engines benchmark: `python -m bench.journey [--quick] [--no-report]` from the repository root.

Times the framework-free engines behind the trainee's journey on seeded, invented instances (generated ids
and codes, no real names), calling their public functions as the apps do:

- `heft/engines/cct`: reading a spec in its JSON form (`spec_from_dict`), the CCT date alone (`cct_date`) and
  the estimate with its steps, 14-day review and flags (`estimate`), each call timed on its own, for 10,000
  specs (full time; LTFT changes at standard and at non-standard WTEs; time out of every kind with inclusive
  dates; LTFT and time out together); and `curriculum_check` on 10,000 rotations of posts.
- `heft/engines/grouping`: `form_groups` and `match_mentors`, with the model dataclasses as
  heft/community/services.py passes them, for a region of 300 trainees, three regions (900) and a national
  instance of ten regions (3,000) in one call, and the ten regions one call each (a patch is a region).

Every answer is checked before its time is reported: CCT dates against a day-by-day count written from ADR
0006, the curriculum check against an independent count of months, group sizes within the range and every
lead within capacity, every mentor within capacity, as many matched as places allow and the fewest long
journeys (a min-cost flow over classes of trainees and mentors). Peak traced memory (tracemalloc) is taken
in a separate, untimed run on the largest instance. Matching in one call is skipped at a size projected to
take over 30 seconds (the report says so). Writes its section of docs/benchmarks.md unless --no-report;
--quick runs small sizes and leaves the docs alone.
"""

from __future__ import annotations

import argparse
import calendar
import dataclasses
import datetime
import gc
import os
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Sequence
from fractions import Fraction
from importlib import metadata
from pathlib import Path

from ortools.graph.python import min_cost_flow
from scipy.optimize import linear_sum_assignment

from bench._report import write_section
from heft.engines.cct import (
    OUT_KINDS,
    CctSpec,
    PostTime,
    Requirement,
    cct_date,
    curriculum_check,
    estimate,
    spec_from_dict,
)
from heft.engines.grouping import Grouping, Matching, Member, Mentor, form_groups, match_mentors
from heft.engines.grouping.groups import group_count
from heft.engines.grouping.matching import cost_table
from heft.engines.grouping.shares import shares

ROOT = Path(__file__).resolve().parents[1]
SEED = 20260805
ONE_DAY = datetime.timedelta(days=1)

# --- sizes --------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Sizes:
    specs: int  # CCT specs, as many of each kind
    rotations: int  # rotations of posts for the curriculum check
    reference_sample: int  # specs also counted day by day
    passes: int  # timed passes over every spec and rotation
    region_trainees: int
    regions: tuple[int, ...]  # instances for grouping and matching: this many regions in one call


FULL = Sizes(
    specs=10_000, rotations=10_000, reference_sample=500, passes=3, region_trainees=300, regions=(1, 3, 10)
)
QUICK = Sizes(specs=250, rotations=250, reference_sample=25, passes=2, region_trainees=40, regions=(1, 2, 4))

GROUP_SIZE = (6, 10)  # members per community of practice
MENTORS_PER_TRAINEE = 1 / 5
LEAD_ROOM = (0, 24)  # trainees a mentor has room to lead (every member of every group they lead counts)
MENTEE_ROOM = (0, 8)  # mentees a mentor has room for
INTERESTS = tuple(f"interest-{i:02d}" for i in range(1, 13))
MATCH_LIMIT_SECONDS = 30.0  # one call of match_mentors projected to take longer is not run
TRACE_SLOWDOWN = 12  # a traced run of match_mentors takes about this many times as long (its Python loop)
TRACE_LIMIT_SECONDS = 60.0

# --- CCT specs and rotations --------------------------------------------------------------------------------

STANDARD_WTES = (1.0, 0.8, 0.7, 0.6, 0.5)
OTHER_WTES = (0.9, 0.85, 0.75, 0.65, 0.55, 0.4)
SPEC_KINDS = (
    "full time",
    "LTFT at standard WTEs",
    "LTFT at non-standard WTEs",
    "time out",
    "LTFT and time out",
)
COUNTS_UNLESS_DECIDED = frozenset({"OOPT", "sick"})  # ADR 0006: the rest extends training
NOTICE = datetime.timedelta(weeks=16)


def generate_specs(count: int, seed: int = SEED) -> list[tuple[str, dict]]:
    """(kind, spec in the CLI's JSON form), as many of each kind, seeded."""
    rng = random.Random(seed)
    specs = []
    for number in range(count):
        kind = SPEC_KINDS[number % len(SPEC_KINDS)]
        start = _start_date(rng)
        data: dict = {"start": start.isoformat()}
        events: list[dict] = []
        if kind == "LTFT at standard WTEs":
            events = _ltft_events(rng, start, STANDARD_WTES, rng.randint(1, 3))
        elif kind == "LTFT at non-standard WTEs":
            events = _ltft_events(rng, start, OTHER_WTES, rng.randint(1, 3))
        elif kind == "time out":
            events = _time_out_events(rng, start, rng.randint(1, 3))
        elif kind == "LTFT and time out":
            events = _ltft_events(rng, start, STANDARD_WTES + OTHER_WTES, rng.randint(1, 2))
            events += _time_out_events(rng, start, rng.randint(1, 2))
            rng.shuffle(events)  # the engine puts them in date order
        if kind.startswith("LTFT") and rng.random() < 0.3:
            data["wte"] = rng.choice(STANDARD_WTES[1:] if kind == "LTFT at standard WTEs" else OTHER_WTES)
        if events:
            data["events"] = events
        specs.append((kind, data))
    return specs


def _start_date(rng: random.Random) -> datetime.date:
    year, roll = rng.randint(2024, 2027), rng.random()
    if roll < 0.4:
        return datetime.date(year, 8, rng.randint(1, 7))
    if roll < 0.7:
        return datetime.date(year, 2, rng.randint(1, 7))
    return datetime.date(2024, 1, 1) + ONE_DAY * rng.randrange(4 * 365 + 1)  # any day, 29 February 2024 too


def _ltft_events(rng: random.Random, start: datetime.date, wtes: Sequence[float], count: int) -> list[dict]:
    events, day = [], start
    for _ in range(count):
        day += ONE_DAY * rng.randint(30, 480)
        event = {"ltft": rng.choice(wtes), "from": day.isoformat()}
        if rng.random() < 0.7:  # some at short notice (under 16 weeks)
            event["requested"] = (day - ONE_DAY * rng.randint(0, 280)).isoformat()
        events.append(event)
    return events


def _time_out_events(rng: random.Random, start: datetime.date, count: int) -> list[dict]:
    events, day = [], start + ONE_DAY * rng.randint(0, 400)
    for _ in range(count):
        last = day + ONE_DAY * rng.choice((0, rng.randint(1, 30), rng.randint(31, 540)))  # inclusive
        event = {"out": rng.choice(list(OUT_KINDS)), "from": day.isoformat(), "to": last.isoformat()}
        if rng.random() < 0.25:
            event["counts"] = rng.random() < 0.5
        events.append(event)
        day = last + ONE_DAY * rng.randint(1, 400)
    return events


def reference_cct(data: dict) -> datetime.date:
    """The CCT date counted one day at a time in hundredths of a day, written from ADR 0006 rather than from
    the engine: training needs the days from the start to the same date 36 months later at full time; each
    day earns its WTE, a day of time out that does not count earns nothing; the CCT date is the day the
    total is reached."""
    start = datetime.date.fromisoformat(data["start"])
    year, month = start.year + 3, start.month
    needed = (
        datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1])) - start
    ).days * 100
    events = data.get("events", [])
    changes = sorted(
        (datetime.date.fromisoformat(e["from"]), round(e["ltft"] * 100)) for e in events if "ltft" in e
    )
    stopped = set()
    for event in events:
        if "out" in event and not event.get("counts", event["out"] in COUNTS_UNLESS_DECIDED):
            first, last = datetime.date.fromisoformat(event["from"]), datetime.date.fromisoformat(event["to"])
            stopped.update(first + ONE_DAY * k for k in range((last - first).days + 1))
    rate, done, day = round(data.get("wte", 1) * 100), 0, start
    while True:
        while changes and changes[0][0] <= day:
            rate = changes.pop(0)[1]
        if day not in stopped:
            done += rate
            if done >= needed:
                return day
        day += ONE_DAY


def generate_rotations(count: int, seed: int = SEED) -> list[tuple[list[PostTime], Requirement]]:
    """Rotations of 4-, 6- and 12-month posts (a fifth of them LTFT) up to 36 months WTE, 30% cut short (in
    progress), each with the default requirement or a region's own (18 months in general practice)."""
    rng = random.Random(seed + 1)
    rotations = []
    for _ in range(count):
        start = datetime.date(rng.randint(2024, 2027), rng.choice((2, 8)), rng.randint(1, 28))
        posts: list[PostTime] = []
        months_wte = 0.0
        while months_wte < 36:
            months = rng.choice((4, 6, 6, 12))
            wte = rng.choice(STANDARD_WTES[1:] + OTHER_WTES) if rng.random() < 0.2 else 1.0
            end = _months_later(start, months) - ONE_DAY
            posts.append(PostTime(start, end, Fraction(str(wte)), rng.random() < 0.5))
            months_wte += months * wte
            start = end + ONE_DAY
        if rng.random() < 0.3:
            posts = posts[: rng.randint(1, len(posts))]
        requirement = Requirement() if rng.random() < 0.8 else Requirement(gp_months=18)
        rotations.append((posts, requirement))
    return rotations


def _months_later(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months  # days 1 to 28 only: no month is too short
    return datetime.date(day.year + index // 12, index % 12 + 1, day.day)


def reference_curriculum(posts: list[PostTime], requirement: Requirement) -> tuple:
    """(months in posts, GP months, GP met, complete, final-year GP months, final year met), counted from
    whole calendar months of each post times its WTE."""
    months = []
    for post in posts:
        stop = post.end + ONE_DAY
        assert stop.day == post.start.day, "the generator makes posts of whole calendar months"
        whole = (stop.year - post.start.year) * 12 + stop.month - post.start.month
        months.append((whole * post.wte, post.general_practice, post.end))
    total = sum((m for m, _, _ in months), Fraction(0))
    gp = sum((m for m, in_gp, _ in months if in_gp), Fraction(0))
    complete = total >= 35  # within a month of 36
    final = None
    if complete:
        left, final = Fraction(12), Fraction(0)
        for taken, in_gp, _ in sorted(months, key=lambda m: m[2], reverse=True):
            taken = min(taken, left)
            final += taken if in_gp else 0
            left -= taken
            if left <= 0:
                break
    final_met = None if final is None else final >= requirement.final_year_gp_months
    return total, gp, gp >= requirement.gp_months, complete, final, final_met


# --- people for grouping and matching ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Region:
    members: list[Member]  # with their group's lead as preferred mentor, as services.py passes them
    leads: list[Mentor]  # mentors with their room to lead groups
    mentors: list[Mentor]  # the same mentors with their room for mentees
    localities: int
    areas: int


@dataclasses.dataclass(frozen=True)
class Instance:
    name: str
    regions: list[Region]

    def joined(self, field: str) -> list:
        return [item for region in self.regions for item in getattr(region, field)]

    @property
    def trainees(self) -> int:
        return sum(len(r.members) for r in self.regions)

    @property
    def places(self) -> int:
        return sum(m.capacity for m in self.joined("mentors"))


def generate_region(index: int, trainees: int, seed: int = SEED) -> Region:
    """One region: localities (schemes) in areas (schools), one in ten without an area; locality sizes
    log-normal, so some are too small for a group of their own; one mentor per five trainees."""
    rng = random.Random(seed * 100 + index)
    prefix = f"R{index:02d}"
    areas = [f"{prefix}-A{a}" for a in range(max(2, trainees // 75))]
    localities = [
        (f"{prefix}-L{i:02d}", "" if i % 10 == 9 else areas[i % len(areas)])
        for i in range(max(4, trainees // 15))
    ]
    weights = [rng.lognormvariate(0, 0.9) for _ in localities]
    members = []
    for number in range(trainees):
        locality, area = rng.choices(localities, weights)[0]
        members.append(
            Member(
                id=f"{prefix}-T{number:04d}",
                locality=locality,
                area=area,
                year=0 if rng.random() < 0.05 else rng.randint(1, 3),
                mode="rotation" if rng.random() < 0.7 else "enrolment_only",
                interests=_interests(rng),
            )
        )
    leads, mentors = [], []
    for number in range(max(2, round(trainees * MENTORS_PER_TRAINEE))):
        locality, area = rng.choices(localities, weights)[0]
        person = {
            "id": f"{prefix}-M{number:03d}",
            "locality": locality,
            "area": area,
            "interests": _interests(rng),
        }
        leads.append(Mentor(**person, capacity=rng.randint(*LEAD_ROOM)))
        mentors.append(Mentor(**person, capacity=rng.randint(*MENTEE_ROOM)))
    grouping = form_groups(members, leads, min_size=GROUP_SIZE[0], max_size=GROUP_SIZE[1])
    lead_of = {m.id: g.lead.id for g in grouping.groups if g.lead for m in g.members}
    members = [dataclasses.replace(m, preferred_mentor=lead_of.get(m.id)) for m in members]
    return Region(members, leads, mentors, len(localities), len(areas))


def _interests(rng: random.Random) -> frozenset[str]:
    return frozenset(rng.sample(INTERESTS, rng.randint(0, 3)))


def instances(sizes: Sizes) -> list[Instance]:
    regions = [generate_region(index, sizes.region_trainees) for index in range(max(sizes.regions))]
    names = {1: "region", max(sizes.regions): "national"}
    return [Instance(names.get(count, f"{count} regions"), regions[:count]) for count in sizes.regions]


# --- checks -------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def combine(checks: list[list[Check]]) -> list[Check]:
    """Checks made region by region, one row each: all must hold."""
    return [
        Check(
            rows[0].name,
            all(c.ok for c in rows),
            "; ".join(c.detail for c in rows if not c.ok) or "all regions",
        )
        for rows in zip(*checks, strict=True)
    ]


def distance(a_locality: str, a_area: str, b_locality: str, b_area: str) -> int:
    """0 same locality, 1 same area, 2 a long journey (ADR 0006), written here apart from the engine."""
    if a_locality == b_locality:
        return 0
    return 1 if a_area and a_area == b_area else 2


def grouping_checks(members: list[Member], leads: list[Mentor], result: Grouping) -> list[Check]:
    low, high = GROUP_SIZE
    placed = [m.id for g in result.groups for m in g.members]
    everyone = sorted(placed + list(result.unplaced)) == sorted(m.id for m in members)
    explained = all(result.unplaced.values())
    sizes = [len(g.members) for g in result.groups]
    capacity = {m.id: m.capacity for m in leads}
    load: Counter[str] = Counter()
    for group in result.groups:
        if group.lead:
            load[group.lead.id] += len(group.members)
    over = [lead for lead, n in load.items() if n > capacity.get(lead, -1)]
    fullest = max(load, key=lambda lead: load[lead] / max(capacity.get(lead, 0), 1), default=None)
    leaderless = [g for g in result.groups if g.lead is None]
    return [
        Check(
            "everyone placed once, or left out with a reason",
            everyone and explained and len(placed) == len(set(placed)),
            f"{len(placed):,} placed, {len(result.unplaced):,} left out",
        ),
        Check(
            f"every group has {low} to {high} members",
            bool(sizes) and all(low <= n <= high for n in sizes),
            f"{min(sizes, default=0)}-{max(sizes, default=0)} in {len(sizes):,} groups",
        ),
        Check(
            "every lead within capacity (every member of every group they lead)",
            not over,
            f"{len(over)} over; fullest {load[fullest]}/{capacity.get(fullest)}" if fullest else "no leads",
        ),
        Check(
            "every group without a lead says why",
            all(any("choose a lead by hand" in r for r in g.reasons) for g in leaderless),
            f"{len(leaderless)} without a lead",
        ),
        _shared_out_check(members, result),
    ]


def _shared_out_check(members: list[Member], result: Grouping) -> Check:
    """A locality's own groups each get their share of its training years and HEFT modes (counts differ by
    at most one), counting its own trainees: others who joined from elsewhere come on top."""
    uneven, localities = 0, 0
    for locality in sorted({m.locality for m in members}):
        own = [g for g in result.groups if any(r.startswith(f"{locality}: ") for r in g.reasons)]
        localities += bool(own)
        for attribute in ("year", "mode"):
            for value in {getattr(m, attribute) for m in members if m.locality == locality}:
                counts = [
                    sum(1 for m in g.members if m.locality == locality and getattr(m, attribute) == value)
                    for g in own
                ]
                uneven += bool(counts) and max(counts) - min(counts) > 1
    return Check(
        "each locality's own groups: every training year and HEFT mode shared out evenly (1 apart at most)",
        uneven == 0,
        f"{uneven} uneven in {localities} localities",
    )


def matching_checks(members: list[Member], mentors: list[Mentor], result: Matching) -> list[Check]:
    capacity = {m.id: m.capacity for m in mentors}
    load = Counter(result.pairs.values())
    over = [mentor for mentor, n in load.items() if n > capacity.get(mentor, -1)]
    ids = {m.id for m in members}
    covered = set(result.pairs) | set(result.unmatched) == ids and not set(result.pairs) & set(
        result.unmatched
    )
    by_id = {m.id: m for m in mentors}
    tiers = Counter(
        distance(m.locality, m.area, by_id[result.pairs[m.id]].locality, by_id[result.pairs[m.id]].area)
        for m in members
        if m.id in result.pairs and result.pairs[m.id] in by_id
    )
    most = min(len(members), sum(capacity.values()))
    best_long, best_area = fewest_journeys(members, mentors)
    return [
        Check(
            "every mentor within capacity",
            not over,
            f"{len(over)} over; {sum(1 for m in capacity if load[m] == capacity[m] > 0)} full",
        ),
        Check(
            "every trainee matched or told why, not both",
            covered and all(result.why.get(t) for t in result.pairs) and all(result.unmatched.values()),
            f"{len(result.pairs):,} matched, {len(result.unmatched):,} not",
        ),
        Check(
            "as many matched as places allow",
            len(result.pairs) == most,
            f"{len(result.pairs):,} of min({len(members):,} trainees, {sum(capacity.values()):,} places)",
        ),
        Check(
            "fewest long journeys, then fewest beyond the locality (min-cost flow over classes)",
            (tiers[2], tiers[1]) == (best_long, best_area),
            f"{tiers[2]:,} long, {tiers[1]:,} same area; fewest possible {best_long:,}, {best_area:,}",
        ),
    ]


def fewest_journeys(members: list[Member], mentors: list[Mentor]) -> tuple[int, int]:
    """(long journeys, journeys within the area) of the best matching that matches as many as possible: a
    min-cost max-flow (OR-Tools) over classes of trainees, and of mentors' places, sharing locality and area.
    A long journey costs more than every other journey together."""
    trainees = Counter((m.locality, m.area) for m in members)
    places: Counter[tuple[str, str]] = Counter()
    for mentor in mentors:
        places[(mentor.locality, mentor.area)] += mentor.capacity
    places = Counter({k: n for k, n in places.items() if n})
    cost = {0: 0, 1: 1, 2: len(members) + 1}
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1 + len(trainees) + len(places)
    tiers = {}
    for i, (key, count) in enumerate(trainees.items(), start=1):
        flow.add_arc_with_capacity_and_unit_cost(source, i, count, 0)
        for j, other in enumerate(places, start=1 + len(trainees)):
            tier = distance(*key, *other)
            tiers[flow.add_arc_with_capacity_and_unit_cost(i, j, count, cost[tier])] = tier
    for j, count in enumerate(places.values(), start=1 + len(trainees)):
        flow.add_arc_with_capacity_and_unit_cost(j, sink, count, 0)
    flow.set_node_supply(source, len(members))
    flow.set_node_supply(sink, -len(members))
    assert flow.solve_max_flow_with_min_cost() == flow.OPTIMAL
    journeys = Counter(dict.fromkeys(cost, 0))
    for arc, tier in tiers.items():
        journeys[tier] += flow.flow(arc)
    return journeys[2], journeys[1]


def cct_checks(specs: list[tuple[str, dict]], parsed: list[CctSpec], sample: int) -> tuple[list[Check], list]:
    estimates = [estimate(spec) for spec in parsed]
    dates = [cct_date(spec) for spec in parsed]
    step = max(1, len(specs) // sample)
    sampled = list(range(0, len(specs), step))[:sample]
    disagree = [i for i in sampled if reference_cct(specs[i][1]) != estimates[i].cct]
    earlier = 0
    steps_wrong = flags_wrong = 0
    for (_, data), spec, result in zip(specs, parsed, estimates, strict=True):
        year, month = spec.start.year + 3, spec.start.month
        full_time_end = (
            datetime.date(year, month, min(spec.start.day, calendar.monthrange(year, month)[1])) - ONE_DAY
        )
        earlier += result.cct < full_time_end
        events = data.get("events", [])
        steps_wrong += (
            len(result.steps) != 1 + len(events) + result.review.needed or result.steps[-1].cct != result.cct
        )
        changes = [e for e in events if "ltft" in e]
        approval = sum(1 for e in changes if e["ltft"] not in STANDARD_WTES)
        short = sum(
            1
            for e in changes
            if "requested" in e
            and datetime.date.fromisoformat(e["from"]) - datetime.date.fromisoformat(e["requested"]) < NOTICE
        )
        flagged = Counter(
            "needs approval" if "not a standard pattern" in f else "short" for f in result.flags
        )
        flags_wrong += (flagged["needs approval"], flagged["short"]) != (approval, short)
    mismatched = sum(1 for d, e in zip(dates, estimates, strict=True) if d != e.cct)
    checks = [
        Check(
            "`estimate` equals a day-by-day count written from ADR 0006 (sampled specs)",
            not disagree,
            f"{len(sampled) - len(disagree):,} of {len(sampled):,} agree",
        ),
        Check(
            "`cct_date` equals `estimate(...).cct`",
            not mismatched,
            f"{len(specs) - mismatched:,} of {len(specs):,}",
        ),
        Check(
            "no CCT date before full-time training would end (start + 36 months - 1 day)",
            not earlier,
            f"{earlier} earlier",
        ),
        Check(
            "a step per event plus the opening (and the review when due), ending at the estimate",
            not steps_wrong,
            f"{steps_wrong} wrong",
        ),
        Check(
            "non-standard WTEs flagged for approval, under 16 weeks' notice flagged, and no others",
            not flags_wrong,
            f"{flags_wrong} wrong",
        ),
    ]
    return checks, estimates


def curriculum_checks(rotations: list[tuple[list[PostTime], Requirement]]) -> list[Check]:
    wrong = 0
    met = Counter()
    for posts, requirement in rotations:
        check = curriculum_check(posts, requirement)
        got = (
            check.months_in_posts,
            check.gp_months,
            check.gp_met,
            check.complete,
            check.final_year_gp_months,
            check.final_year_met,
        )
        wrong += got != reference_curriculum(posts, requirement)
        met[(check.gp_met, check.final_year_met)] += 1
    return [
        Check(
            "`curriculum_check`: months, GP months, final-year GP months and met / not met equal an "
            "independent count (every rotation)",
            not wrong,
            f"{len(rotations) - wrong:,} of {len(rotations):,} agree; both met {met[(True, True)]:,}",
        )
    ]


# --- timing -------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PerCall:
    calls: int
    median: float
    p99: float
    max: float
    pass_median: float  # one pass over every input
    pass_max: float


def per_call(function: Callable, inputs: Sequence, passes: int) -> list[list[float]]:
    """Seconds of each call (time.perf_counter around it), pass by pass over every input."""
    timings = []
    for _ in range(passes):
        gc.collect()
        this_pass = []
        for item in inputs:
            start = time.perf_counter()
            function(item)
            this_pass.append(time.perf_counter() - start)
        timings.append(this_pass)
    return timings


def summarise(timings: list[list[float]], only: Sequence[int] | None = None) -> PerCall:
    rows = [[p[i] for i in only] for p in timings] if only is not None else timings
    every = sorted(t for p in rows for t in p)
    totals = [sum(p) for p in rows]
    p99 = every[min(len(every) - 1, max(0, -(-99 * len(every) // 100) - 1))]  # nearest rank
    return PerCall(
        len(rows[0]), statistics.median(every), p99, every[-1], statistics.median(totals), max(totals)
    )


def runs(run: Callable[[], object], limit: float | None = None) -> tuple[list[float], object]:
    """Seconds of several runs (7 for quick work, fewer for slow, one past `limit`) and the last result."""
    seconds, result = _once(run)
    count = 7 if seconds < 0.2 else 5 if seconds < 1 else 3 if seconds < 10 else 1
    if limit is not None and seconds > limit:
        count = 1
    times = [seconds]
    for _ in range(count - 1):
        seconds, result = _once(run)
        times.append(seconds)
    return times, result


def _once(run: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def traced(run: Callable[[], object]) -> tuple[float, float]:
    """(peak traced MB above what was allocated before, seconds): tracemalloc, in a run of its own."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        start = time.perf_counter()
        run()
        seconds = time.perf_counter() - start
        return (tracemalloc.get_traced_memory()[1] - before) / 1024**2, seconds
    finally:
        tracemalloc.stop()


# --- the run ------------------------------------------------------------------------------------------------


def measure_cct(sizes: Sizes) -> dict:
    print(f"cct: generating {sizes.specs:,} specs and {sizes.rotations:,} rotations", file=sys.stderr)
    specs = generate_specs(sizes.specs)
    data = [d for _, d in specs]
    parsed = [spec_from_dict(d) for d in data]
    rotations = generate_rotations(sizes.rotations)
    checks, estimates = cct_checks(specs, parsed, sizes.reference_sample)
    checks += curriculum_checks(rotations)
    estimate(parsed[0]), curriculum_check(*rotations[0])  # warm up
    print("cct: timing", file=sys.stderr)
    kinds = {kind: [i for i, (k, _) in enumerate(specs) if k == kind] for kind in SPEC_KINDS}
    estimates_timed = per_call(estimate, parsed, sizes.passes)
    return {
        "specs": len(specs),
        "rotations": len(rotations),
        "passes": sizes.passes,
        "events": Counter(len(d.get("events", [])) for d in data),
        "reviews": sum(e.review.needed for e in estimates),
        "flagged": sum(bool(e.flags) for e in estimates),
        "parse": summarise(per_call(spec_from_dict, data, sizes.passes)),
        "cct_date": summarise(per_call(cct_date, parsed, sizes.passes)),
        "estimate": summarise(estimates_timed),
        "by_kind": {kind: summarise(estimates_timed, indices) for kind, indices in kinds.items()},
        "curriculum": summarise(per_call(lambda r: curriculum_check(*r), rotations, sizes.passes)),
        "checks": checks,
    }


def measure_grouping(every: list[Instance]) -> dict:
    national = every[-1]
    low, high = GROUP_SIZE
    rows, checks = [], {}
    for instance in every:
        print(f"grouping: form_groups on {instance.name} ({instance.trainees:,} trainees)", file=sys.stderr)
        members, leads = instance.joined("members"), instance.joined("leads")
        times, result = runs(
            lambda m=members, leads=leads: form_groups(m, leads, min_size=low, max_size=high)
        )
        rows.append({"instance": instance, "times": times, "result": result})
        checks[instance.name] = grouping_checks(members, leads, result)
    print("grouping: form_groups region by region", file=sys.stderr)
    by_region_times, results = runs(
        lambda: [form_groups(r.members, r.leads, min_size=low, max_size=high) for r in national.regions]
    )
    checks[f"{national.name}, by region"] = combine(
        [grouping_checks(r.members, r.leads, g) for r, g in zip(national.regions, results, strict=True)]
    )
    members, leads = national.joined("members"), national.joined("leads")
    print(f"grouping: traced form_groups on {national.name}", file=sys.stderr)
    return {
        "rows": rows,
        "by_region": {"times": by_region_times, "groups": sum(len(g.groups) for g in results)},
        "shares": time_shares(every[0]),
        "checks": checks,
        "memory": traced(lambda: form_groups(members, leads, min_size=low, max_size=high)),
    }


def time_shares(instance: Instance) -> dict:
    """Where a region's time goes: each locality's shares of years and modes (a CP-SAT programme apiece),
    timed apart, outside `form_groups`, for the localities with enough trainees for a group."""
    low, high = GROUP_SIZE
    members = instance.joined("members")
    seconds, programmes = 0.0, 0
    for locality in sorted({m.locality for m in members}):
        people = [m for m in members if m.locality == locality]
        count = group_count(len(people), low, high)
        if count:
            placed = sorted(people, key=lambda m: (m.year, m.mode, m.id))[: count * high]
            seconds += _once(lambda p=placed, c=count: shares(p, c))[0]
            programmes += 1
    return {"instance": instance.name, "seconds": seconds, "programmes": programmes}


def measure_matching(every: list[Instance]) -> tuple[dict, dict]:
    rows, checks = [], {}
    previous = None
    for instance in every:
        members, mentors = instance.joined("members"), instance.joined("mentors")
        cells = len(members) * instance.places
        row: dict = {"instance": instance, "cells": cells, "times": None, "projected": None}
        if previous is not None:
            row["projected"] = statistics.median(previous["times"]) * cells / previous["cells"]
            if row["projected"] > MATCH_LIMIT_SECONDS:
                print(
                    f"matching: {instance.name} projected {row['projected']:.0f} s: not run", file=sys.stderr
                )
                rows.append(row)
                continue
        print(f"matching: match_mentors on {instance.name} ({cells:,} cost cells)", file=sys.stderr)
        row["times"], result = runs(
            lambda m=members, t=mentors: match_mentors(m, t), limit=MATCH_LIMIT_SECONDS
        )
        row["matched"], row["long"] = len(result.pairs), result.long_journeys
        row["area"] = sum(1 for d in result.distance.values() if d == 1)
        checks[instance.name] = matching_checks(members, mentors, result)
        rows.append(row)
        previous = row
    national = every[-1]
    print("matching: match_mentors region by region", file=sys.stderr)
    by_region_times, results = runs(lambda: [match_mentors(r.members, r.mentors) for r in national.regions])
    checks[f"{national.name}, by region"] = combine(
        [matching_checks(r.members, r.mentors, m) for r, m in zip(national.regions, results, strict=True)]
    )
    by_region = {
        "times": by_region_times,
        "cells": sum(len(r.members) * sum(m.capacity for m in r.mentors) for r in national.regions),
        "matched": sum(len(m.pairs) for m in results),
        "long": sum(m.long_journeys for m in results),
        "area": sum(1 for m in results for d in m.distance.values() if d == 1),
    }
    # Where one run's time goes, on the largest instance matched below national size (or the region).
    timed = [row for row in rows if row["times"]]
    middle = timed[-2] if len(timed) > 1 else timed[-1]
    members = sorted(middle["instance"].joined("members"), key=lambda m: m.id)  # as match_mentors does
    mentors = sorted(middle["instance"].joined("mentors"), key=lambda m: m.id)
    places = [mentor for mentor in mentors for _ in range(mentor.capacity)]
    table_seconds, table = _once(lambda: cost_table(members, places))
    assignment_seconds, _ = _once(lambda: linear_sum_assignment(table))
    split = {"instance": middle["instance"].name, "table": table_seconds, "assignment": assignment_seconds}
    fits = [row for row in timed if statistics.median(row["times"]) * TRACE_SLOWDOWN <= TRACE_LIMIT_SECONDS]
    largest = (fits or timed[:1])[-1]
    print(f"matching: traced match_mentors on {largest['instance'].name}", file=sys.stderr)
    instance = largest["instance"]
    memory = traced(lambda: match_mentors(instance.joined("members"), instance.joined("mentors")))
    table_mb = largest["cells"] * 8 / 1024**2
    return {
        "rows": rows,
        "by_region": by_region,
        "split": split,
        "memory": {"instance": instance.name, "mb": memory[0], "seconds": memory[1], "table_mb": table_mb},
    }, checks


def run(sizes: Sizes) -> dict:
    started, load = time.perf_counter(), load_average()
    gc.freeze()  # whatever the process already holds (imports; a test run's heap) is left out of collections
    try:
        results: dict = {"sizes": sizes, "cct": measure_cct(sizes)}
        print("grouping: generating regions", file=sys.stderr)
        results["instances"] = every = instances(sizes)
        results["groups"] = measure_grouping(every)
        results["matches"], results["match_checks"] = measure_matching(every)
    finally:
        gc.unfreeze()
    results.update(
        load_before=load, load_after=load_average(), seconds=time.perf_counter() - started, machine=machine()
    )
    results["date"] = datetime.date.today().isoformat()
    return results


def all_checks(results: dict) -> list[Check]:
    checks = list(results["cct"]["checks"])
    for table in (results["groups"]["checks"], results["match_checks"]):
        checks += [c for rows in table.values() for c in rows]
    return checks


# --- the report ---------------------------------------------------------------------------------------------


def load_average() -> str:
    return "{:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())


def machine() -> str:
    with open("/proc/cpuinfo") as cpuinfo:
        cpu = next(
            (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
            platform.processor() or "unknown CPU",
        )
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("numpy", "scipy", "ortools"))
    return (
        f"{cpu}, {os.cpu_count()} cores, {ram_gb:.0f} GB RAM; Python {platform.python_version()}; {versions}"
    )


def _time(seconds: float | None) -> str:
    if seconds is None:
        return "not run"
    if seconds < 0.001:
        return f"{seconds * 1e6:,.1f} µs" if seconds < 1e-5 else f"{seconds * 1e6:,.0f} µs"
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def report(results: dict) -> str:
    sizes: Sizes = results["sizes"]
    how = (
        "Measured by `python -m bench.journey` (full sizes"
        if sizes == FULL
        else "Printed by `python -m bench.journey --quick` (small sizes, never written to the docs"
    )
    lines = [
        "## Trainee's journey engines: CCT estimate, communities of practice, mentor matching",
        "",
        f"Machine: {results['machine']}. Run on {results['date']}; load average (1 / 5 / 15 min) when the "
        f"run began: {results['load_before']}; when it ended: {results['load_after']}. The machine is "
        f"shared, so other work inflates these times. {how}; {results['seconds']:,.0f} s in all). Seeded, "
        "invented instances: generated ids and codes, no real names.",
        "",
        *_cct_section(results["cct"]),
        "",
        *_grouping_section(results),
        "",
        *_checks_section(results),
    ]
    return "\n".join(lines)


def _cct_section(cct: dict) -> list[str]:
    per_kind = cct["specs"] // len(SPEC_KINDS)
    events = ", ".join(f"{n}: {count:,}" for n, count in sorted(cct["events"].items()))

    def row(label: str, t: PerCall) -> str:
        cells = [t.median, t.p99, t.max, t.pass_median, t.pass_max]
        return f"| {label} | {t.calls:,} | " + " | ".join(_time(c) for c in cells) + " |"

    return [
        "### CCT estimate and curriculum check (`heft/engines/cct`)",
        "",
        f"{cct['specs']:,} generated specs, {per_kind:,} of each kind: full time; LTFT changes at standard "
        "WTEs (80, 70, 60, 50% and back to 100%); at non-standard WTEs (90, 85, 75, 65, 55, 40%: flagged for "
        "approval); time out of training of every kind (OOPT, OOPE, OOPR, OOPC, OOPP, parental, sick, "
        "other) with inclusive dates, from a single day to 18 months, a quarter with `counts` given; LTFT "
        "and time out together. Training starts in August, in February or on any day of 2024-2027 "
        "(29 February 2024 too); 70% of LTFT changes give a request date, some under 16 weeks ahead. Specs "
        f"by number of events: {events}. {cct['reviews']:,} estimates flag a 14-day review and "
        f"{cct['flagged']:,} carry LTFT flags.",
        "",
        f"Each call is timed on its own (`time.perf_counter`), {cct['passes']} passes over every input: "
        "median, 99th percentile and max per call, and the time of one whole pass (median and max of the "
        "passes). `estimate` works the date out again after each event, so it costs about (events + 1) x "
        "`cct_date`.",
        "",
        "| operation | calls per pass | median per call | p99 | max | one pass: median | one pass: max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        row("`spec_from_dict` (JSON form, validated)", cct["parse"]),
        row("`cct_date` (the date only)", cct["cct_date"]),
        row("`estimate` (date, steps, 14-day review, flags): every spec", cct["estimate"]),
        *[row(f"`estimate`: {kind}", cct["by_kind"][kind]) for kind in SPEC_KINDS],
        row(
            f"`curriculum_check` ({cct['rotations']:,} rotations of 4-, 6- and 12-month posts, a fifth "
            "LTFT, 30% in progress)",
            cct["curriculum"],
        ),
    ]


def _grouping_section(results: dict) -> list[str]:
    every: list[Instance] = results["instances"]
    national, region = every[-1], every[0].regions[0]
    groups, matches = results["groups"], results["matches"]
    low, high = GROUP_SIZE
    lines = [
        "### Communities of practice and mentor matching (`heft/engines/grouping`)",
        "",
        f"A region is {len(region.members):,} trainees in {region.localities} localities (schemes) of "
        f"{region.areas} areas (schools), one locality in ten without an area; locality sizes are "
        "log-normal, so some are too small for a group of their own. One mentor per five trainees "
        f"({len(region.mentors)}), with room to lead {LEAD_ROOM[0]}-{LEAD_ROOM[1]} trainees and room for "
        f"{MENTEE_ROOM[0]}-{MENTEE_ROOM[1]} mentees; training years ST1-ST3 (5% unknown), 70% HEFT rotation "
        "and 30% enrolment only, 0-3 of 12 interest codes each. Larger instances are that many regions "
        '(each with its own seed, localities and areas) in one call; "by region" calls the engine once '
        f"per region of {national.name}, as a region patch does. Groups of {low} to {high}. Trainees come "
        "to matching with their group's lead as preferred mentor, as `heft/community/services.py` passes "
        "them. Timed with `time.perf_counter`: 7 runs for work under 0.2 s, 5 under 1 s, 3 under 10 s, "
        "otherwise one.",
        "",
        "| `form_groups` | trainees | mentors | runs | median | max | groups | left out | without a lead |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in groups["rows"]:
        instance, result = row["instance"], row["result"]
        leaderless = sum(1 for g in result.groups if g.lead is None)
        cells = [instance.trainees, len(instance.joined("leads")), len(row["times"])]
        lines.append(
            f"| {instance.name} | " + " | ".join(f"{c:,}" for c in cells) + f" | {_spread(row['times'])} "
            f"| {len(result.groups):,} | {len(result.unplaced):,} | {leaderless:,} |"
        )
    by_region = groups["by_region"]
    share_of_region = groups["shares"]["seconds"] / statistics.median(groups["rows"][0]["times"])
    lines += [
        f"| {national.name}, by region ({len(national.regions)} calls) | {national.trainees:,} "
        f"| {len(national.joined('leads')):,} | {len(by_region['times'])} | {_spread(by_region['times'])} "
        f"| {by_region['groups']:,} | | |",
        "",
        f"On {groups['shares']['instance']}, choosing how many of each training year and HEFT mode each "
        f"group gets took {_time(groups['shares']['seconds'])} in all for its "
        f"{groups['shares']['programmes']} localities with a group of their own (a small CP-SAT programme "
        f"each, timed apart, outside `form_groups`): {share_of_region:.0%} of the region's median run.",
        "",
        "| `match_mentors` | trainees x places (cost cells) | runs | median | max | per cost cell | matched "
        "| long journeys | same area, other locality |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    notes = []
    for row in matches["rows"]:
        instance = row["instance"]
        shape = f"{instance.trainees:,} x {instance.places:,} ({row['cells']:,})"
        if row["times"] is None:
            lines.append(f"| {instance.name} | {shape} | 0 | not run | | | | | |")
            notes.append(
                f"`match_mentors` on {instance.name} in one call was not run: projected "
                f"{row['projected']:,.0f} s from the instance before it (time per cost cell), over the "
                f"{MATCH_LIMIT_SECONDS:.0f} s mark. ADR 0006 means the cost table per region: see the "
                "by-region row."
            )
            continue
        median = statistics.median(row["times"])
        lines.append(
            f"| {instance.name} | {shape} | {len(row['times'])} | {_spread(row['times'])} "
            f"| {median / row['cells'] * 1e9:,.0f} ns | {row['matched']:,} | {row['long']:,} "
            f"| {row['area']:,} |"
        )
        if median > MATCH_LIMIT_SECONDS:
            notes.append(
                f"`match_mentors` on {instance.name} in one call took {_time(median)}, over the "
                f"{MATCH_LIMIT_SECONDS:.0f} s mark: ADR 0006 means the cost table per region (see the "
                "by-region row)."
            )
    by_region = matches["by_region"]
    median = statistics.median(by_region["times"])
    lines.append(
        f"| {national.name}, by region ({len(national.regions)} calls) | {national.trainees:,} trainees "
        f"({by_region['cells']:,}) | {len(by_region['times'])} | {_spread(by_region['times'])} "
        f"| {median / by_region['cells'] * 1e9:,.0f} ns | {by_region['matched']:,} | {by_region['long']:,} "
        f"| {by_region['area']:,} |"
    )
    split, memory = matches["split"], matches["memory"]
    group_mb, group_seconds = groups["memory"]
    traced_on = memory["instance"]
    if traced_on != national.name:
        traced_on += f" (the largest whose traced run should take under {TRACE_LIMIT_SECONDS:.0f} s)"
    lines += [
        "",
        *[f"{note}\n" for note in notes],
        "The cost table has a cell per trainee and mentor place, filled in a Python loop, so one call's "
        f"time grows with the square of its trainees. On {split['instance']}, one run spent "
        f"{_time(split['table'])} building the cost table and {_time(split['assignment'])} in scipy's "
        "`linear_sum_assignment` (each timed apart, outside `match_mentors`).",
        "",
        "Peak traced memory (tracemalloc, in runs of their own after the timed ones, counting what the "
        f"call allocates beyond its input): `form_groups` on {national.name} {_size(group_mb)} (traced run "
        f"{_time(group_seconds)}); `match_mentors` on {traced_on} {_size(memory['mb'])}, of which "
        f"its float64 cost table is {_size(memory['table_mb'])} (traced run {_time(memory['seconds'])}: "
        "tracing slows the cost-table loop several times). tracemalloc sees Python and numpy "
        "allocations, not the C++ working arrays inside `linear_sum_assignment`.",
    ]
    return lines


def _spread(times: list[float]) -> str:
    return f"{_time(statistics.median(times))} | {_time(max(times))}"


def _size(mb: float) -> str:
    return f"{mb:,.1f} MB" if mb >= 1 else f"{mb * 1024:,.0f} KB"


def _checks_section(results: dict) -> list[str]:
    lines = [
        "### Every answer checked",
        "",
        "On the inputs that were timed (for grouping and matching, the result of the last timed run); if any "
        "check does not hold, the benchmark fails and writes nothing.",
        "",
        "| `heft/engines/cct` | result | holds |",
        "| --- | --- | :---: |",
        *[f"| {c.name} | {c.detail} | {_holds(c)} |" for c in results["cct"]["checks"]],
    ]
    for engine, table in (
        ("`form_groups`", results["groups"]["checks"]),
        ("`match_mentors`", results["match_checks"]),
    ):
        names = list(table)
        lines += ["", f"| {engine} | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
        for index, check in enumerate(table[names[0]]):
            cells = [f"{_holds(table[name][index])}: {table[name][index].detail}" for name in names]
            lines.append(f"| {check.name} | " + " | ".join(cells) + " |")
    return lines


def _holds(check: Check) -> str:
    return "yes" if check.ok else "**no**"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes; do not write the docs")
    parser.add_argument("--no-report", action="store_true", help="print only; leave docs/benchmarks.md")
    arguments = parser.parse_args(argv)
    results = run(QUICK if arguments.quick else FULL)
    markdown = report(results)
    print(markdown)
    failed = [c for c in all_checks(results) if not c.ok]
    if failed:
        print(f"{len(failed)} check(s) failed; docs/benchmarks.md left alone:", file=sys.stderr)
        for check in failed:
            print(f"- {check.name}: {check.detail}", file=sys.stderr)
        return 1
    if not (arguments.quick or arguments.no_report):
        write_section("journey", markdown, path=str(ROOT / "docs" / "benchmarks.md"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
