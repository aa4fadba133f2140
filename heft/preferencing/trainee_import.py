"""Import the trainees allocated to schemes from the national recruitment export (CSV or .xlsx).

The file
- CSV (UTF-8, with or without a byte-order mark; comma, semicolon or tab separated) or an Excel workbook
  (.xlsx, its first sheet). The type is told from the content, not the name. Other encodings are refused,
  never guessed. Row 1 holds the headings; messages give rows as a spreadsheet numbers them. Blank rows and
  columns with other headings are ignored.
- Headings, in any order and case (spaces, punctuation and TIS-style trailing asterisks do not matter; the
  accepted variants are in COLUMNS): GMC number; Forenames and Surname, or one Name column ("Surname,
  Forenames"; without a comma the last word is the surname); Email; Scheme (its code or its name); Intake
  (YYYY-MM); National rank; Score; HEFT interest (yes/no). Optional: Start date (DD/MM/YYYY or YYYY-MM-DD).

Rows for a scheme the importer does not manage (a national export holds every scheme) are left out, never
written, but only once the importer has agreed to leave out exactly those rows: until then the import raises
OtherSchemesInFile (an ImportRejected listing them) and writes nothing. Rows with any other problem refuse the
whole file, as below.

What it writes: nothing unless every row is valid; then, in one transaction, with an audit event for each
record created or changed (unchanged rows write nothing, so importing the same file twice changes nothing):
- Trainee, found by GMC number: created, or its names corrected. An import never changes a trainee's email:
  a GMC number held with another email, or an email held with another GMC number, is an error to resolve.
- A sign-in for every imported trainee without one: the account with the trainee's email if there is one
  (and it belongs to no other trainee), else a new account with an unusable password (the trainee sets one
  through the invitation below); either way holding the trainee role.
- ProgrammeMembership, found by trainee, scheme and intake: national rank and score from the file; the start
  date from the file, else (new memberships only) the first Wednesday of the intake month; HEFT mode
  "rotation" when HEFT interest is yes, else "none". An existing membership is never downgraded: the import
  only lifts "none" to "rotation", and what staff have set ("rotation", "enrolment_only") stands.
- Refused as well: a trainee already in another scheme for the same intake (a move is a staff decision) and a
  national rank already held in the scheme and intake by a trainee who is not in the file.
- An invitation (heft.accounts: an email with a one-time link to set a password, valid 7 days) for every
  imported trainee whose sign-in has never been used and who has never been invited, in the same
  transaction: importing the same file again sends none. An invitation that expired or was revoked is sent
  again from the trainee's record, never by an import.
Audit verbs: trainee.imported, trainee.updated_by_import, membership.imported, membership.updated_by_import,
user.created (a new account, with its trainee role), role.granted (the role added to an existing account)
and invitation.sent.
"""

import datetime
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from heft.accounts.models import Invitation, Role, RoleAssignment, User
from heft.accounts.services import trainee_invitations_create
from heft.audit.services import audit_record, snapshot
from heft.core.tables import (
    FILE_ROW,
    BadValue,
    Columns,
    ImportRejected,
    RowError,
    Rows,
    column,
    is_blank,
    map_headings,
    normal_heading,
    parse_date,
    parse_email,
    parse_intake,
    parse_text,
    parse_yes_no,
    read_table,
    refuse,
    required,
    show,
    whole_number,
)
from heft.programmes.models import TrainingScheme
from heft.trainees.models import ProgrammeMembership, Trainee

MAX_ROWS = 10_000  # a national intake is a few thousand; more than this is the wrong file
__all__ = ["FILE_ROW", "ImportRejected", "OtherSchemesInFile", "RowError", "SkippedRow", "trainees_import"]

HeftMode = ProgrammeMembership.HeftMode


# --- results ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    row: int
    record: str  # "trainee", "sign-in", "programme membership" or "invitation"
    action: str  # "created", "updated" or "sent"
    label: str
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (before, after) on update

    def __str__(self):
        text = f"Row {self.row}: {self.record} {self.label} {self.action}"
        details = "; ".join(
            f"{name} {before or '(blank)'} → {after}" for name, (before, after) in self.fields.items()
        )
        return f"{text}: {details}" if details else text


