"""Command handlers, one module per area; `csdesk.cli` is the table that routes to them."""

from __future__ import annotations

import datetime as dt
import sys

from pydantic_core import to_json


def _default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(payload) -> None:
    """The payload as indented UTF-8 JSON, as `json.dumps(indent=2, ensure_ascii=False)` writes
    it, encoded by pydantic-core in one call: a 10,000-account book's score is half a million
    JSON tokens, which Python's indenting encoder takes a quarter of a second to write."""
    sys.stdout.write(to_json(payload, indent=2, fallback=_default).decode() + "\n")


def not_yet(name: str) -> int:
    print(f"csdesk {name}: not built yet in this version.", file=sys.stderr)
    return 1
