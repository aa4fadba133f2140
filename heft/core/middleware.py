from django.core.exceptions import BadRequest

NUL = "\x00"


class RefuseNulMiddleware:
    """A page address or query string holding the NUL character is refused (400): no real value holds it,
    and PostgreSQL can neither store nor compare text that does, so a search for it was a server error.
    The API refuses it in its own documented shape (heft/api_common/checks.py); forms refuse it field by
    field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/") and _holds_nul(request):
            raise BadRequest("The address holds the NUL character.")
        return self.get_response(request)


def _holds_nul(request) -> bool:
    values = [request.path, *request.GET.keys(), *(v for _, values in request.GET.lists() for v in values)]
    return any(NUL in value for value in values)
