"""Reading a Teams attendance report: the sample in docs/samples as Teams writes it (UTF-16, tabs), as Excel
saves it again (UTF-8, commas), and the older layout; what cannot be read is refused with a reason."""

import codecs
import csv
import io
from pathlib import Path

import pytest

from heft.teaching.meeting_reports import ReportError, describe_seconds, parse_seconds, read_report

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "teams-attendance-report.csv"


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def as_teams_writes_it(text: str) -> bytes:
    """UTF-16 little-endian with a byte-order mark, tab separated."""
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


def as_comma_separated(text: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in csv.reader(io.StringIO(text), delimiter="\t"):
        writer.writerow(row)
    return out.getvalue()


SAMPLE_PEOPLE = {
    "educator@example.org": 7778,
    "priya.example@example.org": 7180,
    "tom.sample@example.org": 7038,
    "grace.placeholder@example.org": 750,
    "olu.invented@nhs.invalid": 7350,
    "": 6600,  # a guest who joined by the link
    "zoe.fictional@example.org": 7200,
}


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(lambda text: as_teams_writes_it(text), id="utf-16 with BOM, tabs (Teams)"),
        pytest.param(lambda text: text.encode("utf-16-be"), id="utf-16 big-endian without BOM"),
        pytest.param(lambda text: text.encode("utf-8"), id="utf-8, tabs"),
        pytest.param(
            lambda text: codecs.BOM_UTF8 + as_comma_separated(text).encode(), id="utf-8 BOM, commas"
        ),
        pytest.param(lambda text: as_comma_separated(text).encode("cp1252"), id="windows-1252, commas"),
    ],
)
def test_the_sample_reads_the_same_in_every_encoding(data):
    report = read_report(data(sample_text()))
    assert report.title == "HEFT national session: Inclusion Health"
    assert report.started == "3/11/27, 1:55:02 PM"
    assert {p.email: p.seconds for p in report.participants} == SAMPLE_PEOPLE
    zoe = next(p for p in report.participants if p.email.startswith("zoe"))
    assert zoe.name == "Zoë Fictional"
    assert zoe.duration == "2 h"


def test_emails_are_lower_case_and_the_activity_section_is_not_counted_twice():
    report = read_report(as_teams_writes_it(sample_text()))
    tom = next(p for p in report.participants if p.name == "Tom Sample")
    assert tom.email == "tom.sample@example.org"
    assert len(report.participants) == 7  # the In-Meeting Activities rows are not read
    priya = next(p for p in report.participants if p.name == "Priya Example")
    assert (priya.joined, priya.left, priya.duration) == (
        "3/11/27, 1:58:10 PM",
        "3/11/27, 4:01:12 PM",
        "1 h 59 min",
    )


def test_the_older_layout_with_a_row_per_join():
    text = (
        "Meeting Summary\n"
        "Total Number of Participants\t2\n"
        "Meeting Title\tRegional session\n"
        "Meeting Start Time\t15/03/2027, 14:00:00\n"
        "\n"
        "Full Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\tParticipant ID (UPN)\n"
        "Priya Example\t15/03/2027, 14:00:00\t15/03/2027, 14:40:00\t40m\t\tAttendee\t"
        "Priya.Example@Example.org\n"
        "Priya Example\t15/03/2027, 14:50:00\t15/03/2027, 16:00:00\t1h 10m\t\tAttendee\t"
        "Priya.Example@Example.org\n"
        "Tom Sample\t15/03/2027, 14:02:00\t15/03/2027, 15:59:00\t01:57:00\t"
        "tom.sample@example.org\tAttendee\t\n"
    )
    report = read_report(as_teams_writes_it(text))
    assert report.title == "Regional session"
    assert report.started == "15/03/2027, 14:00:00"
    priya, tom = report.participants
    assert priya.email == "priya.example@example.org"  # from the UPN when the Email column is empty
    assert priya.seconds == 110 * 60
    assert priya.left == "15/03/2027, 16:00:00"
    assert tom.seconds == 117 * 60


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "The file is empty"),
        (b"   \r\n", "The file is empty"),
        (b"PK\x03\x04\x00\x00binary", "not a text file"),
        (b"Name,Role\nPriya Example,Attendee\n", "No table of participants"),
        (b"Name\tEmail\n\n", "table of participants is empty"),
        (b"\xff\xfe\x00\xd8", "cannot be read"),  # UTF-16 with half a character
    ],
)
def test_what_cannot_be_read_is_refused_with_a_reason(data, message):
    with pytest.raises(ReportError, match=message):
        read_report(data)


@pytest.mark.parametrize(
    "text,seconds",
    [
        ("2h 9m 38s", 7778),
        ("1 hr 5 min", 3900),
        ("45m", 2700),
        ("59s", 59),
        ("01:02:03", 3723),
        ("12:30", 750),
        ("", None),
        ("about an hour", None),
        ("2h and then some", None),
    ],
)
def test_durations(text, seconds):
    assert parse_seconds(text) == seconds


def test_durations_in_words():
    assert [describe_seconds(s) for s in (None, 30, 750, 3600, 7180)] == [
        "not given",
        "under a minute",
        "12 min",
        "1 h",
        "1 h 59 min",
    ]
