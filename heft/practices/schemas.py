"""How the API shows a practice."""

from decimal import Decimal

from ninja import Schema


class PracticeOut(Schema):
    id: int
    ods_code: str
    name: str
    postcode: str
    pcn: str
    icb: str
    status: str
    list_size: int | None
    imd_score: Decimal | None
    imd_decile: int | None
    most_deprived_share: Decimal | None
    deprivation_vintage: str
    is_deep_end: bool
    deep_end_rule: str
