"""Today (key 1): the top line of the book and the attention queue of `csdesk today`."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Label, Static

from csdesk.core.models import BriefItem
from csdesk.tui.book_view import BANDS, BookView, money
from csdesk.tui.messages import OpenAccount
from csdesk.tui.screens.base import BookScreen
from csdesk.tui.widgets.chrome import TitleBar, WorkStatus
from csdesk.tui.widgets.look import BAND_MARK, BAND_STYLE, due_text, level_text, plain
from csdesk.tui.widgets.row_table import Column, RowTable

KIND_WORDS = {
    "alert": "alert", "renewal": "renewal", "touchpoint_due": "touch due",
    "milestone_overdue": "milestone", "expansion": "expansion", "nps_detractor": "detractor",
}

EMPTY_BOOK = """\
Your book is empty: there are no accounts yet.

  d   load the demo book: 60 realistic accounts across every tier, phase and band,
      to try csdesk before your own data is in

  i   import your own book here: a CSV file, a folder of them, or a JSON book

Or import from a shell, then press r here to score it:

  csdesk import accounts.csv contacts.csv usage.csv tickets.csv nps.csv touchpoints.csv
  csdesk import ./my-export-folder/       (CSV exports from Salesforce, HubSpot,
                                           ChurnZero or Gainsight import as they are)
"""


def top_line_text(book: BookView) -> Text:
    top = book.top
    text = Text()
    text.append(f" {top.accounts:,} accounts", style="bold")
    text.append(f" · {money(top.total_arr)} ARR")
    for band in BANDS:
        share = top.bands[band]
        text.append("   ")
        text.append(f"{BAND_MARK[band]} {share.count:,} {band.value}", style=BAND_STYLE[band])
        text.append(f" {money(share.arr)}")
    text.append("\n ARR at risk renewing in 90 days: ")
    text.append(money(top.at_risk_90_arr), style="bold red" if top.at_risk_90_arr else "bold")
    text.append(f" ({top.at_risk_90_count:,} red or yellow account"
                f"{'s' if top.at_risk_90_count != 1 else ''})")
    return text


class TodayScreen(BookScreen):
    screen_title = "Today"

    BINDINGS = [
        Binding("enter", "open", "Open", show=False),
        Binding("d", "load_demo", "Load the demo book"),
        Binding("i", "app.import_book", "Import"),
        # A renewal item: log its outcome here (csdesk.tui.flows.AccountFlows; issue 19).
        Binding("o", "renewal_outcome", "Outcome", show=False),
        Binding("p", "open_plan", "Save plan"),  # the item's account on its Save plan tab
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar(self.screen_title)
        yield Static("", id="topline", classes="topline")
        with Vertical(id="queue-box"):
            yield Label("", id="queue-title", classes="section-title")
            yield RowTable(
                [Column("When", 16), Column("Level", 8), Column("Account", 24),
                 Column("Kind", 9), Column("What", 0, min_width=24, ratio=3),
                 Column("Action", 0, min_width=20, ratio=2)],
                self._cells, key=_brief_key, id="queue",
                empty_text="Nothing needs you today. Press 2 to browse the accounts.")
            yield Static("", id="queue-detail")
        empty_book = Static(EMPTY_BOOK, id="empty-book", markup=False)
        empty_book.display = False  # until the book is read and found empty
        yield empty_book
        yield WorkStatus()
        yield Footer(compact=True)

    def _cells(self, item: BriefItem):
        return [due_text(item.due, self.app.as_of, item.overdue), level_text(item.level),
                plain(item.name, style="bold"), Text(KIND_WORDS.get(item.kind, item.kind)),
                plain(item.title), plain(item.action)]

    def show_book(self, book: BookView) -> None:
        self.query_one("#empty-book").display = book.empty
        self.query_one("#queue-box").display = not book.empty
        self.query_one("#topline").display = not book.empty
        self.refresh_bindings()
        if book.empty:
            return
        self.query_one("#topline", Static).update(top_line_text(book))
        overdue = sum(1 for item in book.brief if item.overdue)
        self.query_one("#queue-title", Label).update(
            f"Attention queue · {len(book.brief):,} items, {overdue:,} overdue · most urgent first"
            "  ·  Enter opens · t logs a touchpoint · n adds a note")
        self.query_one("#queue", RowTable).set_rows(book.brief)

    def selected_account_id(self) -> str | None:
        item = self.query_one("#queue", RowTable).highlighted
        return item.account_id if item is not None else None

    def on_row_table_highlighted(self, event: RowTable.Highlighted) -> None:
        item: BriefItem = event.row
        text = Text(" ")
        text.append_text(plain(item.name, style="bold"))
        text.append(": ")
        text.append_text(plain(item.title))
        text.append("\n → ")
        text.append_text(plain(item.action))
        if item.due:
            text.append(f"  (due {item.due.isoformat()})", style="dim")
        self.query_one("#queue-detail", Static).update(text)

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        self.post_message(OpenAccount(event.row.account_id))

    def action_open_plan(self) -> None:
        """p: the highlighted item's account opened on its Save plan tab (a critical alert's
        what-is-left is the plan; a save_plan_action item is one of its actions)."""
        from csdesk.tui.screens.account import AccountScreen

        account_id = self.selected_account_id()
        if account_id:
            self.app.push_screen(AccountScreen(account_id, tab="save-plan"))

    def action_open(self) -> None:
        account_id = self.selected_account_id()
        if account_id:
            self.post_message(OpenAccount(account_id))

    async def action_load_demo(self) -> None:
        await self.app.run_action("load_demo")  # the App writes the book

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "load_demo":
            book = self.app.book
            return book is not None and book.empty
        return True


def _brief_key(item: BriefItem):
    return (item.account_id, item.kind, item.title)
