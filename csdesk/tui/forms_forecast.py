"""The forecast call form (`c` on Renewals, docs/workflow.md §7): the CSM's call on a renewal,
with a note, csdesk's suggestion and its reason shown above it."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Input, Label, Select, Static

from csdesk.core.forecast import CALLS, Call, RenewalForecast
from csdesk.tui.forms import CompactInput, CompactSelect, Form, _title
from csdesk.tui.widgets.look import printable


@dataclass(frozen=True)
class CallEntry:
    call: Call
    note: str


class ForecastCallForm(Form):
    """Starts on the call: the CSM's call where made, else csdesk's suggestion."""

    focus_first = "#call"

    def __init__(self, row: RenewalForecast) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        row = self.row
        with Vertical(classes="form", id="forecast-form"):
            yield Static(_title("Forecast call", row.name), classes="form-title")
            suggestion = Text("csdesk suggests ")
            suggestion.append(row.suggested_call.value.replace("_", " "), style="bold")
            suggestion.append(": " + printable(row.why, single_line=True))
            yield Static(suggestion, id="forecast-suggestion")
            with Grid(classes="form-grid"):
                yield Label("Call")
                yield CompactSelect([(c.value.replace("_", " "), c.value) for c in CALLS],
                                    value=(row.call or row.suggested_call).value,
                                    allow_blank=False, id="call")
                yield Label("Note")
                yield CompactInput(row.note, placeholder="why you call it so", id="note")
            yield Label("", id="form-problem")
            yield Static(f"Renewal {row.renewal_date.isoformat()} · Enter or ctrl+s saves · "
                         "Escape cancels", classes="form-help")

    def action_save(self) -> None:
        value = self.query_one("#call", Select).value
        if value is Select.BLANK or value is Select.NULL:
            self.problem("choose a call")
            return
        self.submit(CallEntry(Call(value), self.query_one("#note", Input).value.strip()))
