import datetime

import pytest

from heft.engines.dates import add_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2025, 8, 6), 6, datetime.date(2026, 2, 6)),
        (datetime.date(2025, 1, 31), 1, datetime.date(2025, 2, 28)),  # clipped to the month's last day
        (datetime.date(2024, 1, 31), 1, datetime.date(2024, 2, 29)),  # a leap year
        (datetime.date(2025, 3, 31), -1, datetime.date(2025, 2, 28)),
        (datetime.date(2025, 1, 15), -13, datetime.date(2023, 12, 15)),
        (datetime.date(2025, 8, 6), 36, datetime.date(2028, 8, 6)),
    ],
)
def test_add_months_keeps_the_day_of_the_month_or_the_last_day(day, months, expected):
    assert add_months(day, months) == expected
