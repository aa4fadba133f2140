"""Bulk upload of posts and of rotations from a spreadsheet (CSV or .xlsx), and the templates to fill in.

The files (read by heft.core.tables: CSV in UTF-8, comma, semicolon or tab separated, or an .xlsx workbook's
first sheet; headings in any order and case, columns with other headings ignored):
- Posts: one row per post. Post number; Scheme (code or name); Category (code or name); Subtype (optional,
  one of the category's own); Practice ODS code (GP placements) or Site (other posts); WTE (optional, blank
  is 1); Educational and Clinical supervisor with their emails (optional); Notes (optional). A post already
  held (by post number, any case) is updated; an optional column left out of the file leaves its values as
  they are.
- Rotations: one row per slot. Rotation code; Rotation name; Scheme; Intake (YYYY-MM); Places; Training year
  (ST1-ST3); Start month (1-36); Months; Post number; Description (optional). Rows sharing a rotation code
  make one rotation, its slots in file order. The rotation's own cells need giving once; rows that give them
  again must agree. The posts must exist already: upload the posts file first. A rotation already held (by
  code, any case) is updated and its slots replaced; its availability is left as it is.

Both: every problem is collected (with its row and column) and the file refused whole, or every row is
written in one transaction through heft.programmes' services, so their rules and audit events apply.
Unchanged rows write nothing: uploading the same file again changes nothing. Only schemes the uploader
manages (MANAGE_PROGRAMMES) can be written to. Rows marked as the templates' examples are refused.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Upper

from heft.accounts.permissions import Perm, scope_for
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
    parse_email,
    parse_intake,
    parse_text,
    parse_whole_number,
    read_table,
    refuse,
    required,
    show,
    whole_number,
)
from heft.engines.rotations import rotation_findings
from heft.practices.selectors import practices_by_ods_code
from heft.programmes.models import Post, PostCategory, Rotation, TrainingScheme
from heft.programmes.selectors import categories_list, schemes_managed_by
from heft.programmes.services import POST_FIELDS, SlotValues, post_problems, post_save, rotation_save

__all__ = [
    "KINDS",
    "POSTS",
    "ROTATIONS",
    "ImportRejected",
    "RowError",
    "column_guide",
    "posts_upload",
    "problem_groups",
    "rotations_upload",
    "upload_template",
]

MAX_ROWS = 5_000  # a region holds a few hundred posts; more than this is the wrong file
POSTS, ROTATIONS = "posts", "rotations"
KINDS = (POSTS, ROTATIONS)
EXAMPLE = "EXAMPLE"  # the templates' example rows start their post number or rotation code with it


# --- results ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A post or rotation the upload created or updated; `key` finds it (a post's id, a rotation's code)."""

    row: int
    label: str
    key: int | str
    fields: tuple[str, ...] = ()  # on update: what changed, as people name it
    warnings: tuple[str, ...] = ()  # what the rotation checks warn of (months with no post ...)


