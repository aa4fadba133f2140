"""Planning a year: hard rules never break; soft rules that cannot be kept are explained."""

import datetime

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heft.engines.timetable import CONFERENCE, NATIONAL, REGIONAL, parse_spec, plan
from tests.engines.timetable.specs import EXAMPLE, TOPICS, example

ENGLAND = holidays.country_holidays("GB", subdiv="ENG", years=range(2019, 2038))


def of_kind(result, kind):
    return [s for s in result.sessions if s.kind == kind]


def rules(result):
    return [w.rule for w in result.warnings]


@pytest.fixture(scope="module")
def example_plan():
    return plan(parse_spec(EXAMPLE))


# --- the example from the issue ---------------------------------------------------------------------------


def test_the_example_places_no_session_on_a_bank_holiday_or_the_christmas_break(example_plan):
    days = [day for s in example_plan.sessions for day in s.days]
    assert days
    assert not [d for d in days if d in ENGLAND]
    assert not [d for d in days if datetime.date(2026, 12, 21) <= d <= datetime.date(2027, 1, 1)]


def test_the_example_keeps_the_topic_order_and_the_welcome_first(example_plan):
    nationals = of_kind(example_plan, NATIONAL)
    assert [s.topic for s in nationals] == TOPICS
    first = example_plan.sessions[0]
    assert first.kind == REGIONAL
    assert first.topic == "Welcome"
    assert first.end <= nationals[0].start


def test_each_regional_session_follows_the_national_sessions_it_reflects_on(example_plan):
    reflected = []
    previous_end = None
    for session in example_plan.sessions:
        if session.kind == NATIONAL:
            reflected.append(session)
        elif session.kind == REGIONAL and session.topic != "Welcome":
            assert reflected, f"{session.start} reflects on nothing"
            assert session.reflects_on == tuple(n.topic for n in reflected)
            assert all(n.end <= session.start for n in reflected)
            reflected = []
        previous_end = session.end if previous_end is None else max(previous_end, session.end)


def test_the_example_keeps_weekdays_and_local_times(example_plan):
    for session in of_kind(example_plan, NATIONAL):
        assert session.start.weekday() == 3
        assert (session.start.hour, session.start.minute, session.end.hour) == (14, 0, 16)
        assert str(session.start.tzinfo) == "Europe/London"
    for session in of_kind(example_plan, REGIONAL):
        assert session.start.weekday() == 4
        assert (session.start.hour, session.end.hour) == (14, 16)
    offsets = {s.start.utcoffset() for s in example_plan.sessions}
    assert offsets == {datetime.timedelta(0), datetime.timedelta(hours=1)}  # both sides of the clock change


def test_the_example_spaces_sessions_evenly_and_has_nothing_to_explain(example_plan):
    nationals = of_kind(example_plan, NATIONAL)
    gaps = [(b.start - a.start).days for a, b in zip(nationals, nationals[1:], strict=False)]
    assert max(gaps) - min(gaps) <= 7, gaps
    regionals = of_kind(example_plan, REGIONAL)
    assert {(b.start - a.start).days for a, b in zip(regionals, regionals[1:], strict=False)} == {56}
    conference = of_kind(example_plan, CONFERENCE)
    assert [c.start.date() for c in conference] == [datetime.date(2027, 6, 17)]
    assert example_plan.warnings == []


# --- rules it could not keep, explained -------------------------------------------------------------------


def test_a_blackout_moves_a_national_session_and_says_so():
    # The fourth national session would be on Thu 25 Feb 2027: a lead blacks out that week.
    spec = example(blackouts=[{"from": "2027-02-22", "to": "2027-02-26", "reason": "reading week"}])
    result = plan(parse_spec(spec))
    moved = next(s for s in result.sessions if s.topic == "Gypsies & Traveller Health")
    assert moved.start.date() in {datetime.date(2027, 2, 18), datetime.date(2027, 3, 4)}
    warning = next(w for w in result.warnings if w.rule == "even_spacing")
    assert "Gypsies & Traveller Health" in warning.message
    assert "reading week" in warning.message
    assert [s.topic for s in of_kind(result, NATIONAL)] == TOPICS


