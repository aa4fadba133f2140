import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from heft.preferencing import services
from heft.preferencing.exports import (
    TIS_HEADER,
    as_csv,
    as_xlsx,
    escape_formula,
    offer_rows,
    tis_placement_rows,
)
from heft.preferencing.models import Offer
from heft.trainees.models import Interruption
from heft.trainees.placements import placements_redate
from tests import factories as f
from tests.preferencing.test_services import close, submit

FORMULA_NAME = '=HYPERLINK("http://example.org/x","Click me")'


@pytest.fixture
def published(allocation, world):
    """ROT-A has a second slot in a Deep End GP practice; trainee 1 (surname a formula) accepts ROT-A,
    trainee 2 is offered R2 and has not replied."""
    gp = f.CategoryFactory(code="gp-practice", name="GP practice", kind="gp")
    rotation = allocation.rotations[0]
    f.SlotFactory(
        rotation=rotation,
        order=rotation.slots.get().order + 1,
        training_year="ST2",
        start_offset_months=6,
        months=12,
        post__category=gp,
        post__practice=world.practice,
        post__wte=Decimal("0.5"),
        post__educational_supervisor_name="Dr Ada Example",
        post__educational_supervisor_email="ada.example@example.org",
    )
    first, second = allocation.trainees[:2]
    first.surname = FORMULA_NAME
    first.save()
    submit(allocation, first, ["ROT-A"])
    submit(allocation, second, ["R2"])
    close(allocation)
    run = services.run_create(window=allocation.window, mechanism="serial-dictatorship", by=allocation.lead)
    respond_by = timezone.now() + datetime.timedelta(days=7)
    services.run_publish(run=run, respond_by=respond_by, by=allocation.lead)
    offer = Offer.objects.get(trainee=first)
    services.offer_respond(offer=offer, accept=True, by=first.user)
    return allocation


@pytest.mark.parametrize(
    "text", ["=1+1", "+44 117", "-2", "@SUM(A1)", "\tx", "\rx", "\uff1d1+1", FORMULA_NAME]
)
def test_formula_text_gets_an_apostrophe(text):
    assert escape_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["Smith", "", "O'Neil", "a=b"])
def test_plain_text_is_left_alone(text):
    assert escape_formula(text) == text


def test_offer_rows_list_every_offer_in_rank_order(published):
    header, rows = offer_rows(published.window)
    assert header[:4] == ["Surname", "Forenames", "GMC number", "National rank"]
    first, second = published.trainees[:2]
    assert [(r[2], r[3], r[4], r[8]) for r in rows] == [
        (first.gmc_number, 1, "ROT-A", "Accepted"),
        (second.gmc_number, 2, "R2", "Offered"),
    ]
    accepted = rows[0]
    assert accepted[6] == "Yes"  # ROT-A holds an inclusion health post
    assert accepted[7] == 1  # their first choice
    assert isinstance(accepted[9], datetime.datetime)
    assert accepted[9].tzinfo is None
    assert accepted[10] is not None
    assert rows[1][10] is None


def test_tis_rows_place_each_slot_of_accepted_rotations_only(published):
    header, rows = tis_placement_rows(published.window, today=datetime.date(2026, 9, 1))
    assert header == TIS_HEADER
    assert len(rows) == 2  # ROT-A's two slots; the unanswered R2 offer is not a placement
    row = dict(zip(header, rows[0], strict=True))
    trainee = published.trainees[0]
    assert row["Surname*"] == FORMULA_NAME
    assert row["GMC Number"] == trainee.gmc_number
    assert row["Date From*"] == datetime.date(2026, 8, 5)
    assert row["Date To*"] == datetime.date(2027, 2, 4)
    assert row["Placement Type*"] == "In post"
    assert row["Placement Status*"] == "Current"
    assert row["Site*"] == "Fictional Outreach Service"
    assert row["WTE*"] == Decimal("1")
    assert row["Specialty1*"] == "General Practice"
    assert row["Clinical Supervisor"] == row["Educational Supervisor"] == ""  # TIS wants GMC numbers there
    assert row["Comments"] == "ST1; HEFT innovative post: Inclusion health"
    gp = dict(zip(header, rows[1], strict=True))
    assert (gp["Date From*"], gp["Date To*"]) == (datetime.date(2027, 2, 5), datetime.date(2028, 2, 4))
    assert gp["Placement Status*"] == "Future"
    assert gp["Site*"] == published.window.scheme.region.practices.get().name
    assert gp["WTE*"] == Decimal("0.5")
    assert gp["Comments"] == (
        "ST2; HEFT Deep End practice; Educational supervisor: Dr Ada Example <ada.example@example.org>"
    )


