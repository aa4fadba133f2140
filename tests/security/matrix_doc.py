"""The access matrix as docs/security.md writes it: reading the table, and rows for routes it lacks.

The table between <!-- access-matrix:start --> and <!-- access-matrix:end --> is the one source of the
statuses every role gets; tests/security/test_access_matrix.py checks each against a real response.

    python -m tests.security.matrix_doc --missing    # blank rows to fill, for routes without one
"""

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.security.matrix_rules import ANON, EDUCATOR, EVERYONE, MENTOR, NATIONAL, REGIONAL, TPD, TRAINEE

DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "security.md"
START, END = "<!-- access-matrix:start -->", "<!-- access-matrix:end -->"
SHORT = {ANON: "anon", NATIONAL: "NA", REGIONAL: "RL", TPD: "SA", EDUCATOR: "Ed", MENTOR: "Me", TRAINEE: "Tr"}
PAGE_HEADER = (
    "| route | "
    + " | ".join(f"{method} {SHORT[role]}" for method in ("GET", "POST") for role in EVERYONE)
    + " |"
)
API_HEADER = "| operation | method | path | " + " | ".join(SHORT[role] for role in EVERYONE) + " |"
HTMX = "(htmx)"
TOKEN = re.compile(r"^(\d{3}) \(token (\d{3})\)$")
ADMIN_PATH = "admin/"  # the Django admin's generated routes: one rule covers them (test_access_matrix.py)

# Where a route's row goes: the heading of its part of the table.
HEADINGS = {
    "core": "Home and health",
    "sign-in": "Sign-in and two-factor (django-allauth)",
    "accounts": "API tokens",
    "api": "The API's schema and docs",
}


class MatrixError(ValueError):
    """The table cannot be read: the message names the line of docs/security.md to fix."""


@dataclass(frozen=True)
class Row:
    """One row: a page (GET and POST for each role) or an API operation (its one method for each role)."""

    name: str
    section: str
    line: int
    get: dict[str, int] = field(default_factory=dict)  # pages
    post: dict[str, int] = field(default_factory=dict)
    method: str = ""  # API operations
    path: str = ""
    statuses: dict[str, int] = field(default_factory=dict)
    token: dict[str, int] = field(default_factory=dict)  # where a bearer token gets something else
    htmx: bool = False

    @property
    def is_api(self) -> bool:
        return bool(self.method)


def matrix_text(text: str | None = None) -> tuple[str, int]:
    """The table part of the document, and the number of the line before it."""
    text = DOC.read_text(encoding="utf-8") if text is None else text
    if START not in text or END not in text:
        raise MatrixError(f"docs/security.md must hold the access matrix between {START} and {END}")
    before, rest = text.split(START, 1)
    return rest.split(END, 1)[0], before.count("\n")


def read_matrix(text: str | None = None) -> list[Row]:
    table, offset = matrix_text(text)
    rows, section, header = [], "", None
    for number, line in enumerate(table.splitlines(), start=offset + 1):
        line = line.strip()
        if line.startswith("### "):
            section = line[4:].strip()
        elif line in (PAGE_HEADER, API_HEADER):
            header = line
        elif line.startswith("| `"):
            if header is None:
                raise MatrixError(f"docs/security.md line {number}: a row before any table heading row")
            reader = _page_row if header == PAGE_HEADER else _api_row
            rows.append(reader(_cells(line), section, number))
        elif line.startswith("| ") and not line.startswith("| ---"):
            raise MatrixError(
                f"docs/security.md line {number}: not a row of the access matrix. Table headings must read\n"
                f"{PAGE_HEADER}\nor\n{API_HEADER}\nand each row starts with the route name in backticks."
            )
    _refuse_repeats(rows)
    return rows


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _name(cell: str, number: int) -> tuple[str, bool]:
    match = re.fullmatch(r"`([^`]+)`( \(htmx\))?", cell)
    if not match:
        raise MatrixError(
            f"docs/security.md line {number}: the first cell must be `route:name`, not {cell!r}"
        )
    return match.group(1), bool(match.group(2))


def _status(cell: str, number: int, role: str) -> tuple[int, int | None]:
    token = TOKEN.match(cell)
    if token:
        return int(token.group(1)), int(token.group(2))
    if not re.fullmatch(r"\d{3}", cell):
        raise MatrixError(
            f"docs/security.md line {number}: the {SHORT[role]} cell must be a status such as 200 or 403"
            f" (or '200 (token 401)' on an API row), not {cell!r}"
        )
    return int(cell), None


