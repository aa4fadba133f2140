"""What a timetable plan is asked for, read from a JSON-like dict with every problem reported at once."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
BANK_HOLIDAY_REGIONS = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern_ireland": "NIR"}
LONGEST_YEAR = datetime.timedelta(days=731)
TITLE_LENGTH = 200


class SpecError(ValueError):
    """The spec cannot be planned; the message lists every problem found, one per line."""


@dataclass(frozen=True)
class SeriesRule:
    """The weekday (0 = Monday) and local times on which a series of sessions runs."""

    weekday: int
    start: datetime.time
    end: datetime.time

    @property
    def weekday_name(self) -> str:
        return WEEKDAYS[self.weekday].capitalize()


@dataclass(frozen=True)
class Blackout:
    """Dates, both ends included, on which nothing may be planned."""

    start: datetime.date
    end: datetime.date
    reason: str = "blackout"


@dataclass(frozen=True)
class RegionalSpec:
    name: str
    rule: SeriesRule
    every_weeks: int = 8


@dataclass(frozen=True)
class ConferenceSpec:
    date: datetime.date
    end_date: datetime.date
    title: str = "HEFT annual conference"
    start: datetime.time = datetime.time(9, 30)
    end: datetime.time = datetime.time(16, 30)
    venue: str = ""


@dataclass(frozen=True)
class PlanSpec:
    year_start: datetime.date
    year_end: datetime.date
    topics: tuple[str, ...]
    national: SeriesRule = SeriesRule(3, datetime.time(14), datetime.time(16))
    regional: RegionalSpec | None = None
    conference: ConferenceSpec | None = None
    blackouts: tuple[Blackout, ...] = ()
    bank_holidays: str | None = "england"
    christmas: bool = True  # 24 December to 1 January is a blackout every year
    timezone: str = "Europe/London"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


DEFAULT_NATIONAL = {"weekday": "thursday", "start": "14:00", "end": "16:00"}
DEFAULT_REGIONAL = {"weekday": "friday", "start": "14:00", "end": "16:00", "every_weeks": 8}


def parse_spec(data: object) -> PlanSpec:
    """A PlanSpec from the JSON form shown in the README; SpecError lists everything wrong with it."""
    reader = _Reader()
    if not isinstance(data, dict):
        raise SpecError("The spec must be a JSON object.")
    reader.unknown_keys(
        data,
        "",
        {
            "academic_year", "timezone", "national", "regional", "conference", "blackouts",
            "bank_holidays", "christmas",
        },
    )  # fmt: skip
    year = reader.section(data, "academic_year", required=True)
    year_start = reader.date(year, "academic_year.start")
    year_end = reader.date(year, "academic_year.end")
    if year_start and year_end and not year_start < year_end <= year_start + LONGEST_YEAR:
        reader.error("academic_year: the end must be after the start and at most two years later.")
    timezone = reader.timezone(data.get("timezone", "Europe/London"))
    national_data = {**DEFAULT_NATIONAL, **reader.section(data, "national", required=True)}
    reader.unknown_keys(national_data, "national", {"weekday", "start", "end", "topics"})
    national = reader.series(national_data, "national")
    topics = reader.topics(national_data.get("topics"))
    regional = reader.regional(data.get("regional"))
    conference = reader.conference(data.get("conference"), year_start, year_end)
    blackouts = reader.blackouts(data.get("blackouts", []))
    bank_holidays = reader.bank_holidays(data.get("bank_holidays", "england"))
    christmas = data.get("christmas", True)
    if not isinstance(christmas, bool):
        reader.error("christmas: expected true or false.")
    reader.raise_if_any()
    return PlanSpec(
        year_start=year_start,
        year_end=year_end,
        topics=topics,
        national=national,
        regional=regional,
        conference=conference,
        blackouts=blackouts,
        bank_holidays=bank_holidays,
        christmas=christmas,
        timezone=timezone,
    )


class _Reader:
    """Collects problems instead of stopping at the first, so one run shows them all."""

    def __init__(self):
        self.errors: list[str] = []

    def error(self, message: str) -> None:
        self.errors.append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise SpecError("\n".join(self.errors))

    def unknown_keys(self, data: dict, where: str, known: set[str]) -> None:
        prefix = f"{where}." if where else ""
        for key in sorted(set(data) - known):
            self.error(f"{prefix}{key}: not a known setting (known: {', '.join(sorted(known))}).")

    def section(self, data: dict, key: str, *, required: bool = False) -> dict:
        value = data.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.error(f"{key}: expected an object{' (required)' if value is None else ''}.")
            return {}
        return value

    def date(self, data: dict, where: str, *, required: bool = True) -> datetime.date | None:
        value = data.get(where.rsplit(".", 1)[-1])
        if value is None:
            if required:
                self.error(f"{where}: required, a date like 2026-08-05.")
            return None
        try:
            return (
                datetime.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else _bad()
            )
        except ValueError:
            self.error(f"{where}: expected a date like 2026-08-05, got {value!r}.")
            return None

    def time(self, value: object, where: str) -> datetime.time | None:
        try:
            if not isinstance(value, str) or len(value) != 5:
                _bad()
            return datetime.time.fromisoformat(value)
        except ValueError:
            self.error(f"{where}: expected a 24-hour time like 14:00, got {value!r}.")
            return None

    def timezone(self, value: object) -> str:
        try:
            if not isinstance(value, str) or not value:
                _bad()
            ZoneInfo(value)
        except (ValueError, ZoneInfoNotFoundError):
            self.error(f"timezone: {value!r} is not a known IANA time zone (e.g. Europe/London).")
        return value if isinstance(value, str) else ""

    def series(self, data: dict, where: str) -> SeriesRule | None:
        weekday = data.get("weekday")
        if not isinstance(weekday, str) or weekday.lower() not in WEEKDAYS:
            self.error(f"{where}.weekday: expected a day name such as thursday, got {weekday!r}.")
        start = self.time(data.get("start"), f"{where}.start")
        end = self.time(data.get("end"), f"{where}.end")
        if start and end and end <= start:
            self.error(f"{where}: the end time must be after the start time, on the same day.")
        if self.errors:
            return None
        return SeriesRule(WEEKDAYS.index(weekday.lower()), start, end)

    def topics(self, value: object) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            self.error("national.topics: expected a list of one or more topic names, in order.")
            return ()
        topics = []
        for index, topic in enumerate(value, start=1):
            if not isinstance(topic, str) or not topic.strip() or len(topic) > TITLE_LENGTH:
                self.error(f"national.topics[{index}]: expected a name of 1 to {TITLE_LENGTH} characters.")
            elif topic.strip() in topics:
                self.error(f"national.topics: {topic.strip()!r} is listed twice.")
            else:
                topics.append(topic.strip())
        return tuple(topics)

    def regional(self, value: object) -> RegionalSpec | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.error("regional: expected an object.")
            return None
        data = {**DEFAULT_REGIONAL, **value}
        self.unknown_keys(data, "regional", {"name", "weekday", "start", "end", "every_weeks"})
        name = data.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > TITLE_LENGTH:
            self.error("regional.name: required, the region's name (e.g. East of England).")
        every = data.get("every_weeks")
        if isinstance(every, bool) or not isinstance(every, int) or not 1 <= every <= 26:
            self.error(f"regional.every_weeks: expected a whole number of weeks from 1 to 26, got {every!r}.")
        rule = self.series(data, "regional")
        return RegionalSpec(name.strip(), rule, every) if rule and not self.errors else None

    def conference(self, value: object, year_start, year_end) -> ConferenceSpec | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.error("conference: expected an object.")
            return None
        self.unknown_keys(value, "conference", {"date", "end_date", "title", "start", "end", "venue"})
        day = self.date(value, "conference.date")
        end_day = self.date(value, "conference.end_date", required=False) or day
        title = value.get("title", ConferenceSpec.title)
        if not isinstance(title, str) or not title.strip() or len(title) > TITLE_LENGTH:
            self.error(f"conference.title: expected a title of 1 to {TITLE_LENGTH} characters.")
        start = self.time(value.get("start", "09:30"), "conference.start")
        end = self.time(value.get("end", "16:30"), "conference.end")
        venue = value.get("venue", "")
        if not isinstance(venue, str):
            self.error("conference.venue: expected text.")
        if day and end_day and end_day < day:
            self.error("conference: the end_date must not be before the date.")
        if day and year_start and year_end and not (year_start <= day and end_day <= year_end):
            self.error(f"conference: {day.isoformat()} is outside the academic year.")
        if start and end and end <= start:
            self.error("conference: the end time must be after the start time.")
        if self.errors:
            return None
        return ConferenceSpec(day, end_day, title.strip(), start, end, venue.strip())

    def blackouts(self, value: object) -> tuple[Blackout, ...]:
        if not isinstance(value, list):
            self.error('blackouts: expected a list like [{"from": "2026-12-21", "to": "2027-01-01"}].')
            return ()
        blackouts = []
        for index, item in enumerate(value, start=1):
            where = f"blackouts[{index}]"
            if not isinstance(item, dict):
                self.error(f'{where}: expected {{"from": DATE, "to": DATE}} or {{"date": DATE}}.')
                continue
            self.unknown_keys(item, where, {"from", "to", "date", "reason"})
            if "date" in item:
                start = end = self.date(item, f"{where}.date")
            else:
                start, end = self.date(item, f"{where}.from"), self.date(item, f"{where}.to")
            reason = item.get("reason", "blackout")
            if not isinstance(reason, str) or not reason.strip():
                self.error(f"{where}.reason: expected text.")
            elif start and end and end < start:
                self.error(f"{where}: 'to' must not be before 'from'.")
            elif start and end:
                blackouts.append(Blackout(start, end, reason.strip()))
        return tuple(blackouts)

    def bank_holidays(self, value: object) -> str | None:
        if value in (None, False):
            return None
        if value not in BANK_HOLIDAY_REGIONS:
            self.error(
                f"bank_holidays: expected one of {', '.join(BANK_HOLIDAY_REGIONS)} or null, got {value!r}."
            )
            return None
        return value


def _bad():
    raise ValueError
