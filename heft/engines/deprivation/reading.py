"""Reading uploaded CSV files: encoding, header, the shape of every row, and problems with line numbers.

Nothing here stops at the first problem: each reader collects every problem it finds so that a person can fix
a file in one go.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

Progress = Callable[[int, int], None]  # (lines read, lines in the file)
PROGRESS_EVERY = 2_000  # lines between progress reports


@dataclass(frozen=True)
class Problem:
    """Something wrong with a file: `line` is the line number in the file (None for the file as a whole)."""

    line: int | None
    message: str
    column: str = ""

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


class FileRefused(Exception):
    """The file cannot be read at all (empty, not text, not UTF-8): nothing else can be checked."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def decode_text(data: bytes) -> str:
    """The file's text, or FileRefused saying why it cannot be read as UTF-8 CSV."""
    if not data.strip():
        raise FileRefused([Problem(None, "The file is empty.")])
    if data.startswith(b"PK\x03\x04"):
        raise FileRefused(
            [
                Problem(
                    None, "This is a spreadsheet or zip file, not CSV: save it as CSV (UTF-8) and try again."
                )
            ]
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused([Problem(None, "The file is UTF-16 text: save it as CSV (UTF-8) and try again.")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start : error.start + 1].hex().upper()
        raise FileRefused(
            [
                Problem(
                    line,
                    f"The file is not UTF-8 text: line {line} holds a byte (0x{byte}) that UTF-8 does not "
                    "allow. Save it as CSV (UTF-8) and try again.",
                )
            ]
        ) from None
    if "\x00" in text:
        raise FileRefused([Problem(None, "The file holds binary data, not CSV text.")])
    if not text.strip():  # only spaces and separators, such as U+001C, that bytes.strip() leaves
        raise FileRefused([Problem(None, "The file is empty.")])
    return text


def csv_rows(text: str, progress: Progress | None = None) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) for each non-blank row; line numbers count from 1 as an editor shows them."""
    total = text.count("\n") + (0 if text.endswith("\n") else 1)
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    try:
        for fields in reader:
            if progress and reader.line_num % PROGRESS_EVERY == 0:
                progress(reader.line_num, total)
            if any(field.strip() for field in fields):
                yield line, fields
            line = reader.line_num + 1
    except csv.Error as error:  # e.g. a value longer than the csv module reads (131,072 characters)
        message = f"Line {line} cannot be read as CSV ({error}): is it the right file?"
        raise FileRefused([Problem(line, message)]) from None
    if progress:
        progress(total, total)


def first_fields(text: str) -> list[str]:
    """The fields of the first non-blank row; none when every row is blank."""
    return next(csv_rows(text), (1, []))[1]


def normalise(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().strip('"')).casefold()


@dataclass(frozen=True)
class Column:
    """A column a reader needs: its name as people know it, and how to find it in a header."""

    label: str
    starts_with: tuple[str, ...] = ()  # normalised prefixes, for names that vary between releases

    def find(self, header: list[str]) -> int | None:
        """The first header cell named exactly as the label, else the first starting with a prefix."""
        names = [normalise(cell) for cell in header]
        if normalise(self.label) in names:
            return names.index(normalise(self.label))
        if not self.starts_with:
            return None
        return next((i for i, name in enumerate(names) if name.startswith(self.starts_with)), None)


@dataclass
class Table:
    """A CSV file with a header: where each needed column is, and its data rows (their shape checked)."""

    positions: dict[str, int]
    header: list[str]
    rows: list[tuple[int, list[str]]]


def read_table(
    text: str, columns: dict[str, Column], problems: list[Problem], progress: Progress | None = None
) -> Table | None:
    """The table, with a problem for each missing column and each row whose length differs from the header.

    Returns None when a needed column is missing (the rows cannot be checked without it).
    """
    rows = csv_rows(text, progress)
    first = next(rows, None)
    if first is None:
        problems.append(Problem(None, "The file is empty."))
        return None
    header_line, header = first
    positions = {}
    for key, column in columns.items():
        index = column.find(header)
        if index is None:
            problems.append(Problem(header_line, f"The header has no '{column.label}' column.", column.label))
        else:
            positions[key] = index
    if len(positions) < len(columns):
        return None
    width = len(header)
    data = []
    for line, fields in rows:
        if len(fields) != width:
            more_or_fewer = "more" if len(fields) > width else "fewer"
            message = (
                f"This row has {len(fields)} values, {more_or_fewer} than the {width} columns of the header."
            )
            problems.append(Problem(line, message))
            continue
        data.append((line, fields))
    if not data:
        problems.append(Problem(None, "The file has a header but no data rows."))
    return Table(positions, header, data)


def duplicates(keys: list[tuple[int, str]], what: str, column: str) -> list[Problem]:
    """A problem for every repeat of a key, naming the line where it first appeared."""
    first_seen: dict[str, int] = {}
    problems = []
    for line, key in keys:
        if key in first_seen:
            problems.append(
                Problem(
                    line, f"{what} {key} appears more than once (first on line {first_seen[key]}).", column
                )
            )
        else:
            first_seen[key] = line
    return problems


def parse_number(value: str) -> float | None:
    """A decimal number, or None when the text is not one."""
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def parse_whole_number(value: str) -> int | None:
    """A whole number of at most 18 digits (more than any count or rank in these files; Python refuses to
    convert one of thousands of digits), or None."""
    text = value.strip().replace(",", "")
    return int(text) if re.fullmatch(r"\d{1,18}", text) else None
