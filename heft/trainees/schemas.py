"""How the API shows a trainee and their programme memberships."""

from datetime import date
from decimal import Decimal

from ninja import Schema


class MembershipOut(Schema):
    scheme: str
    intake: str
    start_date: date
    wte: Decimal
    heft_mode: str
    status: str
    national_rank: int | None
    cct_estimate: date | None

    @staticmethod
    def resolve_scheme(obj) -> str:
        return obj.scheme.code


class TraineeOut(Schema):
    id: int
    gmc_number: str
    forenames: str
    surname: str
    email: str
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj) -> list:
        return list(obj.memberships.all())
