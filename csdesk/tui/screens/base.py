"""What the four top-level screens (Today, Accounts, Renewals, Portfolio) have in common."""

from __future__ import annotations

from textual.screen import Screen

from csdesk.tui.data import BookView


class BookScreen(Screen):
    """A screen that shows the scored book and re-renders whenever it is refreshed."""

    screen_title = ""

    def on_mount(self) -> None:
        self.watch(self.app, "book", self._book_changed, init=True)

    def _book_changed(self, book: BookView | None) -> None:
        if book is not None:
            self.show_book(book)

    def show_book(self, book: BookView) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def selected_account_id(self) -> str | None:
        """The account `t`, `n` and `e` act on: the highlighted row."""
        return None
