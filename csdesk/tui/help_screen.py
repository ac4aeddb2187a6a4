"""`?`: every key of the workbench on one screen."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("Screens", [
        ("1", "Today: the top line and the attention queue"),
        ("2", "Accounts: every account by band"),
        ("3", "Renewals: the next 180 days"),
        ("4", "Portfolio: metrics, bands, calibration"),
        ("Enter", "open the highlighted account"),
        ("Escape", "back"),
        ("ctrl+p", "command palette: jump to an account by name, run any action"),
    ]),
    ("Moving", [
        ("j / k, ↓ / ↑", "next / previous row"),
        ("PgDn / PgUp, Home / End", "page, first, last"),
        ("[ / ]", "previous / next tab (Accounts, Account)"),
        ("Tab", "next field or panel"),
    ]),
    ("Acting on the highlighted account", [
        ("t", "log a touchpoint (Enter saves a completed check-in dated today)"),
        ("n", "add a note (ctrl+s saves)"),
        ("e", "export the QBR agenda to Markdown (path shown, copied to the clipboard)"),
        ("o", "log a renewal outcome (Renewals, Today, Account; starts on the outcome)"),
        ("c", "record your forecast call with a note (Renewals, the account's Renewals tab)"),
    ]),
    ("Accounts", [
        ("/", "filter by name as you type; Escape clears"),
        ("s", "cycle the sort: name, score, ARR, renewal, trend"),
    ]),
    ("Account tabs", [
        ("a / Enter / d", "Stakeholders: add, edit, mark departed"),
        ("space", "Onboarding: tick an item · Success plan: cycle a goal's status"),
    ]),
    ("The book", [
        ("r", "rescore every account now (runs in the background)"),
        ("i", "import a CSV file, a folder of them, or a JSON book (Today; all or nothing)"),
        ("d", "on an empty book: load the demo book"),
        ("?", "this help"),
        ("q", "quit (everything is already saved)"),
    ]),
]


def help_text() -> Table:
    table = Table(box=None, show_header=False, pad_edge=False, expand=False)
    table.add_column(style="bold cyan", no_wrap=True, width=26)
    table.add_column()
    for section, keys in KEYS:
        table.add_row(Text(section, style="bold underline"), "")
        for key, does in keys:
            table.add_row(key, does)
        table.add_row("", "")
    table.add_row("", Text("Bands read as words too: ● red, ● yellow, ● green, ○ unknown "
                           "(not enough data).", style="dim"))
    return table


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("csdesk keys", style="bold"), classes="form-title")
            yield Static(help_text())
            yield Static("Escape closes", classes="form-help")

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(None)
