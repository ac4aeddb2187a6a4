"""The messages workers and screens send up to the App (Textual's "messages up, attributes
down"): a worker ends by posting one of these; the App, which holds the scored book, answers by
setting its `book` (every screen watches it) or by handing an account's page to its screen.

A message is posted from the worker's thread (`post_message` is thread-safe) and handled on the
UI thread by `on_<snake_case_name>` (for example `on_account_saved`)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from csdesk.tui.book_view import AccountDetail, BookView


class BookRead(Message):
    """A worker has read (and scored) the whole book. If `shown` is given, the worker waits on
    it until the book is on screen (the scoring run stores its snapshots only then)."""

    def __init__(self, book: BookView, shown: threading.Event | None = None) -> None:
        super().__init__()
        self.book, self.shown = book, shown


class WorkFailed(Message):
    """A worker failed: `what` says what was being done ("Not saved", "Scoring failed"…)."""

    def __init__(self, what: str, error: Exception) -> None:
        super().__init__()
        self.what, self.error = what, error


class AccountSaved(Message):
    """A save on one account is written and re-read: the book with that account re-assessed
    (None if there is no scored book yet), the account's page (read after the write began at
    `started`, monotonic), and what to tell the CSM."""

    def __init__(self, book: BookView | None, detail: AccountDetail, note: str,
                 started: float) -> None:
        super().__init__()
        self.book, self.detail, self.note, self.started = book, detail, note, started


class OpenAccount(Message):
    """Show one account (Enter on a list, the palette)."""

    def __init__(self, account_id: str) -> None:
        super().__init__()
        self.account_id = account_id


class QbrExported(Message):
    """A QBR agenda is written to `path`; `text` is its Markdown (for the clipboard)."""

    def __init__(self, path: Path, text: str) -> None:
        super().__init__()
        self.path, self.text = path, text


class ImportDone(Message):
    """An import ended: `book` is the re-read book when it wrote, None when it was refused;
    `lines` are the report (or the problems) to show under `title`."""

    def __init__(self, title: str, lines: list[str], book: BookView | None) -> None:
        super().__init__()
        self.title, self.lines, self.book = title, lines, book


class AccountRead(Message):
    """An Account screen's page is read (the read began at `started`, monotonic): posted by
    the screen's worker to the screen itself (dropped if the screen closed meanwhile)."""

    def __init__(self, detail: AccountDetail, started: float) -> None:
        super().__init__()
        self.detail, self.started = detail, started
