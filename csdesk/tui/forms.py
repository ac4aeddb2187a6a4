"""The small forms: log a touchpoint, add a note, add or edit a stakeholder, log a renewal.

Each is a modal that returns a validated model (or None on Escape); the app saves it in a worker
in one transaction and refreshes the screens. The common case of each form is its defaults, so
`t` then Enter logs a completed check-in for today.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from pydantic import ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, SelectionList, Static, TextArea

from csdesk.core.models import (
    MAX_MONEY,
    Contact,
    ContactStatus,
    Flag,
    Influence,
    Outcome,
    Role,
    Sentiment,
    Touchpoint,
    TouchpointKind,
    TouchpointStatus,
)
from csdesk.core.work import task_refusal
from csdesk.desk.settings import parse_iso_day
from csdesk.store.writes import is_locked
from csdesk.desk.work import WorkError, refuse_future_completed
from csdesk.tui.widgets.look import printable


class CompactInput(Input):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, compact=True, **kwargs)


class CompactSelect(Select):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, compact=True, **kwargs)


def _options(enum) -> list[tuple[str, str]]:
    return [(str(v).replace("_", " "), str(v)) for v in enum]


def _title(verb: str, account_name: str) -> Text:
    text = Text(f"{verb} · ", style="bold")
    text.append(printable(account_name, single_line=True), style="bold")
    return text


class Form(ModalScreen):
    """Escape cancels, ctrl+s saves; a message line says what is wrong.

    ctrl+s reaches the form through the focused field (no field takes it), so the keys typed or
    pasted just before it are in the field when the form saves: a priority binding acted on
    it first and saved what the field had taken in so far (an empty note, a cut-off path)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    # The field focused as the form opens (a selector; None: Textual's choice). A class
    # attribute, not an on_mount of each form: Textual runs every class's on_mount.
    focus_first: str | None = None

    def on_mount(self) -> None:
        if self.focus_first:
            self.query_one(self.focus_first).focus()

    @on(Input.Submitted)
    def submitted(self) -> None:
        """Enter in any field saves: the field's own submit, so the keys typed or pasted
        just before it are in the field (a binding on the form acted on Enter first)."""
        self.action_save()

    # Set by the flow that opened the form (`flows.keep_open`): the form stays open until its
    # write is done, and a write that fails (the book locked, a constraint) is said on the
    # form's problem line with everything typed still there (issue 24).
    saving = None
    # A save under way (set by `submit`): Enter, Enter, ctrl+s while it runs save nothing more;
    # cleared when the save fails (`save_failed`), the form staying open.
    pending = False

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        """What ctrl+s and Enter save; a screen with nothing to save (a question, lines to
        read, a record to look at) takes ctrl+s as nothing (it raised, and the app crashed)."""

    def submit(self, entry) -> None:
        """The form's answer: saved while the form stays open (`saving`), else returned.
        Once only: a second answer while the first is being saved is dropped."""
        if self.pending:
            return
        self.pending = True
        if self.saving is None:
            self.dismiss(entry)
            return
        self.problem("Saving…")
        try:
            self.saving(entry)
        except BaseException:  # the save did not start: the form may answer again
            self.pending = False
            raise

    def save_failed(self, exc: BaseException) -> None:
        self.pending = False  # ctrl+s tries again
        reason = str(exc) or type(exc).__name__
        if is_locked(exc):
            reason = "the book is locked by another program"
        again = "" if isinstance(exc, WorkError) else "ctrl+s tries again, "  # refused input
        self.problem(f"Not saved: {printable(reason, single_line=True)[:200]}. What you typed "
                     f"is still here: {again}Escape discards it.")

    def problem(self, message: str) -> None:
        self.query_one("#form-problem", Label).update(Text(message, style="bold red"))


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())


class EnterSavesSelect(CompactSelect):
    """A Select on which Enter saves the form (down or space opens the list)."""

    BINDINGS = [Binding("enter", "screen.save", "Save", show=False),
                Binding("down,space,up", "show_overlay", "Show menu", show=False)]


