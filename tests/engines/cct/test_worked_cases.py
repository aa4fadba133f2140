"""The CCT estimate against worked cases written from the published rules (see heft/engines/cct/rules.py).

The arithmetic of each case is in its comment, done by hand from the rules, not by the engine:
- training needs the days from the start to the same date 36 months later at full time (5 Aug 2026 to
  5 Aug 2029 is 1,096 days, with 29 Feb 2028), and ends the day before the total is reached;
- each day earns its WTE; time out that does not count earns nothing;
- absence of 14 working days (Monday to Friday) or more in any 12 months flags a review, without moving
  the date.
"""

import datetime

import pytest

from heft.engines.cct import spec_from_dict
from heft.engines.cct.estimate import estimate

D = datetime.date
START = "2026-08-05"


def out(kind, first, last, **extra):
    return {"out": kind, "from": first, "to": last, **extra}


CASES = [
    # (name, spec, CCT date, review)
    # Full time: 1,096 days from 5 Aug 2026; the last is 4 Aug 2029.
    ("full time", {"start": START}, D(2029, 8, 4), False),
    # Starting 2025: 6 Aug 2025 to 6 Aug 2028 is 365 + 365 + 366 = 1,096 days; the last is 5 Aug 2028.
    ("full time from 2025", {"start": "2025-08-06"}, D(2028, 8, 5), False),
    # 80% from the start: 1,096 / 0.8 = 1,370 days; 5 Aug 2026 + 1,369 days = 5 May 2030.
    ("80% throughout", {"start": START, "wte": 0.8}, D(2030, 5, 5), False),
    # 60%: 1,096 / 0.6 = 1,826.7, so 1,827 days; 5 Aug 2026 + 1,826 days = 5 Aug 2031.
    ("60% throughout", {"start": START, "wte": 0.6}, D(2031, 8, 5), False),
    # 50%: 2,192 days, exactly six years (two leap days); the last is 4 Aug 2032.
    ("50% throughout", {"start": START, "wte": 0.5}, D(2032, 8, 4), False),
    # A year full time (365 days), then 80%: 731 left / 0.8 = 913.75, so 914 days from 5 Aug 2027,
    # the last 913 days on: 3 Feb 2030.
    ("80% from ST2", {"start": START, "events": [{"ltft": 0.8, "from": "2027-08-05"}]}, D(2030, 2, 3), False),
    # 80% for two years (731 days x 0.8 = 584.8), then full time: 511.2 left, so 512 days from 5 Aug 2028;
    # the last is 29 Dec 2029.
    (
        "80% then back to full time",
        {"start": START, "wte": 0.8, "events": [{"ltft": 1, "from": "2028-08-05"}]},
        D(2029, 12, 29),
        False,
    ),
    # OOPE does not count: 365 days done, then 366 days out (5 Aug 2027 to 4 Aug 2028, with 29 Feb), then
    # 731 days from 5 Aug 2028 (365 + 365 + 1); the last is 5 Aug 2030, 366 days after 4 Aug 2029.
    # Out-of-programme time not approved towards training is absence too (Gold Guide): a review.
    (
        "OOPE a year",
        {"start": START, "events": [out("OOPE", "2027-08-05", "2028-08-04")]},
        D(2030, 8, 5),
        True,
    ),
    # OOPT counts towards training (prospectively approved): no change, no review.
    (
        "OOPT a year",
        {"start": START, "events": [out("OOPT", "2027-08-05", "2028-08-04")]},
        D(2029, 8, 4),
        False,
    ),
    # OOPR approved towards training counts; by default it does not and extends by its 366 days, as OOPE.
    (
        "OOPR counted",
        {"start": START, "events": [out("OOPR", "2027-08-05", "2028-08-04", counts=True)]},
        D(2029, 8, 4),
        False,
    ),
    (
        "OOPR not counted",
        {"start": START, "events": [out("OOPR", "2027-08-05", "2028-08-04")]},
        D(2030, 8, 5),
        True,
    ),
    # Sick leave Mon 1 to Fri 12 Mar 2027: 10 working days, under 14: counts, no review.
    (
        "sick two weeks",
        {"start": START, "events": [out("sick", "2027-03-01", "2027-03-12")]},
        D(2029, 8, 4),
        False,
    ),
    # Mon 1 to Fri 19 Mar 2027: 15 working days: a review, the date unchanged until the panel decides.
    (
        "sick three weeks",
        {"start": START, "events": [out("sick", "2027-03-01", "2027-03-19")]},
        D(2029, 8, 4),
        True,
    ),
    # 13 working days (Mon 1 to Wed 17 Mar 2027): just under.
    (
        "sick 13 days",
        {"start": START, "events": [out("sick", "2027-03-01", "2027-03-17")]},
        D(2029, 8, 4),
        False,
    ),
    # Two spells in the same 12 months: 8 working days (1-10 Mar 2027) + 6 (4-11 Oct 2027) = 14: review.
    (
        "two spells in a year",
        {
            "start": START,
            "events": [out("sick", "2027-03-01", "2027-03-10"), out("sick", "2027-10-04", "2027-10-11")],
        },
        D(2029, 8, 4),
        True,
    ),
    # The same spells 13 months apart (1-10 Mar 2027 and 3-10 Apr 2028): never 14 in one 12 months.
    (
        "two spells far apart",
        {
            "start": START,
            "events": [out("sick", "2027-03-01", "2027-03-10"), out("sick", "2028-04-03", "2028-04-10")],
        },
        D(2029, 8, 4),
        False,
    ),
    # Parental leave does not count: 181 days (1 Feb to 31 Jul 2027) later, 1 Feb 2030; and it is absence.
    (
        "parental leave",
        {"start": START, "events": [out("parental", "2027-02-01", "2027-07-31")]},
        D(2030, 2, 1),
        True,
    ),
    # The example: 180 days to 31 Jan 2027, 181 out, 4 days (1-4 Aug 2027) at full time = 184 done;
    # then 912 / 0.8 = 1,140 days from 5 Aug 2027, the last 1,139 days on: 17 Sep 2030.
    (
        "parental leave then 80%",
        {
            "start": START,
            "months_wte": 36,
            "events": [{"ltft": 0.8, "from": "2027-08-05"}, out("parental", "2027-02-01", "2027-07-31")],
        },
        D(2030, 9, 17),
        True,
    ),
    # Time out after the estimated end changes nothing, and is not absence from training.
    (
        "after the end",
        {"start": START, "events": [out("OOPE", "2029-09-01", "2030-08-31")]},
        D(2029, 8, 4),
        False,
    ),
    # A shorter programme (e.g. 24 months left on return): 5 Aug 2026 to 5 Aug 2028 is 731 days; 4 Aug 2028.
    ("24 months", {"start": START, "months_wte": 24}, D(2028, 8, 4), False),
]