@dataclass(frozen=True)
class SkippedRow:
    """A row left out because it is for a scheme the importer does not manage."""

    row: int
    scheme: str
    reason: str


class OtherSchemesInFile(ImportRejected):
    """Every row for the importer's schemes is valid, but the file also has rows for schemes they do not
    manage: nothing was written. Importing again with `agreed_skips` naming exactly these rows leaves them
    out and writes the rest."""

    def __init__(self, skipped: list[SkippedRow], rows_to_import: int):
        super().__init__(
            [RowError(s.row, "Scheme", f"You cannot import trainees into {s.scheme}.") for s in skipped]
        )
        self.skipped = skipped
        self.rows_to_import = rows_to_import


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class ImportSummary:
    filename: str
    rows: int
    trainees: Counts = field(default_factory=Counts)
    memberships: Counts = field(default_factory=Counts)
    sign_ins_created: int = 0
    invitations_sent: int = 0
    changes: list[Change] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def __str__(self):
        count = len(self.skipped)
        read = f"{self.rows + count} rows read"
        read += f", {count} of them for other schemes and left out." if count else "."
        if not self.changed:
            return f"{read} Nothing changed: every row matches the records already held."
        return (
            f"{read} Trainees: {self.trainees}. Programme memberships: "
            f"{self.memberships}. Sign-ins created: {self.sign_ins_created}. "
            f"Invitations sent: {self.invitations_sent}."
        )


# --- the public entry point ---------------------------------------------------------------------------------


def trainees_import(
    *,
    data: bytes,
    filename: str,
    by,
    allowed_scheme_ids: set[int] | None,
    agreed_skips: Collection[int] = (),
) -> ImportSummary:
    """Check every row of the file, then write all of it or none. Raises ImportRejected listing every
    problem. `allowed_scheme_ids` are the schemes `by` may import into (None: all England). Rows for other
    schemes raise OtherSchemesInFile unless `agreed_skips` are exactly their row numbers: then they are
    left out and the rest is written."""
    headings, rows = read_table(data, filename, what="trainees", max_rows=MAX_ROWS)
    columns, errors = _map_headings(headings)
    entries, skipped, row_errors = _parse_rows(rows, columns, allowed_scheme_ids)
    errors += row_errors + _check_within_file(entries, columns)
    existing = _Existing.load(entries)
    errors += _check_against_records(entries, existing, columns)
    if errors:
        raise ImportRejected(errors)
    if skipped and not entries:
        raise refuse(NONE_MANAGED)
    if skipped and {s.row for s in skipped} != set(agreed_skips):
        raise OtherSchemesInFile(skipped, rows_to_import=len(entries))
    summary = ImportSummary(filename=filename, rows=len(entries), skipped=skipped)
    try:
        with transaction.atomic():
            return _write(entries, existing, by, summary)
    except IntegrityError as error:  # another import or edit of the same people got there first
        raise refuse(CHANGED_MEANWHILE) from error


NONE_MANAGED = "Every row is for a scheme you do not manage: there is nothing for you to import."
CHANGED_MEANWHILE = (
    "Some of these trainees were changed while the file was being imported, so nothing was saved. "
    "Upload the file again."
)


# --- headings -----------------------------------------------------------------------------------------------


COLUMNS = (
    column("gmc_number", "GMC number", "gmc", "gmc no", "gmc reference number", "gmc ref no"),
    column("forenames", "Forenames", "forename", "first name", "first names", "given name", required=False),
    column("surname", "Surname", "last name", "family name", required=False),
    column("name", "Name", "full name", "trainee name", required=False),
    column("email", "Email", "email address", "e mail", "e mail address"),
    column("scheme", "Scheme", "training scheme", "scheme code", "scheme name"),
    column("intake", "Intake", "intake month"),
    column("national_rank", "National rank", "rank", "national ranking"),
    column("score", "Score", "recruitment score", "total score"),
    column("heft_interest", "HEFT interest", "heft", "interested in heft", required=False),
    column("heft_mode", "HEFT mode", "heft option", "heft status", required=False),
    column("start_date", "Start date", "programme start date", required=False),
)