class FlagList(SelectionList[str]):
    """The flags, each marked [x] or [ ] in words, not colour only; space ticks, Enter saves
    the form (it used to untick the flag and save nothing)."""

    BINDINGS = [Binding("enter", "screen.save", "Save", show=False)]

    def __init__(self, ticked: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(*((self.prompt(v, v in ticked), v, v in ticked)
                           for _, v in _options(Flag)), **kwargs)

    @staticmethod
    def prompt(flag: str, ticked: bool) -> Content:
        # Content, not a str: as markup, "[x]" would be a tag and vanish once ticked.
        return Content(f"[{'x' if ticked else ' '}] {flag.replace('_', ' ')}")

    @on(SelectionList.SelectionToggled)
    def _marked(self, event: SelectionList.SelectionToggled) -> None:
        value = event.selection.value
        self.replace_option_prompt_at_index(event.selection_index,
                                            self.prompt(value, value in self.selected))


@dataclass(frozen=True)
class TouchpointEntry:
    """What the touchpoint form gives: the touchpoint and the next step it sets (a task,
    created in the same transaction: docs/workflow.md)."""

    touchpoint: Touchpoint
    next_step: str | None = None
    next_due: dt.date | None = None


class TouchpointForm(Form):
    """Kind, status, date (today), summary, who was met, flags, and a next step; Enter saves
    from every field. `prefill`: the response a Today item asks for (docs/workflow.md)."""

    focus_first = "#summary"

    def __init__(self, account_id: str, account_name: str, today: dt.date,
                 prefill: Touchpoint | None = None) -> None:
        super().__init__()
        self.account_id = account_id
        self.account_name = account_name
        self.today = today
        self.prefill = prefill

    def compose(self) -> ComposeResult:
        p = self.prefill
        with Vertical(classes="form", id="touchpoint-form"):
            yield Static(_title("Log a touchpoint", self.account_name), classes="form-title")
            with Grid(classes="form-grid"):
                yield Label("Kind")
                yield EnterSavesSelect(_options(TouchpointKind),
                                       value=str(p.kind) if p else "check_in",
                                       allow_blank=False, id="kind")
                yield Label("Status")
                yield EnterSavesSelect(_options(TouchpointStatus),
                                       value=str(p.status) if p else "completed",
                                       allow_blank=False, id="status")
                yield Label("Date")
                yield CompactInput((p.date if p else self.today).isoformat(), id="date")
                yield Label("Summary")
                yield CompactInput((p.summary or "") if p else "",
                                   placeholder="what happened (optional)", id="summary")
                yield Label("With")
                yield CompactInput(", ".join(p.contacts) if p else "", id="with",
                                   placeholder="who was met: e-mails or names, commas between")
                yield Label("Next step")
                yield CompactInput(placeholder="a follow-up task (optional)", id="next-step")
                yield Label("Next due")
                yield CompactInput(placeholder="YYYY-MM-DD (optional)", id="next-due")
            yield Label("Flags (space ticks)")
            yield FlagList(tuple(p.flags) if p else (), id="flags")
            yield Label("", id="form-problem")
            yield Static("Enter saves · ctrl+s saves · Tab moves · Escape cancels",
                         classes="form-help")

    def action_save(self) -> None:
        try:
            day = parse_iso_day(self.query_one("#date", Input).value.strip(), "date")
            due_text = self.query_one("#next-due", Input).value.strip()
            next_due = parse_iso_day(due_text, "next due") if due_text else None
        except ValueError as exc:
            self.problem(str(exc))
            return
        step = self.query_one("#next-step", Input).value.strip() or None
        refused = task_refusal(step or "", next_due, self.today) if step or next_due else {}
        if refused:  # the next step is a task: refused as one
            self.problem("next step: " + "; ".join(refused.values()))
            return
        met = tuple(w.strip() for w in self.query_one("#with", Input).value.split(",")
                    if w.strip())
        try:
            touchpoint = Touchpoint(
                account_id=self.account_id, date=day,
                kind=self.query_one("#kind", Select).value,
                status=self.query_one("#status", Select).value,
                summary=self.query_one("#summary", Input).value.strip() or None,
                flags=tuple(self.query_one("#flags", SelectionList).selected),
                contacts=met, responds_to=self.prefill.responds_to if self.prefill else None)
        except ValidationError as exc:
            self.problem(_problems(exc))
            return
        try:
            refuse_future_completed(touchpoint, self.today)  # as the save would refuse it
        except WorkError as exc:
            self.problem(str(exc))
            return
        self.submit(TouchpointEntry(touchpoint, step, next_due))


class NoteForm(Form):
    """A multi-line note; ctrl+s saves. Escape on a non-empty note asks once more."""

    focus_first = "#note-text"

    def __init__(self, account_id: str, account_name: str) -> None:
        super().__init__()
        self.account_id = account_id
        self.account_name = account_name
        self._confirm_discard = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="form", id="note-form"):
            yield Static(_title("Add a note", self.account_name), classes="form-title")
            yield TextArea(id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Label("", id="form-problem")
            yield Static("ctrl+s saves · Escape cancels", classes="form-help")

    @property
    def text(self) -> str:
        return self.query_one("#note-text", TextArea).text

    def action_cancel(self) -> None:
        if self.text.strip() and not self._confirm_discard:
            self._confirm_discard = True
            self.problem("The note is not saved: ctrl+s saves it, Escape again discards it.")
            return
        self.dismiss(None)

    def action_save(self) -> None:
        if not self.text.strip():
            self.problem("The note is empty.")
            return
        self.submit(self.text)


@dataclass(frozen=True)
class ContactEdit:
    contact: Contact
    rowid: int | None


class ContactForm(Form):
    focus_first = "#name"

    def __init__(self, account_id: str, account_name: str, contact: Contact | None = None,
                 rowid: int | None = None) -> None:
        super().__init__()
        self.account_id = account_id
        self.account_name = account_name
        self.contact = contact
        self.rowid = rowid
        self._shown: dict[str, tuple[str, str]] = {}

    def shown(self, wid: str, stored: str | None) -> str:
        """A field's book text as the input shows it: control characters visibly escaped,
        never sent to the terminal (issue 24); kept to tell an untouched field on save."""
        text = printable(stored or "", single_line=True)
        self._shown[wid] = (text, stored or "")
        return text

    def compose(self) -> ComposeResult:
        c = self.contact
        verb = "Edit a stakeholder" if c else "Add a stakeholder"
        with Vertical(classes="form", id="contact-form"):
            yield Static(_title(verb, self.account_name), classes="form-title")
            with Grid(classes="form-grid"):
                yield Label("Name")
                yield CompactInput(self.shown("#name", c.name if c else ""), id="name")
                yield Label("Title")
                yield CompactInput(self.shown("#title", c.title if c else ""), id="title")
                yield Label("Email")
                yield CompactInput(self.shown("#email", c.email if c else ""), id="email")
                yield Label("Role")
                yield CompactSelect(_options(Role), value=str(c.role) if c else "champion",
                             allow_blank=False, id="role")
                yield Label("Status")
                yield CompactSelect(_options(ContactStatus), value=str(c.status) if c else "active",
                             allow_blank=False, id="status")
                yield Label("Sentiment")
                yield CompactSelect(_options(Sentiment), value=str(c.sentiment) if c and c.sentiment
                             else Select.NULL, id="sentiment")
                yield Label("Success means")
                yield CompactInput(self.shown("#success", c.success_definition if c else ""),
                                   placeholder="their definition of success", id="success")
                yield Label("Influence")
                yield CompactSelect(_options(Influence), value=str(c.influence)
                                    if c and c.influence else Select.NULL, id="influence")
                yield Label("Reports to")
                yield CompactInput(self.shown("#reports-to", c.reports_to if c else ""),
                                   placeholder="their manager's e-mail (the map's lines)",
                                   id="reports-to")
            yield Label("", id="form-problem")
            yield Static("Enter or ctrl+s saves · Tab moves · Escape cancels",
                         classes="form-help")

    def on_mount(self) -> None:
        self.query_one(".form-grid", Grid).styles.grid_gutter_horizontal = 0  # 9 fields, 24 rows

    def action_save(self) -> None:
        def value(wid: str) -> str | None:
            typed = self.query_one(wid, Input).value
            shown, stored = self._shown.get(wid, (None, None))
            if typed == shown:  # untouched: the stored text, not its escaped view
                return stored or None
            return typed.strip() or None

        sentiment = self.query_one("#sentiment", Select).value
        influence = self.query_one("#influence", Select).value
        status = self.query_one("#status", Select).value
        departed_on = None
        if status == "departed":
            departed_on = (self.contact.departed_on if self.contact and self.contact.departed_on
                           else self.app.as_of)
        try:
            contact = Contact(
                account_id=self.account_id, name=value("#name") or "",
                title=value("#title"), email=value("#email"),
                contact_id=self.contact.contact_id if self.contact else None,
                role=self.query_one("#role", Select).value, status=status,
                departed_on=departed_on,
                sentiment=None if sentiment is Select.NULL else sentiment,
                success_definition=value("#success"), reports_to=value("#reports-to"),
                influence=None if influence is Select.NULL else influence)
        except ValidationError as exc:
            self.problem(_problems(exc).replace("name: String should have at least 1 character",
                                                "a name is needed"))
            return
        self.submit(ContactEdit(contact, self.rowid))


@dataclass(frozen=True)
class RenewalEntry:
    outcome: Outcome
    day: dt.date
    new_arr: float | None
    reason: str | None
    preventable: bool | None
    competitor: str | None


class RenewalForm(Form):
    """§9: renewed/expanded/contracted (new ARR) or churned (reason, preventable, competitor)."""

    focus_first = "#outcome"

    def __init__(self, account_id: str, account_name: str, arr: float,
                 today: dt.date) -> None:
        super().__init__()
        self.account_id = account_id
        self.account_name = account_name
        self.arr = arr
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(classes="form", id="renewal-form"):
            yield Static(_title("Log a renewal outcome", self.account_name), classes="form-title")
            with Grid(classes="form-grid"):
                yield Label("Outcome")
                # No default (issue 19): Enter must not log a renewal nobody chose.
                yield CompactSelect(_options(Outcome), prompt="choose the outcome",
                                    allow_blank=True, id="outcome")
                yield Label("Date")
                yield CompactInput(self.today.isoformat(), id="date")
                yield Label("New ARR", id="new-arr-label")
                yield CompactInput(f"{self.arr:.0f}", id="new-arr")
                yield Label("Reason")
                yield CompactInput(placeholder="why (churned)", id="reason")
                yield Label("Preventable")
                yield CompactSelect([("yes", "yes"), ("no", "no")], id="preventable")
                yield Label("Competitor")
                yield CompactInput(placeholder="who won (churned)", id="competitor")
            yield Label("", id="form-problem")
            yield Static(f"ARR before: {self.arr:,.0f} · Enter or ctrl+s saves · "
                         "Escape cancels", classes="form-help")

    @on(Select.Changed, "#outcome")
    def outcome_chosen(self, event: Select.Changed) -> None:
        """Churned has no new ARR: its field is hidden."""
        churned = event.value == Outcome.churned.value
        for wid in ("#new-arr-label", "#new-arr"):
            self.query_one(wid).display = not churned

    def action_save(self) -> None:
        chosen = self.query_one("#outcome", Select).value
        if chosen is Select.BLANK or chosen is Select.NULL:
            self.problem("choose the outcome: renewed, expanded, contracted or churned")
            self.query_one("#outcome", Select).focus()
            return
        outcome = Outcome(chosen)
        try:
            day = parse_iso_day(self.query_one("#date", Input).value.strip(), "date")
        except ValueError as exc:
            self.problem(str(exc))
            return
        new_arr = None
        if outcome != Outcome.churned:
            raw = self.query_one("#new-arr", Input).value.strip().replace(",", "").lstrip("$")
            try:
                new_arr = float(raw)
            except ValueError:
                self.problem(f"new ARR: {raw!r} is not an amount")
                return
            if not math.isfinite(new_arr):  # inf, 1e400, nan (issue 24)
                self.problem(f"new ARR: {raw!r} is not an amount")
                return
            if new_arr < 0:
                self.problem("new ARR cannot be negative")
                return
            if new_arr > MAX_MONEY:
                self.problem(f"new ARR: {raw!r} is over {MAX_MONEY:,.0f}")
                return
        preventable = self.query_one("#preventable", Select).value
        text = lambda wid: self.query_one(wid, Input).value.strip() or None  # noqa: E731
        self.submit(RenewalEntry(
            outcome=outcome, day=day, new_arr=new_arr, reason=text("#reason"),
            preventable=None if preventable is Select.NULL else preventable == "yes",
            competitor=text("#competitor")))


class ConfirmForm(Form):
    """A yes/no question: y or Enter confirms."""

    BINDINGS = [Binding("y,enter", "yes", "Yes"), Binding("n,escape", "cancel", "No")]

    def __init__(self, question: Text) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="form confirm"):
            yield Static(self.question)
            with Horizontal():
                yield Static("y / Enter: yes    n / Escape: no", classes="form-help")

    def action_yes(self) -> None:
        self.dismiss(True)


