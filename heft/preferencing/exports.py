"""A preference window's results as spreadsheets: its offers, and the accepted rotations as placements laid
out for the bulk upload ("generic upload") of TIS, the national trainee information system.

TIS placement template, as its upload service reads it:
- It recognises the template by its headings, which mark the required ones with an asterisk ("Placement
  Type*"), so TIS_HEADER spells them exactly so; the columns HEFT Hub has nothing for (GDC Number, Other
  Sites, Specialty2 ...) are left out, which TIS allows.
- It looks Site, Grade and Specialty1 up by name in its reference data. Site is the practice's name or the
  post's site, so check they match TIS's site names. Grade is TIS's "GP Specialty Training" for every
  year (a per-year grade name would not be found); the training year goes in Comments instead.
- Placement Type "In post" is spelt as in TIS's list of types. Placement Status is "Current", "Future" or
  "Past" by today's date in England, TIS's own placement statuses (its upload treats only "DELETE" specially).
- Dates and WTE come from the trainee's placements made from the accepted rotation (heft.trainees.placements):
  dated on the CCT estimate's clock, stretched for less than full time and moved by time out, one row per
  placement (a slot split by time out or a change of WTE has two). WTE is the trainee's times the post's.
- Supervisors: TIS reads "Clinical Supervisor" and "Educational Supervisor" as a registration number (GMC,
  GDC or public health number) and fails the row with "... cannot be identified in TIS" for anything else.
  HEFT Hub records supervisors by name and email only, so those columns stay empty and the supervisors are
  named in Comments for the person uploading to add in TIS.

Both file formats escape text a spreadsheet would run as a formula (OWASP, "CSV injection"): a text cell
starting with =, +, -, @, tab or carriage return (or their full-width forms) gets a leading apostrophe.
Numbers and dates stay numbers and dates.
"""

import csv
import datetime
import io
import re

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from heft.preferencing.models import Offer, PreferenceWindow
from heft.preferencing.problem import window_memberships
from heft.programmes.selectors import rotations_with_heft_flag
from heft.trainees.models import Placement, ProgrammeMembership
from heft.trainees.placements import rotation_placements_planned

OFFER_HEADER = [
    "Surname",
    "Forenames",
    "GMC number",
    "National rank",
    "Rotation code",
    "Rotation name",
    "HEFT",
    "Choice",
    "Status",
    "Respond by",
    "Responded at",
]
TIS_HEADER = [
    "Surname*",
    "GMC Number",
    "National Post Number*",
    "Date From*",
    "Date To*",
    "Placement Type*",
    "Placement Status*",
    "Site*",
    "WTE*",
    "Grade*",
    "Specialty1*",
    "Clinical Supervisor",
    "Educational Supervisor",
    "Comments",
]
TIS_PLACEMENT_TYPE = "In post"
TIS_GRADE = "GP Specialty Training"
TIS_SPECIALTY = "General Practice"
SUPERVISORS = (
    ("Educational supervisor", "educational_supervisor"),
    ("Clinical supervisor", "clinical_supervisor"),
)