def _map_headings(headings: list) -> tuple[Columns, list[RowError]]:
    """The columns found (rows are still checked when some are missing, so every error shows at once)."""
    columns, errors = map_headings(headings, COLUMNS)
    if not {"heft_interest", "heft_mode"} & columns.keys():
        errors.append(
            RowError(1, "HEFT mode", 'There is no "HEFT mode" column (or a yes/no "HEFT interest" column).')
        )
    if "name" not in columns and not {"forenames", "surname"} <= columns.keys():
        errors += [
            RowError(
                1,
                c.heading,
                f'There is no "{c.heading}" column (give Forenames and Surname, or one Name column).',
            )
            for c in COLUMNS
            if c.key in ("forenames", "surname") and c.key not in columns
        ]
    return columns, errors


# --- one row ------------------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One valid-so-far row. A field stays None when its cell is bad (the error is recorded)."""

    row: int
    gmc_number: str | None = None
    forenames: str | None = None
    surname: str | None = None
    email: str | None = None
    scheme: TrainingScheme | None = None
    intake: str | None = None
    national_rank: int | None = None
    score: Decimal | None = None
    heft_interest: bool | None = None
    heft_mode: str | None = None
    start_date: datetime.date | None = None

    @property
    def label(self) -> str:
        return f"{self.forenames} {self.surname} (GMC {self.gmc_number})"

    @property
    def mode(self) -> str:
        """The HEFT mode the file gives: its HEFT mode column, else yes/no interest in a HEFT rotation."""
        if self.heft_mode:
            return self.heft_mode
        return HeftMode.ROTATION if self.heft_interest else HeftMode.NONE


def parse_gmc_number(value) -> str:
    required(value)
    number = whole_number(value) if not isinstance(value, str) else None
    text = str(number) if number is not None else str(value).strip()
    if not re.fullmatch(r"\d{7}", text):
        raise BadValue(f"A GMC number is 7 digits; {show(value)} is not.")
    return text


def parse_name(value) -> str:
    try:
        return parse_text(value, max_length=100)
    except BadValue as error:
        if "characters" in str(error):
            raise BadValue("A name can be at most 100 characters.") from error
        raise


def split_name(value) -> tuple[str, str]:
    """'Surname, Forenames', or 'Forenames Surname' (the last word is the surname)."""
    text = parse_name(value)
    if "," in text:
        surname, forenames = (part.strip() for part in text.split(",", 1))
    else:
        forenames, _, surname = text.rpartition(" ")
    if not forenames or not surname:
        raise BadValue(f'Give forenames and surname, e.g. "Surname, Forenames"; {show(value)} is one name.')
    return forenames, surname


def parse_rank(value) -> int:
    required(value)
    number = whole_number(value)
    if number is None or number < 1:
        raise BadValue(f"A national rank is a whole number from 1; {show(value)} is not.")
    return number


def parse_score(value) -> Decimal:
    required(value)
    try:
        score = Decimal(str(value).strip()) if not isinstance(value, bool) else None
    except InvalidOperation:
        score = None
    if score is None or not score.is_finite() or not 0 <= score < 100_000:
        raise BadValue(f"A score is a number from 0 to 99999.99; {show(value)} is not.")
    return score.quantize(Decimal("0.01"))


# How recruitment exports write the three HEFT modes (compared after normal_heading).
HEFT_MODE_WORDS = {
    HeftMode.ROTATION: {"heft rotation", "rotation", "heft", "yes"},
    HeftMode.ENROLMENT_ONLY: {"enrolment only", "enrollment only", "enrolment", "teaching and community"},
    HeftMode.NONE: {"not heft", "none", "no", "not in heft"},
}


def parse_heft_mode(value) -> str | None:
    if is_blank(value):
        return None
    text = normal_heading(value)
    for mode, words in HEFT_MODE_WORDS.items():
        if text in words:
            return mode
    raise BadValue(f'Say "HEFT rotation", "Enrolment only" or "Not HEFT"; {show(value)} is none of them.')


PARSERS: dict[str, Callable] = {
    "gmc_number": parse_gmc_number,
    "forenames": parse_name,
    "surname": parse_name,
    "email": parse_email,
    "intake": parse_intake,
    "national_rank": parse_rank,
    "score": parse_score,
    "heft_interest": parse_yes_no,
    "heft_mode": parse_heft_mode,
    "start_date": lambda value: parse_date(value, optional=True),
}