def test_good_friday_moves_a_regional_session_and_says_so():
    # Starting a week later puts the fourth regional session's ideal day on Good Friday, 26 March 2027.
    spec = example(academic_year={"start": "2026-08-12", "end": "2027-08-10"}, conference=None)
    result = plan(parse_spec(spec))
    days = [s.start.date() for s in of_kind(result, REGIONAL)]
    assert datetime.date(2027, 3, 26) not in days
    messages = [w.message for w in result.warnings if w.rule == "regional_cadence"]
    assert any("Fri 26 Mar 2027" in m and "Good Friday" in m for m in messages), messages


def test_too_many_topics_are_reported_not_squeezed_onto_blackouts():
    topics = [f"Topic {n}" for n in range(1, 61)]
    result = plan(parse_spec(example(national={"topics": topics}, regional=None, conference=None)))
    nationals = of_kind(result, NATIONAL)
    assert [s.topic for s in nationals] == topics[: len(nationals)]
    assert len(nationals) < 60
    assert len({s.start.date() for s in nationals}) == len(nationals)
    warning = next(w for w in result.warnings if w.rule == "capacity")
    assert "'Topic 60'" in warning.message
    assert not [s for s in nationals if s.start.date() in ENGLAND]


def test_a_conference_on_a_bank_holiday_is_not_placed_and_explained():
    result = plan(parse_spec(example(conference={"date": "2027-05-31", "title": "Conference"})))
    assert of_kind(result, CONFERENCE) == []
    assert any(w.rule == "blackout" and "Spring Bank Holiday" in w.message for w in result.warnings)


def test_a_conference_day_is_not_given_to_another_session():
    # 24 September 2026 is the first national session's day in the example.
    result = plan(parse_spec(example(conference={"date": "2026-09-24", "end_date": "2026-09-25"})))
    days = [day for s in result.sessions for day in s.days]
    assert len(days) == len(set(days))
    assert [s.start.date() for s in of_kind(result, CONFERENCE)] == [datetime.date(2026, 9, 24)]


def test_regional_sessions_with_nothing_to_reflect_on_are_left_out_and_explained():
    spec = example(regional={"name": "South West", "every_weeks": 2})
    result = plan(parse_spec(spec))
    regionals = of_kind(result, REGIONAL)
    assert len(regionals) <= len(TOPICS) + 1
    assert any("no national session since the last regional session" in w.message for w in result.warnings)


def test_no_welcome_when_no_day_is_free_before_the_first_national_session():
    spec = example(
        academic_year={"start": "2026-08-05", "end": "2026-09-03"},
        national={"topics": ["Only one"]},
        conference=None,
        blackouts=[{"from": "2026-08-07", "to": "2026-08-31"}],
    )
    result = plan(parse_spec(spec))
    assert [s.start.date() for s in result.sessions] == [datetime.date(2026, 8, 6)]
    warning = next(w for w in result.warnings if w.rule == "order")
    assert "regional welcome could not be placed" in warning.message


def test_days_when_the_clocks_change_the_session_time_are_avoided():
    # 01:30 does not happen on 28 March 2027 and happens twice on 25 October 2026.
    spec = example(
        national={
            "weekday": "sunday",
            "start": "01:30",
            "end": "02:30",
            "topics": [f"T{n}" for n in range(52)],
        },
        regional=None,
        conference=None,
    )
    result = plan(parse_spec(spec))
    days = {s.start.date() for s in result.sessions}
    assert datetime.date(2027, 3, 28) not in days
    assert datetime.date(2026, 10, 25) not in days
    assert datetime.date(2027, 3, 21) in days


# --- properties over random years and blackouts -----------------------------------------------------------

dates = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2034, 12, 31))


