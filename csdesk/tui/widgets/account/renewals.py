"""The Renewals tab: the account's current renewal with the CSM's forecast call and csdesk's
suggested call and why, and its renewal history (each outcome with the call it settled and
whether that call was right). `c` records a call, `o` logs an outcome (docs/workflow.md §7)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from csdesk.core.forecast import call_right
from csdesk.tui.book_view import AccountDetail, money
from csdesk.tui.flows import keep_open
from csdesk.tui.widgets.account.tab import AccountTab
from csdesk.tui.widgets.look import plain
from csdesk.tui.widgets.row_table import Column, RowTable

OUTCOME_STYLE = {"renewed": "green", "expanded": "bold green", "contracted": "yellow",
                 "churned": "bold red"}


def history_cells(entry) -> list[Text]:
    renewal, call = entry
    outcome = str(renewal.outcome)
    arr = Text("—")
    if renewal.previous_arr is not None and renewal.new_arr is not None:
        arr = Text(f"{money(renewal.previous_arr)} → {money(renewal.new_arr)}")
    called = Text("no call", style="dim")
    if call is not None:
        right = call_right(call.call, renewal.outcome)
        called = Text(str(call.call).replace("_", " "))
        called.append(" ✓ right" if right else " ✗ wrong", style="green" if right else "red")
    why = renewal.reason or (call.note if call is not None else "") or ""
    return [Text(renewal.date.isoformat()), Text(outcome, style=OUTCOME_STYLE.get(outcome, "")),
            arr, called, plain(why)]


def current_text(detail: AccountDetail) -> Text:
    from csdesk.tui.screens.renewals import call_words, when_text

    row = detail.renewal
    text = Text(" ")
    if row is None:
        text.append("Churned: no renewal ahead.", style="bold")
        return text
    text.append(f"Renewal {row.renewal_date.isoformat()} (", style="bold")
    text.append_text(when_text(row))
    text.append(f") · {money(row.arr)} ARR\n", style="bold")
    text.append(" Your call: ")
    if row.call is not None:
        text.append(call_words(row.call), style="bold")
        text.append(f" (made {row.call_made_on})")
        if row.note:
            text.append(" · ")
            text.append_text(plain(row.note))
    else:
        text.append("none yet", style="dim")
    text.append("\n csdesk suggests: ")
    text.append(call_words(row.suggested_call), style="bold")
    text.append(" · ")
    text.append_text(plain(row.why))
    text.append("\n c records your call · o logs the outcome\n", style="dim")
    return text


class RenewalsTab(AccountTab):
    TITLE = "Renewals"
    TAB_ID = "renewals"
    KEYS = [Binding("c", "call", "Call")]  # `o` (the outcome) is the screen's: every tab

    def compose(self) -> ComposeResult:
        yield Static("", id="renewal-now")
        yield RowTable(
            [Column("Date", 10), Column("Outcome", 10), Column("ARR", 16),
             Column("Call then", 18), Column("Reason / note", 0, min_width=16)],
            history_cells, key=lambda e: (e[0].date, str(e[0].outcome)), id="renewal-history",
            empty_text="No renewal outcomes logged yet.")

    def render_detail(self, detail: AccountDetail) -> None:
        self.query_one("#renewal-now", Static).update(current_text(detail))
        self.query_one("#renewal-history", RowTable).set_rows(detail.renewal_history)

    def action_call(self) -> None:
        row = self.detail.renewal if self.detail is not None else None
        if row is None:
            self.notify("No renewal ahead to call.")
            return
        from csdesk.tui.forms_forecast import CallEntry, ForecastCallForm
        from csdesk.tui.screens.renewals import call_words

        def saved(entry: CallEntry | None) -> None:
            if entry is not None:
                self.save(lambda: self.app.workbench.record_call(
                    self.account_id, entry.call, entry.note),
                    f"Called {call_words(entry.call)} for {plain(row.name).plain}'s renewal.")

        self.app.push_screen(keep_open(ForecastCallForm(row), saved), saved)
