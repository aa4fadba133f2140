"""The register page's working parts, without the database: which rows a search shows, the marks not yet
saved, and how an online meeting's attendance report lines up with the trainees on the register."""

import base64
import binascii
import unicodedata
from dataclasses import dataclass, field

from heft.teaching.meeting_reports import MeetingReport, Participant, ReportError, parse_report
from heft.teaching.models import Attendance

STATUSES = Attendance.Status.values
MOST_ROWS = 200  # listed at once; more is a page too long to mark, and slow to send
SHOW = {
    "": "Everyone",
    "unmarked": "Not marked yet",
    "attended": "Attended",
    "checked_in": "Checked in themselves",
    "apologies": "Sent apologies",
    "absent": "Absent",
}


def folded(text: str) -> str:
    """Lower case without accents, so that "zoe" finds Zoë."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass
class RegisterRow:
    trainee: object
    record: Attendance | None
    mark: str  # what the radios show: an unsaved mark, else the recorded status; "" when unmarked
    pending: bool  # the mark is not saved yet

    @property
    def checked_in(self) -> bool:
        return bool(self.record) and self.record.source == Attendance.Source.CHECK_IN

    def shows_for(self, show: str) -> bool:
        return show in self.show_keys()

    def show_keys(self) -> list[str]:
        """The SHOW keys whose filter lists this row."""
        keys = ["", self.mark or "unmarked"]
        if self.checked_in and self.mark == Attendance.Status.ATTENDED:
            keys.append("checked_in")
        return keys

    def matches(self, words: list[str]) -> bool:
        if not words:
            return True
        haystack = folded(f"{self.trainee.full_name} {self.trainee.email}")
        return all(word in haystack for word in words)


@dataclass
class RegisterView:
    """The register as the page shows it: the rows the search and filter leave, and the unsaved marks of
    the rows they hide (the form carries those, so that searching loses nothing)."""

    shown: list[RegisterRow]
    hidden_pending: list[RegisterRow]
    total: int
    counts: dict[str, int]  # by SHOW key, unsaved marks included: what the filter would show
    saved: dict[str, int]  # by SHOW key, as recorded
    beyond: int = 0  # rows the search and filter leave that the page does not list (past MOST_ROWS)

    @property
    def pending(self) -> int:
        return sum(1 for row in self.shown if row.pending) + len(self.hidden_pending)


def register_view(trainees, existing: dict, marks: dict[int, str], *, search: str = "", show: str = ""):
    """`marks` are the statuses the form holds (trainee id -> status): a mark that differs from the record
    is pending. `search` matches every word against name and email; `show` is a SHOW key. At most
    MOST_ROWS rows are listed (a national session's register holds every HEFT trainee in England): the
    search finds the others."""
    words = folded(search).split()
    shown, hidden, counts, saved = [], [], dict.fromkeys(SHOW, 0), dict.fromkeys(SHOW, 0)
    for trainee in trainees:
        record = existing.get(trainee.pk)
        recorded = record.status if record else ""
        mark = marks.get(trainee.pk) or recorded
        row = RegisterRow(trainee, record, mark, pending=mark != recorded)
        as_saved = RegisterRow(trainee, record, recorded, pending=False)
        for key in row.show_keys():
            counts[key] += 1
        for key in as_saved.show_keys():
            saved[key] += 1
        if row.shows_for(show) and row.matches(words):
            shown.append(row)
        elif row.pending:
            hidden.append(row)
    beyond = shown[MOST_ROWS:]
    hidden += [row for row in beyond if row.pending]
    return RegisterView(shown[:MOST_ROWS], hidden, len(trainees), counts, saved, beyond=len(beyond))


def posted_marks(data, trainees) -> dict[int, str]:
    """The statuses a posted register form holds, for the trainees on the register (others are ignored)."""
    marks = {}
    for trainee in trainees:
        value = data.get(f"trainee_{trainee.pk}")
        if value in STATUSES:
            marks[trainee.pk] = value
    return marks


# --- an online meeting's attendance report ----------------------------------------------------------------


@dataclass
class ReportRow:
    index: int  # the participant's place in the report: the form's fields are named by it
    participant: Participant
    trainee: object = None  # matched by email
    record: Attendance | None = None
    suggestion: object = None  # for an unmatched row: the one trainee with the same name, if any


@dataclass
class ReportMatch:
    report: MeetingReport
    matched: list[ReportRow] = field(default_factory=list)
    unmatched: list[ReportRow] = field(default_factory=list)
    not_in_report: list = field(default_factory=list)  # trainees on the register the report does not name

    @property
    def unmarked_not_in_report(self) -> list:
        return [t for t, record in self.not_in_report if record is None]


def match_report(report: MeetingReport, trainees, existing: dict) -> ReportMatch:
    """Line the report up with the register: by email, ignoring case (the trainee's own address or their
    sign-in's); an unmatched participant gets a suggestion when exactly one trainee has their name."""
    by_email = {}
    for trainee in trainees:
        for address in (trainee.email, getattr(trainee.user, "email", "") if trainee.user_id else ""):
            if address:
                by_email.setdefault(address.lower(), trainee)
    by_name: dict[str, list] = {}
    for trainee in trainees:
        by_name.setdefault(folded(trainee.full_name), []).append(trainee)
    result, found = ReportMatch(report), set()
    for index, participant in enumerate(report.participants):
        trainee = by_email.get(participant.email) if participant.email else None
        if trainee is not None and trainee.pk not in found:
            found.add(trainee.pk)
            result.matched.append(ReportRow(index, participant, trainee, existing.get(trainee.pk)))
        else:
            namesakes = by_name.get(folded(_without_note(participant.name)), [])
            suggestion = namesakes[0] if len(namesakes) == 1 else None
            result.unmatched.append(ReportRow(index, participant, suggestion=suggestion))
    result.not_in_report = [(t, existing.get(t.pk)) for t in trainees if t.pk not in found]
    return result


def _without_note(name: str) -> str:
    """ "Sam Example (Guest)" -> "Sam Example": Teams notes guests and external people after the name."""
    return name.split(" (", 1)[0].strip()


def import_marks(match: ReportMatch, attend: set[int], chosen: dict[int, int], absent_rest: bool, trainees):
    """The statuses a confirmed import records: attended for the ticked matched rows and for the trainees
    chosen for unmatched rows; absent, if asked, for the register's unmarked trainees still not named."""
    on_register = {t.pk for t in trainees}
    marks = {row.trainee.pk: Attendance.Status.ATTENDED for row in match.matched if row.index in attend}
    for trainee_id in chosen.values():
        if trainee_id in on_register:
            marks[trainee_id] = Attendance.Status.ATTENDED
    if absent_rest:
        for trainee in match.unmarked_not_in_report:
            marks.setdefault(trainee.pk, Attendance.Status.ABSENT)
    return marks


def carried(text: str) -> str:
    """The report's text as the preview's form carries it to the confirmation (base64: exactly as read)."""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def report_carried(value: str) -> MeetingReport:
    """The report the preview's form carried back."""
    try:
        text = base64.b64decode(value.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise ReportError("The report could not be read again: upload it again.") from error
    return parse_report(text)


def import_summary(match: ReportMatch, marks: dict[int, str], chosen: dict[int, int]) -> dict:
    """What an import did, for the audit trail (counts, and the meeting's title: no names)."""
    return {
        "meeting": match.report.title,
        "participants": len(match.report.participants),
        "matched": len(match.matched),
        "chosen": len(chosen),
        "ignored": len(match.unmatched) - len(chosen),
        "attended": sum(1 for status in marks.values() if status == Attendance.Status.ATTENDED),
        "absent": sum(1 for status in marks.values() if status == Attendance.Status.ABSENT),
    }
