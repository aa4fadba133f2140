"""The days on which nothing may be planned, each with the reason people are told."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import holidays

from heft.engines.timetable.spec import BANK_HOLIDAY_REGIONS, Blackout, PlanSpec

CHRISTMAS = "Christmas and New Year"


def bank_holidays(region: str, years: Iterable[int]) -> dict[datetime.date, str]:
    """The UK bank holidays of one nation (e.g. "england"), from the `holidays` package."""
    found = holidays.country_holidays("GB", subdiv=BANK_HOLIDAY_REGIONS[region], years=list(years))
    return {day: f"bank holiday: {name}" for day, name in found.items()}


def christmas_breaks(years: Iterable[int]) -> list[Blackout]:
    """24 December to 1 January, for each year that starts in the range."""
    return [Blackout(datetime.date(y, 12, 24), datetime.date(y + 1, 1, 1), CHRISTMAS) for y in years]


class BlackoutCalendar:
    """Day -> reason, for every blacked-out day of a plan (the first reason found wins)."""

    def __init__(self, reasons: dict[datetime.date, str]):
        self._reasons = dict(reasons)

    @classmethod
    def for_spec(cls, spec: PlanSpec) -> BlackoutCalendar:
        years = range(spec.year_start.year - 1, spec.year_end.year + 1)
        reasons = bank_holidays(spec.bank_holidays, years) if spec.bank_holidays else {}
        ranges = [*(christmas_breaks(years) if spec.christmas else []), *spec.blackouts]
        calendar = cls(reasons)
        for blackout in ranges:
            calendar.add(blackout.start, blackout.end, blackout.reason)
        return calendar

    def add(self, start: datetime.date, end: datetime.date, reason: str) -> None:
        day = start
        while day <= end:
            self._reasons.setdefault(day, reason)
            day += datetime.timedelta(days=1)

    def reason(self, day: datetime.date) -> str | None:
        return self._reasons.get(day)

    def __contains__(self, day: datetime.date) -> bool:
        return day in self._reasons
