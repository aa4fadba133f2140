"""What the set-up API's writes take. Records are named as the read schemas name them: regions, schemes,
categories and subtypes by code, practices by ODS code, posts in a rotation by post number, schools by name.

In a PATCH a field left out keeps its value; null is only for what may be empty (a school, subtype or
practice). The rules beyond each field's own shape (a code in use, a GP post without its practice, slots
that overlap) are the services': breaking one is a 400 with the errors by field."""

from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from heft.programmes.models import Rotation

MAX_SMALL_INTEGER = 32767  # the capacity column's largest value on every database
TRAINING_MONTHS = 36


class SchemeIn(Schema):
    code: str
    name: str
    region: str = Field(description="The region's code: one the caller leads.")
    school: str | None = Field(None, description="The name of a school in the region.")
    localities: list[str] = Field([], description="The scheme's localities, one name each.")


class SchemePatch(Schema):
    code: str = None
    name: str = None
    region: str = Field(None, description="Moving a scheme needs both regions in the caller's lead.")
    school: str | None = None
    localities: list[str] = Field(None, description="The whole list: names left out are removed.")


class PostIn(Schema):
    post_number: str
    scheme: str = Field(description="The scheme's code: one the caller manages.")
    category: str = Field(description="The post category's code.")
    subtype: str | None = Field(None, description="The code of a subtype of the category.")
    practice: str | None = Field(None, description="The practice's ODS code (GP placements only).")
    site: str = Field("", description="Where the post is, when not in a GP practice.")
    wte: Decimal = Field(Decimal(1), description="Whole-time equivalent: more than 0, at most 1.")
    educational_supervisor_name: str = ""
    educational_supervisor_email: str = ""
    clinical_supervisor_name: str = ""
    clinical_supervisor_email: str = ""


class PostPatch(Schema):
    post_number: str = None
    scheme: str = None
    category: str = None
    subtype: str | None = None
    practice: str | None = None
    site: str = None
    wte: Decimal = None
    educational_supervisor_name: str = None
    educational_supervisor_email: str = None
    clinical_supervisor_name: str = None
    clinical_supervisor_email: str = None


class SlotIn(Schema):
    training_year: Literal["ST1", "ST2", "ST3"]
    start_month: int = Field(
        ge=1, le=TRAINING_MONTHS, description="The month of training it starts in, counting from 1."
    )
    months: int = Field(ge=1, le=TRAINING_MONTHS)
    post_number: str


class RotationFields(Schema):
    name: str
    scheme: str = Field(description="The scheme's code: one the caller manages.")
    intake: str = Field(description="The year and month training starts, e.g. 2027-08.")
    capacity: int = Field(1, ge=0, le=MAX_SMALL_INTEGER)
    description: str = ""
    slots: list[SlotIn] = Field(max_length=3 * TRAINING_MONTHS, description="Every slot, in order.")


class RotationIn(RotationFields):
    code: str
    availability: Rotation.Availability = Rotation.Availability.AVAILABLE


class RotationPut(RotationFields):
    """The rotation as a whole, but for its availability: that changes only with a reason
    (POST /rotations/{code}/availability)."""

    code: str | None = Field(None, description="A new code for the rotation; left out, it keeps its own.")


class AvailabilityIn(Schema):
    availability: Rotation.Availability
    reason: str = Field(description="Why it changes: trainees see it.")
