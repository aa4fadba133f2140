"""Reading the spreadsheets people upload (CSV or .xlsx), for every import: one set of rules and messages.

- CSV (UTF-8, with or without a byte-order mark; comma, semicolon or tab separated) or an Excel workbook
  (.xlsx, its first sheet). The type is told from the content, not the name. Other encodings are refused,
  never guessed. Row 1 holds the headings; messages give rows as a spreadsheet numbers them. Blank rows are
  skipped.
- Headings are matched in any order and case; spaces, punctuation and TIS-style trailing asterisks do not
  matter (`normal_heading`). Columns with other headings are ignored.
- Every problem is collected as a RowError, so that a file is refused once with all of them
  (ImportRejected), never one at a time.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

FILE_ROW = 0  # RowError.row for a problem with the file as a whole


@dataclass(frozen=True)
class RowError:
    """A problem with one cell, one row (column None) or the whole file (row 0)."""

    row: int
    column: str | None
    message: str

    def __str__(self):
        where = "File" if self.row == FILE_ROW else f"Row {self.row}"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class ImportRejected(Exception):
    """The file was refused; nothing was written. `errors` lists every problem found, in row order."""

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: e.row)
        super().__init__(f"The file was not imported: {len(self.errors)} problem(s).")


def refuse(message: str, row: int = FILE_ROW) -> ImportRejected:
    return ImportRejected([RowError(row, None, message)])


# --- reading the file ---------------------------------------------------------------------------------------

ZIP = b"PK\x03\x04"
OLD_OFFICE = b"\xd0\xcf\x11\xe0"
BINARY_STARTS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SAVE_AS = 'Open it in Excel and save it as "CSV UTF-8 (Comma delimited)" or as an Excel workbook (.xlsx).'

Rows = list[tuple[int, list]]  # (spreadsheet row number, cell values)


def read_table(data: bytes, filename: str, *, what: str, max_rows: int) -> tuple[list, Rows]:
    """The heading row and the non-blank data rows of a CSV or .xlsx file, told apart by content. `what`
    names the rows in messages ("trainees", "posts")."""
    if not data.strip():
        raise refuse("The file is empty.")
    if data.startswith(ZIP):
        headings, rows = _read_xlsx(data, filename, what, max_rows)
    elif data.startswith(OLD_OFFICE):
        raise refuse(f'"{filename}" is an old Excel (.xls) file, which cannot be read. {SAVE_AS}')
    elif data.startswith(BINARY_STARTS) or b"\x00" in data[:4096] and not data.startswith(UTF16_BOMS):
        raise refuse(f'"{filename}" is not a CSV file or an Excel workbook (.xlsx).')
    else:
        headings, rows = _read_csv(data, what, max_rows)
    if not rows:
        raise refuse(f"The file has headings but no {what}.")
    return headings, rows


def _read_csv(data: bytes, what: str, max_rows: int) -> tuple[list, Rows]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        raise refuse(
            f"The file is not saved as UTF-8 text (the first character that is not is on row {row}), so "
            f"names with accents would come out wrong. {SAVE_AS}",
            row=row,
        ) from error
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=max(",;\t", key=first_line.count))
    try:
        return _table(reader, what, max_rows)
    except csv.Error as error:
        raise refuse(f"This row cannot be read as CSV ({error}).", row=reader.line_num) from error


def _read_xlsx(data: bytes, filename: str, what: str, max_rows: int) -> tuple[list, Rows]:
    from openpyxl import load_workbook  # only when a workbook arrives: it is slow to import

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a zip that is not a workbook
        raise refuse(
            f'"{filename}" is not a CSV file or an Excel workbook (.xlsx) that can be read.'
        ) from error
    try:
        sheet = workbook.active or workbook.worksheets[0]
        return _table(sheet.iter_rows(values_only=True), what, max_rows)
    except ImportRejected:
        raise
    except Exception as error:  # a damaged part of the workbook shows only when its rows are read
        raise refuse(
            f'"{filename}" is a damaged Excel workbook: its rows cannot be read. {SAVE_AS}'
        ) from error
    finally:
        workbook.close()


def _table(records: Iterable, what: str, max_rows: int) -> tuple[list, Rows]:
    """Headings and numbered non-blank rows, read as a stream: a huge file is refused without holding it."""
    records = iter(records)
    headings = next(records, None)
    if headings is None:
        raise refuse("The file is empty.")
    if is_blank_row(headings):
        raise refuse("Row 1 is empty: it must hold the column headings.", row=1)
    rows: Rows = []
    for number, values in enumerate(records, start=2):
        if is_blank_row(values):
            continue
        if len(rows) == max_rows:
            raise refuse(f"The file has more than {max_rows} rows of {what}: split it into smaller files.")
        rows.append((number, list(values)))
    return list(headings), rows


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_blank_row(values) -> bool:
    return all(is_blank(v) for v in values)


# --- headings -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    heading: str  # how messages and templates name it
    aliases: frozenset[str]
    required: bool = True


def column(key: str, heading: str, *aliases: str, required: bool = True) -> Column:
    return Column(key, heading, frozenset({normal_heading(heading), *aliases}), required)


def normal_heading(heading) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(heading or "").lower()).strip()


Columns = dict[str, tuple[int, str]]  # key -> (index, heading as written in the file)


def map_headings(headings: list, columns: Iterable[Column]) -> tuple[Columns, list[RowError]]:
    """The columns found, and an error for each heading given twice or required and missing (rows are still
    checked when some are missing, so every error shows at once)."""
    columns = list(columns)
    by_alias = {alias: c for c in columns for alias in c.aliases}
    found: Columns = {}
    errors = []
    for index, heading in enumerate(headings):
        known = by_alias.get(normal_heading(heading))
        if known is None:
            continue
        written = str(heading).strip()
        if known.key in found:
            first = found[known.key][1]
            errors.append(
                RowError(1, written, f'"{first}" and "{written}" both give the {known.heading}: keep one.')
            )
        else:
            found[known.key] = (index, written)
    errors += [
        RowError(1, c.heading, f'There is no "{c.heading}" column.')
        for c in columns
        if c.required and c.key not in found
    ]
    return found, errors


def cell(values: list, columns: Columns, key: str):
    """The value in the row under the column `key` (None when the file lacks the column or the cell)."""
    if key not in columns:
        return None
    index = columns[key][0]
    return values[index] if index < len(values) else None


# --- cell values --------------------------------------------------------------------------------------------


class BadValue(ValueError):
    """A cell's value cannot be used; the message says why, for the person who made the file."""


