"""How the API shows regions, schemes, posts and rotations."""

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
