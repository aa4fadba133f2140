"""Checks every API request passes before its parameters are read (both found by fuzzing the API).

No real value holds the NUL character, and PostgreSQL can neither store nor compare text that does: a NUL
in an address, a query string, a form or a JSON body was a server error there. Such a request is refused
as not valid (422), the same way on every database.

No record has an id beyond a 64-bit integer, and neither database can compare a column with one (SQLite
cannot even hold it): such an id in the address is a record that does not exist (404).
"""

import json
import re

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import ValidationError

NUL = "\x00"
MESSAGE = "This holds the NUL character, which no value may hold."


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def _json_body(request):
    if "json" not in request.content_type or not request.body:  # a form's stream is read once, as POST
        return None
    try:
        return json.loads(request.body)
    except ValueError:
        return None  # not JSON at all: the body's own parser says so (400)


def nul_refused(request) -> None:
    """Raises the API's 422 when any part of the request a person controls holds a NUL."""
    parts = {
        "path": dict(request.resolver_match.kwargs) if request.resolver_match else {},
        "query": {k: request.GET.getlist(k) for k in request.GET},
        "form": {k: request.POST.getlist(k) for k in request.POST} if request.method != "GET" else {},
        "body": _json_body(request),
    }
    found = [where for where, value in parts.items() if _holds_nul(value)]
    if found:
        raise ValidationError([{"loc": (where,), "msg": MESSAGE, "type": "value_error"} for where in found])


ID_RANGE = range(-(2**63), 2**63)
WHOLE_NUMBER = re.compile(r"-?[0-9]+")


def impossible_id_refused(request) -> None:
    """Raises 404 when an id in the address (a path parameter named *_id) is beyond any record's."""
    kwargs = request.resolver_match.kwargs if request.resolver_match else {}
    for name, value in kwargs.items():
        text = str(value)
        if name.endswith("_id") and WHOLE_NUMBER.fullmatch(text) and int(text) not in ID_RANGE:
            raise Http404


class CheckedNinjaAPI(NinjaAPI):
    def create_temporal_response(self, request):
        # django-ninja calls this after authentication and throttling and before it reads any parameter,
        # inside the operation's error handling: the one place for a check on every request.
        nul_refused(request)
        impossible_id_refused(request)
        return super().create_temporal_response(request)
