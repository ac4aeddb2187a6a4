"""The forms of working Today's items (docs/workflow.md): a follow-up task (`f` adds one, `E`
edits one) and a snooze (`z`). Each checks what was typed before it closes, says what is wrong
next to the fields and keeps what was typed; Enter saves from every field. Opened with
`flows.keep_open`, each stays open until its write is done: a write that fails (the book
locked) is said on the form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Input, Label, Select, Static

from csdesk.core.config import Rules
from csdesk.core.models import AlertLevel, BriefItem, SnoozeReason, Task
from csdesk.core.plans import PlanInputError, parse_day
from csdesk.core.work import snooze_refusal, task_refusal
from csdesk.desk.settings import parse_iso_day
from csdesk.tui.forms import CompactInput, EnterSavesSelect, Form, _options, _title
from csdesk.tui.forms_plans import Field, FieldsForm
from csdesk.tui.widgets.look import plain


@dataclass(frozen=True)
class TaskEntry:
    text: str
    due: dt.date | None


class TaskForm(FieldsForm):
    """A follow-up task on the account, added (`f` on Today) or edited (`E`, `task`): what
    to do and, optionally, by when. Refused as `csdesk task add` refuses it
    (`core.work.task_refusal`), each problem under its field; an edited task's due date left
    as it was is not refused for being past (the task is overdue, not new)."""

    def __init__(self, account_name: str, today: dt.date, task: Task | None = None) -> None:
        self.today = today
        self.stored = task
        self.VERB = "Edit the task" if task else "Add a follow-up task"
        super().__init__(account_name, [
            Field("text", "Task", task.text if task else "", placeholder="what to do"),
            Field("due", "Due", task.due.isoformat() if task and task.due else "",
                  placeholder="YYYY-MM-DD (optional)"),
        ])

    def action_save(self) -> None:
        v = self.values()
        problems = {}
        try:
            due = parse_day(v["due"], "due")
        except PlanInputError as exc:
            due, problems = None, {"due": exc.message}
        kept = self.stored is not None and due == self.stored.due  # overdue, not new
        problems = task_refusal(v["text"], None if kept else due, self.today) | problems
        if self.stored is not None and "text" in problems:
            problems["text"] += " (x on Today deletes the task)"
        if problems:
            self.show_problems(problems)
            return
        self.submit(TaskEntry(v["text"].strip(), due))


@dataclass(frozen=True)
class SnoozeEntry:
    until: dt.date
    reason: SnoozeReason


class SnoozeForm(Form):
    """Put the highlighted item aside until a day (at most 90 days, 7 for a critical one),
    with a reason."""

    focus_first = "#snooze-until"

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