@dataclass
class UploadSummary:
    kind: str  # POSTS or ROTATIONS
    filename: str
    rows: int
    created: list[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def __str__(self):
        read = f"{self.rows} row{'' if self.rows == 1 else 's'} read."
        if not self.changed:
            return f"{read} Nothing changed: every {self.kind[:-1]} matches the records already held."
        counts = f"{len(self.created)} new, {len(self.updated)} updated, {self.unchanged} unchanged"
        return f"{read} {self.kind.capitalize()}: {counts}."


@dataclass(frozen=True)
class ProblemGroup:
    """Problems shown together: those of one row, or one problem repeated on many rows (a wrong scheme code
    on every row is one line, not hundreds)."""

    rows: tuple[int, ...]
    problems: tuple[RowError, ...]

    @property
    def where(self) -> str:
        if self.rows == (FILE_ROW,):
            return "Whole file"
        if self.rows == (1,):
            return "Row 1 (headings)"
        spans = _spans(self.rows)
        return f"Row {spans[0]}" if len(self.rows) == 1 else f"Rows {_and(spans)}"


def problem_groups(errors: list[RowError]) -> list[ProblemGroup]:
    """The problems by the rows they are on, identical problems on several rows given once, in row order."""
    rows_of: dict[tuple, list[int]] = {}
    for error in errors:
        rows_of.setdefault((error.column, error.message), []).append(error.row)
    groups: dict[tuple[int, ...], list[RowError]] = {}
    for (heading, message), rows in rows_of.items():
        on = tuple(dict.fromkeys(rows))
        groups.setdefault(on, []).append(RowError(on[0], heading, message))
    return [ProblemGroup(rows, tuple(problems)) for rows, problems in sorted(groups.items())]


def _spans(rows: tuple[int, ...]) -> list[str]:
    """Row numbers with runs shortened: 2, 5, 8–20."""
    spans, start = [], rows[0]
    for previous, row in zip(rows, [*rows[1:], None], strict=True):
        if row is None or row != previous + 1:
            spans.append(str(start) if start == previous else f"{start}–{previous}")
            start = row
    return spans


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# --- the columns --------------------------------------------------------------------------------------------

POST_COLUMNS = (
    column("post_number", "Post number", "national post number", "post no", "npn", "post"),
    column("scheme", "Scheme", "training scheme", "scheme code", "scheme name"),
    column("category", "Category", "post category", "category code", "category name", "specialty"),
    column("subtype", "Subtype", "sub type", "post subtype", required=False),
    column("practice", "Practice ODS code", "practice", "ods code", "practice code", required=False),
    column("site", "Site", "location", "site name", required=False),
    column("wte", "WTE", "whole time equivalent", "fte", required=False),
    column(
        "educational_supervisor_name",
        "Educational supervisor",
        "educational supervisor name",
        "es",
        "es name",
        required=False,
    ),
    column("educational_supervisor_email", "Educational supervisor email", "es email", required=False),
    column(
        "clinical_supervisor_name", "Clinical supervisor", "clinical supervisor name", "cs", required=False
    ),
    column("clinical_supervisor_email", "Clinical supervisor email", "cs email", required=False),
    column("notes", "Notes", "comments", required=False),
)
ROTATION_COLUMNS = (
    column("code", "Rotation code", "code", "rotation", "rotation id"),
    column("name", "Rotation name", "name", "rotation title", "title"),
    column("scheme", "Scheme", "training scheme", "scheme code", "scheme name"),
    column("intake", "Intake", "intake month"),
    column("capacity", "Places", "capacity", "number of places", "places available"),
    column("training_year", "Training year", "year", "st year", "stage"),
    column("start_month", "Start month", "start", "starting month", "from month"),
    column(
        "months", "Months", "length", "length in months", "duration", "duration months", "number of months"
    ),
    column("post_number", "Post number", "national post number", "post no", "npn", "post"),
    column("description", "Description", "about", "summary", required=False),
)
COLUMNS = {POSTS: POST_COLUMNS, ROTATIONS: ROTATION_COLUMNS}

# What to write in each column, for the upload page (the same words as the checks below).
GUIDE = {
    POSTS: {
        "post_number": "The national post number. A post already held with this number is updated.",
        "scheme": "The code or name of a scheme you manage.",
        "category": "The code or name of a post category (listed below).",
        "subtype": "Only for categories with subtypes, e.g. inclusion health's homelessness.",
        "practice": "GP placements: the practice's ODS code, e.g. Y99999.",
        "site": "Other posts: the hospital, service or organisation.",
        "wte": "The post's whole-time equivalent, more than 0 and at most 1. Blank is 1.",
        "educational_supervisor_name": "Their name, if you give their email.",
        "educational_supervisor_email": "",
        "clinical_supervisor_name": "Their name, if you give their email.",
        "clinical_supervisor_email": "",
        "notes": "Anything the programme team should know.",
    },
    ROTATIONS: {
        "code": "One code per rotation, on every row of its slots. A rotation already held is updated.",
        "name": "The rotation's name as trainees see it.",
        "scheme": "The code or name of a scheme you manage.",
        "intake": "The year and month training starts, e.g. 2027-08.",
        "capacity": "How many trainees the rotation can take.",
        "training_year": "ST1, ST2 or ST3.",
        "start_month": "The month of training the slot starts in, 1 to 36.",
        "months": "How many months the slot lasts.",
        "post_number": "A post that is already held (upload the posts file first), in the rotation's scheme.",
        "description": "What trainees should know about the rotation.",
    },
}
# The rotation's own cells (not a slot's), as messages name them.
ROTATION_CELLS = {
    "name": "name",
    "scheme": "scheme",
    "intake": "intake",
    "capacity": "number of places",
    "description": "description",
}
SLOT_CELLS = ("training_year", "start_month", "months", "post_number")


def column_guide(kind: str) -> list[tuple[str, bool, str]]:
    """(heading, required, what to write) for each column of the file, in template order."""
    return [(c.heading, c.required, GUIDE[kind][c.key]) for c in COLUMNS[kind]]


# --- the public entry points --------------------------------------------------------------------------------


def posts_upload(*, data: bytes, filename: str, by) -> UploadSummary:
    """Check every row of a posts file, then write all of it or none; raises ImportRejected listing every
    problem."""
    headings, rows = read_table(data, filename, what=POSTS, max_rows=MAX_ROWS)
    columns, errors = _columns(headings, POSTS)
    entries, row_errors = _parse_posts(rows, columns, by)
    errors += row_errors
    if errors:
        raise ImportRejected(errors)
    summary = UploadSummary(POSTS, filename, len(rows))
    with transaction.atomic():
        errors = [e for entry in entries for e in _write_post(entry, columns, by, summary)]
        if errors:
            raise ImportRejected(errors)  # leaving the transaction undoes the rows already written
    return summary


def rotations_upload(*, data: bytes, filename: str, by) -> UploadSummary:
    """Check every row of a rotations file, then write all of it or none; raises ImportRejected listing
    every problem."""
    headings, rows = read_table(data, filename, what=ROTATIONS, max_rows=MAX_ROWS)
    columns, errors = _columns(headings, ROTATIONS)
    groups, row_errors = _parse_rotations(rows, columns, by)
    errors += row_errors
    if errors:
        raise ImportRejected(errors)
    summary = UploadSummary(ROTATIONS, filename, len(rows))
    with transaction.atomic():
        errors = [e for group in groups for e in _write_rotation(group, columns, by, summary)]
        if errors:
            raise ImportRejected(errors)
    return summary


# --- headings -----------------------------------------------------------------------------------------------


def _columns(headings: list, kind: str) -> tuple[Columns, list[RowError]]:
    """The file's columns; a file with the other template's headings is refused at once, whole."""
    columns, errors = map_headings(headings, COLUMNS[kind])
    other = ROTATIONS if kind == POSTS else POSTS
    _, other_missing = map_headings(headings, COLUMNS[other])
    if errors and not other_missing:
        raise refuse(
            f"This file has the headings of the {other} template, not the {kind} one: upload it as the "
            f"{other} file instead."
        )
    if kind == POSTS and not {"practice", "site"} & columns.keys():
        errors.append(
            RowError(1, "Site", 'There is no "Practice ODS code" or "Site" column: say where the posts are.')
        )
    return columns, errors


def _heading(columns: Columns, kind: str, key: str | None) -> str | None:
    """How the file names a column (or the template does, when the file lacks it)."""
    if key is None or key == "__all__":
        return None
    if key in columns:
        return columns[key][1]
    return next((c.heading for c in COLUMNS[kind] if c.key == key), None)


def _cells(number: int, values: list, columns: Columns, parsers: dict[str, Callable]):
    """The parsed cells of one row by column key (a bad cell is left out), and an error for each bad one."""
    cells, errors = {}, []
    for key, (index, heading) in columns.items():
        value = values[index] if index < len(values) else None
        try:
            cells[key] = parsers[key](value)
        except BadValue as error:
            errors.append(RowError(number, heading, str(error)))
    return cells, errors


def _is_example(values: list, columns: Columns, key: str) -> bool:
    value = values[columns[key][0]] if key in columns and columns[key][0] < len(values) else None
    return isinstance(value, str) and value.strip().upper().startswith(EXAMPLE)


def _example_error(number: int, columns: Columns, kind: str, key: str) -> RowError:
    what = "post" if kind == POSTS else "rotation's slot"
    return RowError(
        number,
        _heading(columns, kind, key),
        f"This is an example row from the template: replace it with your own {what}, or delete the row.",
    )


# --- cell values --------------------------------------------------------------------------------------------


def parse_reference(value, *, max_length: int) -> str:
    """A post number or rotation code: text, or a whole number a spreadsheet holds as a number."""
    required(value)
    number = whole_number(value) if not isinstance(value, str) else None
    return parse_text(str(number) if number is not None else value, max_length=max_length)


def parse_rotation_code(value) -> str:
    code = parse_reference(value, max_length=40)
    if "/" in code:
        raise BadValue(f"A rotation code cannot hold a slash (/); {show(value)} does.")
    return code


def parse_ods_code(value) -> str:
    if is_blank(value):
        return ""
    code = str(value).strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{3,10}", code):
        raise BadValue(f"An ODS code is letters and digits, e.g. A12345; {show(value)} is not.")
    return code


WTE_RULE = "The whole-time equivalent is more than 0 and at most 1, with up to two decimals, e.g. 1 or 0.5"


def parse_wte(value) -> Decimal:
    if is_blank(value):
        return Decimal("1.00")
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, bool) else None
    except InvalidOperation:
        number = None
    valid = number is not None and number.is_finite() and 0 < number <= 1
    if not valid or number != number.quantize(Decimal("0.01")):
        raise BadValue(f"{WTE_RULE}; {show(value)} is not.")
    return number.quantize(Decimal("0.01"))


