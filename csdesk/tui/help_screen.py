"""`?`: every key of the workbench on one screen (docs/workbench.md, "Keys"), scrolling when
the terminal is small."""

from __future__ import annotations

from rich.console import Group
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
        ("4", "Portfolio: metrics, bands, calibration, alert quality"),
        ("Enter", "open the highlighted account"),
        ("Escape", "back (a form: cancel)"),
        ("ctrl+f", "search the book, from anywhere (Enter opens the tab holding the hit)"),
        ("ctrl+p", "command palette: jump to an account by name, run an action"),
    ]),
    ("Moving", [
        ("j / k, ↓ / ↑", "next / previous row"),
        ("PgDn / PgUp, Home / End", "page, first, last"),
        ("[ / ]", "previous / next tab (Accounts, Account)"),
        ("Tab", "next field or panel"),
    ]),
    ("On the highlighted account", [
        ("t", "log a touchpoint (Enter saves a completed check-in dated today); on Today, the "
              "response the item asks for"),
        ("n", "add a note (ctrl+s saves)"),
        ("e", "export the QBR agenda to Markdown (path shown, copied to the clipboard)"),
        ("o", "log a renewal outcome (Today on a renewal item, Renewals, Account)"),
        ("c", "record your forecast call with a note (Renewals, the account's Renewals tab)"),
    ]),
    ("Today", [
        ("f", "add a follow-up task to the item's account"),
        ("space", "mark the highlighted task done"),
        ("z", "snooze the item until a day, with a reason (among the snoozed: bring it back)"),
        ("Z", "show the snoozed items / the queue"),
        ("g", "group the queue by account / one row per item"),
        ("p", "open the item's account on its Save plan tab"),
        ("E / x", "edit / delete a task or a save-plan action"),
        ("i", "import CSV files or a JSON book (all or nothing); .ics, .eml, .mbox files open "
              "the capture preview"),
        ("d", "on an empty book: load the demo book"),
    ]),
    ("Accounts", [
        ("/", "filter by name as you type; Escape clears"),
        ("s", "cycle the sort: name, score, ARR, renewal, trend"),
        ("a", "add an account"),
    ]),
    ("Account, and its tabs", [
        ("E", "edit the account"),
        ("Stakeholders", "a add · Enter edit · d mark departed · x delete"),
        ("Onboarding", "space ticks an item"),
        ("Success plan", "a add · Enter edit · space next status · x remove a goal"),
        ("Save plan", "w write the plan · a add · Enter edit · space done · x delete an "
                      "action"),
        ("Timeline", "Enter opens the record (there e edits, x deletes) · x deletes"),
        ("Renewals", "c record your call"),
    ]),
    ("Other screens", [
        ("w", "capture preview: write what it shows (Escape writes nothing)"),
        ("ctrl+s", "a form: save · the mapping screen: save the profile and import"),
        ("y / n", "a question asked once (Enter: yes, Escape: no)"),
    ]),
    ("The book", [
        ("r", "rescore every account now (runs in the background)"),
        ("u", "undo the last edit or delete made in this workbench (once)"),
        ("?", "this help"),
        ("q", "quit (everything is already saved)"),
    ]),
]


def help_text() -> Group:
    """Each section's title over its keys: the key column is narrow and both columns wrap, so
    the help reads at 80 columns."""
    parts: list = []
    for section, keys in KEYS:
        table = Table(box=None, show_header=False, pad_edge=False, expand=False,
                      padding=(0, 1))
        table.add_column(style="bold cyan", width=13)
        table.add_column()
        for key, does in keys:
            table.add_row(key, does)
        parts += [Text(section, style="bold underline"), table, Text("")]
    parts.append(Text("Bands read as words too: ● red, ● yellow, ● green, ○ unknown (not enough "
                      "data).", style="dim"))
    return Group(*parts)


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]
    # The stylesheet makes the box 110 wide; on a smaller terminal it takes the width there is.
    DEFAULT_CSS = """
    HelpScreen #help { max-width: 100%; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text("csdesk keys", style="bold"), classes="form-title")
            yield Static(help_text())
            yield Static("↓ / PgDn scroll · Escape closes", classes="form-help")

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(None)
