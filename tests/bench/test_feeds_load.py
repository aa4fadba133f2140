"""The feeds benchmark's judgement of each answer, on calendars the app's own renderer makes: a check that
passed everything would make the benchmark's "every response a valid calendar" worthless."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from bench import feeds_load
from bench.feeds_load import Feed, Fetch, check_fetch
from heft.engines.timetable import CalendarEvent, render_calendar

START = datetime.datetime(2026, 9, 3, 14, tzinfo=ZoneInfo("Europe/London"))
CALENDAR = "text/calendar; charset=utf-8"


def event(uid: str, *, cancelled: bool = False) -> CalendarEvent:
    return CalendarEvent(
        uid=uid, summary=f"Session {uid}", start=START, end=START + datetime.timedelta(hours=2), sequence=0,
        cancelled=cancelled, categories=("national",), description="", location="Online", url="",
        last_modified=START,
    )  # fmt: skip


def fetch(events, *, status=200, content_type=CALENDAR, name=feeds_load.FEED_NAME) -> Fetch:
    body = render_calendar(events, name=name) if status == 200 else b"<html>"
    return Fetch(trainee=1, status=status, seconds=0.01, content_type=content_type, body=body)


FEED = Feed(
    trainee=1,
    token="t",
    expected=frozenset({"a@heft-hub", "b@heft-hub"}),
    cancelled=frozenset({"b@heft-hub"}),
)


def test_the_trainees_own_sessions_pass():
    assert check_fetch(fetch([event("a@heft-hub"), event("b@heft-hub", cancelled=True)]), FEED) is None


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (fetch([event("a@heft-hub")]), "not the trainee's sessions"),  # one missing
        (fetch([event("a@heft-hub"), event("b@heft-hub", cancelled=True), event("c@heft-hub")]),
         "not the trainee's sessions"),  # another region's
        (fetch([event("a@heft-hub"), event("a@heft-hub"), event("b@heft-hub", cancelled=True)]),
         "not the trainee's sessions"),  # twice
        (fetch([event("a@heft-hub"), event("b@heft-hub")]), "cancellations wrong"),
        (fetch([event("a@heft-hub"), event("b@heft-hub", cancelled=True)], name="HEFT national teaching"),
         "not the trainee's own feed"),
        (fetch([], status=404), "answered 404"),
        (fetch([event("a@heft-hub")], content_type="text/html"), "content type 'text/html'"),
        (Fetch(1, 200, 0.01, CALENDAR, b"<html>not a calendar</html>"), "not an iCalendar"),
        (Fetch(1, "ConnectionResetError", 0.01, "", b""), "answered ConnectionResetError"),
    ],
)  # fmt: skip
def test_anything_else_is_wrong(answer, problem):
    assert (check_fetch(answer, FEED) or "").startswith(problem)


def test_an_empty_feed_is_right_for_a_trainee_not_in_heft():
    empty = Feed(trainee=1, token="t", expected=frozenset(), cancelled=frozenset())
    assert check_fetch(fetch([]), empty) is None
    assert check_fetch(fetch([event("a@heft-hub")]), empty) == "not the trainee's sessions"


def test_a_revoked_address_must_be_refused():
    revoked = Feed(trainee=1, token="t", expected=None, cancelled=frozenset())
    assert check_fetch(fetch([], status=404), revoked) is None
    assert check_fetch(fetch([event("a@heft-hub")]), revoked) == "revoked feed answered 200"


def test_the_benchmark_drops_only_a_database_of_its_own():
    with pytest.raises(SystemExit):
        feeds_load.parse_args(["--database", "heft"])
    settings, _ = feeds_load.parse_args(["--database", "heft_bench_feeds_x", "--trainees", "50"])
    assert (settings.database, settings.trainees) == ("heft_bench_feeds_x", 50)