def parse_training_year(value) -> str:
    required(value)
    text = re.sub(r"\s+", "", str(value)).upper()
    text = f"ST{text}" if text in {"1", "2", "3"} else text
    if text not in {"ST1", "ST2", "ST3"}:
        raise BadValue(f"Give the training year as ST1, ST2 or ST3; {show(value)} is not.")
    return text


def _text(max_length: int, *, optional: bool = True) -> Callable:
    return lambda value: parse_text(value, max_length=max_length, optional=optional)


def _optional_email(value) -> str:
    return parse_email(value, optional=True)


class SchemeFinder:
    """Schemes by code or name (any case), refusing those the uploader does not manage."""

    def __init__(self, by, kind: str):
        self.scope = scope_for(by, Perm.MANAGE_PROGRAMMES)
        self.kind = kind
        self.by_key: dict[str, TrainingScheme] = {}
        for scheme in TrainingScheme.objects.all():
            self.by_key.setdefault(scheme.name.strip().lower(), scheme)
            self.by_key[scheme.code.lower()] = scheme

    def __call__(self, value) -> TrainingScheme:
        required(value)
        scheme = self.by_key.get(" ".join(str(value).split()).lower())
        if scheme is None:
            raise BadValue(f"There is no scheme with the code or name {show(value)}.")
        if not self.scope.covers_scheme(scheme):
            raise BadValue(f"You do not manage {scheme.name}: upload {self.kind} only for your own schemes.")
        return scheme


