"""The forms of the plans and of corrections (docs/workflow.md): the save plan, a remediation
action, a goal, an account, a touchpoint, a note and a renewal outcome edited, and a record
read whole.

Each form refuses what the import (or `csdesk`) would refuse, says why on the line under the
field, focuses that field and keeps everything typed; a checked form dismisses with its values
(None on Escape) and its caller saves them in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.widgets import Label, Select, Static, TextArea

from csdesk.core.editing import ACCOUNT_FIELDS, FormProblems, account_from_fields
from csdesk.core.models import (
    Account,
    AccountStatus,
    Goal,
    GoalStatus,
    PlanStatus,
    RemediationAction,
    SavePlan,
    TouchpointKind,
    TouchpointStatus,
)
from csdesk.core.plans import PLAN_TEXT_FIELDS, PlanInputError, check_action, check_goal, parse_day
from csdesk.tui.forms import CompactInput, CompactSelect, Form
from csdesk.tui.widgets.look import printable


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    value: str = ""
    options: list[tuple[str, str]] | None = None  # a choice (Select); None: typed text
    placeholder: str = ""
    blank: bool = False  # a choice that may be left empty


def _options(enum) -> list[tuple[str, str]]:
    return [(str(v).replace("_", " "), str(v)) for v in enum]


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


class FieldsForm(Form):
    """A form of labelled fields, each with its problem line under it."""

    DEFAULT_CSS = """
    FieldsForm .form { width: 84; max-width: 100%; }
    FieldsForm .form-grid { grid-gutter: 0 1; }
    FieldsForm .field-problem { color: $error; text-style: bold; }
    FieldsForm .field { height: auto; }
    FieldsForm .field-problem { display: none; }
    FieldsForm .field-problem.shown { display: block; }
    """

    VERB = ""

    def __init__(self, account_name: str, fields: list[Field], *, help_text: str = "") -> None:
        super().__init__()
        self.account_name = account_name
        self.fields = fields
        self.help_text = help_text or "Enter or ctrl+s saves · Tab moves · Escape cancels"

    def compose(self) -> ComposeResult:
        title = Text(f"{self.VERB} · ", style="bold")
        title.append(printable(self.account_name, single_line=True), style="bold")
        with Vertical(classes="form"):
            yield Static(title, classes="form-title")
            with Grid(classes="form-grid"):
                for f in self.fields:
                    yield Label(f.label)
                    with Vertical(classes="field"):
                        if f.options is None:
                            yield CompactInput(f.value, placeholder=f.placeholder,
                                               id=f"f-{f.name}")
                        else:
                            value = f.value if f.value else Select.NULL
                            yield CompactSelect(f.options, value=value, allow_blank=f.blank,
                                                prompt=f.placeholder or "choose",
                                                id=f"f-{f.name}")
                        yield Label("", classes="field-problem", id=f"p-{f.name}")
            yield Label("", id="form-problem")
            yield Static(self.help_text, classes="form-help")

    first: str | None = None  # the field focused first (None: the first one)
    initial_problems: dict[str, str] = {}  # problems to show as the form opens

    def on_mount(self) -> None:
        # (Textual runs every class's on_mount, so subclasses set `first`, not on_mount;
        # the field's name: `Form.focus_first` is left unset.)
        self.tighten()
        self.query_one(f"#f-{self.first or self.fields[0].name}").focus()
        if self.initial_problems:
            self.show_problems(self.initial_problems)

    def tighten(self) -> None:
        """One line per field (the workbench's forms leave a blank line between): ten fields
        and their problem lines fit in 24 rows."""
        self.query_one(".form-grid", Grid).styles.grid_gutter_horizontal = 0

    def values(self) -> dict[str, str]:
        out = {}
        for f in self.fields:
            widget = self.query_one(f"#f-{f.name}")
            if isinstance(widget, Select):
                v = widget.value
                out[f.name] = "" if v is Select.BLANK or v is Select.NULL else str(v)
            else:
                out[f.name] = widget.value
        return out

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each problem on the line under its field (one not tied to a field on the form's
        line); the first field with a problem takes the focus; what was typed stays."""
        names = {f.name for f in self.fields}
        for f in self.fields:
            message = problems.get(f.name, "")
            self.query_one(f"#p-{f.name}").set_class(bool(message), "shown")
            self.query_one(f"#p-{f.name}", Label).update(Text(message))
        other = [f"{k}: {v}" for k, v in problems.items() if k not in names]
        self.problem("; ".join(other) if other else
                     ("Not saved: see the field marked." if problems else ""))
        first = next((f.name for f in self.fields if f.name in problems), None)
        if first is not None:
            self.query_one(f"#f-{first}").focus()


# --- the save plan -------------------------------------------------------------------------------


class PlanForm(FieldsForm):
    """The plan's own fields: root cause, executive alignment, criteria, checkpoint, status.
    Dismisses with {column: value} to set."""

    VERB = "Write the save plan"

    def __init__(self, account_name: str, plan: SavePlan, suggestion: str = "") -> None:
        fields = [Field(name, label, getattr(plan, name),
                        placeholder=suggestion if name == "root_cause" else "")
                  for name, label in PLAN_TEXT_FIELDS.items()]
        fields += [Field("checkpoint_date", "Go/no-go date", _day(plan.checkpoint_date),
                         placeholder="YYYY-MM-DD"),
                   Field("status", "Status", str(plan.status), _options(PlanStatus))]
        super().__init__(account_name, [Field(f.name, _short(f.label), f.value, f.options,
                                              f.placeholder) for f in fields])

    def action_save(self) -> None:
        v = self.values()
        try:
            day = parse_day(v["checkpoint_date"], "checkpoint_date")
        except PlanInputError as exc:
            self.show_problems({"checkpoint_date": exc.message})
            return
        out: dict[str, object] = {k: v[k].strip() for k in PLAN_TEXT_FIELDS}
        out["checkpoint_date"] = day
        out["status"] = PlanStatus(v["status"] or "open")
        self.submit(out)


def _short(label: str) -> str:
    return {"Executive alignment (who, when)": "Exec alignment",
            "Success criteria at 30 days": "At 30 days", "Success criteria at 60 days":
            "At 60 days", "Success criteria at 90 days": "At 90 days"}.get(label, label)


class ActionForm(FieldsForm):
    """A remediation action: text, owner, due date, done date."""

    VERB = "Remediation action"

    def __init__(self, account_name: str, action: RemediationAction | None, owner: str,
                 today: dt.date) -> None:
        a = action
        super().__init__(account_name, [
            Field("text", "Action", a.action if a else ""),
            Field("owner", "Owner", a.owner if a else owner),
            Field("due", "Due", _day(a.due) if a else _day(today + dt.timedelta(days=7)),
                  placeholder="YYYY-MM-DD"),
            Field("done_on", "Done on", _day(a.done_on) if a else "",
                  placeholder="empty: not done yet"),
        ])

    def action_save(self) -> None:
        v = self.values()
        problems: dict[str, str] = {}
        days: dict[str, dt.date | None] = {}
        for name in ("due", "done_on"):
            try:
                days[name] = parse_day(v[name], name)
            except PlanInputError as exc:
                problems[name] = exc.message
        try:
            action = check_action(v["text"], v["owner"], days.get("due"))
        except PlanInputError as exc:
            problems[exc.field] = exc.message
        if problems:
            self.show_problems(problems)
            return
        self.submit(action.model_copy(update={"done_on": days["done_on"]}))


# --- goals -----------------------------------------------------------------------------------------


class GoalForm(FieldsForm):
    """A goal: text, target date, status, ROI note (an achieved goal asks for its ROI)."""

    VERB = "Goal"

    def __init__(self, account_id: str, account_name: str, goal: Goal | None = None,
                 status: str | None = None) -> None:
        self.account_id = account_id
        g = goal
        super().__init__(account_name, [
            Field("text", "Goal", g.goal if g else "", placeholder="measurable: a number, a date"),
            Field("target", "Target date", _day(g.target_date) if g else "",
                  placeholder="YYYY-MM-DD"),
            Field("status", "Status", status or (str(g.status) if g else "not_started"),
                  _options(GoalStatus)),
            Field("roi", "ROI note", (g.roi_note or "") if g else "",
                  placeholder="what it was worth (needed once achieved)"),
        ])
        if status == "achieved":  # moved to achieved: its ROI note is asked for
            self.first = "roi"
            if not (g and g.roi_note):
                self.initial_problems = {"roi": "achieved: write its ROI note (what it was "
                                                "worth)"}

    def action_save(self) -> None:
        v = self.values()
        try:
            target = parse_day(v["target"], "target")
            goal = check_goal(self.account_id, v["text"], target, v["status"] or "not_started",
                              v["roi"])
        except PlanInputError as exc:
            self.show_problems({exc.field: exc.message})
            return
        self.submit(goal)


# --- accounts ----------------------------------------------------------------------------------

_ACCOUNT_LABELS = {"account_id": "Account id", "name": "Name", "arr": "ARR (USD)",
                   "seats_licensed": "Seats", "contract_start": "Contract start",
                   "renewal_date": "Renewal date", "term_months": "Term (months)",
                   "owner": "Owner", "industry": "Industry", "status": "Status"}


class AccountForm(FieldsForm):
    """Add an account (`account` None) or edit one; checked like an import row."""

    def __init__(self, account: Account | None = None) -> None:
        self.account = account
        self.VERB = "Edit the account" if account else "Add an account"
        names = [n for n in ACCOUNT_FIELDS if account is None or n != "account_id"]
        fields = []
        for n in names:
            value = "" if account is None else getattr(account, n)
            if n == "arr" and account is not None:
                value = f"{account.arr:.0f}" if float(account.arr).is_integer() else account.arr
            value = "" if value is None else str(value)
            if n == "status":
                fields.append(Field(n, _ACCOUNT_LABELS[n], value or "active",
                                    _options(AccountStatus)))
            else:
                fields.append(Field(n, _ACCOUNT_LABELS[n], value,
                                    placeholder="YYYY-MM-DD" if "date" in n or "start" in n
                                    else ("12" if n == "term_months" else "")))
        super().__init__(account.name if account else "a new account", fields)

    def action_save(self) -> None:
        v = self.values()
        if self.account is not None:
            v["account_id"] = self.account.account_id
        try:
            self.dismiss(account_from_fields(v))
        except FormProblems as exc:
            self.show_problems(exc.problems)


# --- corrections of the Timeline's records --------------------------------------------------------


@dataclass(frozen=True)
class RecordEdit:
    """Columns to set on one record (the caller writes them in one transaction)."""

    kind: str
    record_id: int
    values: dict = field(default_factory=dict)


class TouchpointEditForm(FieldsForm):
    VERB = "Edit the touchpoint"

    def __init__(self, account_name: str, record_id: int, row: dict, today: dt.date) -> None:
        self.record_id = record_id
        self.today = today
        super().__init__(account_name, [
            Field("date", "Date", row["date"]),
            Field("kind", "Kind", row["kind"], _options(TouchpointKind)),
            Field("status", "Status", row["status"], _options(TouchpointStatus)),
            Field("summary", "Summary", row["summary"] or ""),
            Field("contacts", "People met", (row.get("contacts") or "").replace(";", "; "),
                  placeholder="e-mails, ';' between"),
        ])

    def action_save(self) -> None:
        v = self.values()
        try:
            day = parse_day(v["date"], "date")
        except PlanInputError as exc:
            self.show_problems({"date": exc.message})
            return
        if day is None:
            self.show_problems({"date": "a touchpoint needs its date"})
            return
        if v["status"] == "completed" and day > self.today:
            self.show_problems({"date": f"a completed touchpoint cannot be after today "
                                        f"({self.today}): make it scheduled"})
            return
        people = ";".join(p.strip() for p in v["contacts"].split(";") if p.strip())
        self.submit(RecordEdit("touchpoint", self.record_id, {
            "date": day.isoformat(), "kind": v["kind"], "status": v["status"],
            "summary": v["summary"].strip() or None, "contacts": people}))


class RenewalEditForm(FieldsForm):
    """A logged outcome's reason, preventable, competitor (to change the outcome itself,
    delete it, which moves the account back, and log it again)."""

    VERB = "Edit the renewal outcome"

    def __init__(self, account_name: str, record_id: int, row: dict) -> None:
        self.record_id = record_id
        prev = row["preventable"]
        super().__init__(account_name, [
            Field("reason", "Reason", row["reason"] or ""),
            Field("preventable", "Preventable", "" if prev is None else ("yes" if prev else "no"),
                  [("yes", "yes"), ("no", "no")], blank=True),
            Field("competitor", "Competitor", row["competitor"] or ""),
        ], help_text=f"{row['outcome']} on {row['date']} · to change the outcome, delete it "
                     "(x) and log it again · Enter saves · Escape cancels")

    def action_save(self) -> None:
        v = self.values()
        self.submit(RecordEdit("renewal", self.record_id, {
            "reason": v["reason"].strip() or None,
            "preventable": None if not v["preventable"] else int(v["preventable"] == "yes"),
            "competitor": v["competitor"].strip() or None}))


class NoteEditForm(Form):
    """The note's text, multi-line; ctrl+s saves."""

    focus_first = "#note-text"

    def __init__(self, account_name: str, record_id: int, text: str) -> None:
        super().__init__()
        self.account_name = account_name
        self.record_id = record_id
        self.text = text

    def compose(self) -> ComposeResult:
        title = Text("Edit the note · ", style="bold")
        title.append(printable(self.account_name, single_line=True), style="bold")
        with Vertical(classes="form", id="note-form"):
            yield Static(title, classes="form-title")
            yield TextArea(self.text, id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Label("", id="form-problem")
            yield Static("ctrl+s saves · Escape cancels", classes="form-help")

    def action_save(self) -> None:
        text = self.query_one("#note-text", TextArea).text
        if not text.strip():
            self.problem("The note is empty (x on the Timeline deletes it).")
            return
        self.submit(RecordEdit("note", self.record_id, {"text": text}))


# Up to this much text a record is laid out whole (wrapped); beyond, it is shown in a read-only
# text area that draws only the lines in view (issue 24: a 50 MB note froze the workbench).
LAID_OUT_CHARS = 100_000


class RecordView(Form):
    """A Timeline record read whole: e edits it, x deletes it (asked once), Escape closes.
    Dismisses with "edit", "delete" or None."""

    BINDINGS = [Binding("escape,enter", "cancel", "Close"), Binding("e", "edit", "Edit"),
                Binding("x", "delete", "Delete")]

    DEFAULT_CSS = """
    RecordView .form { width: 90; max-width: 100%; }
    RecordView #record-text { height: auto; max-height: 16; }
    """

    def __init__(self, title: str, lines: list[tuple[str, str]], body: str) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="form", id="record-view"):
            yield Static(Text(printable(self.title_text, single_line=True), style="bold"),
                         classes="form-title")
            head = Text()
            for label, value in self.lines:
                head.append(f"{label}: ", style="dim")
                head.append(printable(value, single_line=True))
                head.append("\n")
            yield Static(head)
            if len(self.body) > LAID_OUT_CHARS:  # a 50 MB note: drawn a screen at a time
                yield TextArea(printable(self.body), read_only=True, soft_wrap=False,
                               show_line_numbers=False, id="record-text")
            else:
                with VerticalScroll(id="record-text"):
                    yield Static(Text(printable(self.body)))
            yield Static("e edits · x deletes · Enter or Escape closes", classes="form-help")

    def action_edit(self) -> None:
        self.dismiss("edit")

    def action_delete(self) -> None:
        self.dismiss("delete")
