"""The forms of working Today's items (docs/workflow.md): a follow-up task (`f`) and a snooze
(`z`). Each checks what was typed before it closes, says what is wrong next to the fields and
keeps what was typed; Enter saves from every field. Opened with `flows.keep_open`, each stays
open until its write is done: a write that fails (the book locked) is said on the form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Input, Label, Select, Static

from csdesk.core.config import Rules
from csdesk.core.models import AlertLevel, BriefItem, SnoozeReason
from csdesk.core.work import snooze_refusal
from csdesk.desk.settings import parse_iso_day
from csdesk.tui.forms import CompactInput, EnterSavesSelect, Form, _options, _title
from csdesk.tui.widgets.look import plain


@dataclass(frozen=True)
class TaskEntry:
    text: str
    due: dt.date | None


class TaskForm(Form):
    """A follow-up task on the account: what to do and, optionally, by when."""

    def __init__(self, account_name: str, today: dt.date, text: str = "") -> None:
        super().__init__()
        self.account_name = account_name
        self.today = today
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="form", id="task-form"):
            yield Static(_title("Add a follow-up task", self.account_name), classes="form-title")
            with Grid(classes="form-grid"):
                yield Label("Task")
                yield CompactInput(self.text, placeholder="what to do", id="task-text")
                yield Label("Due")
                yield CompactInput(placeholder="YYYY-MM-DD (optional)", id="task-due")
            yield Label("", id="form-problem")
            yield Static("Enter saves · Tab moves · Escape cancels", classes="form-help")

    def on_mount(self) -> None:
        self.query_one("#task-text", Input).focus()

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        text = self.query_one("#task-text", Input).value.strip()
        if not text:
            self.problem("task: say what to do")
            return
        due_text = self.query_one("#task-due", Input).value.strip()
        try:
            due = parse_iso_day(due_text, "due") if due_text else None
        except ValueError as exc:
            self.problem(str(exc))
            return
        if due is not None and due < self.today:
            self.problem(f"due: {due} is in the past (today is {self.today})")
            return
        self.submit(TaskEntry(text, due))


@dataclass(frozen=True)
class SnoozeEntry:
    until: dt.date
    reason: SnoozeReason


class SnoozeForm(Form):
    """Put the highlighted item aside until a day (at most 90 days, 7 for a critical one),
    with a reason."""

    def __init__(self, item: BriefItem, today: dt.date, rules: Rules) -> None:
        super().__init__()
        self.item = item
        self.today = today
        self.rules = rules

    def compose(self) -> ComposeResult:
        w = self.rules.work
        limit = (w.snooze_critical_max_days if self.item.level == AlertLevel.critical
                 else w.snooze_max_days)
        default = self.today + dt.timedelta(days=min(7, limit))
        with Vertical(classes="form", id="snooze-form"):
            yield Static(_title("Snooze", self.item.name), classes="form-title")
            yield Static(plain(self.item.title), classes="form-help")  # data, not markup
            with Grid(classes="form-grid"):
                yield Label("Until")
                yield CompactInput(default.isoformat(), id="snooze-until")
                yield Label("Reason")
                yield EnterSavesSelect(_options(SnoozeReason), value="waiting_on_customer",
                                       allow_blank=False, id="snooze-reason")
            yield Label("", id="form-problem")
            yield Static(f"Back in Today on that day (at most {limit} days ahead) · "
                         "Enter saves · Escape cancels", classes="form-help")

    def on_mount(self) -> None:
        self.query_one("#snooze-until", Input).focus()

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        try:
            until = parse_iso_day(self.query_one("#snooze-until", Input).value.strip(), "until")
        except ValueError as exc:
            self.problem(str(exc))
            return
        reason = str(self.query_one("#snooze-reason", Select).value)
        refused = snooze_refusal(self.item.level, until, reason, self.today, self.rules)
        if refused:
            self.problem(refused)
            return
        self.submit(SnoozeEntry(until, SnoozeReason(reason)))