class SchemeFinder:
    """Schemes by code or name (any case), and which of them the importer may write to."""

    def __init__(self, allowed_scheme_ids: set[int] | None):
        self.allowed = allowed_scheme_ids
        self.by_key = {}
        for scheme in TrainingScheme.objects.all():
            self.by_key.setdefault(scheme.name.strip().lower(), scheme)
            self.by_key[scheme.code.lower()] = scheme

    def __call__(self, value) -> TrainingScheme:
        required(value)
        scheme = self.by_key.get(str(value).strip().lower())
        if scheme is None:
            raise BadValue(f"There is no scheme with the code or name {show(value)}.")
        return scheme

    def not_managed(self, value) -> TrainingScheme | None:
        """The row's scheme when it is one the importer does not manage (the row is then left out)."""
        scheme = self.by_key.get(str(value).strip().lower()) if not is_blank(value) else None
        if scheme is None or self.allowed is None or scheme.pk in self.allowed:
            return None
        return scheme


NOT_MANAGED = "Not one of the schemes you manage"


def _parse_rows(
    rows: Rows, columns: Columns, allowed_scheme_ids
) -> tuple[list[Entry], list[SkippedRow], list[RowError]]:
    """The rows for the importer's schemes, checked; those for other schemes, left out unchecked (the
    importer cannot correct another scheme's rows)."""
    finder = SchemeFinder(allowed_scheme_ids)
    parsers = {**PARSERS, "scheme": finder}
    if "forenames" in columns and "surname" in columns:
        columns = {k: v for k, v in columns.items() if k != "name"}
    scheme_index = columns["scheme"][0] if "scheme" in columns else None
    entries, skipped, errors = [], [], []
    for number, values in rows:
        if scheme_index is not None and scheme_index < len(values):
            other = finder.not_managed(values[scheme_index])
            if other is not None:
                skipped.append(SkippedRow(number, other.name, NOT_MANAGED))
                continue
        entry = Entry(row=number)
        for key, (index, heading) in columns.items():
            value = values[index] if index < len(values) else None
            try:
                if key == "name":
                    entry.forenames, entry.surname = split_name(value)
                else:
                    setattr(entry, key, parsers[key](value))
            except BadValue as error:
                errors.append(RowError(number, heading, str(error)))
        entries.append(entry)
    return entries, skipped, errors


# --- across rows and against the records --------------------------------------------------------------------


def _heading(columns: Columns, key: str) -> str:
    return columns[key][1] if key in columns else next(c.heading for c in COLUMNS if c.key == key)


def _check_within_file(entries: list[Entry], columns: Columns) -> list[RowError]:
    errors = []
    seen: dict[tuple, int] = {}
    for entry in entries:
        keys = [
            ("gmc_number", (entry.gmc_number,), f"GMC number {entry.gmc_number}"),
            ("email", (entry.email,), f"The email address {entry.email}"),
            (
                "national_rank",
                (entry.scheme and entry.scheme.pk, entry.intake, entry.national_rank),
                f"National rank {entry.national_rank} in {entry.scheme} {entry.intake}",
            ),
        ]
        for key, values, what in keys:
            if None in values:
                continue
            first = seen.setdefault((key, *values), entry.row)
            if first != entry.row:
                errors.append(RowError(entry.row, _heading(columns, key), f"{what} is also on row {first}."))
    return errors


