from datetime import date
from decimal import Decimal

from ninja import Schema


class RegionOut(Schema):
    id: int
    code: str
    name: str
    summary: str


class SchemeOut(Schema):
    id: int
    code: str
    name: str
    region: str
    school: str | None
    localities: list[str]

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_school(obj) -> str | None:
        return obj.school.name if obj.school_id else None

    @staticmethod
    def resolve_localities(obj) -> list[str]:
        return [locality.name for locality in obj.localities.all()]


class PostOut(Schema):
    id: int
    post_number: str
    category: str
    subtype: str | None
    innovative: bool
    scheme: str
    practice: str | None
    site: str
    wte: Decimal
    educational_supervisor_name: str
    educational_supervisor_email: str
    clinical_supervisor_name: str
    clinical_supervisor_email: str

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.code

    @staticmethod
    def resolve_subtype(obj) -> str | None:
        return obj.subtype.code if obj.subtype_id else None

    @staticmethod
    def resolve_innovative(obj) -> bool:
        return obj.category.is_innovative

    @staticmethod
    def resolve_scheme(obj) -> str:
        return obj.scheme.code

    @staticmethod
    def resolve_practice(obj) -> str | None:
        return obj.practice.ods_code if obj.practice_id else None


class SlotOut(Schema):
    order: int
    training_year: str
    start_offset_months: int
    months: int
    post: str
    category: str

    @staticmethod
    def resolve_post(obj) -> str:
        return obj.post.post_number

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.post.category.code


class RotationOut(Schema):
    id: int
    code: str
    name: str
    scheme: str
    intake: str
    capacity: int
    availability: str
    description: str
    heft: bool
    slots: list[SlotOut]

    @staticmethod
    def resolve_scheme(obj) -> str:
        return obj.scheme.code

    @staticmethod
    def resolve_slots(obj) -> list:
        return list(obj.slots.all())


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


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    """A request the API could not read: every problem at once, keyed by where it is (e.g. query.limit)."""

    detail: str
    errors: dict[str, list[str]] = {}


# What any signed-in operation can answer besides its own result: no credentials, no permission, not found
# (or out of scope), a request that does not match the schema, and too many requests (the API's rate limit).
API_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut}