@pytest.mark.parametrize("name,spec,cct,review", CASES, ids=[c[0] for c in CASES])
def test_worked_case(name, spec, cct, review):
    result = estimate(spec_from_dict(spec))
    assert (result.cct, result.review.needed) == (cct, review)
    assert result.steps[-1].cct == cct


def test_each_event_is_a_step_with_its_effect():
    spec = spec_from_dict(
        {
            "start": START,
            "events": [{"ltft": 0.8, "from": "2027-08-05"}, out("parental", "2027-02-01", "2027-07-31")],
        }
    )
    texts = [step.text for step in estimate(spec).steps]
    assert texts[0].startswith("Training started on 5 August 2026")
    assert "1,096 days" in texts[0]
    assert "ends on 4 August 2029" in texts[0]
    # Events are taken in date order: the parental leave (February) before the LTFT change (August).
    assert texts[1].startswith(
        "Parental leave from 1 February 2027 to 31 July 2027 (181 days) does not count"
    )
    assert "moves 181 days later, to 1 February 2030" in texts[1]
    assert texts[2].startswith("From 5 August 2027, less than full time at 80%")
    assert "to 17 September 2030" in texts[2]
    assert "working days absent in the 12 months" in texts[3]
    assert "reviewed at ARCP" in texts[3]


def test_the_worst_twelve_months_are_reported():
    spec = spec_from_dict({"start": START, "events": [out("sick", "2027-03-01", "2027-03-19")]})
    review = estimate(spec).review
    assert review.working_days == 15
    assert review.window_start <= D(2027, 3, 1)
    assert review.window_end >= D(2027, 3, 19)