class CategoryFinder:
    """Post categories by code or name (any case)."""

    def __init__(self):
        self.by_key: dict[str, PostCategory] = {}
        for category in categories_list():
            self.by_key[category.name.lower()] = category
            self.by_key[category.code.lower()] = category

    def __call__(self, value) -> PostCategory:
        required(value)
        category = self.by_key.get(" ".join(str(value).split()).lower())
        if category is None:
            raise BadValue(
                f"There is no post category with the code or name {show(value)}: the upload page lists them."
            )
        return category


def subtype_of(category: PostCategory, text: str):
    """The category's subtype named by `text` (code or name, any case); None for blank."""
    if not text:
        return None
    subtypes = list(category.subtypes.all())
    if not subtypes:
        raise BadValue(f"{category.name} has no subtypes: leave this blank.")
    wanted = text.lower()
    for subtype in subtypes:
        if wanted in {subtype.code.lower(), subtype.name.lower()}:
            return subtype
    names = ", ".join(s.name for s in subtypes)
    raise BadValue(f"{show(text)} is not a subtype of {category.name}. Choose one of: {names}.")


def _find(records: Iterable, attr: str) -> Callable[[str], object]:
    """A lookup by `attr` that tries the exact text first, then any case."""
    exact, by_upper = {}, {}
    for record in records:
        exact[getattr(record, attr)] = record
        by_upper.setdefault(getattr(record, attr).upper(), record)
    return lambda text: exact.get(text) or by_upper.get(text.upper())