def test_tis_headings_are_those_the_tis_placement_upload_reads():
    # As spelt by TIS's generic upload (PlacementXls): required ones end in an asterisk.
    assert TIS_HEADER[:3] == ["Surname*", "GMC Number", "National Post Number*"]
    assert {"Clinical Supervisor", "Educational Supervisor", "Comments", "Placement Type*"} <= set(TIS_HEADER)


@pytest.mark.parametrize(
    ("today", "status"), [("2026-08-04", "Future"), ("2027-02-04", "Current"), ("2027-02-05", "Past")]
)
def test_tis_status_follows_today(published, today, status):
    _, rows = tis_placement_rows(published.window, today=datetime.date.fromisoformat(today))
    assert rows[0][6] == status


def test_tis_rows_are_the_placements_made_on_accepting(published):
    membership = published.trainees[0].memberships.get()
    assert membership.placements.count() == 2
    first = membership.placements.order_by("start_date").first()
    first.end_date = datetime.date(2027, 1, 31)
    first.save()
    _, rows = tis_placement_rows(published.window, today=datetime.date(2026, 9, 1))
    assert rows[0][4] == datetime.date(2027, 1, 31)  # the placement's dates, not the slot's


def test_tis_dates_and_wte_follow_less_than_full_time(published):
    membership = published.trainees[0].memberships.get()
    membership.wte = Decimal("0.6")
    membership.save()
    placements_redate(membership=membership, by=published.lead, today=datetime.date(2026, 8, 1))
    _, rows = tis_placement_rows(published.window, today=datetime.date(2026, 9, 1))
    # 6 months at 0.6: 184 full-time days take 307 days, to 7 June 2027.
    assert rows[0][3:5] == [datetime.date(2026, 8, 5), datetime.date(2027, 6, 7)]
    assert rows[1][3] == datetime.date(2027, 6, 8)
    assert rows[1][8] == Decimal("0.3")


def test_tis_rows_split_where_time_out_splits_a_placement(published):
    membership = published.trainees[0].memberships.get()
    Interruption.objects.create(
        membership=membership, kind="parental", start_date=datetime.date(2026, 10, 1),
        end_date=datetime.date(2026, 10, 31),
    )  # fmt: skip
    placements_redate(membership=membership, by=published.lead, today=datetime.date(2026, 8, 1))
    _, rows = tis_placement_rows(published.window, today=datetime.date(2026, 9, 1))
    assert [row[3:5] for row in rows[:2]] == [
        [datetime.date(2026, 8, 5), datetime.date(2026, 9, 30)],
        [datetime.date(2026, 11, 1), datetime.date(2027, 3, 7)],  # 31 days later than 4 March
    ]


def test_an_offer_accepted_before_placements_were_made_is_dated_from_its_slots(published):
    membership = published.trainees[0].memberships.get()
    membership.placements.all().delete()
    membership.wte = Decimal("0.6")
    membership.save()
    _, rows = tis_placement_rows(published.window, today=datetime.date(2026, 9, 1))
    assert rows[0][3:5] == [datetime.date(2026, 8, 5), datetime.date(2027, 6, 7)]
    assert rows[1][8] == Decimal("0.3")
    assert rows[1][13].endswith("Educational supervisor: Dr Ada Example <ada.example@example.org>")


def test_csv_has_a_bom_escapes_formulas_and_keeps_numbers(published):
    data = as_csv(*tis_placement_rows(published.window, today=datetime.date(2026, 9, 1)))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == TIS_HEADER
    assert rows[1][0] == "'" + FORMULA_NAME
    assert rows[1][3:5] == ["05/08/2026", "04/02/2027"]
    assert rows[1][8] == "1"
    assert as_csv(["n", "t"], [[-5, "-5"]]).decode("utf-8-sig").splitlines()[1] == "-5,'-5"


def test_xlsx_reads_back_with_escaped_text_and_real_dates(published):
    header, rows = offer_rows(published.window)
    data = as_xlsx(header, rows, sheet_title="Offers: ROT/2026?")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Offers  ROT 2026"
    assert [c.value for c in sheet[1]] == header
    assert all(c.font.bold for c in sheet[1])
    surname = sheet.cell(row=2, column=1)
    assert surname.value == "'" + FORMULA_NAME
    assert surname.data_type == "s"
    assert sheet.cell(row=2, column=4).value == 1  # the national rank stays a number
    respond_by = sheet.cell(row=2, column=10)
    assert isinstance(respond_by.value, datetime.datetime)
    assert respond_by.number_format == "DD/MM/YYYY HH:MM"
    assert sheet.column_dimensions["F"].width > 8


def test_xlsx_drops_characters_excel_cannot_hold():
    data = as_xlsx(["Name"], [["Bell\x07 Ringer"], ["@once"]], sheet_title="People")
    sheet = load_workbook(io.BytesIO(data)).active
    assert [sheet.cell(row=r, column=1).value for r in (2, 3)] == ["Bell Ringer", "'@once"]
