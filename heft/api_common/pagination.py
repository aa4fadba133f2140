"""The API's one paginator: limit and offset with bounds, so no query string can reach the database as a
number it cannot hold (an unbounded offset was a server error)."""

from ninja import Field, Schema
from ninja.conf import settings
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 1000
MAX_OFFSET = 2**31 - 1  # far beyond any list here, and within every database's integer


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT} items a page."
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