# --- posts: reading and checking ----------------------------------------------------------------------------


@dataclass
class PostEntry:
    row: int
    values: dict  # model field -> value, for the columns the file has (post_number always)
    existing: Post | None = None

    @property
    def label(self) -> str:
        return self.values["post_number"]


def _post_parsers(by) -> dict[str, Callable]:
    return {
        "post_number": lambda value: parse_reference(value, max_length=40),
        "scheme": SchemeFinder(by, POSTS),
        "category": CategoryFinder(),
        "subtype": _text(120),
        "practice": parse_ods_code,
        "site": _text(200),
        "wte": parse_wte,
        "educational_supervisor_name": _text(200),
        "educational_supervisor_email": _optional_email,
        "clinical_supervisor_name": _text(200),
        "clinical_supervisor_email": _optional_email,
        "notes": _text(2000),
    }


def _parse_posts(rows: Rows, columns: Columns, by) -> tuple[list[PostEntry], list[RowError]]:
    parsers = _post_parsers(by)
    parsed, errors = [], []
    for number, values in rows:
        if _is_example(values, columns, "post_number"):
            errors.append(_example_error(number, columns, POSTS, "post_number"))
            continue
        cells, cell_errors = _cells(number, values, columns, parsers)
        parsed.append((number, cells, {e.column for e in cell_errors}))
        errors += cell_errors
    practices = practices_by_ods_code(cells.get("practice") for _, cells, _ in parsed)
    numbers = {cells["post_number"] for _, cells, _ in parsed if "post_number" in cells}
    posts = Post.objects.annotate(upper=Upper("post_number")).filter(upper__in={n.upper() for n in numbers})
    find_post = _find(posts.select_related("scheme", "category", "subtype", "practice"), "post_number")
    scope = scope_for(by, Perm.MANAGE_PROGRAMMES)
    entries, seen = [], {}
    for number, cells, bad in parsed:
        entry, row_errors = _post_entry(number, cells, bad, columns, practices, find_post, scope)
        key = entry.values.get("post_number", "").upper()
        if key and seen.setdefault(key, number) != number:
            row_errors.append(
                RowError(
                    number,
                    _heading(columns, POSTS, "post_number"),
                    f"{entry.label} is also on row {seen[key]}.",
                )
            )
        entries.append(entry)
        errors += row_errors
    return entries, errors


def _post_entry(number, cells, bad, columns, practices, find_post, scope) -> tuple[PostEntry, list[RowError]]:
    """The row's values as the post service takes them, and what is wrong with them."""
    errors = []

    def add(key: str, message: str) -> None:
        heading = _heading(columns, POSTS, key)
        if heading not in bad:  # one problem per cell: the first found
            errors.append(RowError(number, heading, message))
            bad.add(heading)

    values = dict(cells)
    if "subtype" in cells:
        values["subtype"] = None
        if cells.get("category") is not None:
            try:
                values["subtype"] = subtype_of(cells["category"], cells["subtype"])
            except BadValue as error:
                add("subtype", str(error))
    if "practice" in cells:
        values["practice"] = practices.get(cells["practice"]) if cells["practice"] else None
        if cells["practice"] and values["practice"] is None:
            add("practice", f"There is no open GP practice with the ODS code {show(cells['practice'])}.")
    existing = find_post(cells["post_number"]) if "post_number" in cells else None
    if existing is not None and not scope.covers_scheme(existing.scheme):
        add(
            "post_number",
            f"{existing.post_number} is a post of {existing.scheme.name}, which you do not manage.",
        )
    merged = {**({f: getattr(existing, f) for f in POST_FIELDS} if existing else {}), **values}
    for key, message in post_problems(merged).items():
        add(key, message)  # not where the cell itself is bad: that error says it already
    return PostEntry(number, values, existing), errors


# --- posts: writing -----------------------------------------------------------------------------------------

FIELD_NAMES = {
    "wte": "WTE",
    "practice": "practice",
    "educational_supervisor_name": "educational supervisor",
    "clinical_supervisor_name": "clinical supervisor",
    "educational_supervisor_email": "educational supervisor email",
    "clinical_supervisor_email": "clinical supervisor email",
    "capacity": "places",
    "slots": "posts and months",
}


