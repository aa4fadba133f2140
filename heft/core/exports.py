"""CSV and Excel downloads. Cells that a spreadsheet would run as a formula are defused first."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_safe(value):
    """Text starting like a formula (=, +, -, @, tab, return) gets a leading apostrophe; numbers stay."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _attachment(response: HttpResponse, file_name: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "no-store"
    return response


def csv_response(file_name: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    # A byte-order mark, so Excel opens the file as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    return _attachment(response, file_name)


Sheets = dict[str, tuple[Sequence[str], Iterable[Sequence]]]


def xlsx_bytes(sheets: Sheets) -> bytes:
    """One worksheet per entry ({title: (header, rows)}), its header row bold and frozen. openpyxl's
    write-only workbook streams the rows to the file without keeping a cell object for each."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title[:31])
        sheet.freeze_panes = "A2"
        sheet.append([_bold_cell(sheet, text, bold) for text in header])
        for row in rows:
            sheet.append([spreadsheet_safe(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bold_cell(sheet, value, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def xlsx_response(file_name: str, workbook: bytes) -> HttpResponse:
    """A workbook (from xlsx_bytes) as a download."""
    return _attachment(HttpResponse(workbook, content_type=XLSX_TYPE), file_name)