@dataclass
class _Existing:
    """The records the file touches, read in a handful of queries."""

    trainees: dict[str, Trainee]  # by GMC number
    trainees_by_email: dict[str, Trainee]
    users: dict[str, User]  # by lower-case email
    linked_trainee: dict[int, int]  # user id -> the trainee id it signs in as
    trainee_role_users: set[int]
    memberships: dict[int, list[ProgrammeMembership]]  # by trainee id, for the file's intakes
    rank_holders: dict[tuple[int, str, int], ProgrammeMembership]  # (scheme id, intake, rank)

    @classmethod
    def load(cls, entries: list[Entry]) -> "_Existing":
        gmcs = {e.gmc_number for e in entries if e.gmc_number}
        emails = {e.email for e in entries if e.email}
        trainees = {t.gmc_number: t for t in Trainee.objects.filter(gmc_number__in=gmcs)}
        by_email = {
            t.email.lower(): t
            for t in Trainee.objects.annotate(lower=Lower("email")).filter(lower__in=emails)
        }
        users = {
            u.email.lower(): u for u in User.objects.annotate(lower=Lower("email")).filter(lower__in=emails)
        }
        user_ids = [u.pk for u in users.values()]
        linked = dict(Trainee.objects.filter(user_id__in=user_ids).values_list("user_id", "pk"))
        roles = RoleAssignment.objects.filter(user_id__in=user_ids, role=Role.TRAINEE)
        intakes = {e.intake for e in entries if e.intake}
        memberships: dict[int, list[ProgrammeMembership]] = {}
        for m in ProgrammeMembership.objects.filter(
            trainee_id__in=[t.pk for t in trainees.values()], intake__in=intakes
        ).select_related("scheme"):
            memberships.setdefault(m.trainee_id, []).append(m)
        holders = ProgrammeMembership.objects.filter(
            scheme_id__in={e.scheme.pk for e in entries if e.scheme},
            intake__in=intakes,
            national_rank__in={e.national_rank for e in entries if e.national_rank},
        ).select_related("trainee")
        return cls(
            trainees=trainees,
            trainees_by_email=by_email,
            users=users,
            linked_trainee=linked,
            trainee_role_users=set(roles.values_list("user_id", flat=True)),
            memberships=memberships,
            rank_holders={(m.scheme_id, m.intake, m.national_rank): m for m in holders},
        )


def _check_against_records(entries: list[Entry], existing: _Existing, columns: Columns) -> list[RowError]:
    in_file = {(e.gmc_number, e.scheme.pk, e.intake) for e in entries if e.scheme}
    errors = []
    for entry in entries:
        for key, message in _record_conflicts(entry, existing, in_file):
            errors.append(RowError(entry.row, _heading(columns, key), message))
    return errors


def _record_conflicts(entry: Entry, existing: _Existing, in_file: set) -> list[tuple[str, str]]:
    """(column key, message) for each way the row clashes with the records already held."""
    trainee = existing.trainees.get(entry.gmc_number)
    checks = (_email_clash, _gmc_clash, _sign_in_clash, _other_scheme_clash, _rank_clash)
    return [clash for check in checks if (clash := check(entry, trainee, existing, in_file))]


def _email_clash(entry, trainee, existing, in_file):
    if trainee and entry.email and trainee.email.lower() != entry.email:
        return "email", (
            f"GMC number {entry.gmc_number} belongs to a trainee with a different email address. "
            "Check which is right: an import does not change a trainee's email."
        )
    return None


def _gmc_clash(entry, trainee, existing, in_file):
    holder = existing.trainees_by_email.get(entry.email)
    if holder and entry.gmc_number and holder.gmc_number != entry.gmc_number:
        return "gmc_number", f"The email address {entry.email} belongs to a trainee with another GMC number."
    return None


def _sign_in_clash(entry, trainee, existing, in_file):
    user = existing.users.get(entry.email)
    if user is None or (trainee and trainee.user_id):
        return None
    holder = existing.linked_trainee.get(user.pk)
    if holder is not None and holder != (trainee and trainee.pk):
        return "email", f"The email address {entry.email} is another trainee's sign-in."
    return None


def _other_scheme_clash(entry, trainee, existing, in_file):
    if not (trainee and entry.scheme and entry.intake):
        return None
    for membership in existing.memberships.get(trainee.pk, []):
        if membership.intake == entry.intake and membership.scheme_id != entry.scheme.pk:
            return "scheme", f"This trainee is already in {membership.scheme} for the {entry.intake} intake."
    return None


def _rank_clash(entry, trainee, existing, in_file):
    holder = entry.scheme and existing.rank_holders.get((entry.scheme.pk, entry.intake, entry.national_rank))
    if holder and (holder.trainee.gmc_number, holder.scheme_id, holder.intake) not in in_file:
        return "national_rank", (
            f"National rank {entry.national_rank} in {entry.scheme} {entry.intake} is held by another "
            "trainee who is not in this file."
        )
    return None


# --- writing ------------------------------------------------------------------------------------------------

UPDATE_BATCH = 500  # one UPDATE ... CASE over thousands of rows is slower than a few smaller ones
MEMBERSHIP_IMPORTED_FIELDS = ["start_date", "national_rank", "recruitment_score", "heft_mode"]
TRAINEE_FIELDS = ["gmc_number", "forenames", "surname", "email", "user"]
MEMBERSHIP_FIELDS = [
    "trainee",
    "scheme",
    "intake",
    "start_date",
    "national_rank",
    "recruitment_score",
    "heft_mode",
]


