"""Offer rules that are pure computation: reply deadlines counted in working hours.

No Django: the app passes the moment and the number of hours; the bank holidays are England's, from the
`holidays` package.
"""

from heft.engines.offers.deadlines import (
    LONDON,
    is_working_day,
    working_hours_after,
    working_hours_before,
)

__all__ = ["LONDON", "is_working_day", "working_hours_after", "working_hours_before"]
