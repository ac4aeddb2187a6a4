"""What every tab of the Account screen shares: `AccountTab`, a `TabPane` that renders one
account's detail and declares the keys it answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.binding import Binding
from textual.widgets import TabPane

from csdesk.tui.book_view import AccountDetail
from csdesk.tui.flows import save_account


class AccountTab(TabPane):
    """One tab of the Account screen.

    `KEYS` are the tab's own keys: the screen binds them (so the footer lists them after its
    own, and they work wherever the focus is on the screen) and, while this tab is shown,
    runs the tab's `action_<name>` for them; the tab shown decides what a key does. A key's
    action is the name of a method of the tab (`"add_contact"` runs `action_add_contact`).
    """

    TITLE: ClassVar[str] = ""
    TAB_ID: ClassVar[str] = ""
    KEYS: ClassVar[list[Binding]] = []

    def __init__(self, account_id: str) -> None:
        super().__init__(self.TITLE, id=self.TAB_ID)
        self.account_id = account_id
        self.detail: AccountDetail | None = None

    def show(self, detail: AccountDetail) -> None:
        """Render `detail` (called on the UI thread each time the account is read)."""
        self.detail = detail
        self.render_detail(detail)

    def render_detail(self, detail: AccountDetail) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def account_name(self) -> str:
        return self.detail.name if self.detail is not None else self.account_id

    def save(self, write: Callable[[], object], note: str) -> None:
        """Save a change to this account (one transaction, in a worker); the screen shows
        the account re-read once written, and `note` in a toast."""
        save_account(self, self.account_id, write, note)