def first_wednesday(year: int, month: int) -> datetime.date:
    """Where GP training starts: August intakes on the first Wednesday of August."""
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(2 - first.weekday()) % 7)


def _write(entries: list[Entry], existing: _Existing, by, summary: ImportSummary) -> ImportSummary:
    users = _save_sign_ins(entries, existing, by, summary)
    trainees = _save_trainees(entries, existing, users, by, summary)
    _save_memberships(entries, existing, trainees, by, summary)
    _send_invitations(entries, trainees, by, summary)
    return summary


def _save_sign_ins(entries: list[Entry], existing: _Existing, by, summary: ImportSummary) -> dict[str, User]:
    """Email -> the account each trainee without a sign-in will use; new accounts are created here."""
    chosen, new_users = {}, []
    for entry in entries:
        trainee = existing.trainees.get(entry.gmc_number)
        if trainee and trainee.user_id:
            continue
        user = existing.users.get(entry.email)
        if user is None:
            user = User(email=entry.email, first_name=entry.forenames, last_name=entry.surname)
            user.set_unusable_password()
            new_users.append(user)
        chosen[entry.email] = user
    User.objects.bulk_create(new_users)
    granted = RoleAssignment.objects.bulk_create(
        RoleAssignment(user=user, role=Role.TRAINEE)
        for user in chosen.values()
        if user.pk not in existing.trainee_role_users
    )
    rows = {e.email: e.row for e in entries}
    for user in new_users:
        audit_record(
            by=by, verb="user.created", target=user, after={"email": user.email, "role": Role.TRAINEE}
        )
        summary.changes.append(Change(rows[user.email], "sign-in", "created", user.email))
    summary.sign_ins_created = len(new_users)
    created = {u.pk for u in new_users}
    for role in granted:
        if role.user_id not in created:
            audit_record(
                by=by, verb="role.granted", target=role, after={"user": role.user.email, "role": role.role}
            )
    return chosen


def _save_trainees(entries, existing: _Existing, users: dict[str, User], by, summary) -> dict[str, Trainee]:
    """GMC number -> trainee, created or brought up to date."""
    result, new, changed = {}, [], []
    for entry in entries:
        trainee = existing.trainees.get(entry.gmc_number)
        user = users.get(entry.email)
        if trainee is None:
            trainee = Trainee(
                gmc_number=entry.gmc_number,
                forenames=entry.forenames,
                surname=entry.surname,
                email=entry.email,
                user=user,
            )
            new.append((entry, trainee))
        else:
            values = {"forenames": entry.forenames, "surname": entry.surname}
            if trainee.user_id is None:
                values["user"] = user
            differences = _apply(trainee, values)
            if differences:
                changed.append((entry, trainee, differences))
            else:
                summary.trainees.unchanged += 1
        result[entry.gmc_number] = trainee
    Trainee.objects.bulk_create([t for _, t in new])
    Trainee.objects.bulk_update(
        [t for _, t, _ in changed], ["forenames", "surname", "user"], batch_size=UPDATE_BATCH
    )
    for entry, trainee in new:
        audit_record(by=by, verb="trainee.imported", target=trainee, after=snapshot(trainee, TRAINEE_FIELDS))
        summary.changes.append(Change(entry.row, "trainee", "created", entry.label))
    for entry, trainee, differences in changed:
        _audit_update(by, "trainee.updated_by_import", trainee, differences)
        summary.changes.append(Change(entry.row, "trainee", "updated", entry.label, _readable(differences)))
    summary.trainees.created += len(new)
    summary.trainees.updated += len(changed)
    return result


