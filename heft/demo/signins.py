"""The demo sign-ins table: what each sign-in can use, read from the database."""

from __future__ import annotations

from heft.accounts.models import Role, User
from heft.demo.world import DEMO_PASSWORD, DEMO_SIGN_INS, TOTP_NOTE, demo_totp_code, demo_totp_secret
from heft.trainees.models import Trainee


def demo_sign_in_rows() -> list[dict[str, str]]:
    """What each demo sign-in can use, read from the database (so a missing load shows as such)."""
    from allauth.mfa.models import Authenticator

    users = {
        u.email: u
        for u in User.objects.filter(email__in=[s.email for s in DEMO_SIGN_INS]).prefetch_related(
            "role_assignments__region", "role_assignments__scheme"
        )
    }
    with_totp = set(
        Authenticator.objects.filter(user__in=users.values(), type=Authenticator.Type.TOTP).values_list(
            "user__email", flat=True
        )
    )
    rows = []
    for sign_in in DEMO_SIGN_INS:
        user = users.get(sign_in.email)
        label = Role(sign_in.role).label
        if user is None:
            empty = dict.fromkeys(("password", "secret", "code"), "")
            rows.append({"role": label, "email": sign_in.email, "scope": "not loaded", **empty})
            continue
        assignment = next((a for a in user.role_assignments.all() if a.role == sign_in.role), None)
        if assignment is None:
            scope = "role missing"
        elif sign_in.role == Role.MENTOR:
            scope = "their mentees"
        elif sign_in.role == Role.TRAINEE:
            trainee = Trainee.objects.filter(user=user).first()
            scope = f"own record ({trainee.full_name})" if trainee else "own record (not linked)"
        else:
            scope = str(assignment.scheme or assignment.region or "England")
        staff = sign_in.is_staff_role and sign_in.email in with_totp
        rows.append(
            {
                "role": label,
                "email": sign_in.email,
                "password": DEMO_PASSWORD,
                "scope": scope,
                "secret": demo_totp_secret(sign_in.email) if staff else "",
                "code": demo_totp_code(sign_in.email) if staff else "",
            }
        )
    return rows


def print_demo_signins(console) -> None:
    """Print the demo sign-ins as a rich table on the given rich Console."""
    from rich.table import Table

    rows = demo_sign_in_rows()
    table = Table(title="HEFT Hub demo sign-ins", title_justify="left")
    table.add_column("Role")
    table.add_column("Email", no_wrap=True)
    table.add_column("Password", no_wrap=True)
    table.add_column("Scope", overflow="fold")
    table.add_column("TOTP secret", no_wrap=True)
    table.add_column("Code now", no_wrap=True)
    for row in rows:
        table.add_row(row["role"], row["email"], row["password"], row["scope"], row["secret"], row["code"])
    console.print(table)
    if any(row["scope"] == "not loaded" for row in rows):
        console.print("Some sign-ins are not loaded yet: run `python manage.py load_demo`.", markup=False)
    console.print(TOTP_NOTE, markup=False)
