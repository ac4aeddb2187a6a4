"""The parts every screen shares: the title line and the progress line for work in a worker."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Label, ProgressBar, Static

from csdesk.core.text import printable


class TitleBar(Static):
    """`csdesk · Today · as of 2026-11-23 · book.db`."""

    def __init__(self, screen_title: str, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.screen_title = screen_title

    def on_mount(self) -> None:
        self.watch(self.app, "book", lambda _: self.update_title(), init=True)

    def update_title(self, screen_title: str | None = None) -> None:
        if screen_title is not None:
            self.screen_title = screen_title
        app = self.app
        where = getattr(app, "book_label", "")
        # The title carries an account name and a file name: book text, shown, never obeyed.
        self.update(printable(f" csdesk · {self.screen_title} · as of {app.as_of.isoformat()}"
                              + (f" · {where}" if where else ""), single_line=True))


class WorkStatus(Horizontal):
    """"Scoring 10,000 accounts ▇▇▇▇▁▁ 40%" while a worker runs; hidden otherwise.

    Until the worker knows how much there is to do, only its label shows: an indeterminate
    bar animates many times a second on the app's thread and takes the interpreter from the
    worker (about 0.3 s of a 10,000-account book's first screen).
    """

    done: reactive[int] = reactive(0)
    total: reactive[int | None] = reactive(None)

    def compose(self) -> ComposeResult:
        yield Label("", id="work-label")
        bar = ProgressBar(total=None, show_eta=False, id="work-bar")
        bar.display = False
        yield bar.data_bind(total=WorkStatus.total, progress=WorkStatus.done)

    def on_mount(self) -> None:
        self.watch(self.app, "busy", self.show_work, init=True)

    def show_work(self, work: tuple[str, int, int] | None) -> None:
        """The App's `busy` (label, done, total): the bar follows `done` and `total`."""
        self.display = work is not None
        if work is None:
            return
        label, done, total = work
        self.query_one("#work-label", Label).update(label)
        self.query_one("#work-bar", ProgressBar).display = bool(total)
        if total:
            self.total, self.done = total, done