def _differences(instance, values: dict) -> dict:
    """The values that differ from what `instance` holds."""
    return {name: value for name, value in values.items() if getattr(instance, name) != value}


def _write_post(entry: PostEntry, columns: Columns, by, summary: UploadSummary) -> list[RowError]:
    if entry.existing is None:
        values, action = entry.values, summary.created
    else:
        values = _differences(entry.existing, {k: v for k, v in entry.values.items() if k != "post_number"})
        if not values:
            summary.unchanged += 1
            return []
        action = summary.updated
    try:
        post = post_save(post=entry.existing, values=values, by=by)
    except (ValidationError, PermissionDenied) as error:
        return _service_errors(error, entry.row, columns, POSTS)
    names = () if entry.existing is None else tuple(FIELD_NAMES.get(k, k.replace("_", " ")) for k in values)
    action.append(Change(entry.row, f"{post.post_number} {post.category.name}", post.pk, names))
    return []


def _service_errors(error: Exception, row: int, columns: Columns, kind: str) -> list[RowError]:
    """A service's refusal as row errors: field errors under their columns, the rest on the row."""
    if isinstance(error, PermissionDenied):
        return [RowError(row, _heading(columns, kind, "scheme"), str(error) or "You cannot change this.")]
    if hasattr(error, "error_dict"):
        return [
            RowError(row, _heading(columns, kind, key), message)
            for key, messages in error.message_dict.items()
            for message in messages
        ]
    return [RowError(row, None, message) for message in error.messages]


# --- rotations: reading and checking ------------------------------------------------------------------------


@dataclass
class SlotRow:
    row: int
    cells: dict  # column key -> parsed value (bad cells left out)
    post: Post | None = None


@dataclass
class RotationGroup:
    """The rows of one rotation, in file order, and the rotation's values as its rows give them."""

    code: str
    rows: list[SlotRow] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    existing: Rotation | None = None
    complete: bool = True  # every cell of every row is good: the slots can be checked together
    warnings: tuple[str, ...] = ()

    @property
    def first_row(self) -> int:
        return self.rows[0].row

    def slots(self) -> list[SlotValues]:
        return [
            SlotValues(s.cells["training_year"], s.cells["start_month"], s.cells["months"], s.post)
            for s in self.rows
        ]


def _unless_blank(parse: Callable) -> Callable:
    """A rotation's own cells may be left blank on all but one of its rows: blank is None here."""
    return lambda value: None if is_blank(value) else parse(value)


def _rotation_parsers(by) -> dict[str, Callable]:
    return {
        "code": parse_rotation_code,
        "name": _text(200),
        "scheme": _unless_blank(SchemeFinder(by, ROTATIONS)),
        "intake": _unless_blank(parse_intake),
        "capacity": _unless_blank(
            lambda value: parse_whole_number(value, low=0, high=999, what="The number of places")
        ),
        "training_year": parse_training_year,
        "start_month": lambda value: parse_whole_number(value, low=1, high=36, what="The start month"),
        "months": lambda value: parse_whole_number(value, low=1, high=36, what="The number of months"),
        "post_number": lambda value: parse_reference(value, max_length=40),
        "description": _text(5000),
    }


def _parse_rotations(rows: Rows, columns: Columns, by) -> tuple[list[RotationGroup], list[RowError]]:
    parsers = _rotation_parsers(by)
    groups: dict[str, RotationGroup] = {}
    errors = []
    for number, values in rows:
        if _is_example(values, columns, "code"):
            errors.append(_example_error(number, columns, ROTATIONS, "code"))
            continue
        cells, cell_errors = _cells(number, values, columns, parsers)
        errors += cell_errors
        code = cells.get("code")
        if code is None:
            continue  # without its code the row belongs to no rotation: its error says so
        group = groups.setdefault(code.upper(), RotationGroup(code))
        group.rows.append(SlotRow(number, cells))
        group.complete = group.complete and not cell_errors
    groups_list = list(groups.values())
    errors += _rotation_values(groups_list, columns)
    errors += _match_records(groups_list, columns, by)
    errors += _engine_errors(groups_list, columns)
    return groups_list, errors