def _memberships(window: PreferenceWindow) -> dict[int, ProgrammeMembership]:
    """The window's members, returners included."""
    return {m.trainee_id: m for m in window_memberships(window)}


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """Wall-clock time in England, without a zone: spreadsheets cannot hold one."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


# --- offers -------------------------------------------------------------------------------------------------


def offer_rows(window: PreferenceWindow) -> tuple[list[str], list[list]]:
    """Every offer of the window (live, declined and withdrawn), in national rank order."""
    memberships = _memberships(window)
    offers = list(Offer.objects.filter(window=window).select_related("trainee", "rotation"))
    heft = set(
        rotations_with_heft_flag()
        .filter(pk__in={o.rotation_id for o in offers}, heft=True)
        .values_list("pk", flat=True)
    )

    def rank(offer: Offer) -> int | None:
        membership = memberships.get(offer.trainee_id)
        return membership.national_rank if membership else None

    offers.sort(key=lambda o: (rank(o) is None, rank(o) or 0, o.trainee.surname, o.created_at))
    rows = [
        [
            offer.trainee.surname,
            offer.trainee.forenames,
            offer.trainee.gmc_number,
            rank(offer),
            offer.rotation.code,
            offer.rotation.name,
            "Yes" if offer.rotation_id in heft else "No",
            offer.choice,
            offer.get_status_display(),
            _local(offer.respond_by),
            _local(offer.responded_at),
        ]
        for offer in offers
    ]
    return list(OFFER_HEADER), rows


# --- TIS placements -----------------------------------------------------------------------------------------


def tis_placement_rows(
    window: PreferenceWindow, *, today: datetime.date | None = None
) -> tuple[list[str], list[list]]:
    """One row per placement of every accepted rotation, ordered by trainee then slot."""
    today = today or timezone.localdate()
    memberships = _memberships(window)
    offers = (
        Offer.objects.filter(window=window, status=Offer.Status.ACCEPTED)
        .select_related("trainee", "rotation")
        .order_by("trainee__surname", "trainee__forenames", "trainee__gmc_number")
    )
    placed = _placements_by_rotation(memberships.values())
    rows = []
    for offer in offers:
        membership = memberships.get(offer.trainee_id)
        if membership is None:  # no longer on the scheme: nothing to place
            continue
        # Offers accepted before accepting made placements have none: their slots are dated as accepting
        # would date them now.
        placements = placed.get((membership.pk, offer.rotation_id)) or rotation_placements_planned(
            membership, offer.rotation, today
        )
        rows += [_placement_row(offer, placement, today) for placement in placements]
    return list(TIS_HEADER), rows


def _placements_by_rotation(memberships) -> dict[tuple[int, int], list[Placement]]:
    placements = (
        Placement.objects.filter(membership__in=list(memberships), rotation__isnull=False)
        .select_related("post__category", "post__practice")
        .order_by("slot_order", "start_date")
    )
    found: dict[tuple[int, int], list[Placement]] = {}
    for placement in placements:
        found.setdefault((placement.membership_id, placement.rotation_id), []).append(placement)
    return found


def _placement_row(offer: Offer, placement: Placement, today: datetime.date) -> list:
    start, end = placement.start_date, placement.end_date
    status = "Past" if end < today else "Future" if start > today else "Current"
    post = placement.post
    return [
        offer.trainee.surname,
        offer.trainee.gmc_number,
        post.post_number,
        start,
        end,
        TIS_PLACEMENT_TYPE,
        status,
        post.place,
        placement.wte.normalize(),
        TIS_GRADE,
        TIS_SPECIALTY,
        "",  # TIS wants a registration number here (see above)
        "",
        _comment(placement),
    ]


def _comment(placement: Placement) -> str:
    post = placement.post
    parts = [placement.training_year]
    if post.category.is_innovative:
        parts.append(f"HEFT innovative post: {post.category.name}")
    elif post.practice_id and post.practice.is_deep_end:
        parts.append("HEFT Deep End practice")
    for role, field in SUPERVISORS:
        parts.append(
            _supervisor(role, getattr(placement, f"{field}_name"), getattr(placement, f"{field}_email"))
        )
    return "; ".join(part for part in parts if part)


def _supervisor(role: str, name: str, email: str) -> str:
    who = " ".join(part for part in (name, f"<{email}>" if email else "") if part)
    return f"{role}: {who}" if who else ""


# --- files --------------------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def escape_formula(text: str) -> str:
    """Text a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str):
        return escape_formula(value)
    return str(value)


def as_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens accented names correctly; dates as DD/MM/YYYY."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in [header, *rows]:
        writer.writerow([_as_text(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _cell(value):
    if isinstance(value, str):
        return escape_formula(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


DATE_FORMATS = {datetime.datetime: "DD/MM/YYYY HH:MM", datetime.date: "DD/MM/YYYY"}


def as_xlsx(header: list[str], rows: list[list], sheet_title: str) -> bytes:
    """One sheet: bold, frozen, filterable headings; dates shown as DD/MM/YYYY; columns sized to fit."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", sheet_title).strip()[:31] or "Sheet1"
    for row in [header, *rows]:
        sheet.append([_cell(value) for value in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.number_format = DATE_FORMATS.get(type(cell.value), cell.number_format)
    for index, column in enumerate(zip(header, *rows, strict=False), start=1):
        widest = max(len(_as_text(value)) for value in column)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(widest + 2, 8), 60)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
