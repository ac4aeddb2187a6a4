"""What the four top-level screens (Today, Accounts, Renewals, Portfolio) have in common."""

from __future__ import annotations

from textual.screen import Screen

from csdesk.tui.book_view import BookView
from csdesk.tui.flows import AccountFlows


class BookScreen(AccountFlows, Screen):
    """A screen that shows the scored book and re-renders whenever it is refreshed: at once
    when it is the screen shown, else when it is next shown. A save changes the book; at
    10,000 accounts every list left mounted redrew thousands of rows for it, and Portfolio
    recomputed a year of metrics (a second and a half, holding the book) for nobody."""

    screen_title = ""
    _shown: BookView | None = None  # the book last rendered

    def on_mount(self) -> None:
        self.watch(self.app, "book", self._book_changed, init=True)

    def on_screen_resume(self) -> None:
        self._render_book(self.app.book)

    def _book_changed(self, book: BookView | None) -> None:
        if self.is_current:
            self._render_book(book)

    def _render_book(self, book: BookView | None) -> None:
        if book is not None and book is not self._shown:
            self._shown = book
            self.show_book(book)

    def show_book(self, book: BookView) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def selected_account_id(self) -> str | None:
        """The account `t`, `n` and `e` act on: the highlighted row."""
        return None
