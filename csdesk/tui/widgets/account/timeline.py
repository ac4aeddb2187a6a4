"""The Timeline tab: touchpoints and notes, newest first, with their flags (lagging churn
flags in red)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult

from csdesk.tui.book_view import AccountDetail, TimelineEntry
from csdesk.tui.widgets.account.tab import AccountTab
from csdesk.tui.widgets.look import plain
from csdesk.tui.widgets.row_table import Column, RowTable

LAGGING_FLAGS = {"complaint", "data_export_request", "termination_inquiry"}


def timeline_cells(entry: TimelineEntry) -> list[Text]:
    flags = Text()
    for i, flag in enumerate(entry.flags):
        if i:
            flags.append(", ")
        flags.append(flag, style="bold red" if flag in LAGGING_FLAGS else "green")
    kind = Text(entry.kind, style="italic cyan" if entry.kind == "note" else "")
    status = Text(entry.status, style="red" if entry.status == "missed" else "")
    return [Text(entry.when), kind, status, plain(entry.text), flags]


class TimelineTab(AccountTab):
    TITLE = "Timeline"
    TAB_ID = "timeline"

    def compose(self) -> ComposeResult:
        yield RowTable(
            [Column("When", 16), Column("Kind", 11), Column("Status", 9),
             Column("Summary / note", 0, min_width=30), Column("Flags", 28)],
            timeline_cells, key=id, id="timeline-table",
            empty_text="No touchpoints or notes yet. t logs one, n adds a note.")

    def render_detail(self, detail: AccountDetail) -> None:
        self.query_one("#timeline-table", RowTable).set_rows(detail.timeline)
