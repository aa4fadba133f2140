"""Ranking practices by deprivation: places (ties share one) and national deciles (1 = most deprived)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def positions(values: Mapping[K, float]) -> dict[K, int]:
    """0-based place of each key, most deprived (highest value) first; equal values share the better place."""
    ordered = sorted(values.items(), key=lambda item: -item[1])
    places: dict[K, int] = {}
    previous, place = None, 0
    for index, (key, value) in enumerate(ordered):
        if value != previous:
            place, previous = index, value
        places[key] = place
    return places


def decile_of(place: int, count: int) -> int:
    """The tenth a 0-based place falls in among `count` (1 holds the most deprived tenth)."""
    return place * 10 // count + 1


def deciles(values: Mapping[K, float]) -> dict[K, int]:
    """Each key's decile among all of them by value, 1 being the highest (most deprived) tenth."""
    count = len(values)
    return {key: decile_of(place, count) for key, place in positions(values).items()}


def quintile_of_decile(decile: int | None) -> int | None:
    return None if decile is None else (decile + 1) // 2
