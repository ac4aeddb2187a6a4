"""Mail files (`.eml`, one message; `.mbox`, many) for capture (docs/workflow.md, "Capture").

Read with the standard library's `email` and `mailbox`. Each message becomes a
`CapturedItem` of kind email: its Date, its Subject, and everyone on From, To, Cc and Bcc.
A file that is not mail, an mbox that does not start with a `From ` line, or a message
without a readable Date is a problem naming the file (and the message): the caller refuses
the whole capture.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import mailbox
from collections.abc import Callable
from email.message import Message
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from csdesk.core.capture import CapturedItem

Progress = Callable[[int, int], None]
_PEOPLE = ("from", "sender", "to", "cc", "bcc")


def _text(value) -> str:
    """A header as text; a header the parser could not decode is read as it came."""
    try:
        return str(value) if value is not None else ""
    except (ValueError, LookupError, TypeError):
        return ""


def _decoded(value) -> str:
    """A header with its RFC 2047 encoded words (`=?UTF-8?Q?…?=`) decoded."""
    text = _text(value)
    try:
        return str(make_header(decode_header(text)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return text


def _people(message: Message) -> tuple[str, ...]:
    values = []
    for name in _PEOPLE:
        values.extend(_text(v) for v in message.get_all(name, []) or [])
    out = []
    for _name, address in getaddresses(values):
        address = address.strip().lower()
        if "@" in address and " " not in address:
            out.append(address)
    return tuple(dict.fromkeys(out))


def _message_item(message: Message, source: str, problems: list[str]) -> CapturedItem | None:
    subject = " ".join(_decoded(message.get("subject")).split())
    named = f'{source} "{subject}"' if subject else source
    raw_date = _text(message.get("date")).strip()
    if not raw_date:
        problems.append(f"{named}: no Date header: a mail needs a date")
        return None
    try:
        when = parsedate_to_datetime(raw_date)
    except (TypeError, ValueError, IndexError):
        problems.append(f"{named}: a Date header that is not a date ({raw_date!r})")
        return None
    if when.tzinfo is None:  # "-0000": the time is UTC, its source zone unknown (RFC 5322)
        when = when.replace(tzinfo=dt.timezone.utc)
    return CapturedItem(source=named, kind="email", start=when, subject=subject,
                        addresses=_people(message))


def _looks_like_mail(message: Message) -> bool:
    return any(message.get(h) is not None for h in ("from", "date", "subject", "to"))


def read_eml(path: Path, label: str, problems: list[str], *,
             progress: Progress | None = None) -> list[CapturedItem]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(f"{label}: cannot read the file ({exc.strerror or exc})")
        return []
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    if not data.strip() or not _looks_like_mail(message):
        problems.append(f"{label}: not a mail message (no From, To, Date or Subject header)")
        return []
    item = _message_item(message, f"{label}: message", problems)
    if progress is not None:
        progress(1, 1)
    return [item] if item else []


def read_mbox(path: Path, label: str, problems: list[str], *,
              progress: Progress | None = None) -> list[CapturedItem]:
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError as exc:
        problems.append(f"{label}: cannot read the file ({exc.strerror or exc})")
        return []
    if not head.lstrip(b"\r\n").startswith(b"From "):
        problems.append(f"{label}: not an mbox (an mbox starts with a 'From ' line)")
        return []
    try:
        box = mailbox.mbox(path, create=False)
        keys = box.keys()
    except (OSError, mailbox.Error) as exc:
        problems.append(f"{label}: not a readable mbox ({exc})")
        return []
    items: list[CapturedItem] = []
    try:
        for number, key in enumerate(keys, 1):
            try:
                message = box.get_message(key)
            except (OSError, mailbox.Error, ValueError) as exc:
                problems.append(f"{label}: message {number}: cannot be read ({exc})")
                continue
            if not _looks_like_mail(message):
                problems.append(f"{label}: message {number}: not a mail message (no From, To, "
                                "Date or Subject header)")
                continue
            item = _message_item(message, f"{label}: message {number}", problems)
            if item:
                items.append(item)
            if progress is not None:
                progress(number, len(keys))
    finally:
        box.close()
    return items
