"""Text from the book is data: make it safe to show on a terminal without changing what it says.

Names, notes and summaries are stored exactly as typed. When shown, control characters (ANSI
escape sequences, bells, backspaces, C1 controls, bidi overrides) would act on the terminal
instead of being read, so each is shown as a visible escape such as `\\x1b`. Printable text,
right-to-left scripts and emoji pass through untouched.
"""

from __future__ import annotations

import re
import unicodedata

# C0 (but tab/newline), DEL, C1, and the bidi embedding/override/isolate controls that can
# reorder what a terminal shows (Trojan Source).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str | None, *, single_line: bool = False) -> str:
    """`text` with control characters made visible; newlines kept unless `single_line`."""
    if not text:
        return ""
    shown = _UNSAFE.sub(_visible, text)
    if single_line:
        shown = shown.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return shown


def is_printable(text: str) -> bool:
    return not _UNSAFE.search(text) and all(unicodedata.category(c) != "Cs" for c in text)
