"""Renewals (key 3): the next 180 days as a countdown, ARR at risk, and logging an outcome."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from csdesk.tui.book_view import AccountRow, BookView, money
from csdesk.tui.screens.base import BookScreen
from csdesk.tui.widgets.chrome import TitleBar, WorkStatus
from csdesk.tui.widgets.look import band_text, days_text, due_text, plain
from csdesk.tui.widgets.row_table import Column, RowTable

HORIZON_DAYS = 180

COLUMNS = [
    Column("Renews", 8, "right"), Column("Date", 10), Column("Account", 0, min_width=22),
    Column("ARR", 8, "right"), Column("Score", 12), Column("Phase", 10),
    Column("Next action", 0, min_width=20), Column("Due", 16),
]


class RenewalsScreen(BookScreen):
    screen_title = "Renewals"

    BINDINGS = [Binding("o", "log_outcome", "Log outcome")]

    def compose(self) -> ComposeResult:
        yield TitleBar(self.screen_title)
        yield Static("", id="renewals-top", classes="topline")
        yield RowTable(COLUMNS, self._cells, key=lambda r: r.account_id, id="renewals",
                       empty_text=f"No renewals in the next {HORIZON_DAYS} days.")
        yield WorkStatus()
        yield Footer(compact=True)

    def _cells(self, row: AccountRow) -> list[Text]:
        return [days_text(row.days_to_renewal), Text(row.renewal_date.isoformat()),
                plain(row.name, style="bold"), Text(money(row.arr)),
                band_text(row.band, row.score), Text(row.phase), plain(row.action or ""),
                due_text(row.action_due, self.app.as_of)]

    def show_book(self, book: BookView) -> None:
        rows = sorted((r for r in book.rows if 0 <= r.days_to_renewal <= HORIZON_DAYS),
                      key=lambda r: (r.days_to_renewal, r.name.casefold()))
        top = book.top
        text = Text()
        text.append(f" {len(rows):,} renewals in the next {HORIZON_DAYS} days", style="bold")
        text.append(f" · {money(sum(r.arr for r in rows))} ARR  ·  o logs an outcome, Enter opens\n")
        text.append(" ARR at risk (red or yellow): ")
        text.append(f"{money(top.at_risk_90_arr)} within 90 days", style="bold red")
        text.append(f" ({top.at_risk_90_count:,})  ·  ")
        text.append(f"{money(top.at_risk_180_arr)} within 180 days", style="bold yellow")
        text.append(f" ({top.at_risk_180_count:,})")
        self.query_one("#renewals-top", Static).update(text)
        self.query_one("#renewals", RowTable).set_rows(rows)

    def selected_account_id(self) -> str | None:
        row = self.query_one("#renewals", RowTable).highlighted
        return row.account_id if row is not None else None

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        self.app.open_account(event.row.account_id)

    def action_log_outcome(self) -> None:
        self.app.log_renewal_outcome(self.selected_account_id())
