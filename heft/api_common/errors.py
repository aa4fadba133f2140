"""The error bodies every API operation may answer with."""

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    """A request the API could not read: every problem at once, keyed by where it is (e.g. query.limit)."""

    detail: str
    errors: dict[str, list[str]] = {}


# What any signed-in operation can answer besides its own result: no credentials, no permission, not found
# (or out of scope), a request that does not match the schema, and too many requests (the API's rate limit).
API_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut}
