"""Readers for the public files HEFT Hub loads, each in its publisher's own format (see docs/data-sources.md).

Each reader takes the file's bytes and returns a Reading: the records it found and every problem, with line
numbers. A reader checks what the file alone can tell (shape, types, duplicates); whether the codes exist is
for the caller, who holds the practices and areas already loaded.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from heft.engines.deprivation.reading import (
    Column,
    Problem,
    Progress,
    csv_rows,
    decode_text,
    duplicates,
    first_fields,
    normalise,
    parse_number,
    parse_whole_number,
    read_table,
)

R = TypeVar("R")

ODS_CODE = re.compile(r"[A-Z0-9]{3,8}")
# The largest values a real file holds, with room to spare: anything beyond is a broken or wrong file, and
# must be refused here rather than overflow a database column on the way in.
MAX_IMD_SCORE = 100.0  # IMD scores run from 0 to about 93
MAX_IMD_RANK = 100_000  # England has 32,844 LSOAs (2011) or 33,755 (2021)
MAX_PATIENTS = 1_000_000  # patients of one practice in one area; the largest practices list about 100,000
ENGLISH_LSOA = re.compile(r"E01\d{6}")

SOURCE_NAMES = {
    "epraccur": "NHS ODS GP practices (epraccur.csv)",
    "fingertips": "Fingertips indicator 93553 (deprivation score by GP practice)",
    "iod": "English Indices of Deprivation by LSOA",
    "lsoa_patients": "Patients registered at a GP practice by LSOA",
}


@dataclass
class Reading(Generic[R]):
    """What a reader found: records, problems, how many data rows it read and what it skipped, and why."""

    records: list[R] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    notes: list[str] = field(default_factory=list)
    vintage: str = ""


def counted(number: int, noun: str) -> str:
    """A count with its noun and verb agreeing: '1 row is', '2 rows are', '1 practice has'."""
    verb = {"row": ("is", "are"), "practice": ("has", "have")}[noun]
    return f"{number:,} {noun}{'' if number == 1 else 's'} {verb[number != 1]}"


def identify(fields: list[str]) -> str | None:
    """Which known file a first row belongs to, to say so when someone picks the wrong kind of file."""
    names = {normalise(cell) for cell in fields}
    if {"indicator id", "area code"} <= names:
        return "fingertips"
    if {"practice_code", "lsoa_code"} <= names:
        return "lsoa_patients"
    if any(n.startswith("lsoa code") for n in names) and any(
        n.startswith("index of multiple") for n in names
    ):
        return "iod"
    if len(fields) == EPRACCUR_COLUMNS and ODS_CODE.fullmatch(fields[0].strip()):
        return "epraccur"
    return None


def wrong_kind(fields: list[str], expected: str, line: int) -> list[Problem]:
    kind = identify(fields)
    if kind is None or kind == expected:
        return []
    return [
        Problem(line, f"This looks like {SOURCE_NAMES[kind]}, not {SOURCE_NAMES[expected]}: choose that.")
    ]


# --- NHS ODS epraccur.csv ---------------------------------------------------------------------------------

EPRACCUR_COLUMNS = 27
GP_PRACTICE_SETTING = 4  # column 26, prescribing setting: 4 is a GP practice
STATUSES = {"A", "C", "D", "P"}  # active, closed, dormant, proposed


@dataclass(frozen=True)
class OdsPractice:
    line: int
    ods_code: str
    name: str
    postcode: str
    open_date: datetime.date | None
    close_date: datetime.date | None
    status: str
    region_code: str  # column 3, national grouping (the NHS England region)
    icb_code: str  # column 4, high level health geography
    commissioner_code: str  # column 15


def parse_ods_date(text: str) -> datetime.date | None:
    if not re.fullmatch(r"\d{8}", text):
        raise ValueError
    return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))


def read_epraccur(data: bytes, progress: Progress | None = None) -> Reading[OdsPractice]:
    """epraccur.csv: no header, 27 columns. Keeps GP practices (prescribing setting 4), skips the rest."""
    reading: Reading[OdsPractice] = Reading()
    codes: list[tuple[int, str]] = []
    skipped = 0
    for line, raw in csv_rows(decode_text(data), progress):
        reading.rows += 1
        fields = [value.strip() for value in raw]
        if reading.rows == 1 and not ODS_CODE.fullmatch(fields[0]):
            other_kind = wrong_kind(raw, "epraccur", line)
            if other_kind:
                reading.problems += other_kind
                return reading
            reading.problems.append(Problem(line, "This looks like a header row, but epraccur.csv has none."))
            continue
        if len(fields) != EPRACCUR_COLUMNS:
            message = f"This row has {len(fields)} columns; epraccur.csv rows have {EPRACCUR_COLUMNS}."
            reading.problems.append(Problem(line, message))
            continue
        codes.append((line, fields[0]))
        practice, problems = _ods_practice(line, fields)
        reading.problems += problems
        if practice is None:
            skipped += not problems
        else:
            reading.records.append(practice)
    if reading.rows == 0:
        reading.problems.append(Problem(None, "The file has no rows: every line is blank."))
    reading.problems += duplicates(codes, "Organisation code", "organisation code")
    if skipped:
        reading.notes.append(
            f"{counted(skipped, 'row')} not GP practices (prescribing setting other than 4)."
        )
    return reading


def _ods_practice(line: int, fields: list[str]) -> tuple[OdsPractice | None, list[Problem]]:
    problems = []
    code, name, status = fields[0], fields[1], fields[12]
    if not ODS_CODE.fullmatch(code):
        problems.append(Problem(line, f"'{code}' is not an ODS organisation code.", "organisation code"))
    if not name:
        problems.append(Problem(line, "The name is empty.", "name"))
    if status not in STATUSES:
        problems.append(Problem(line, f"Status '{status}' is not one of A, C, D or P.", "status"))
    setting = parse_whole_number(fields[25])
    if setting is None:
        problems.append(Problem(line, f"Prescribing setting '{fields[25]}' is not a number.", "setting"))
    dates = {}
    for column, index in (("open date", 10), ("close date", 11)):
        try:
            dates[column] = parse_ods_date(fields[index]) if fields[index] else None
        except ValueError:
            problems.append(Problem(line, f"'{fields[index]}' is not a date (YYYYMMDD).", column))
    opened, closed = dates.get("open date"), dates.get("close date")
    if opened and closed and closed < opened:
        problems.append(Problem(line, "The close date is before the open date.", "close date"))
    if problems or setting != GP_PRACTICE_SETTING:
        return None, problems
    practice = OdsPractice(
        line=line,
        ods_code=code,
        name=name,
        postcode=fields[9],
        open_date=opened,
        close_date=closed,
        status=status,
        region_code=fields[2],
        icb_code=fields[3],
        commissioner_code=fields[14],
    )
    return practice, []


# --- Fingertips indicator 93553 ---------------------------------------------------------------------------

FINGERTIPS_INDICATOR = "93553"
FINGERTIPS_COLUMNS = {
    "indicator": Column("Indicator ID"),
    "area_code": Column("Area Code"),
    "area_name": Column("Area Name"),
    "area_type": Column("Area Type"),
    "period": Column("Time period"),
    "value": Column("Value"),
}
GP_AREA_TYPES = {"gps", "gp", "gp practice", "gp practices"}


@dataclass(frozen=True)
class PracticeScore:
    line: int
    ods_code: str
    name: str
    score: float


def read_fingertips(data: bytes, progress: Progress | None = None) -> Reading[PracticeScore]:
    """A Fingertips CSV export of indicator 93553 for GP practices: the latest period's score of each."""
    reading: Reading[PracticeScore] = Reading()
    text = decode_text(data)
    table = read_table(text, FINGERTIPS_COLUMNS, reading.problems, progress)
    if table is None:
        reading.problems += wrong_kind(first_fields(text), "fingertips", 1)
        return reading
    reading.rows = len(table.rows)
    at = table.positions
    category = Column("Category Type").find(table.header)
    sortable = Column("Time period Sortable").find(table.header)
    wrong_indicator = [(line, f[at["indicator"]]) for line, f in table.rows if f[at["indicator"]] != "93553"]
    if wrong_indicator and len(wrong_indicator) == len(table.rows):
        indicator = wrong_indicator[0][1]
        reading.problems.append(
            Problem(
                None, f"This file is indicator {indicator}, not {FINGERTIPS_INDICATOR} (deprivation score)."
            )
        )
        return reading
    for line, indicator in wrong_indicator:
        message = f"Indicator {indicator} is not {FINGERTIPS_INDICATOR}: a file holds one indicator."
        reading.problems.append(Problem(line, message, "Indicator ID"))
    gp_rows = [
        (line, f)
        for line, f in table.rows
        if normalise(f[at["area_type"]]) in GP_AREA_TYPES
        and not (category is not None and f[category].strip())
    ]
    if not gp_rows:
        reading.problems.append(
            Problem(None, "The file has no GP practice rows (Area Type 'GPs'): export it for GP practices.")
        )
        return reading

    def period_key(fields: list[str]):
        value = fields[sortable] if sortable is not None else ""
        return (parse_whole_number(value) or 0, fields[at["period"]])

    latest = max(period_key(f) for _, f in gp_rows)
    period = latest[1]
    other_periods = sum(period_key(f) != latest for _, f in gp_rows)
    if other_periods:
        reading.notes.append(
            f"{counted(other_periods, 'row')} for earlier periods: left out, this loads {period}."
        )
    codes, no_value = [], 0
    for line, fields in gp_rows:
        if period_key(fields) != latest:
            continue
        code, value = fields[at["area_code"]].strip(), fields[at["value"]].strip()
        codes.append((line, code))
        if not ODS_CODE.fullmatch(code):
            reading.problems.append(Problem(line, f"'{code}' is not a GP practice code.", "Area Code"))
            continue
        if not value:
            no_value += 1
            continue
        score = parse_number(value)
        if score is None or not 0 <= score <= MAX_IMD_SCORE:
            reading.problems.append(Problem(line, f"Value '{value}' is not a deprivation score.", "Value"))
            continue
        reading.records.append(PracticeScore(line, code, fields[at["area_name"]].strip(), score))
    reading.problems += duplicates(codes, "Practice", "Area Code")
    if no_value:
        reading.notes.append(
            f"{counted(no_value, 'practice')} no value in the file: figures left as they were."
        )
    reading.vintage = f"IMD 2019 score, Fingertips {FINGERTIPS_INDICATOR}, {period}"
    return reading


