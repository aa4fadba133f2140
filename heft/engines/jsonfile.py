"""Reading an engine's JSON input for its command line, with messages a person can act on."""

import json
import sys
from pathlib import Path


def read_json(path: str, error: type[Exception]) -> object:
    """The JSON in `path` (or standard input for "-"); any problem raises `error` saying what is wrong."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"Cannot read {path}: {exc.strerror}.") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{path} is not UTF-8 text.") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.") from exc
