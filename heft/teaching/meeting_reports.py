"""Reading the attendance report Microsoft Teams gives for a meeting (the meeting's Attendance tab, Download).

Teams writes it as UTF-16 with a byte-order mark, tab-separated; opened and saved again in Excel it may be
UTF-8 (with or without a byte-order mark) and comma-separated. It starts with a block of summary lines
("1. Summary", "Meeting title", "Start time", ...), then the participants' table: a heading row (Name,
First Join, Last Leave, In-Meeting Duration, Email, Participant ID (UPN), Role), a row per person and a
blank line. Later sections ("3. In-Meeting Activities", a row per join) are not read: the participants'
table already sums them. Older reports call the columns Full Name, Join Time, Leave Time and Duration and
may list a person once per join; their times are added up.

Plain Python (no Django): the register's import matches the participants to trainees by email.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass

MAX_BYTES = 2_000_000
MAX_PARTICIPANTS = 3000

NAME = {"name", "full name", "participant name", "participant", "display name"}
EMAIL = {"email", "e-mail", "email address", "e-mail address"}
UPN = {"participant id (upn)", "upn", "participant id", "user principal name"}
JOINED = {"first join", "first join time", "join time", "joined", "join"}
LEFT = {"last leave", "last leave time", "leave time", "left", "leave"}
DURATION = {
    "in-meeting duration",
    "in meeting duration",
    "duration",
    "attendance duration",
    "time in meeting",
}
TITLE = {"meeting title", "title"}
STARTED = {"start time", "meeting start time"}

CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})$")  # 1:02:03 or 02:03
PART = re.compile(r"(\d+)\s*(hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b", re.IGNORECASE)
SECONDS_IN = {"h": 3600, "m": 60, "s": 1}


class ReportError(ValueError):
    """The file is not an attendance report this can read; the message says what to do."""


@dataclass(frozen=True)
class Participant:
    line: int  # the line of the file, as a text editor numbers it
    name: str
    email: str  # lower case; empty when the report has none (a guest who joined by the link)
    joined: str  # as the report writes it
    left: str
    seconds: int | None  # time in the meeting; None when the report does not say

    @property
    def duration(self) -> str:
        return describe_seconds(self.seconds)


@dataclass(frozen=True)
class MeetingReport:
    title: str
    started: str
    participants: tuple[Participant, ...]


def read_report(data: bytes) -> MeetingReport:
    """The meeting's title and start and its participants (each once) from the report's bytes."""
    if len(data) > MAX_BYTES:
        raise ReportError("The file is larger than an attendance report can be: choose the report itself.")
    return parse_report(decode(data))


def decode(data: bytes) -> str:
    """The text of the file: UTF-16 (as Teams writes it) or UTF-8, told by the byte-order mark or by the
    zero bytes of UTF-16; Windows-1252 (Excel's "CSV" on Windows) as a last resort."""
    if not data.strip():
        raise ReportError("The file is empty.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decoded(data, "utf-16")
    if data.startswith(codecs.BOM_UTF8):
        return _decoded(data[len(codecs.BOM_UTF8) :], "utf-8")
    if len(data) > 3 and data[1] == 0 and data[3] == 0:
        return _decoded(data, "utf-16-le")
    if len(data) > 3 and data[0] == 0 and data[2] == 0:
        return _decoded(data, "utf-16-be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _decoded(data, "cp1252")


def _decoded(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ReportError("The file's text cannot be read: download the report from Teams again.") from error


def parse_report(text: str) -> MeetingReport:
    if "\x00" in text:
        raise ReportError("This is not a text file: choose the attendance report Teams downloaded (.csv).")
    for delimiter in ("\t", ",", ";"):
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        found = _heading_row(rows)
        if found is not None:
            index, columns = found
            summary = _summary(rows[:index])
            participants = _participants(rows[index + 1 :], columns, first_line=index + 2)
            return MeetingReport(summary.get("title", ""), summary.get("started", ""), participants)
    raise ReportError(
        "No table of participants was found: the report needs a heading row with Name and Email "
        "(as Teams writes it). Download the attendance report from the meeting's Attendance tab."
    )


def _heading(cell: str) -> str:
    return " ".join(cell.strip().strip("*").lower().split())


def _heading_row(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    """The index of the participants' heading row and where each known column is in it."""
    for index, row in enumerate(rows):
        headings = [_heading(cell) for cell in row]
        columns = {}
        for key, names in (
            ("name", NAME), ("email", EMAIL), ("upn", UPN), ("joined", JOINED), ("left", LEFT),
            ("duration", DURATION),
        ):  # fmt: skip
            position = next((i for i, heading in enumerate(headings) if heading in names), None)
            if position is not None:
                columns[key] = position
        if "name" in columns and ("email" in columns or "upn" in columns):
            return index, columns
    return None


def _summary(rows: list[list[str]]) -> dict[str, str]:
    summary = {}
    for row in rows:
        if len(row) >= 2:
            heading = _heading(row[0])
            if heading in TITLE:
                summary.setdefault("title", row[1].strip())
            elif heading in STARTED:
                summary.setdefault("started", row[1].strip())
    return summary


def _participants(rows: list[list[str]], columns: dict[str, int], first_line: int) -> tuple[Participant, ...]:
    """Rows up to the first blank line or section heading, one Participant per person (by email, else by
    name), their times in the meeting added up."""
    people: dict[str, Participant] = {}
    for offset, row in enumerate(rows):
        cells = [cell.strip() for cell in row]
        if sum(1 for cell in cells if cell) <= 1:
            break  # a blank line or the next section's heading
        name = _cell(cells, columns, "name")
        email = _email(cells, columns)
        if not name and not email:
            continue
        person = Participant(
            line=first_line + offset,
            name=name,
            email=email,
            joined=_cell(cells, columns, "joined"),
            left=_cell(cells, columns, "left"),
            seconds=parse_seconds(_cell(cells, columns, "duration")),
        )
        key = email or f"name:{name.lower()}"
        people[key] = _together(people[key], person) if key in people else person
        if len(people) > MAX_PARTICIPANTS:
            raise ReportError(f"The report lists more than {MAX_PARTICIPANTS} people: is it the right file?")
    if not people:
        raise ReportError("The report's table of participants is empty.")
    return tuple(people.values())


def _cell(cells: list[str], columns: dict[str, int], key: str) -> str:
    position = columns.get(key)
    return cells[position] if position is not None and position < len(cells) else ""


def _email(cells: list[str], columns: dict[str, int]) -> str:
    """The Email column, else the sign-in name (UPN) when it is an address."""
    for key in ("email", "upn"):
        value = _cell(cells, columns, key).lower()
        if "@" in value:
            return value
    return ""


def _together(first: Participant, again: Participant) -> Participant:
    seconds = (
        None
        if first.seconds is None and again.seconds is None
        else (first.seconds or 0) + (again.seconds or 0)
    )
    return Participant(first.line, first.name, first.email, first.joined, again.left or first.left, seconds)


def parse_seconds(text: str) -> int | None:
    """ "2h 3m 49s", "1 hr 5 min", "45m", "01:02:03" or "02:03" as seconds; None when it is none of these."""
    text = text.strip()
    if not text:
        return None
    if clock := CLOCK.match(text):
        hours, minutes, seconds = (int(part or 0) for part in clock.groups())
        return hours * 3600 + minutes * 60 + seconds
    parts = PART.findall(text)
    if not parts or PART.sub("", text).strip(" ,"):
        return None
    return sum(int(number) * SECONDS_IN[unit[0].lower()] for number, unit in parts)


def describe_seconds(seconds: int | None) -> str:
    """e.g. "1 h 45 min", "12 min", "under a minute"; "not given" for None."""
    if seconds is None:
        return "not given"
    hours, minutes = divmod(seconds // 60, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min" if minutes else "under a minute"
