"""Reading the public files: the samples in docs/samples/ read cleanly, and every kind of bad file is refused
with each problem on its line."""

from pathlib import Path

import pytest

from heft.engines.deprivation.reading import FileRefused, decode_text
from heft.engines.deprivation.sources import read_epraccur, read_fingertips, read_iod, read_lsoa_patients

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"
EPRACCUR = (SAMPLES / "epraccur.csv").read_bytes()
FINGERTIPS = (SAMPLES / "fingertips-93553.csv").read_bytes()
IOD = (SAMPLES / "iod2019-file7.csv").read_bytes()
PATIENTS = (SAMPLES / "gp-reg-pat-prac-lsoa-all.csv").read_bytes()


def lines(data: bytes) -> list[str]:
    return data.decode().splitlines()


def messages(reading) -> list[tuple[int | None, str]]:
    return sorted(((p.line, p.message) for p in reading.problems), key=lambda m: m[0] or 0)


# --- the file as a whole ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data,expected",
    [
        (b"", "The file is empty."),
        (b" \r\n\n", "The file is empty."),
        (b"\x1c", "The file is empty."),  # a separator str.strip() removes but bytes.strip() keeps
        (b"PK\x03\x04rest-of-a-workbook", "spreadsheet or zip file, not CSV"),
        ("a,b\n".encode("utf-16"), "UTF-16"),
        (b"ok line\nY97001,CAF\xc9 SURGERY\n", "line 2 holds a byte (0xC9)"),
        (b"abc\x00def", "binary data"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data, expected):
    with pytest.raises(FileRefused) as refused:
        decode_text(data)
    assert expected in refused.value.problems[0].message


@pytest.mark.parametrize("reader", [read_epraccur, read_fingertips, read_iod, read_lsoa_patients])
def test_a_file_of_blank_rows_is_refused(reader):
    reading = reader(b"\x1c,\x1c\n , \n")
    assert reading.problems
    assert not reading.records


def test_a_byte_order_mark_is_fine():
    assert decode_text(b"\xef\xbb\xbfIndicator ID\n").startswith("Indicator ID")


# --- epraccur ---------------------------------------------------------------------------------------------


def test_epraccur_sample_reads_the_gp_practices_and_skips_the_rest():
    reading = read_epraccur(EPRACCUR)
    assert reading.problems == []
    assert reading.rows == 14
    codes = [p.ods_code for p in reading.records]
    assert codes == [f"Y970{n:02d}" for n in range(1, 13)]
    assert reading.notes == ["2 rows are not GP practices (prescribing setting other than 4)."]
    closed = next(p for p in reading.records if p.ods_code == "Y97007")
    assert (closed.status, str(closed.close_date), closed.region_code) == ("C", "2024-03-31", "Y61")


def test_epraccur_every_bad_row_is_reported_with_its_line():
    rows = lines(EPRACCUR)
    rows[1] = rows[1].replace('"19811001"', '"1981-10-01"', 1)  # bad open date
    rows[2] = rows[2].replace('"A","B"', '"X","B"')  # unknown status
    rows[3] = rows[3] + ',"extra"'  # 28 columns
    rows[4] = rows[4].rsplit(",", 1)[0]  # 26 columns
    rows[5] = rows[0]  # a duplicate of line 1
    rows[6] = rows[6].replace('"4",""', '"four",""')  # setting not a number
    reading = read_epraccur("\n".join(rows).encode())
    assert messages(reading) == [
        (2, "'1981-10-01' is not a date (YYYYMMDD)."),
        (3, "Status 'X' is not one of A, C, D or P."),
        (4, "This row has 28 columns; epraccur.csv rows have 27."),
        (5, "This row has 26 columns; epraccur.csv rows have 27."),
        (6, "Organisation code Y97001 appears more than once (first on line 1)."),
        (7, "Prescribing setting 'four' is not a number."),
    ]


def test_epraccur_with_a_header_row_is_refused():
    header = ",".join(f'"Column {n}"' for n in range(1, 28))
    reading = read_epraccur((header + "\n").encode() + EPRACCUR)
    assert messages(reading) == [(1, "This looks like a header row, but epraccur.csv has none.")]


def test_the_wrong_kind_of_file_is_named():
    reading = read_epraccur(FINGERTIPS)
    assert len(reading.problems) == 1
    assert "looks like Fingertips indicator 93553" in reading.problems[0].message
    assert "looks like NHS ODS GP practices" in read_fingertips(EPRACCUR).problems[-1].message
    assert "looks like Patients registered" in read_iod(PATIENTS).problems[-1].message


# --- Fingertips -------------------------------------------------------------------------------------------


def test_fingertips_sample_reads_the_gp_rows_of_the_latest_period():
    reading = read_fingertips(FINGERTIPS)
    assert reading.problems == []
    scores = {r.ods_code: r.score for r in reading.records}
    assert len(scores) == 11
    assert scores["Y97001"] == 52.4
    assert "Y97012" not in scores
    assert reading.vintage == "IMD 2019 score, Fingertips 93553, 2019"
    assert reading.notes == ["1 practice has no value in the file: figures left as they were."]


def test_fingertips_keeps_only_the_latest_period():
    rows = lines(FINGERTIPS)
    older = rows[4].replace(",2019,52.4,", ",2015,49.0,").replace("20190000", "20150000")
    reading = read_fingertips("\n".join([*rows, older]).encode())
    assert reading.problems == []
    assert {r.ods_code: r.score for r in reading.records}["Y97001"] == 52.4
    assert "1 row is for earlier periods: left out, this loads 2019." in reading.notes


def test_fingertips_missing_columns_are_named():
    rows = [row.split(",") for row in lines(FINGERTIPS)]
    without = "\n".join(",".join(r[:12] + r[13:]) for r in rows)  # no Value column
    assert messages(read_fingertips(without.encode())) == [(1, "The header has no 'Value' column.")]


def test_fingertips_bad_values_wrong_indicator_and_duplicates():
    rows = lines(FINGERTIPS)
    rows[4] = rows[4].replace(",52.4,", ",high,")
    rows[5] = rows[5].replace("93553,", "90453,", 1)
    rows.append(rows[6])
    rows.append("93553,x,,,Y97013,EXTRA,GPs,Persons")  # too few values
    reading = read_fingertips("\n".join(rows).encode())
    assert messages(reading) == [
        (5, "Value 'high' is not a deprivation score."),
        (6, "Indicator 90453 is not 93553: a file holds one indicator."),
        (17, "Practice Y97003 appears more than once (first on line 7)."),
        (18, "This row has 8 values, fewer than the 27 columns of the header."),
    ]


def test_fingertips_of_another_indicator_is_refused_once():
    other = FINGERTIPS.decode().replace("\n93553,", "\n90453,").encode()
    assert messages(read_fingertips(other)) == [
        (None, "This file is indicator 90453, not 93553 (deprivation score).")
    ]


def test_fingertips_without_gp_rows_is_refused():
    england_only = "\n".join(lines(FINGERTIPS)[:4]).encode()
    assert "no GP practice rows" in read_fingertips(england_only).problems[0].message


# --- IoD and patients by LSOA -----------------------------------------------------------------------------


def test_iod_sample_reads_every_area_and_knows_its_release():
    reading = read_iod(IOD)
    assert reading.problems == []
    assert len(reading.records) == 20
    assert reading.vintage == "IoD2019"
    first = reading.records[0]
    assert (first.lsoa_code, first.score, first.rank, first.decile) == ("E01099001", 68.2, 120, 1)
    assert read_iod(IOD.replace(b"LSOA code (2011)", b"LSOA code (2021)")).vintage == "IoD2025"


def test_iod_bad_rows():
    rows = lines(IOD)
    rows[1] = rows[1].replace(",1,0.341,", ",11,0.341,")  # decile 11
    rows[2] = rows[2].replace("E01099002", "W01099002")
    rows[3] = rows[3].replace("47.300", "n/a")
    reading = read_iod("\n".join(rows).encode())
    assert messages(reading) == [
        (2, "IMD decile '11' is not a whole number from 1 to 10."),
        (3, "'W01099002' is not an English LSOA code (E01…)."),
        (4, "IMD score 'n/a' is not a number."),
    ]


def test_patients_sample_and_bad_rows():
    reading = read_lsoa_patients(PATIENTS)
    assert reading.problems == []
    assert len(reading.records) == 26
    assert reading.vintage == "patients by LSOA, 01OCT2024"
    rows = lines(PATIENTS)
    rows[1] = rows[1].replace(",ALL,", ",PERSONS,")
    rows[2] = rows[2].replace(",2000", ",-5")
    rows.append(rows[3])
    assert messages(read_lsoa_patients("\n".join(rows).encode())) == [
        (2, "Sex 'PERSONS' is not ALL, MALE or FEMALE."),
        (3, "'-5' is not a number of patients."),
        (28, "Practice / LSOA / sex Y97001 / E01099005 / ALL appears more than once (first on line 4)."),
    ]
