"""Search (ctrl+f anywhere; docs/workflow.md, "Search"): words in, the book's matches out, ranked,
the matching words marked. Enter opens the account on the tab that holds the hit.

The search runs in a worker on the workbench's reading connection as the CSM types (each new
key cancels the search before it); it ends by posting `SearchScreen.Found`. Book text is shown
as rich `Text` built from the snippet's parts, never parsed as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, TabbedContent

from csdesk.core.search import marked_parts
from csdesk.core.text import printable
from csdesk.desk.search import SearchHit
from csdesk.tui.flows import AccountFlows
from csdesk.tui.widgets.chrome import TitleBar
from csdesk.tui.widgets.row_table import Column, RowTable

MATCH_STYLE = "bold black on yellow"
SHOWN = 50  # hits shown: a search that finds more asks for more words
KIND_LABELS = {"account": "Account", "contact": "Contact", "note": "Note",
               "touchpoint": "Touchpoint", "goal": "Goal", "save_plan": "Save plan",
               "save_plan_action": "Save plan action"}
FIELD_LABELS = {"roi_note": "ROI note", "executive_alignment": "exec alignment",
                "success_criteria_30": "30-day criteria", "success_criteria_60": "60-day criteria",
                "success_criteria_90": "90-day criteria", "root_cause": "root cause"}
# The one field a kind is searched by, left unsaid ("Note", not "Note text").
_PLAIN_FIELDS = {("note", "text"), ("touchpoint", "summary"), ("goal", "goal"),
                 ("save_plan_action", "text")}


def where_label(hit: SearchHit) -> str:
    kind = KIND_LABELS.get(hit.kind, hit.kind)
    if (hit.kind, hit.field) in _PLAIN_FIELDS:
        return kind
    return f"{kind} {FIELD_LABELS.get(hit.field, hit.field.replace('_', ' '))}"


def snippet_text(snippet: str) -> Text:
    """The snippet on one line, its matches styled; every part escaped (`printable`)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for part, is_match in marked_parts(snippet):
        text.append(printable(part, single_line=True), style=MATCH_STYLE if is_match else "")
    return text


def hit_cells(hit: SearchHit) -> list[Text]:
    return [Text(printable(hit.name, single_line=True)), Text(where_label(hit), style="cyan"),
            snippet_text(hit.snippet)]


class SearchScreen(AccountFlows, Screen):
    """Type words; ↓ or Enter goes to the results; Enter on a result opens it; t, n, e act
    on the highlighted result's account (`AccountFlows`)."""

    BINDINGS = [
        Binding("escape", "app.back", "Back"),
        Binding("ctrl+f", "focus_query", "Search", show=False),
    ]

    class Found(Message):
        def __init__(self, query: str, hits: list[SearchHit]) -> None:
            super().__init__()
            self.query, self.hits = query, hits

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query
        self.query_text = ""

    def compose(self) -> ComposeResult:
        yield TitleBar("Search")
        yield Input(self.initial, placeholder="words in accounts, contacts, notes, "
                    "touchpoints, goals, save plans", id="search-query")
        yield Static("", id="search-count", classes="topline", markup=False)
        yield RowTable([Column("Account", 26), Column("Where", 20),
                        Column("Found", 0, min_width=30)],
                       hit_cells, key=lambda h: (h.table, h.row_id, h.field),
                       id="search-results",
                       empty_text="Type words to find them anywhere in the book.")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#search-results", RowTable).set_rows([])
        self.query_one("#search-query", Input).focus()
        if self.initial:
            self.find(self.initial)

    def action_focus_query(self) -> None:
        self.query_one("#search-query", Input).focus()

    @on(Input.Changed, "#search-query")
    def changed(self, event: Input.Changed) -> None:
        self.find(event.value)

    @on(Input.Submitted, "#search-query")
    def submitted(self) -> None:
        table = self.query_one("#search-results", RowTable)
        if table.rows:
            table.focus()

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is self.query_one("#search-query", Input):
            self.submitted()
            event.stop()

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def find(self, query: str) -> None:
        try:
            hits = self.app.workbench.search(query, SHOWN)
        except Exception as exc:  # a search that fails says so; the screen stays up
            self.app.call_from_thread(self.notify, f"Search failed: {exc}", severity="error",
                                      markup=False)
            return
        self.post_message(self.Found(query, hits))

    def on_search_screen_found(self, message: Found) -> None:
        if message.query != self.query_one("#search-query", Input).value:
            return  # typed on since: a newer search is on its way
        self.query_text = message.query
        self.query_one("#search-results", RowTable).set_rows(message.hits)
        count = self.query_one("#search-count", Static)
        if not message.query.strip():
            count.update("")
        elif message.hits:
            found = (f"the best {len(message.hits)} shown" if len(message.hits) >= SHOWN
                     else f"{len(message.hits)} found, best first")
            count.update(f" {found} · Enter opens the account on its tab")
        else:
            count.update(" Nothing found.")

    def selected_account_id(self) -> str | None:
        table = self.query_one("#search-results", RowTable)
        hit = table.highlighted if self.focused is table else None
        return hit.account_id if hit is not None else None

    @on(RowTable.Selected, "#search-results")
    async def selected(self, event: RowTable.Selected) -> None:
        await self.open_hit(event.row)

    async def open_hit(self, hit: SearchHit) -> None:
        from csdesk.tui.screens.account import AccountScreen

        screen = AccountScreen(hit.account_id)
        await self.app.push_screen(screen)
        tabs = screen.query_one("#account-tabs", TabbedContent)
        if tabs.query(f"#{hit.tab}"):
            tabs.active = hit.tab
