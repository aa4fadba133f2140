"""The reads behind the set-up API's writes: the records a request names by code, found the way the pages
find them. Each returns None for a code that matches nothing the caller may use (out of scope looks absent).
"""

from collections.abc import Iterable

from heft.practices.models import Practice
from heft.practices.selectors import practices_by_ods_code
from heft.programmes.models import Post, PostCategory, PostSubtype, Region, School
from heft.programmes.selectors import (
    categories_list,
    regions_led_by,
    schools_in,
    subtypes_list,
)


def leads_a_region(user) -> bool:
    """Whether `user` creates and changes schemes: regional leads (their region) and national admins."""
    return regions_led_by(user).exists()


def region_led_by(user, code: str) -> Region | None:
    return regions_led_by(user).filter(code=code).first()


def school_in(region: Region, name: str) -> School | None:
    return schools_in(region).filter(name=name.strip()).first()


def category_by_code(code: str) -> PostCategory | None:
    return categories_list().filter(code=code).first()


def subtype_by_code(code: str) -> PostSubtype | None:
    return subtypes_list().filter(code=code).first()


def open_practice(ods_code: str) -> Practice | None:
    """An open practice (a GP placement's) by ODS code, in any case."""
    return practices_by_ods_code([ods_code]).get(ods_code.strip().upper())


def posts_by_number(numbers: Iterable[str]) -> dict[str, Post]:
    """The posts with these numbers, with what the rotation checks read of them. Posts are not personal
    data and every signed-in user may read them; whether one may go in a rotation is the service's rule."""
    posts = Post.objects.filter(post_number__in=set(numbers)).select_related("scheme", "category", "practice")
    return {post.post_number: post for post in posts}
