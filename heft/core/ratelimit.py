"""Rate limits: fixed-window counters in a table of the database, or in Redis when HEFT_REDIS_URL is set, so
that every app process counts against the same limit.

Each limit is a scope in `settings.HEFT_RATE_LIMITS`: (requests, seconds). A caller is counted by who
they are (user, feed token or client address), never by anything they could vary at will. Past the limit
a page answers 429 with Retry-After and the service's error page; the API answers 429 in JSON through
django-ninja's throttling (`RateLimitThrottle`).
"""

import logging
import math
import random
import threading
import time
from collections.abc import Callable
from functools import wraps

from allauth.account.adapter import get_adapter as get_account_adapter
from django.conf import settings
from django.db import connection
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from ninja.throttling import BaseThrottle

from heft.core.models import RateLimitCounter

logger = logging.getLogger(__name__)


def rate_limit_hit(scope: str, ident: str, *, now: float | None = None) -> int | None:
    """Counts one request by `ident` in `scope`: None while within the limit, otherwise the seconds until
    the current window ends (for Retry-After)."""
    limit, period = settings.HEFT_RATE_LIMITS[scope]
    now = time.time() if now is None else now
    window = int(now // period)
    # Keyed hash: the table holds no token or address (nor one that could be guessed back from the hash).
    digest = salted_hmac("heft.ratelimit", ident, algorithm="sha256").hexdigest()[:32]
    window_ends = (window + 1) * period
    key = f"{scope}:{window}:{digest}"
    if settings.HEFT_REDIS_URL:
        count = _count_one_in_redis(key, window_ends)
    else:
        count = _count_one(key, window_ends)
        if count == 1 and random.random() < CLEAN_UP_SHARE:
            RateLimitCounter.objects.filter(window_ends__lt=now).delete()
    if count <= limit:
        return None
    logger.warning("Rate limit reached: %s", scope)  # no user, path or token: they may identify someone
    return max(1, math.ceil(window_ends - now))


# One new window in this many sweeps away the counters of windows that have ended.
CLEAN_UP_SHARE = 0.01
# One statement that adds one and says how many: atomic, so racing requests each count, on PostgreSQL and
# SQLite alike.
_COUNT_ONE = """
    INSERT INTO core_ratelimitcounter (key, count, window_ends) VALUES (%s, 1, %s)
    ON CONFLICT (key) DO UPDATE SET count = core_ratelimitcounter.count + 1
    RETURNING count
"""


def _count_one(key: str, window_ends: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_ONE, [key, window_ends])
        return cursor.fetchone()[0]


def _count_one_in_redis(key: str, window_ends: int) -> int:
    """INCR is atomic, so racing requests each count; the key expires when its window ends, so nothing needs
    sweeping. Both go in one round trip (MULTI/EXEC)."""
    name = f"heft:ratelimit:{key}"
    with _redis().pipeline() as pipe:
        pipe.incr(name)
        pipe.expireat(name, window_ends)
        count, _ = pipe.execute()
    return count


_clients: dict[str, object] = {}


def _redis():
    """One client per process and server address; redis-py's pool opens a new connection in a forked
    worker rather than share its parent's."""
    url = settings.HEFT_REDIS_URL
    if url not in _clients:
        import redis  # only where Redis is configured: the embedded setup runs without it

        _clients[url] = redis.Redis.from_url(url)
    return _clients[url]


def by_user(request, **kwargs) -> str:
    return f"user:{request.user.pk}"


def by_feed_token(request, **kwargs) -> str:
    return f"feed:{kwargs['token']}"


def by_client_address(request, **kwargs) -> str:
    """The client's address as django-allauth's sign-in throttling sees it (behind a reverse proxy, set
    ALLAUTH_TRUSTED_PROXY_COUNT)."""
    return f"address:{get_account_adapter().get_client_ip(request)}"


def too_many_requests(request, retry_after: int):
    minutes = math.ceil(retry_after / 60)
    context = {
        "heading": "Sorry, there have been too many requests",
        "explanation": f"Wait {minutes} minute{'s' if minutes != 1 else ''}, then try again.",
    }
    response = render(request, "core/error.jinja", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(scope: str, *, key: Callable[..., str] = by_user):
    """A view decorator: at most the scope's limit of requests per window for each `key`; 429 after."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            retry_after = rate_limit_hit(scope, key(request, **kwargs))
            if retry_after is not None:
                return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RateLimitThrottle(BaseThrottle):
    """django-ninja throttling backed by the same counters: per user when signed in or holding a token,
    per client address for the public operations."""

    def __init__(self, scope: str):
        self.scope = scope
        self._local = threading.local()  # one instance serves every request thread

    def allow_request(self, request) -> bool:
        user = getattr(request, "auth", None)
        ident = f"user:{user.pk}" if getattr(user, "pk", None) else by_client_address(request)
        self._local.retry_after = rate_limit_hit(self.scope, ident)
        return self._local.retry_after is None

    def wait(self) -> float | None:
        return getattr(self._local, "retry_after", None)
