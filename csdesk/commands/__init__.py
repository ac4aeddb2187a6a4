"""Command handlers, one module per area; `csdesk.cli` is the table that routes to them."""

from __future__ import annotations

import datetime as dt
import json
import sys


def _default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(payload) -> None:
    json.dump(payload, sys.stdout, indent=2, ensure_ascii=False, default=_default)
    sys.stdout.write("\n")


def not_yet(name: str) -> int:
    print(f"csdesk {name}: not built yet in this version.", file=sys.stderr)
    return 1