def _rotation_values(groups: list[RotationGroup], columns: Columns) -> list[RowError]:
    """Each rotation's name, scheme, intake, places and description: from the first row giving each; any
    later row giving another is an error, and so is one no row gives (but the optional description)."""
    errors = []
    for group in groups:
        for key in ROTATION_CELLS:
            if key not in columns:
                continue
            heading = _heading(columns, ROTATIONS, key)
            given = [(s.row, s.cells[key]) for s in group.rows if s.cells.get(key) not in (None, "")]
            if given:
                group.values[key] = given[0][1]
            elif key == "description":
                group.values[key] = ""
            elif all(key in s.cells for s in group.rows):  # blank everywhere (not a bad value)
                errors.append(
                    RowError(
                        group.first_row,
                        heading,
                        f"This is blank: give the rotation's {ROTATION_CELLS[key]} on its first row.",
                    )
                )
                group.complete = False
            for row, value in given[1:]:
                if value != given[0][1]:
                    errors.append(
                        RowError(
                            row,
                            heading,
                            f"The rows of rotation {group.code} must agree: row {given[0][0]} gives "
                            f"{show(given[0][1])}, this row {show(value)}.",
                        )
                    )
                    group.complete = False
    return errors


def _match_records(groups: list[RotationGroup], columns: Columns, by) -> list[RowError]:
    """The posts the rows name and the rotations already held: each must be one the uploader manages."""
    numbers = {s.cells["post_number"] for g in groups for s in g.rows if "post_number" in s.cells}
    posts = Post.objects.annotate(upper=Upper("post_number")).filter(upper__in={n.upper() for n in numbers})
    find_post = _find(posts.select_related("scheme", "category", "practice"), "post_number")
    codes = {g.code for g in groups}
    rotations = Rotation.objects.annotate(upper=Upper("code")).filter(upper__in={c.upper() for c in codes})
    find_rotation = _find(rotations.select_related("scheme").prefetch_related("slots"), "code")
    scope = scope_for(by, Perm.MANAGE_PROGRAMMES)
    errors = []
    for group in groups:
        group.existing = find_rotation(group.code)
        if group.existing is not None and not scope.covers_scheme(group.existing.scheme):
            errors.append(
                RowError(
                    group.first_row,
                    _heading(columns, ROTATIONS, "code"),
                    f"Rotation {group.existing.code} is in {group.existing.scheme.name}, which you do not "
                    "manage.",
                )
            )
            group.complete = False
        for slot in group.rows:
            error = _slot_post(slot, group, find_post)
            if error:
                errors.append(RowError(slot.row, _heading(columns, ROTATIONS, "post_number"), error))
                group.complete = False
    return errors


def _slot_post(slot: SlotRow, group: RotationGroup, find_post) -> str | None:
    """Find the slot's post; what is wrong with it, if anything."""
    if "post_number" not in slot.cells:
        return None
    number = slot.cells["post_number"]
    slot.post = find_post(number)
    if slot.post is None:
        return (
            f"There is no post with the number {show(number)}. A rotation's posts must exist already: "
            "upload them in the posts file first."
        )
    scheme = group.values.get("scheme")
    if scheme is not None and slot.post.scheme_id != scheme.pk:
        return f"{slot.post.post_number} is a post of {slot.post.scheme.name}, not {scheme.name}."
    return None


def _engine_errors(groups: list[RotationGroup], columns: Columns) -> list[RowError]:
    """The rotation checks' errors (overlaps, past month 36) on the rows of the slots they are about."""
    errors = []
    for group in groups:
        whole = all(s.post and all(k in s.cells for k in SLOT_CELLS) for s in group.rows)
        if not (group.complete and whole):
            continue
        checks = [slot.as_check(order) for order, slot in enumerate(group.slots(), start=1)]
        findings = rotation_findings(checks)
        group.warnings = tuple(f.message for f in findings if not f.is_error)
        for finding in (f for f in findings if f.is_error):
            rows = [group.rows[order - 1].row for order in finding.slots] or [group.first_row]
            key = "start_month" if len(rows) > 1 else "months"
            others = f" (rows {', '.join(map(str, rows[:-1]))} and {rows[-1]})" if len(rows) > 1 else ""
            errors.append(RowError(rows[-1], _heading(columns, ROTATIONS, key), finding.message + others))
    return errors


