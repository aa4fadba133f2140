"""Rate limits and the cache in Redis when HEFT_REDIS_URL is set; the database otherwise (the embedded
default). The Redis tests run against a local server and are skipped where none answers."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.test import override_settings

from heft.core import ratelimit
from heft.core.models import RateLimitCounter

ROOT = Path(__file__).resolve().parent.parent.parent
REDIS_URL = os.environ.get("HEFT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DAY = 24 * 60 * 60


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not redis_answers(), reason="no Redis server at HEFT_TEST_REDIS_URL")


def settings_value(name: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HEFT_")}
    code = f"import heft.settings as s; print(s.{name})"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, "HEFT_ENVIRONMENT": "test", **env},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout.strip()


def test_without_redis_the_cache_is_the_database():
    assert "DatabaseCache" in settings_value("CACHES['default']['BACKEND']")


def test_with_redis_the_cache_is_redis():
    caches = settings_value("CACHES['default']", HEFT_REDIS_URL="redis://127.0.0.1:6379/3")
    assert "RedisCache" in caches and "redis://127.0.0.1:6379/3" in caches


@pytest.mark.django_db
def test_without_redis_requests_are_counted_in_the_database():
    ident = f"user:{uuid.uuid4()}"
    with override_settings(HEFT_RATE_LIMITS={"api": (2, DAY)}):
        answers = [ratelimit.rate_limit_hit("api", ident) for _ in range(3)]
    assert answers[:2] == [None, None] and answers[2] > 0
    assert RateLimitCounter.objects.filter(count=3).exists()


@needs_redis
@pytest.mark.django_db
def test_with_redis_requests_are_counted_there_and_not_in_the_database():
    ident = f"user:{uuid.uuid4()}"
    with override_settings(HEFT_REDIS_URL=REDIS_URL, HEFT_RATE_LIMITS={"api": (2, DAY)}):
        answers = [ratelimit.rate_limit_hit("api", ident) for _ in range(3)]
        other = ratelimit.rate_limit_hit("api", f"user:{uuid.uuid4()}")
    assert answers[:2] == [None, None] and answers[2] > 0
    assert other is None  # someone else is not held back
    assert not RateLimitCounter.objects.exists()


@needs_redis
def test_redis_counters_expire_when_their_window_ends():
    import redis

    now = time.time()
    with override_settings(HEFT_REDIS_URL=REDIS_URL, HEFT_RATE_LIMITS={"api": (5, 60)}):
        ratelimit.rate_limit_hit("api", f"user:{uuid.uuid4()}", now=now)
    client = redis.Redis.from_url(REDIS_URL)
    names = client.keys(f"heft:ratelimit:api:{int(now // 60)}:*")
    assert names
    assert all(0 < client.ttl(name) <= 60 for name in names)
