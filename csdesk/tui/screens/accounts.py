"""Accounts (key 2): one tab per band with counts, type to filter, `s` cycles the sort."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Input, Label, Tab, Tabs

from csdesk.core.models import Band
from csdesk.tui.book_view import AccountRow, BookView, money
from csdesk.tui.messages import OpenAccount
from csdesk.tui.screens.base import BookScreen
from csdesk.tui.widgets.chrome import TitleBar, WorkStatus
from csdesk.tui.widgets.look import band_text, days_text, due_text, plain, trend_text
from csdesk.tui.widgets.row_table import Column, RowTable

TABS = ("all", "red", "yellow", "green", "unknown")

# (what the status line says, sort key); `s` cycles through them in this order.
SORTS: list[tuple[str, Callable[[AccountRow], object]]] = [
    ("name", lambda r: r.name.casefold()),
    ("score, lowest first", lambda r: (r.score is None, r.score if r.score is not None else 0,
                                       r.name.casefold())),
    ("ARR, largest first", lambda r: (-r.arr, r.name.casefold())),
    ("renewal, soonest first", lambda r: (r.days_to_renewal, r.name.casefold())),
    ("trend, falling first", lambda r: (r.trend is None, r.trend or 0, r.name.casefold())),
]

COLUMNS = [
    Column("Account", 0, min_width=22, ratio=2), Column("Tier", 10), Column("ARR", 8, "right"),
    Column("Score", 12), Column("Trend", 6), Column("Phase", 10),
    Column("Renews", 7, "right"), Column("Next action", 0, min_width=20, ratio=3),
    Column("Due", 15),
]


def account_cells(row: AccountRow, as_of) -> list[Text]:
    return [
        plain(row.name, style="bold"), Text(row.tier.replace("_", "-")),
        Text(money(row.arr)), band_text(row.band, row.score), trend_text(row.trend),
        Text(row.phase), days_text(row.days_to_renewal), plain(row.action or ""),
        due_text(row.action_due, as_of),
    ]


class AccountsScreen(BookScreen):
    screen_title = "Accounts"

    BINDINGS = [
        Binding("slash", "filter", "Filter"),
        Binding("s", "sort", "Sort"),
        Binding("left_square_bracket", "tab(-1)", "Prev tab", show=False),
        Binding("right_square_bracket", "tab(1)", "Next tab"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("a", "add_account", "Add account"),
    ]

    def action_add_account(self) -> None:
        """a: a new account, checked like an import row, assessed and opened once saved."""
        from csdesk.tui.account_edit import edit_account

        edit_account(self, None)

    def __init__(self) -> None:
        super().__init__()
        self.sort_index = 0
        self.band = "all"
        self.filter_text = ""
        self.book: BookView | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar(self.screen_title)
        yield Tabs(*(Tab(t.capitalize(), id=f"tab-{t}") for t in TABS), id="bands")
        yield Input(placeholder="filter by name: type, Enter to go to the list, Escape clears",
                    id="filter")
        yield Label("", id="accounts-status", classes="status-line")
        yield RowTable(COLUMNS, lambda r: account_cells(r, self.app.as_of),
                       key=lambda r: r.account_id, id="accounts",
                       empty_text="No account matches. Escape clears the filter.")
        yield WorkStatus()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False  # (BookScreen's on_mount runs too)
        self.query_one("#accounts", RowTable).focus()

    def show_book(self, book: BookView) -> None:
        self.book = book
        tabs = self.query_one("#bands", Tabs)
        counts = {t: 0 for t in TABS}
        for row in book.rows:
            counts["all"] += 1
            counts[row.band.value] += 1
        for t in TABS:
            tabs.query_one(f"#tab-{t}", Tab).label = f"{t.capitalize()} {counts[t]:,}"
        self.apply()

    def visible_rows(self) -> list[AccountRow]:
        if self.book is None:
            return []
        rows = self.book.rows
        if self.band != "all":
            rows = [r for r in rows if r.band == Band(self.band)]
        needle = self.filter_text.casefold().strip()
        if needle:
            rows = [r for r in rows if needle in r.name.casefold()]
        label, key = SORTS[self.sort_index]
        if self.sort_index:
            rows = sorted(rows, key=key)  # book rows are already in name order
        return rows

    def apply(self) -> None:
        if self.book is None:  # still being read and scored: the list says Loading…
            return
        rows = self.visible_rows()
        self.query_one("#accounts", RowTable).set_rows(rows)
        total = len(self.book.rows) if self.book else 0
        parts = [f"{len(rows):,} of {total:,} accounts", f"sorted by {SORTS[self.sort_index][0]} (s)"]
        if self.filter_text:
            parts.append(f"filter: {self.filter_text!r} (/ to change, Escape clears)")
        else:
            parts.append("/ filters by name")
        parts.append("[ ] switch band")
        self.query_one("#accounts-status", Label).update(Text("  ·  ".join(parts)))

    @on(Tabs.TabActivated, "#bands")
    def band_chosen(self, event: Tabs.TabActivated) -> None:
        self.band = (event.tab.id or "tab-all").removeprefix("tab-")
        self.apply()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value
        self.apply()

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        self.query_one("#accounts", RowTable).focus()

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""
        box.display = False
        self.query_one("#accounts", RowTable).focus()

    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.apply()

    def action_tab(self, step: int) -> None:
        tabs = self.query_one("#bands", Tabs)
        tabs.action_next_tab() if step > 0 else tabs.action_previous_tab()

    def selected_account_id(self) -> str | None:
        row = self.query_one("#accounts", RowTable).highlighted
        return row.account_id if row is not None else None

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        self.post_message(OpenAccount(event.row.account_id))