# --- English Indices of Deprivation, by LSOA --------------------------------------------------------------

IOD_VINTAGES = {"2011": "IoD2019", "2021": "IoD2025"}  # LSOA boundaries → the release keyed by them
IOD_LABELS = {"IoD2019": "IoD 2019 (LSOA 2011)", "IoD2025": "IoD 2025 (LSOA 2021)"}
IOD_COLUMNS = {
    "lsoa": Column("LSOA code (2011) or LSOA code (2021)", ("lsoa code",)),
    "score": Column(
        "Index of Multiple Deprivation (IMD) Score", ("index of multiple deprivation (imd) score",)
    ),
    "rank": Column("Index of Multiple Deprivation (IMD) Rank", ("index of multiple deprivation (imd) rank",)),
    "decile": Column(
        "Index of Multiple Deprivation (IMD) Decile", ("index of multiple deprivation (imd) decile",)
    ),
}


@dataclass(frozen=True)
class AreaRow:
    line: int
    lsoa_code: str
    score: float
    rank: int
    decile: int


def read_iod(data: bytes, progress: Progress | None = None) -> Reading[AreaRow]:
    """IoD 2019 File 7 (LSOA 2011) or IoD 2025 (LSOA 2021): each area's IMD score, rank and decile."""
    reading: Reading[AreaRow] = Reading()
    text = decode_text(data)
    table = read_table(text, IOD_COLUMNS, reading.problems, progress)
    if table is None:
        reading.problems += wrong_kind(first_fields(text), "iod", 1)
        return reading
    reading.rows = len(table.rows)
    lsoa_header = table.header[table.positions["lsoa"]]
    year = next((y for y in IOD_VINTAGES if y in lsoa_header), None)
    if year is None:
        message = f"'{lsoa_header}' does not say whether the codes are LSOA 2011 or LSOA 2021."
        reading.problems.append(Problem(1, message, "LSOA code"))
        return reading
    reading.vintage = IOD_VINTAGES[year]
    at = table.positions
    codes = []
    for line, fields in table.rows:
        code = fields[at["lsoa"]].strip()
        codes.append((line, code))
        score = parse_number(fields[at["score"]])
        rank = parse_whole_number(fields[at["rank"]])
        decile = parse_whole_number(fields[at["decile"]])
        problems = []
        if not ENGLISH_LSOA.fullmatch(code):
            problems.append(Problem(line, f"'{code}' is not an English LSOA code (E01…).", "LSOA code"))
        if score is None or score < 0:
            problems.append(Problem(line, f"IMD score '{fields[at['score']]}' is not a number.", "IMD score"))
        elif score > MAX_IMD_SCORE:
            message = f"IMD score '{fields[at['score']]}' is more than {MAX_IMD_SCORE:.0f}."
            problems.append(Problem(line, message, "IMD score"))
        if not rank:
            problems.append(
                Problem(line, f"IMD rank '{fields[at['rank']]}' is not a whole number.", "IMD rank")
            )
        elif rank > MAX_IMD_RANK:
            message = f"IMD rank '{fields[at['rank']]}' is more than there are areas in England."
            problems.append(Problem(line, message, "IMD rank"))
        if decile is None or not 1 <= decile <= 10:
            message = f"IMD decile '{fields[at['decile']]}' is not a whole number from 1 to 10."
            problems.append(Problem(line, message, "IMD decile"))
        reading.problems += problems
        if not problems:
            reading.records.append(AreaRow(line, code, score, rank, decile))
    reading.problems += duplicates(codes, "LSOA", "LSOA code")
    return reading