def show(value) -> str:
    text = str(value).strip()
    return f'"{text[:40]}…"' if len(text) > 40 else f'"{text}"'


def required(value) -> None:
    if is_blank(value):
        raise BadValue("This is blank.")


def whole_number(value) -> int | None:
    """An int from a cell holding a whole number (as text, an int or a float), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return int(number) if number.is_finite() and number == number.to_integral_value() else None


FORMULA_STARTS = ("=", "+", "-", "@")  # text a spreadsheet would run; no name or email starts so


def not_a_formula(text: str) -> None:
    if text.startswith(FORMULA_STARTS):
        raise BadValue(f"{show(text)} looks like a spreadsheet formula: give the value itself.")


def parse_text(value, *, max_length: int, optional: bool = False) -> str:
    """Text with its spaces tidied; blank is an error unless `optional`."""
    if optional and is_blank(value):
        return ""
    required(value)
    text = " ".join(str(value).split())
    if len(text) > max_length:
        raise BadValue(f"This can be at most {max_length} characters.")
    not_a_formula(text)
    return text


def parse_email(value, *, optional: bool = False) -> str:
    if optional and is_blank(value):
        return ""
    required(value)
    text = str(value).strip().lower()
    not_a_formula(text)
    try:
        validate_email(text)
    except ValidationError as error:
        raise BadValue(f"{show(value)} is not an email address.") from error
    if len(text) > 254:
        raise BadValue("An email address can be at most 254 characters.")
    return text


def parse_intake(value) -> str:
    required(value)
    if isinstance(value, datetime.date):  # Excel turns "2026-08" into a date
        return f"{value.year:04d}-{value.month:02d}"
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", str(value).strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise BadValue(f"Give the intake as year and month, e.g. 2026-08; {show(value)} is not.")
    return f"{match[1]}-{int(match[2]):02d}"


YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0"}


def parse_yes_no(value) -> bool:
    required(value)
    text = str(value).strip().lower()
    if text in YES or text in NO:
        return text in YES
    raise BadValue(f"Say yes or no; {show(value)} is neither.")


def parse_whole_number(value, *, low: int, high: int, what: str) -> int:
    required(value)
    number = whole_number(value)
    if number is None or not low <= number <= high:
        raise BadValue(f"{what} is a whole number from {low} to {high}; {show(value)} is not.")
    return number


def parse_decimal(value, *, low: Decimal, high: Decimal, places: str, what: str) -> Decimal:
    """A number in [low, high], rounded to `places` (e.g. "0.01")."""
    required(value)
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, bool) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not low <= number <= high:
        raise BadValue(f"{what} is a number from {low} to {high}; {show(value)} is not.")
    return number.quantize(Decimal(places))


def parse_date(value, *, optional: bool = False) -> datetime.date | None:
    if is_blank(value):
        if optional:
            return None
        raise BadValue("This is blank.")
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    for layout in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(str(value).strip(), layout).date()
        except ValueError:
            continue
    raise BadValue(f"Give a date as DD/MM/YYYY, e.g. 04/08/2027; {show(value)} is not.")