# --- rotations: writing -------------------------------------------------------------------------------------


def _slots_picture(slots: Iterable) -> list[tuple]:
    return [(s.training_year, s.start_month, s.months, s.post.pk) for s in slots]


def _held_slots(rotation: Rotation) -> list[tuple]:
    slots = sorted(rotation.slots.all(), key=lambda s: s.order)
    return [(s.training_year, s.start_offset_months + 1, s.months, s.post_id) for s in slots]


def _write_rotation(group: RotationGroup, columns: Columns, by, summary: UploadSummary) -> list[RowError]:
    values, slots = dict(group.values), group.slots()
    existing = group.existing
    if existing is None:
        values["code"] = group.code
        action = summary.created
        names: tuple[str, ...] = ()
    else:
        values = _differences(existing, values)
        slots_changed = _slots_picture(slots) != _held_slots(existing)
        if not values and not slots_changed:
            summary.unchanged += 1
            return []
        action = summary.updated
        names = tuple(FIELD_NAMES.get(k, k) for k in [*values, *(["slots"] if slots_changed else [])])
    try:
        rotation = rotation_save(rotation=existing, values=values, slots=slots, by=by)
    except (ValidationError, PermissionDenied) as error:
        return _service_errors(error, group.first_row, columns, ROTATIONS)
    label = f"{rotation.code} {rotation.name}"
    action.append(Change(group.first_row, label, rotation.code, names, group.warnings))
    return []


# --- templates ----------------------------------------------------------------------------------------------

EXAMPLE_NOTE = "Example row: replace it with your own, or delete it."


def _examples(kind: str, scheme: str) -> list[list]:
    """Example rows in the order of COLUMNS[kind], marked as examples so that they cannot be uploaded."""
    if kind == POSTS:
        return [
            ["EXAMPLE/GP/001", scheme, "GP practice", "", "Y99999", "", 1, "Dr Alex Example",
             "alex.example@example.org", "", "", EXAMPLE_NOTE],
            ["EXAMPLE/IH/002", scheme, "Inclusion health", "Homelessness", "", "Fictional Outreach Service",
             1, "", "", "Dr Sam Example", "sam.example@example.org", EXAMPLE_NOTE],
        ]  # fmt: skip
    return [
        ["EXAMPLE-2027-01", "Example rotation", scheme, "2027-08", 2, "ST1", 1, 6, "EXAMPLE/GP/001",
         EXAMPLE_NOTE],
        ["EXAMPLE-2027-01", "Example rotation", scheme, "2027-08", 2, "ST1", 7, 12, "EXAMPLE/IH/002", ""],
    ]  # fmt: skip


def upload_template(*, kind: str, fmt: str, by) -> bytes:
    """The file to fill in: the headings and two example rows naming the first scheme `by` manages."""
    first = schemes_managed_by(by).order_by("name").first()
    headings = [c.heading for c in COLUMNS[kind]]
    rows = _examples(kind, first.code if first else "your-scheme-code")
    return _as_xlsx(headings, rows, kind) if fmt == "xlsx" else _as_csv(headings, rows)


def _as_csv(headings: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens it as UTF-8 (and saves it so again)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([headings, *rows])
    return buffer.getvalue().encode("utf-8-sig")


def _as_xlsx(headings: list[str], rows: list[list], kind: str) -> bytes:
    """One sheet (the upload reads the first): bold headings, example rows in grey italics, ST1-ST3 offered
    as a list in the training year column."""
    from openpyxl import Workbook  # only when a workbook is asked for: it is slow to import
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind.capitalize()
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.font = Font(italic=True, color="5F6B73")
    for index, heading in enumerate(headings, start=1):
        widest = max(len(str(value)) for value in [heading, *(row[index - 1] for row in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(widest + 2, 10), 50)
        if heading == "Training year":
            years = DataValidation(type="list", formula1='"ST1,ST2,ST3"', allow_blank=True)
            letter = get_column_letter(index)
            years.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(years)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
