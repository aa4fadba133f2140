"""The records named in the addresses of the structure routes in the access matrix (see access_matrix.py):
region A and scheme A (the regional lead's and the scheme administrator's), a school of region A, and a
post category with a subtype. The statuses are in docs/security.md."""

from heft.programmes.models import PostCategory, PostSubtype, School
from tests import factories as f

URL_KWARGS: dict[str, dict[str, str]] = {
    "setup:region_edit": {"code": "structure_region_code"},
    "setup:school_new": {"code": "structure_region_code"},
    "setup:school_edit": {"pk": "structure_school_pk"},
    "setup:scheme_edit": {"code": "structure_scheme_code"},
    "setup:scheme_intakes": {"code": "structure_scheme_code"},
    "setup:category_edit": {"pk": "structure_category_pk"},
    "setup:subtype_new": {"category_pk": "structure_category_pk"},
    "setup:subtype_edit": {"pk": "structure_subtype_pk"},
}
BODIES: dict[str, object] = {}


def kwargs(world) -> dict[str, str]:
    school = School.objects.create(region=world.region_a, name="Fictional Matrix School")
    category = f.CategoryFactory(
        code="matrix-structure", name="Matrix structure posts", kind=PostCategory.Kind.INNOVATIVE
    )
    subtype = PostSubtype.objects.create(category=category, code="matrix-subtype", name="Matrix subtype")
    return {
        "structure_region_code": world.region_a.code,
        "structure_school_pk": school.pk,
        "structure_scheme_code": world.scheme_a.code,
        "structure_category_pk": category.pk,
        "structure_subtype_pk": subtype.pk,
    }
