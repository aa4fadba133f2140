"""Every upload fuzzed with malformed files: the trainee import (CSV and .xlsx) and the public data imports
(practices from epraccur, deprivation from Fingertips, the IoD and patients by LSOA).

Each malformed file must be refused whole with a clear error: never a server error, never a partial write.
The service functions take the volume; the upload pages are driven through the test client as the people
allowed to use them. Files that are malformed for certain (random bytes, a broken workbook, a wrong encoding,
a huge cell, a formula, a missing or doubled heading, a good file with one bad row) must be refused; a good
file changed at random must be loaded whole or refused whole.
"""

import csv
import hashlib
import io
import json
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from heft.accounts.models import RoleAssignment, User
from heft.audit.models import AuditEvent
from heft.practices.models import DataImport, DeepEndRuleApplication, LsoaDeprivation, Practice
from heft.practices.services import data_import_run_file
from heft.preferencing.trainee_import import ImportRejected, trainees_import
from heft.trainees.models import ProgrammeMembership, Trainee
from tests import factories as f
from tests.practices.conftest import SAMPLE_FILES, sample

# Many examples for the services, fewer through the pages (each one renders a page). HEFT_FUZZ_SCALE=10
# makes a run ten times as long, to look harder.
SCALE = int(os.environ.get("HEFT_FUZZ_SCALE", "1"))
SERVICE = settings(
    max_examples=60 * SCALE, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
PAGES = settings(
    max_examples=15 * SCALE, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# --- the trainee import ------------------------------------------------------------------------------------

HEADER = ["GMC number", "Forenames", "Surname", "Email", "Scheme", "Intake", "National rank", "Score",
          "HEFT interest"]  # fmt: skip
NAME_CELLS = (1, 2)


def person(n: int) -> list[str]:
    """A row that the import would accept on its own, for a trainee of scheme A."""
    return [str(9400000 + n), "Ada", f"Fuzzperson{n}", f"fuzz{n}@example.org", "scheme-a", "2026-08",
            str(500 + n), "512.5", "yes"]  # fmt: skip


def as_csv(rows: list[list], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def as_xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD_ROWS = [HEADER, *(person(n) for n in range(3))]
GOOD_XLSX = as_xlsx(GOOD_ROWS)

# One cell a person might get wrong, and a value that is wrong for it.
BAD_CELLS = st.sampled_from(
    [
        (0, "12345"),  # a GMC number is 7 digits
        (1, ""),  # blank forenames
        (2, "x" * 101),  # a name longer than any
        (3, "not an email"),
        (4, "no-such-scheme"),
        (5, "August"),
        (6, "first"),
        (7, "-3"),
        (8, "perhaps"),
        (1, '=HYPERLINK("https://example.org","Ada")'),  # a formula, not a name
        (2, "+44 7700 900000"),
        (3, "=fuzz@example.org"),
        (2, "@SUM(1+1)*cmd|' /C calc'!A0"),
    ]
)


@st.composite
def good_then_bad_rows(draw) -> list[list]:
    """Valid rows, then one row with a bad cell: the good rows must not be saved either."""
    good = draw(st.integers(min_value=1, max_value=20))
    rows = [HEADER, *(person(n) for n in range(good))]
    column, value = draw(BAD_CELLS)
    bad = person(good)
    bad[column] = value
    rows.insert(draw(st.integers(min_value=1, max_value=len(rows))), bad)
    return rows


def _csv_bytes(rows, encoding="utf-8") -> bytes:
    return as_csv(rows).encode(encoding)


@st.composite
def broken_trainee_files(draw) -> tuple[str, bytes]:
    """(file name, content) of a file that must be refused."""
    kinds = ["random", "truncated xlsx", "encoding", "huge cell", "formula cell", "headings",
             "good then bad csv", "good then bad xlsx"]  # fmt: skip
    kind = draw(st.sampled_from(kinds))
    if kind == "random":
        return "random.csv", draw(st.binary(min_size=0, max_size=3000))
    if kind == "truncated xlsx":
        return "cut.xlsx", GOOD_XLSX[: draw(st.integers(min_value=1, max_value=len(GOOD_XLSX) - 1))]
    if kind == "encoding":
        rows = [HEADER, *(person(n) for n in range(2))]
        rows[1][1] = draw(st.sampled_from(["Zoë", "Siân", "Łukasz", "Ștefan", "Éanna"]))
        encoding = draw(st.sampled_from(["cp1252", "latin-1", "utf-16", "utf-16-le", "utf-32", "mac-roman"]))
        try:
            return f"{encoding}.csv", _csv_bytes(rows, encoding)
        except UnicodeEncodeError:
            return "utf-16.csv", _csv_bytes(rows, "utf-16")
    if kind == "huge cell":
        rows = [HEADER, person(0)]
        rows[1][draw(st.sampled_from(NAME_CELLS))] = "x" * draw(st.integers(min_value=101, max_value=300_000))
        return "huge.csv", b"\xef\xbb\xbf" + _csv_bytes(rows)
    if kind == "formula cell":
        rows = [HEADER, person(0)]
        rows[1][draw(st.sampled_from([0, 1, 2, 3, 6, 7]))] = draw(
            st.sampled_from(["=1+1", "=A1", "=SUM(G2:G3)"])
        )
        return "formula.xlsx", as_xlsx(rows)
    if kind == "headings":
        header = list(HEADER)
        index = draw(st.integers(min_value=0, max_value=len(header) - 1))
        if draw(st.booleans()):
            del header[index]  # a heading missing
            rows = [header, *([c for i, c in enumerate(person(n)) if i != index] for n in range(2))]
        else:
            header.append(header[index])  # a heading twice
            rows = [header, *(person(n) + [person(n)[index]] for n in range(2))]
        return "headings.csv", _csv_bytes(rows, draw(st.sampled_from(["utf-8", "utf-8-sig"])))
    rows = draw(good_then_bad_rows())
    if kind == "good then bad xlsx":
        return "bad-row.xlsx", as_xlsx(rows)
    return "bad-row.csv", draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + _csv_bytes(rows)


def trainee_tables() -> tuple[int, ...]:
    """Row counts of every table the trainee import writes."""
    return tuple(
        model.objects.count() for model in (Trainee, ProgrammeMembership, User, RoleAssignment, AuditEvent)
    )


@pytest.fixture
def lead(world):
    return world.user("regional_lead")


def assert_refused_whole(errors, before) -> None:
    assert errors, "a refused file says why"
    assert all(str(error).strip() for error in errors)
    assert trainee_tables() == before, "nothing is written"


@SERVICE
@given(upload=broken_trainee_files())
def test_the_trainee_import_refuses_a_malformed_file_whole(upload, lead):
    name, data = upload
    note(f"{name}: {data[:300]!r} ({len(data)} bytes)")
    before = trainee_tables()
    with pytest.raises(ImportRejected) as refused:
        trainees_import(data=data, filename=name, by=lead, allowed_scheme_ids=None)
    assert_refused_whole(refused.value.errors, before)


@PAGES
@given(upload=broken_trainee_files())
def test_the_trainee_import_page_shows_the_errors_and_saves_nothing(upload, client, lead):
    name, data = upload
    note(f"{name}: {data[:300]!r} ({len(data)} bytes)")
    client.force_login(lead)
    before = trainee_tables()
    response = client.post(reverse("preferencing:trainee_import"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert "nhsuk-error-summary" in response.content.decode()
    assert trainee_tables() == before


@st.composite
def damaged_workbooks(draw) -> bytes:
    """A good workbook with bytes changed: a change in a part nobody reads may leave it good."""
    data = bytearray(GOOD_XLSX)
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        data[draw(st.integers(min_value=4, max_value=len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


@SERVICE
@given(data=damaged_workbooks())
def test_the_trainee_import_of_a_damaged_workbook_is_all_or_nothing(data, lead):
    note(f"{len(data)} bytes")
    before = trainee_tables()
    try:
        summary = trainees_import(data=data, filename="damaged.xlsx", by=lead, allowed_scheme_ids=None)
    except ImportRejected as refused:
        assert_refused_whole(refused.errors, before)
    else:
        assert summary.rows == len(GOOD_ROWS) - 1


def test_the_good_file_the_fuzzing_starts_from_is_accepted(lead):
    """Otherwise every refusal above could be for the wrong reason."""
    for name, data in (("good.csv", _csv_bytes(GOOD_ROWS)), ("good.xlsx", GOOD_XLSX)):
        summary = trainees_import(data=data, filename=name, by=lead, allowed_scheme_ids=None)
        assert summary.rows == 3


# --- the public data imports (practices and deprivation) ---------------------------------------------------

SOURCES = list(SAMPLE_FILES)
SAMPLES = {source: sample(source) for source in SOURCES}


def data_state() -> str:
    """A digest of every practice, area and Deep End rule row: an update changes it as surely as an insert."""
    rows = [
        list(Practice.objects.order_by("pk").values_list()),
        list(LsoaDeprivation.objects.order_by("pk").values_list()),
        DeepEndRuleApplication.objects.count(),
    ]
    return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()


@pytest.fixture
def loaded(world):
    """The four sample files loaded, in order, so that every later file has practices and areas to meet."""
    f.RegionFactory(code="south-west", name="South West")
    f.RegionFactory(code="east-of-england", name="East of England")
    admin = world.user("national_admin")
    for source in SOURCES:
        result = data_import_run_file(
            source=source, file_name=SAMPLE_FILES[source], data=SAMPLES[source], by=admin
        )
        assert result.status == DataImport.Status.LOADED, result.problems
    return admin


def _lines(source: str) -> list[str]:
    return SAMPLES[source].decode("utf-8-sig").splitlines()


def _loaded_lines(source: str) -> list[int]:
    """The lines the import loads, where a bad value must be refused: epraccur has no header and skips
    what is not a GP practice (prescribing setting 4); Fingertips starts with England's rows and skips a
    practice without a value."""
    lines = _lines(source)
    if source == "epraccur":
        return [i for i, line in enumerate(lines) if next(csv.reader([line]))[25] == "4"]
    if source == "fingertips":
        return [i for i, line in enumerate(lines) if ",GPs," in line and next(csv.reader([line]))[12]]
    return list(range(1, len(lines)))


# The cells the import keeps or checks, by source (columns of the sample's rows), and for each a value that
# no file of that kind may hold.
CHECKED_CELLS = {
    "epraccur": [0, 1, 3, 9, 10, 12, 14],
    "fingertips": [0, 4, 12],
    "iod": [0, 4, 5, 6],
    "lsoa_patients": [2, 4, 5, 6],
}
BAD_DATA_CELLS = {
    "epraccur": [(0, "not-a-code!"), (1, ""), (1, "N" * 201), (1, '=HYPERLINK("https://example.org")'),
                 (9, "P" * 11), (3, "Q" * 201), (10, "2024-01-01"), (12, "X"), (14, "C" * 11), (25, "four")],
    "fingertips": [(4, "Y99999"), (12, "-1"), (12, "plenty"), (12, "1e30"), (12, "9" * 40), (0, "90000")],
    "iod": [(0, "W01000001"), (4, "-2.5"), (4, "1e400"), (4, "9" * 40), (5, "2.5"), (5, "9" * 20), (6, "11"),
            (6, "0")],
    "lsoa_patients": [(2, "=1+1"), (4, ""), (5, "X"), (6, "-5"), (6, "9" * 20)],
}  # fmt: skip
CSV_FIELD_LIMIT = 131_072  # Python's csv module refuses a longer field


@st.composite
def broken_data_files(draw, source: str) -> bytes:
    kinds = [
        "random",
        "spreadsheet",
        "encoding",
        "huge cell",
        "over the CSV limit",
        "good then bad",
        "no rows",
    ]
    kind = draw(st.sampled_from(kinds))
    if kind == "random":
        return draw(st.binary(min_size=0, max_size=3000))
    if kind == "spreadsheet":
        return GOOD_XLSX[: draw(st.integers(min_value=4, max_value=len(GOOD_XLSX)))]
    lines = _lines(source)
    if kind == "encoding":
        encoding = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "cp1252"]))
        if encoding == "cp1252":  # a character UTF-8 cannot read, where Excel would save one
            at = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[at] = lines[at].replace(",", ",Café ", 1)
            return "\n".join(lines).encode("cp1252")
        return "\n".join(lines).encode(encoding)
    if kind == "no rows":
        return b"\n\n" if source == "epraccur" else (lines[0] + "\n").encode()
    at = draw(st.sampled_from(_loaded_lines(source)))
    row = next(csv.reader([lines[at]]))
    if kind == "huge cell":
        column = draw(st.sampled_from(CHECKED_CELLS[source]))
        row[column] = draw(st.sampled_from(["x", "9", "E01"])) * draw(st.integers(300, 100_000))
    elif kind == "over the CSV limit":
        row[draw(st.integers(0, len(row) - 1))] = "x" * draw(st.integers(CSV_FIELD_LIMIT + 1, 300_000))
    else:
        column, value = draw(st.sampled_from(BAD_DATA_CELLS[source]))
        row[column] = value
    lines[at] = as_csv([row]).rstrip("\r\n")
    return (draw(st.sampled_from(["", "\ufeff"])) + "\n".join(lines) + "\n").encode()


def changed_lines(source: str, data: bytes) -> list[str]:
    """The lines of `data` that the sample does not have, shortened, for the report of a failing example."""
    sample_lines = set(SAMPLES[source].splitlines())
    return [line[:200].decode(errors="replace") for line in data.splitlines() if line not in sample_lines]


@st.composite
def any_source_broken(draw) -> tuple[str, bytes]:
    source = draw(st.sampled_from(SOURCES))
    return source, draw(broken_data_files(source))


def assert_import_refused(data_import: DataImport, before: str) -> None:
    data_import.refresh_from_db()
    assert data_import.status == DataImport.Status.REFUSED, (data_import.status, data_import.problems)
    assert data_import.problem_count >= 1
    assert all(p["message"].strip() for p in data_import.problems)
    assert data_state() == before, "nothing is written"


@SERVICE
@given(upload=any_source_broken())
def test_a_public_data_import_refuses_a_malformed_file_whole(upload, loaded):
    source, data = upload
    note(f"{source}: {data[:300]!r} ({len(data)} bytes); changed lines: {changed_lines(source, data)}")
    before = data_state()
    data_import = data_import_run_file(source=source, file_name="fuzz.csv", data=data, by=loaded)
    assert_import_refused(data_import, before)


@PAGES
@given(upload=any_source_broken())
def test_the_import_page_refuses_a_malformed_file_whole(upload, loaded, client):
    source, data = upload
    note(f"{source}: {data[:300]!r} ({len(data)} bytes); changed lines: {changed_lines(source, data)}")
    client.force_login(loaded)
    before = data_state()
    url = reverse("practices:import_list")
    response = client.post(url, {"source": source, "file": SimpleUploadedFile("fuzz.csv", data)})
    if not data:  # the form itself refuses an empty file, before any import starts
        assert response.status_code == 400
        assert data_state() == before
        return
    assert response.status_code == 302
    data_import = DataImport.objects.latest("pk")
    assert_import_refused(data_import, before)
    page = client.get(response.url)
    assert page.status_code == 200
    assert "refused" in page.content.decode().lower()


@st.composite
def changed_at_random(draw) -> tuple[str, bytes]:
    """A good file with some bytes changed, cut short or repeated: it may or may not still be good."""
    source = draw(st.sampled_from(SOURCES))
    data = bytearray(SAMPLES[source])
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        change = draw(st.sampled_from(["byte", "cut", "repeat"]))
        if change == "byte":
            data[at] = draw(st.integers(min_value=0, max_value=255))
        elif change == "cut":
            data = data[:at] if at else data
        else:
            data = data[:at] + data[at : at + 200] + data[at:]
    return source, bytes(data)


@SERVICE
@given(upload=changed_at_random())
def test_a_public_data_import_is_all_or_nothing(upload, loaded):
    source, data = upload
    note(f"{source}: {data[:300]!r} ({len(data)} bytes); changed lines: {changed_lines(source, data)}")
    before = data_state()
    data_import = data_import_run_file(source=source, file_name="changed.csv", data=data, by=loaded)
    data_import.refresh_from_db()
    assert data_import.status in {DataImport.Status.LOADED, DataImport.Status.REFUSED}, data_import.status
    if data_import.status == DataImport.Status.REFUSED:
        assert data_import.problem_count >= 1
        assert data_state() == before
