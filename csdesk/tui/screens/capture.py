"""Capture preview (`i` with .ics, .eml or .mbox files; docs/workflow.md, "Capture").

The files are read in a worker, with progress, and nothing is written until the CSM has seen
what would be: the touchpoints to add or update, and what matched no account (with the
addresses, to add as contacts). `w` writes it (one transaction), Escape leaves the book as it
was. The worker ends by posting a message; book text is shown as rich `Text`, never markup.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from csdesk.core.capture import CapturedTouchpoint, CapturePlan, Unmatched
from csdesk.core.text import printable
from csdesk.desk.capture import left_out
from csdesk.tui.widgets.chrome import TitleBar, WorkStatus
from csdesk.tui.widgets.row_table import Column, RowTable

SUFFIXES = (".ics", ".eml", ".mbox")
PROGRESS_EVERY_S = 0.1


def is_capture_path(path: str) -> bool:
    """A calendar or mail file, or a folder holding some (and no CSV or JSON to import)."""
    p = Path(path).expanduser()
    if p.suffix.lower() in SUFFIXES:
        return True
    if p.is_dir():
        try:
            suffixes = {c.suffix.lower() for c in p.iterdir()}
        except OSError:
            return False
        return bool(suffixes & set(SUFFIXES)) and not suffixes & {".csv", ".json"}
    return False


def _line(text: str | None) -> Text:
    return Text(printable(text, single_line=True))


def row_cells(row: tuple[str, CapturedTouchpoint | Unmatched, str]) -> list[Text]:
    what, item, name = row
    if isinstance(item, Unmatched):
        why = f" (domain of several accounts: {', '.join(item.ambiguous)})" \
            if item.ambiguous else ""
        return [Text(item.date.isoformat()), Text("not matched", style="yellow"),
                _line(item.subject), _line(", ".join(item.addresses) + why)]
    style = {"new": "green", "update": "cyan"}.get(what, "dim")
    label = f"{what} {item.kind}" + (" (scheduled)" if str(item.status) == "scheduled" else "")
    return [Text(item.date.isoformat()), Text(label, style=style),
            _line(f"{name}: {item.summary}"), _line("; ".join(item.contacts))]


class CaptureScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.back", "Cancel"),
        Binding("w", "write", "Write"),
    ]

    class Previewed(Message):
        def __init__(self, plan: CapturePlan | None, names: dict[str, str],
                     problems: list[str]) -> None:
            super().__init__()
            self.plan, self.names, self.problems = plan, names, problems

    class Written(Message):
        def __init__(self, count: int, error: Exception | None = None) -> None:
            super().__init__()
            self.count, self.error = count, error

    class Progress(Message):
        def __init__(self, label: str, done: int, total: int) -> None:
            super().__init__()
            self.label, self.done, self.total = label, done, total

    def __init__(self, paths: list[str]) -> None:
        super().__init__()
        self.paths = paths
        self.plan: CapturePlan | None = None
        self.names: dict[str, str] = {}
        self.writing = False

    def compose(self) -> ComposeResult:
        yield TitleBar("Capture")
        yield Static(Text(f" Reading {printable(', '.join(self.paths), single_line=True)}…"),
                     id="capture-summary", classes="topline")
        yield RowTable([Column("Date", 10), Column("What", 25),
                        Column("Account: subject", 0, min_width=30, ratio=2),
                        Column("People", 0, min_width=20)],
                       row_cells, key=lambda r: (r[0], r[1].date, id(r[1])),
                       id="capture-rows", empty_text="Nothing to capture in these files.")
        yield WorkStatus()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.app.busy = ("Reading the files…", 0, 0)
        self.preview()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "write":
            return bool(self.plan and self.plan.writes) and not self.writing
        return True

    @work(thread=True, exclusive=True, group="capture", exit_on_error=False)
    def preview(self) -> None:
        from csdesk.desk.capture import CaptureRefused

        reported = [0.0]

        def progress(label: str, done: int, total: int) -> None:
            now = time.monotonic()
            if now - reported[0] >= PROGRESS_EVERY_S or done == total:
                reported[0] = now
                self.post_message(self.Progress(label, done, total))

        try:
            plan, names = self.app.workbench.capture_preview(self.paths, progress)
        except CaptureRefused as exc:
            self.post_message(self.Previewed(None, {}, exc.problems))
            return
        except Exception as exc:
            self.post_message(self.Previewed(None, {}, [f"{type(exc).__name__}: {exc}"]))
            return
        self.post_message(self.Previewed(plan, names, []))

    def on_capture_screen_progress(self, message: Progress) -> None:
        self.app.busy = (f"Reading {Path(message.label).name}…", message.done, message.total)

    def on_capture_screen_previewed(self, message: Previewed) -> None:
        self.app.busy = None
        summary = self.query_one("#capture-summary", Static)
        table = self.query_one("#capture-rows", RowTable)
        if message.plan is None:
            lines = "\n".join(printable(p, single_line=True) for p in message.problems)
            summary.update(Text(f" Capture refused, nothing written: {len(message.problems)} "
                                f"problem(s)\n{lines}", style="red"))
            table.set_rows([])
            table.display = False  # the problems are the page
            return
        self.plan, self.names = message.plan, message.names
        plan = message.plan
        rows = [("new", t, message.names.get(t.account_id, t.account_id)) for t in plan.new]
        rows += [("update", t, message.names.get(t.account_id, t.account_id))
                 for t in plan.updated]
        rows += [("not matched", u, "") for u in plan.unmatched]
        table.set_rows(rows)
        left = left_out(plan, unchanged=True)
        text = (f" {len(plan.new)} to add, {len(plan.updated)} to update, "
                f"{len(plan.unmatched)} not matched")
        if left:
            text += " · left out: " + ", ".join(left)
        text += " · w writes, Escape cancels" if plan.writes else " · nothing to write"
        summary.update(Text(text))
        table.focus()
        self.refresh_bindings()

    def action_write(self) -> None:
        if not (self.plan and self.plan.writes) or self.writing:
            return
        self.writing = True
        self.refresh_bindings()
        self.app.busy = ("Writing the touchpoints…", 0, 0)
        self.write(self.plan)

    @work(thread=True, exclusive=True, group="capture", exit_on_error=False)
    def write(self, plan: CapturePlan) -> None:
        try:
            count = self.app.workbench.capture_commit(plan)
        except Exception as exc:
            self.post_message(self.Written(0, exc))
            return
        self.post_message(self.Written(count))

    def on_capture_screen_written(self, message: Written) -> None:
        self.app.busy = None
        self.writing = False
        if message.error is not None:
            self.notify(f"Not written: {message.error}", severity="error", markup=False)
            self.refresh_bindings()
            return
        self.notify(f"Captured {message.count} touchpoint(s).", markup=False)
        self.app.pop_screen()
        self.app.action_rescore()
