"""The equity report's Excel download, kept in the cache under a digest of its contents: at national size
openpyxl takes seconds to write the 200,000 cells, and the same numbers need writing only once."""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from heft.core.exports import Sheets, xlsx_bytes

KEEP_SECONDS = 24 * 60 * 60


def xlsx_cached(sheets: Sheets) -> bytes:
    """The workbook for these exact contents, from the cache when it was made before."""
    key = "reports:xlsx:" + hashlib.sha256(repr(sheets).encode()).hexdigest()
    data = cache.get(key)
    if data is None:
        data = xlsx_bytes(sheets)
        cache.set(key, data, KEEP_SECONDS)
    return data