def _save_memberships(entries, existing: _Existing, trainees: dict[str, Trainee], by, summary) -> None:
    new, changed = [], []
    for entry in entries:
        trainee = trainees[entry.gmc_number]
        membership = next(
            (
                m
                for m in existing.memberships.get(trainee.pk, [])
                if (m.scheme_id, m.intake) == (entry.scheme.pk, entry.intake)
            ),
            None,
        )
        label = f"{entry.label}: {entry.scheme} {entry.intake}"
        if membership is None:
            new.append((entry, label, _new_membership(entry, trainee)))
            continue
        differences = _apply(membership, _membership_values(entry, membership))
        if differences:
            changed.append((entry, label, membership, differences))
        else:
            summary.memberships.unchanged += 1
    ProgrammeMembership.objects.bulk_create([m for _, _, m in new])
    ProgrammeMembership.objects.bulk_update(
        [m for *_, m, _ in changed], MEMBERSHIP_IMPORTED_FIELDS, batch_size=UPDATE_BATCH
    )
    for entry, label, membership in new:
        audit_record(
            by=by,
            verb="membership.imported",
            target=membership,
            after=snapshot(membership, MEMBERSHIP_FIELDS),
        )
        summary.changes.append(Change(entry.row, "programme membership", "created", label))
    for entry, label, membership, differences in changed:
        _audit_update(by, "membership.updated_by_import", membership, differences)
        summary.changes.append(
            Change(entry.row, "programme membership", "updated", label, _readable(differences))
        )
    summary.memberships.created += len(new)
    summary.memberships.updated += len(changed)


def _send_invitations(entries, trainees: dict[str, Trainee], by, summary) -> None:
    """An invitation for each trainee of the file whose sign-in has never been used and who has never been
    invited to set a password (so a second import of the file sends none)."""
    first_row: dict[int, Entry] = {}
    for entry in entries:
        first_row.setdefault(trainees[entry.gmc_number].user_id, entry)
    first_row.pop(None, None)
    invited = Invitation.objects.filter(user_id__in=first_row, role=Role.TRAINEE).values("user_id")
    never_used = User.objects.filter(pk__in=first_row, last_login__isnull=True, is_active=True).exclude(
        pk__in=invited
    )
    invitees = sorted(
        ((first_row[user.pk], user) for user in never_used if not user.has_usable_password()),
        key=lambda pair: pair[0].row,
    )
    trainee_invitations_create(invitees=[(user, entry.scheme) for entry, user in invitees], by=by)
    for entry, user in invitees:
        summary.changes.append(Change(entry.row, "invitation", "sent", user.email))
    summary.invitations_sent = len(invitees)


def _new_membership(entry: Entry, trainee: Trainee) -> ProgrammeMembership:
    year, month = (int(part) for part in entry.intake.split("-"))
    return ProgrammeMembership(
        trainee=trainee,
        scheme=entry.scheme,
        intake=entry.intake,
        start_date=entry.start_date or first_wednesday(year, month),
        national_rank=entry.national_rank,
        recruitment_score=entry.score,
        heft_mode=entry.mode,
    )


def _membership_values(entry: Entry, membership: ProgrammeMembership) -> dict:
    values = {"national_rank": entry.national_rank, "recruitment_score": entry.score}
    if entry.start_date:
        values["start_date"] = entry.start_date
    if entry.mode != HeftMode.NONE and membership.heft_mode == HeftMode.NONE:  # never a downgrade
        values["heft_mode"] = entry.mode
    return values


def _apply(instance, values: dict) -> dict[str, tuple]:
    """Set the values that differ; return name -> (before, after) for each."""
    differences = {}
    for name, value in values.items():
        current = getattr(instance, name)
        if current != value:
            differences[name] = (current, value)
            setattr(instance, name, value)
    return differences


def _plain(value):
    """A JSON-safe audit value: accounts by id, numbers and None as they are, the rest as text."""
    if isinstance(value, User):
        return value.pk
    return value if isinstance(value, (int, type(None))) else str(value)


def _audit_update(by, verb: str, instance, differences: dict[str, tuple]) -> None:
    before = {name: _plain(old) for name, (old, _) in differences.items()}
    after = {name: _plain(new) for name, (_, new) in differences.items()}
    audit_record(by=by, verb=verb, target=instance, before=before, after=after)


def _readable(differences: dict[str, tuple]) -> dict[str, tuple[str, str]]:
    names = {"user": "sign-in", "recruitment_score": "score", "heft_mode": "HEFT mode"}
    shown = {}
    for name, (old, new) in differences.items():
        shown[names.get(name, name.replace("_", " "))] = tuple(
            "" if v is None else getattr(v, "email", None) or str(v) for v in (old, new)
        )
    return shown