class ImportForm(Form):
    """A file or folder to import (CSV files named by table, or a JSON book); Enter imports.

    Enter is the field's own submit, as in the other forms: a binding on the screen would act
    on the key before the field had taken in the keys typed or pasted just before it."""

    focus_first = "#import-path"

    def compose(self) -> ComposeResult:
        with Vertical(classes="form", id="import-form"):
            yield Static("Import into this book", classes="form-title")
            yield CompactInput(placeholder="CSV files (a file or folder), a JSON book, or "
                                           "calendar/mail: .ics, .eml, .mbox", id="import-path")
            yield Label("", id="form-problem")
            yield Static("Enter imports (all or nothing) · Escape cancels", classes="form-help")

    def action_save(self) -> None:
        path = self.query_one("#import-path", Input).value.strip()
        if not path:
            self.problem("Give a file or a folder.")
            return
        self.dismiss(path)


class MessageScreen(Form):
    """Lines to read (an import report, every refused row); Enter or Escape closes."""

    BINDINGS = [Binding("enter,escape", "cancel", "Close")]

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical(classes="form", id="message"):
            yield Static(Text(self.title_text, style="bold"), classes="form-title")
            with VerticalScroll(id="message-lines"):
                yield Static(Text(printable("\n".join(self.lines))))
            yield Static("Enter or Escape closes", classes="form-help")