def _page_row(cells: list[str], section: str, number: int) -> Row:
    if len(cells) != 1 + 2 * len(EVERYONE):
        raise MatrixError(f"docs/security.md line {number}: a page row has the route and 14 statuses")
    name, htmx = _name(cells[0], number)
    get = {role: _status(c, number, role)[0] for role, c in zip(EVERYONE, cells[1:8], strict=True)}
    post = {role: _status(c, number, role)[0] for role, c in zip(EVERYONE, cells[8:], strict=True)}
    return Row(name, section, number, get=get, post=post, htmx=htmx)


def _api_row(cells: list[str], section: str, number: int) -> Row:
    if len(cells) != 3 + len(EVERYONE):
        raise MatrixError(
            f"docs/security.md line {number}: an API row has the operation, method, path and 7 statuses"
        )
    name, htmx = _name(cells[0], number)
    pairs = {role: _status(c, number, role) for role, c in zip(EVERYONE, cells[3:], strict=True)}
    token = {role: t for role, (_, t) in pairs.items() if t is not None}
    statuses = {role: s for role, (s, _) in pairs.items()}
    path = cells[2].strip("`")
    return Row(name, section, number, method=cells[1].upper(), path=path, statuses=statuses, token=token)


def _refuse_repeats(rows: list[Row]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        if row.name in seen:
            raise MatrixError(
                f"docs/security.md line {row.line}: `{row.name}` has a row already, line {seen[row.name]}"
            )
        seen[row.name] = row.line


# --- writing rows -----------------------------------------------------------------------------------------


def page_line(name: str, get: dict, post: dict, *, htmx: bool = False) -> str:
    cells = [f"`{name}`" + (f" {HTMX}" if htmx else "")]
    cells += [str(get.get(role, "?")) for role in EVERYONE] + [str(post.get(role, "?")) for role in EVERYONE]
    return "| " + " | ".join(cells) + " |"


def api_line(name: str, method: str, path: str, statuses: dict, token: dict | None = None) -> str:
    token = token or {}
    cells = [f"`{name}`", method, f"`{path}`"]
    for role in EVERYONE:
        status = str(statuses.get(role, "?"))
        cells.append(f"{status} (token {token[role]})" if role in token else status)
    return "| " + " | ".join(cells) + " |"


# --- the routes of the project (needs Django) -------------------------------------------------------------


def api_operations() -> dict[str, tuple[str, str, str]]:
    """Every API operation by URL name: (method, path, the app it belongs to)."""
    from heft.api.api import api

    operations = {}
    for router in api._get_bound_routers():
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                name = getattr(operation, "url_name", "") or api.get_operation_url_name(
                    operation, router=router.template
                )
                module = operation.view_func.__module__.split(".")
                app = (operation.tags or ["api"])[0] if module[1] == "api" else module[1]
                for method in operation.methods:
                    operations[f"api:{name}"] = (method, f"/api/v1{path}", app)
    return operations


def section_of(name: str, operations: dict) -> str:
    """The heading a route's row goes under: its app's."""
    if name in operations:
        app = operations[name][2]
    elif ":" in name:
        app = name.split(":", 1)[0]
    elif name.startswith(("account_", "mfa_")):
        app = "sign-in"
    else:
        app = "core"
    return HEADINGS.get(app, app.capitalize())


def project_routes() -> list[tuple[str, str, object]]:
    """(name, pattern, view) of every route the matrix must hold: all but the Django admin's."""
    from tests.security.urls import all_routes

    return [(n, r, v) for n, r, v in all_routes() if not r.startswith(ADMIN_PATH)]


def missing_rows(rows: list[Row] | None = None) -> dict[tuple[str, str], list[str]]:
    """Rows to add, with '?' for every status, by heading and table (pages or API)."""
    rows = read_matrix() if rows is None else rows
    have = {row.name for row in rows}
    operations = api_operations()
    missing: dict[tuple[str, str], list[str]] = {}
    for name, _, _ in project_routes():
        if not name or name in have:
            continue
        if name in operations:
            method, path, _ = operations[name]
            table, line = API_HEADER, api_line(name, method, path, {})
        else:
            table, line = PAGE_HEADER, page_line(name, {}, {})
        missing.setdefault((section_of(name, operations), table), []).append(line)
    return missing


def missing_text(missing: dict[tuple[str, str], list[str]]) -> str:
    return "\n\n".join(
        f"### {heading}\n{table}\n" + "\n".join(lines) for (heading, table), lines in missing.items()
    )


def main(argv: list[str]) -> int:
    if argv != ["--missing"]:
        print(__doc__)
        return 2
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heft.settings")
    django.setup()
    missing = missing_rows()
    if not missing:
        print("Every route has a row in the access matrix.")
        return 0
    print(
        "Add these rows to the access matrix in docs/security.md, each under its heading (make the heading"
        " and table if there is none), and replace every ? with the status that role gets:\n"
    )
    print(missing_text(missing))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
