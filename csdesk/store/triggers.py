"""Triggers set aside for a bulk write (an import, the demo), inside the caller's transaction."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence


@contextlib.contextmanager
def paused(conn: sqlite3.Connection, names: Sequence[str]) -> Iterator[bool]:
    """The triggers `names` dropped while the caller writes, then created again as they were
    (their SQL as the book holds it), all in the caller's write transaction: no other writer,
    waiting for the lock, can slip past them. Yields whether they were all there to pause
    (else nothing is touched). A failure inside rolls the caller's transaction back, the
    drops with it."""
    kept = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
        f"({', '.join('?' * len(names))})", list(names)).fetchall()
    if len(kept) != len(names):
        yield False
        return
    for name in names:
        conn.execute(f'DROP TRIGGER "{name}"')
    yield True
    for (sql,) in kept:
        conn.execute(sql)
