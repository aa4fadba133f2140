"""docs/security.md's role x permission table must say what heft/accounts/permissions.py does."""

import re
from pathlib import Path

from heft.accounts.models import Role
from heft.accounts.permissions import ROLE_PERMISSIONS, Perm

DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "security.md"


def documented_table() -> dict[str, set[str]]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- permissions:start -->")[1].split("<!-- permissions:end -->")[0]
    rows = [line for line in table.strip().splitlines() if line.startswith("| `")]
    granted = {}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        perm = re.sub(r"`", "", cells[0])
        granted[perm] = {role.value for role, cell in zip(Role, cells[1:], strict=True) if cell == "yes"}
    return granted


def test_security_doc_matches_the_permission_module():
    in_code = {perm.value: {role.value for role in Role if perm in ROLE_PERMISSIONS[role]} for perm in Perm}
    assert documented_table() == in_code