# --- Patients registered at a GP practice, by LSOA --------------------------------------------------------

PATIENT_COLUMNS = {
    "practice": Column("PRACTICE_CODE"),
    "lsoa": Column("LSOA_CODE"),
    "sex": Column("SEX"),
    "patients": Column("NUMBER_OF_PATIENTS"),
}
SEXES = {"ALL", "MALE", "FEMALE"}
LSOA_CODE_LENGTH = 9  # E01012345; Wales W01, Scotland's data zones S01


@dataclass(frozen=True)
class PatientCount:
    line: int
    ods_code: str
    lsoa_code: str
    sex: str
    patients: int


def read_lsoa_patients(data: bytes, progress: Progress | None = None) -> Reading[PatientCount]:
    """NHS England's 'Patients registered at a GP practice' by LSOA: each practice's patients by area."""
    reading: Reading[PatientCount] = Reading()
    text = decode_text(data)
    table = read_table(text, PATIENT_COLUMNS, reading.problems, progress)
    if table is None:
        reading.problems += wrong_kind(first_fields(text), "lsoa_patients", 1)
        return reading
    reading.rows = len(table.rows)
    at = table.positions
    keys = []
    for line, fields in table.rows:
        code, lsoa = fields[at["practice"]].strip(), fields[at["lsoa"]].strip()
        sex, patients = fields[at["sex"]].strip().upper(), parse_whole_number(fields[at["patients"]])
        keys.append((line, f"{code} / {lsoa} / {sex}"))
        problems = []
        if not ODS_CODE.fullmatch(code):
            problems.append(Problem(line, f"'{code}' is not a GP practice code.", "PRACTICE_CODE"))
        if not lsoa:
            problems.append(Problem(line, "The LSOA code is empty.", "LSOA_CODE"))
        elif len(lsoa) > LSOA_CODE_LENGTH:  # codes elsewhere in the UK, or for "unknown", are no longer
            message = f"'{lsoa[:20]}…' is not an LSOA code (at most {LSOA_CODE_LENGTH} characters)."
            problems.append(Problem(line, message, "LSOA_CODE"))
        if sex not in SEXES:
            problems.append(Problem(line, f"Sex '{fields[at['sex']]}' is not ALL, MALE or FEMALE.", "SEX"))
        if patients is None or patients > MAX_PATIENTS:
            message = f"'{fields[at['patients']]}' is not a number of patients."
            problems.append(Problem(line, message, "NUMBER_OF_PATIENTS"))
        reading.problems += problems
        if not problems:
            reading.records.append(PatientCount(line, code, lsoa, sex, patients))
    reading.problems += duplicates(keys, "Practice / LSOA / sex", "LSOA_CODE")
    extract = Column("EXTRACT_DATE").find(table.header)
    when = table.rows[0][1][extract].strip() if extract is not None and table.rows else ""
    reading.vintage = f"patients by LSOA{', ' + when if when else ''}"
    return reading


READERS = {
    "epraccur": read_epraccur,
    "fingertips": read_fingertips,
    "iod": read_iod,
    "lsoa_patients": read_lsoa_patients,
}
