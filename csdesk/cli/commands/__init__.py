"""Command handlers, one module per area; `csdesk.cli` is the table that routes to them."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

from pydantic_core import to_json

# C1 controls and the bidi embedding/override/isolate controls: valid in JSON strings, but a
# terminal showing the output would act on them; written as \u escapes (same value parsed).
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(payload) -> None:
    """The payload as indented UTF-8 JSON, as `json.dumps(indent=2, ensure_ascii=False)` writes
    it, encoded by pydantic-core in one call: a 10,000-account book's score is half a million
    JSON tokens, which Python's indenting encoder takes a quarter of a second to write."""
    text = to_json(payload, indent=2, fallback=_default).decode()
    sys.stdout.write(_UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def write_output(ctx, output: str, text: str, option: str) -> Path:
    """Write a command's text output to `output` (never the book; whole or not at all)."""
    from csdesk.cli.app import UserError
    from csdesk.desk.files import OutputRefused, write_text

    try:
        return write_text(output, text, book=ctx.book_path)
    except OutputRefused as exc:
        raise UserError(f"{option}: {exc}") from None
    except OSError as exc:
        raise UserError(f"{option}: cannot write {output}: {exc.strerror}") from None


def not_yet(name: str) -> int:
    print(f"csdesk {name}: not built yet in this version.", file=sys.stderr)
    return 1
