"""Capture's reads and its one write (docs/workflow.md, "Capture").

Reads the calendar and mail files by their suffix (`importing.calendar_files`,
`importing.mail_files`), the book's contact e-mails and the touchpoints already stored under
the natural keys a capture may touch; writes the captured touchpoints in one transaction,
upserted on the natural key (account, date, kind, summary), so a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

import sqlite_utils

from csdesk.core.capture import CapturedItem, CapturedTouchpoint, StoredTouchpoint
from csdesk.core.models import TouchpointStatus
from csdesk.store.importing.calendar_files import read_calendar
from csdesk.store.importing.mail_files import read_eml, read_mbox
from csdesk.store.writes import transaction

SUFFIXES = (".ics", ".eml", ".mbox")
Progress = Callable[[str, int, int], None]  # (file, done, total)


class CaptureRefused(Exception):
    """Files that cannot be captured; nothing was written. `problems` names each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def read_files(paths: Iterable[str | Path], *, window: tuple[dt.datetime, dt.datetime],
               progress: Progress | None = None) -> list[CapturedItem]:
    """Every meeting and mail in the files; raises CaptureRefused listing every problem."""
    problems: list[str] = []
    items: list[CapturedItem] = []
    files: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
            if not found:
                problems.append(f"{raw}: no .ics, .eml or .mbox files in this folder")
            files.extend(found)
        elif not path.exists():
            problems.append(f"{raw}: no such file")
        else:
            files.append(path)
    for path in files:
        label = str(path)
        suffix = path.suffix.lower()
        report = (lambda done, total, label=label: progress(label, done, total)) \
            if progress else None
        if suffix == ".ics":
            items.extend(read_calendar(path, label, problems, window=window, progress=report))
        elif suffix == ".eml":
            items.extend(read_eml(path, label, problems, progress=report))
        elif suffix == ".mbox":
            items.extend(read_mbox(path, label, problems, progress=report))
        else:
            problems.append(f"{label}: not a calendar or mail file (capture reads .ics, .eml "
                            "and .mbox)")
    if problems:
        raise CaptureRefused(problems)
    return items


def contact_emails(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """(account_id, e-mail) of every contact with an e-mail, departed ones too: a departed
    contact's mail still tells whose it was."""
    return db.execute("SELECT account_id, email FROM contacts "
                      "WHERE email IS NOT NULL AND email LIKE '%@%'").fetchall()


def stored_touchpoints(db: sqlite_utils.Database, account_ids: Iterable[str], first: dt.date,
                       ) -> dict[tuple[str, dt.date, str, str], StoredTouchpoint]:
    """The meetings and mails stored for these accounts since `first`, by natural key."""
    out = {}
    ids = sorted(set(account_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = db.execute(
            f"SELECT account_id, date, kind, coalesce(summary, ''), status, contacts "
            f"FROM touchpoints WHERE kind IN ('meeting', 'email') AND date >= ? "
            f"AND account_id IN ({', '.join('?' * len(chunk))})",
            [first.isoformat(), *chunk]).fetchall()
        for account_id, day, kind, summary, status, contacts in rows:
            try:
                key = (account_id, dt.date.fromisoformat(day), kind, summary)
                found = StoredTouchpoint(
                    status=TouchpointStatus(status),
                    contacts=tuple(c for c in (contacts or "").split(";") if c))
            except ValueError:
                continue
            out[key] = found
    return out


def write_captured(db: sqlite_utils.Database, new: Iterable[CapturedTouchpoint],
                   updated: Iterable[CapturedTouchpoint] = ()) -> int:
    """Write a capture in one transaction: the new touchpoints unless one with the natural key
    (account, date, kind, summary) is there by now, and the updated ones' status and people."""
    def row(t: CapturedTouchpoint) -> dict:
        return {"account_id": t.account_id, "date": t.date.isoformat(), "kind": str(t.kind),
                "status": str(t.status), "summary": t.summary, "contacts": ";".join(t.contacts)}

    added = [row(t) for t in new]
    changed = [row(t) for t in updated]
    if not added and not changed:
        return 0
    key = ("account_id = :account_id AND date = :date AND kind = :kind "
           "AND coalesce(summary, '') = :summary")
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO touchpoints (account_id, date, kind, status, summary, flags, contacts) "
            "SELECT :account_id, :date, :kind, :status, :summary, '', :contacts "
            f"WHERE NOT EXISTS (SELECT 1 FROM touchpoints WHERE {key})", added)
        db.conn.executemany(
            f"UPDATE touchpoints SET status = :status, contacts = :contacts WHERE {key}", changed)
    return len(added) + len(changed)
