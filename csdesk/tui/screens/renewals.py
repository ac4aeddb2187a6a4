"""Renewals (key 3): the next 180 days and every renewal past its date without an outcome,
each with the CSM's forecast call, csdesk's suggested call and why (docs/workflow.md §7);
forecast ARR by call for 90 and 180 days. `c` records a call, `o` logs an outcome."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, Static

from csdesk.core.forecast import CALLS, Call, RenewalForecast
from csdesk.tui.book_view import BookView, money
from csdesk.tui.flows import keep_open, save_account
from csdesk.tui.messages import OpenAccount
from csdesk.tui.screens.base import BookScreen
from csdesk.tui.widgets.chrome import TitleBar, WorkStatus
from csdesk.tui.widgets.look import BAND_MARK, BAND_STYLE, plain
from csdesk.tui.widgets.row_table import Column, RowTable

CALL_STYLE = {Call.commit: "green", Call.likely: "cyan", Call.at_risk: "yellow",
              Call.churn_expected: "bold red"}

COLUMNS = [
    Column("Renews", 9, "right"), Column("Date", 10), Column("Account", 0, min_width=12),
    Column("ARR", 7, "right"), Column("Band", 8), Column("Call", 16),
    Column("Suggested · why", 0, min_width=10, ratio=2),
]


SHORT = {Call.churn_expected: "churn exp"}  # the header's forecast ARR fits 80 columns


def call_words(call: Call | str) -> str:
    return Call(call).value.replace("_", " ")


def when_text(row: RenewalForecast) -> Text:
    days = row.days_to_renewal
    if row.overdue:
        return Text(f"{-days} d late", style="bold red reverse")
    return Text(f"{days} d", style="bold red" if days <= 30 else "yellow" if days <= 90 else "")


def call_text(row: RenewalForecast) -> Text:
    """The CSM's call, else the suggestion in brackets (marked: nobody called it yet)."""
    if row.call is not None:
        return Text(call_words(row.call), style=CALL_STYLE[Call(row.call)])
    return Text(f"[{call_words(row.suggested_call)}]", style="dim")


def why_text(row: RenewalForecast) -> Text:
    text = Text(call_words(row.suggested_call), style=CALL_STYLE[Call(row.suggested_call)])
    text.append(" · ")
    text.append_text(plain(row.why))
    return text


def header_text(rows: list[RenewalForecast], arr_by_call: dict[int, dict[str, float]],
                horizon: int) -> Text:
    overdue = [r for r in rows if r.overdue]
    text = Text()
    text.append(f" {len(rows) - len(overdue):,} renewals in the next {horizon} days",
                style="bold")
    if overdue:
        text.append(f" · {len(overdue)} past their date, no outcome "
                    f"({money(sum(r.arr for r in overdue))})", style="bold red")
    text.append("\n c call · o outcome · Enter opens · [call]: csdesk's suggestion, "
                "no call made\n", style="dim")
    for days, sums in arr_by_call.items():
        text.append(f" Forecast {days:>3} d: ", style="bold")
        for i, call in enumerate(CALLS):
            if i:
                text.append(" · ")
            text.append(f"{SHORT.get(call, call_words(call))} ", style=CALL_STYLE[call])
            text.append(money(sums.get(call.value, 0.0)))
        text.append("\n")
    return text


class RenewalsScreen(BookScreen):
    screen_title = "Renewals"

    class Read(Message):
        """The renewals read by the worker (or why not), for the screen to show."""

        def __init__(self, result, problem: str | None = None) -> None:
            super().__init__()
            self.result = result
            self.problem = problem

    BINDINGS = [Binding("c", "call", "Call"), Binding("o", "log_outcome", "Log outcome")]

    def compose(self) -> ComposeResult:
        yield TitleBar(self.screen_title)
        yield Static("", id="renewals-top", classes="topline")
        yield RowTable(COLUMNS, self._cells, key=lambda r: r.account_id, id="renewals",
                       empty_text="No renewals in the next 180 days, none past due.")
        yield WorkStatus()
        yield Footer(compact=True)

    def _cells(self, row: RenewalForecast) -> list[Text]:
        return [when_text(row), Text(row.renewal_date.isoformat()),
                plain(row.name, style="bold"), Text(money(row.arr)),
                Text(f"{BAND_MARK[row.band]} {row.band.value}", style=BAND_STYLE[row.band]),
                call_text(row), why_text(row)]

    def show_book(self, book: BookView) -> None:
        if book.empty:
            self.query_one("#renewals", RowTable).set_rows([])
            return
        self.load_renewals()

    @work(thread=True, exclusive=True, group="renewals")
    def load_renewals(self) -> None:
        try:
            result = self.app.workbench.renewals()
        except Exception as exc:  # show, don't crash: the other screens still work
            self.post_message(self.Read(None, f"Could not read the renewals: {exc}"))
            return
        self.post_message(self.Read(result))

    def on_renewals_screen_read(self, message: Read) -> None:
        if message.problem:
            self.query_one("#renewals-top", Static).update(Text(message.problem, style="red"))
            return
        result = message.result
        horizon = self.app.workbench.rules.forecast.horizon_days
        self.query_one("#renewals-top", Static).update(
            header_text(result.rows, result.arr_by_call, horizon))
        self.query_one("#renewals", RowTable).set_rows(result.rows)

    def selected_row(self) -> RenewalForecast | None:
        return self.query_one("#renewals", RowTable).highlighted

    def selected_account_id(self) -> str | None:
        row = self.selected_row()
        return row.account_id if row is not None else None

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        self.post_message(OpenAccount(event.row.account_id))

    def action_log_outcome(self) -> None:
        self.log_renewal_outcome(self.selected_account_id())

    def action_call(self) -> None:
        row = self.selected_row()
        if row is None:
            self.notify("Highlight a renewal first.")
            return
        from csdesk.tui.forms_forecast import CallEntry, ForecastCallForm

        def saved(entry: CallEntry | None) -> None:
            if entry is None:
                return
            save_account(self, row.account_id, lambda: self.app.workbench.record_call(
                row.account_id, entry.call, entry.note),
                f"Called {call_words(entry.call)} for {plain(row.name).plain}'s renewal.")

        self.app.push_screen(keep_open(ForecastCallForm(row), saved), saved)
