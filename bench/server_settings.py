"""Settings for the benchmarks' app servers: production's (`heft.settings`, HEFT_ENVIRONMENT=production) with
at most two local changes, each made only when the benchmark sets its environment variable:

- HEFT_BENCH_STATIC_ROOT: collect static files into a scratch folder rather than `staticfiles/` in the
  checkout, so a run leaves nothing behind and two runs never share one.
- HEFT_BENCH_RATE_LIMIT: every rate limit in HEFT_RATE_LIMITS raised to this many requests per window (the
  windows unchanged). A load test from one address with a few tokens is exactly what the limits exist to
  refuse; raised, the counters are still kept, so their cost is still measured.
"""

import os
from pathlib import Path

from heft.settings import *  # noqa: F403
from heft.settings import HEFT_RATE_LIMITS

if os.environ.get("HEFT_BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["HEFT_BENCH_STATIC_ROOT"])

if os.environ.get("HEFT_BENCH_RATE_LIMIT"):
    _limit = int(os.environ["HEFT_BENCH_RATE_LIMIT"])
    HEFT_RATE_LIMITS = {scope: (_limit, seconds) for scope, (_, seconds) in HEFT_RATE_LIMITS.items()}