@st.composite
def specs(draw):
    start = draw(dates)
    end = start + datetime.timedelta(days=draw(st.integers(120, 730)))
    blackouts = []
    for _ in range(draw(st.integers(0, 6))):
        first = start + datetime.timedelta(days=draw(st.integers(0, (end - start).days)))
        last = first + datetime.timedelta(days=draw(st.integers(0, 30)))
        blackouts.append({"from": first.isoformat(), "to": last.isoformat(), "reason": "random"})
    weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday"]
    spec = {
        "academic_year": {"start": start.isoformat(), "end": end.isoformat()},
        "national": {
            "weekday": draw(st.sampled_from(weekdays)),
            "topics": [f"T{n}" for n in range(draw(st.integers(1, 20)))],
        },
        "regional": {
            "name": "Region",
            "weekday": draw(st.sampled_from(weekdays)),
            "every_weeks": draw(st.integers(1, 12)),
        },
        "blackouts": blackouts,
        "bank_holidays": draw(st.sampled_from(["england", "scotland", None])),
        "christmas": draw(st.booleans()),
    }
    if draw(st.booleans()):
        day = start + datetime.timedelta(days=draw(st.integers(0, (end - start).days)))
        spec["conference"] = {"date": day.isoformat()}
    return spec


def blacked_out(spec: dict) -> set[datetime.date]:
    """The blackout days worked out independently of the engine."""
    start = datetime.date.fromisoformat(spec["academic_year"]["start"])
    end = datetime.date.fromisoformat(spec["academic_year"]["end"])
    days = set()
    if spec["bank_holidays"]:
        nation = {"england": "ENG", "scotland": "SCT"}[spec["bank_holidays"]]
        days |= set(holidays.country_holidays("GB", subdiv=nation, years=range(start.year, end.year + 1)))
    ranges = [(b["from"], b["to"]) for b in spec["blackouts"]]
    if spec["christmas"]:
        ranges += [(f"{y}-12-24", f"{y + 1}-01-01") for y in range(start.year - 1, end.year + 1)]
    for first, last in ranges:
        day = datetime.date.fromisoformat(first)
        while day <= datetime.date.fromisoformat(last):
            days.add(day)
            day += datetime.timedelta(days=1)
    return days


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_hard_rules_hold_for_any_year_and_blackouts(spec):
    result = plan(parse_spec(spec))
    start = datetime.date.fromisoformat(spec["academic_year"]["start"])
    end = datetime.date.fromisoformat(spec["academic_year"]["end"])
    days = [day for s in result.sessions for day in s.days]
    assert not set(days) & blacked_out(spec), "a session falls on a blackout"
    assert len(days) == len(set(days)), "two sessions share a day"
    assert all(start <= day <= end for day in days)

    nationals = of_kind(result, NATIONAL)
    topics = spec["national"]["topics"]
    assert [s.topic for s in nationals] == topics[: len(nationals)], "topic order broken"
    assert len(nationals) == len(topics) or "capacity" in rules(result), "a topic vanished unexplained"
    weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday"]
    for session in nationals:
        assert session.start.weekday() == weekdays.index(spec["national"]["weekday"])
        assert (session.start.hour, session.end.hour) == (14, 16)

    regionals = of_kind(result, REGIONAL)
    for session in regionals:
        assert session.start.weekday() == weekdays.index(spec["regional"]["weekday"])
        assert (session.start.hour, session.end.hour) == (14, 16)
    seen = []
    for session in sorted([*nationals, *regionals], key=lambda s: s.start):
        if session.kind == NATIONAL:
            seen.append(session.topic)
        elif session.topic == "Welcome":
            assert seen == [], "the welcome is not first"
        else:
            assert seen, "a regional session reflects on nothing new"
            assert session.reflects_on == tuple(seen), "a regional session reflects on nothing new"
            seen = []
    if spec.get("conference") and not of_kind(result, CONFERENCE):
        assert "blackout" in rules(result), "the conference vanished unexplained"


@settings(max_examples=40, deadline=None)
@given(dates, st.integers(2, 40), st.integers(300, 730))
def test_without_blackouts_national_sessions_are_evenly_spaced(start, count, length):
    end = start + datetime.timedelta(days=length)
    spec = {
        "academic_year": {"start": start.isoformat(), "end": end.isoformat()},
        "national": {"topics": [f"T{n}" for n in range(count)]},
        "bank_holidays": None,
        "christmas": False,
    }
    result = plan(parse_spec(spec))
    starts = [s.start for s in of_kind(result, NATIONAL)]
    assert len(starts) == count
    assert result.warnings == []
    gaps = [(b - a).days for a, b in zip(starts, starts[1:], strict=False)]
    assert not gaps or max(gaps) - min(gaps) <= 7, gaps
