"""Specs shared by the timetable engine's tests."""

import copy

TOPICS = [
    "Introduction to Health Inequalities",
    "Women's Health",
    "Street Drugs",
    "Gypsies & Traveller Health",
    "Cardiovascular Health",
    "Surviving & Thriving",
]

# The example from the issue: the 2026/27 year for the East of England.
EXAMPLE = {
    "academic_year": {"start": "2026-08-05", "end": "2027-08-03"},
    "timezone": "Europe/London",
    "national": {"weekday": "thursday", "start": "14:00", "end": "16:00", "topics": TOPICS},
    "regional": {
        "name": "East of England",
        "weekday": "friday",
        "start": "14:00",
        "end": "16:00",
        "every_weeks": 8,
    },
    "conference": {"date": "2027-06-17", "title": "HEFT annual conference"},
    "blackouts": [{"from": "2026-12-21", "to": "2027-01-01"}],
    "bank_holidays": "england",
}


def example(**changes) -> dict:
    """The example spec with top-level sections replaced (None removes one)."""
    spec = copy.deepcopy(EXAMPLE)
    for key, value in changes.items():
        if value is None:
            spec.pop(key, None)
        else:
            spec[key] = value
    return spec
