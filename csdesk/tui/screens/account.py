"""Account (Enter on any list): the header and the tabs Overview, Stakeholders, Onboarding,
Success plan and Timeline. Every change is saved at once and the account is re-assessed."""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Sparkline, Static, TabbedContent, TabPane

from csdesk.core.config import DIMENSIONS
from csdesk.core.models import (
    ChecklistItem,
    ContactStatus,
    Goal,
    MilestoneStatus,
    Role,
)
from csdesk.tui.book_view import (
    AccountDetail,
    ContactLine,
    TimelineEntry,
    money,
    renewal_words,
    stakeholder_warnings,
)
from csdesk.tui.widgets.chrome import TitleBar, WorkStatus
from csdesk.tui.widgets.look import (
    band_badge,
    due_text,
    level_text,
    plain,
    tick,
)
from csdesk.tui.widgets.row_table import Column, RowTable

TABS = ("overview", "stakeholders", "onboarding", "plan", "timeline")
ROLE_ORDER = [Role.economic_buyer, Role.champion, Role.executive_sponsor, Role.executive,
              Role.user, Role.skeptic, Role.other]
GOAL_STYLE = {"achieved": "green", "on_track": "green", "not_started": "",
              "at_risk": "yellow", "missed": "red"}
LAGGING_FLAGS = {"complaint", "data_export_request", "termination_inquiry"}
GATES = [
    ("green_60_days", "green for 60 consecutive days"),
    ("goal_with_roi", "a success-plan goal achieved, with an ROI note"),
    ("champion_engaged", "an active champion and a completed touchpoint in the last 30 days"),
    ("renewal_not_within_60_days", "renewal not within 60 days"),
]


@dataclass(frozen=True)
class MilestoneLine:
    """A row of the Onboarding tab: a milestone heading, or one of its checklist items."""

    milestone: MilestoneStatus
    item: ChecklistItem | None = None


def header_text(detail: AccountDetail) -> Text:
    a = detail.assessment
    health = a.health
    text = Text()
    text.append(" ")
    text.append_text(plain(a.account.name, style="bold"))
    text.append(f"   {str(a.tier).replace('_', '-')} · {money(a.account.arr)} ARR   ")
    text.append_text(band_badge(health.band if health else "unknown",
                                health.score if health else None))
    if health is not None:
        text.append(f"  coverage {health.coverage:.0%}", style="dim")
    # Two lines, so a long name never splits the renewal date from its countdown.
    text.append(f"\n phase: {a.phase}   ")
    days = a.days_to_renewal
    text.append(renewal_words(days, a.account.renewal_date),
                style="bold red" if 0 <= days <= 30 else ("yellow" if 0 <= days <= 90 else ""))
    if a.reference_candidate:
        text.append("   ★ reference candidate", style="green")
    return text


def dimensions_text(detail: AccountDetail) -> Text:
    health = detail.assessment.health
    text = Text()
    text.append("Health by dimension", style="bold")
    text.append("   weight · sub-score\n", style="dim")
    if health is None:
        text.append("Not scored: the contract has not started, or the account churned.\n",
                    style="dim")
        return text
    for name in DIMENSIONS:
        weight = health.weights.get(name, 0)
        value = health.dimensions.get(name)
        text.append(f"{name:<13}{weight:>3}%  ")
        if value is None:
            text.append("·" * 20, style="dim")
            text.append(" N/A (no data)\n", style="dim")  # one line in half of 120 columns
            continue
        filled = round(value / 5)
        style = "red" if value < 50 else ("yellow" if value < 75 else "green")
        text.append("█" * filled, style=style)
        text.append("░" * (20 - filled), style="dim")
        text.append(f" {value:>3}\n", style="bold")
    text.append(f"composite {health.score if health.score is not None else '—'} "
                f"on {health.coverage:.0%} of the weight"
                + ("  (under 50%: not enough data to score)" if health.score is None else "")
                + "\n")
    return text


def action_text(detail: AccountDetail) -> Text:
    a = detail.assessment
    text = Text()
    text.append("Mandatory action for the band\n", style="bold")
    if a.action is None:
        text.append("none\n", style="dim")
    else:
        text.append_text(plain(a.action.text))
        if a.action.due:
            text.append("  ")
            text.append_text(due_text(a.action.due, a.as_of))
            text.append(f" ({a.action.due.isoformat()})", style="dim")
        text.append("\n")
    return text


def alerts_text(detail: AccountDetail) -> Text:
    a = detail.assessment
    text = Text()
    text.append(f"Alerts ({len(a.alerts)})\n", style="bold")
    if not a.alerts:
        text.append("none\n", style="dim")
    for alert in a.alerts:
        text.append_text(level_text(alert.level))
        text.append(" ")
        text.append_text(plain(alert.title))
        text.append(" → ")
        text.append_text(plain(alert.response))
        text.append("  ")
        text.append_text(due_text(alert.due, a.as_of, alert.overdue))
        text.append("\n")
    return text


def signals_text(detail: AccountDetail) -> Text:
    signals = detail.assessment.signals
    text = Text()
    text.append("Signals\n", style="bold")
    any_signal = False
    for label, items, style in (("churn, leading", signals.leading, "yellow"),
                                ("churn, lagging", signals.lagging, "red"),
                                ("expansion", signals.expansion, "green")):
        for item in items:
            any_signal = True
            text.append(f"{label}: ", style=style)
            text.append_text(plain(item))
            text.append("\n")
    if not any_signal:
        text.append("none\n", style="dim")
    return text


def gates_text(detail: AccountDetail) -> Text:
    gates = detail.assessment.expansion_gates
    text = Text()
    text.append("Expansion gate ", style="bold")
    text.append("qualified\n" if gates.qualified else "not qualified\n",
                style="green" if gates.qualified else "dim")
    for key, words in GATES:
        ok = getattr(gates, key)
        text.append("[x] " if ok else "[ ] ", style="green" if ok else "red")
        text.append(words + "\n", style="" if ok else "dim")
    return text


def trend_caption(detail: AccountDetail) -> Text:
    scored = [s for s in detail.trend if s.score is not None]
    if len(scored) < 2:
        return Text("90-day trend: only today's score so far", style="dim")
    scores = [s.score for s in scored]
    # One line in the panel at 120 columns (a wrapped "high" was cut off by the sparkline).
    return Text(f"90 days: {scores[0]} on {scored[0].date:%b %d} → {scores[-1]} today"
                f" · low {min(scores)}, high {max(scores)}")


class AccountScreen(Screen):
    """One account. `account_id` is fixed; the detail is (re)loaded in a worker."""

    BINDINGS = [
        Binding("escape", "app.back", "Back"),
        Binding("left_square_bracket", "tab(-1)", "Prev tab", show=False),
        Binding("right_square_bracket", "tab(1)", "Tab"),
        Binding("a", "add_contact", "Add"),
        Binding("enter", "edit_contact", "Edit", show=False),
        Binding("d", "depart", "Departed"),
        Binding("space", "toggle", "Toggle"),
    ]

    def __init__(self, account_id: str) -> None:
        super().__init__()
        self.account_id = account_id
        self.detail: AccountDetail | None = None
        self._read_at = float("-inf")  # when the read of the page shown began (`read`)

    def compose(self) -> ComposeResult:
        yield TitleBar("Account")
        yield Static("Loading…", id="account-header", classes="topline")
        with TabbedContent(id="account-tabs", initial="overview"):
            with TabPane("Overview", id="overview"):
                with Horizontal(id="overview-columns"):
                    with VerticalScroll(id="overview-left"):
                        yield Static("", id="dimensions", classes="panel")
                        with Vertical(id="trend-box", classes="panel"):
                            yield Label("", id="trend-caption")
                            yield Sparkline([], id="trend")
                        yield Static("", id="action", classes="panel")
                    with VerticalScroll(id="overview-right"):
                        yield Static("", id="alerts", classes="panel")
                        yield Static("", id="signals", classes="panel")
                        yield Static("", id="gates", classes="panel")
            with TabPane("Stakeholders", id="stakeholders"):
                yield Static("", id="stake-warnings")
                yield RowTable(
                    [Column("Role", 18), Column("Name", 0, min_width=18), Column("Title", 20),
                     Column("Status", 9), Column("Sentiment", 9), Column("Last contact", 12),
                     Column("Definition of success", 0, min_width=20)],
                    self._contact_cells, key=lambda c: c.rowid, id="contacts",
                    empty_text="No stakeholders mapped. Press a to add one.")
            with TabPane("Onboarding", id="onboarding"):
                yield Static("", id="ttfv")
                yield RowTable(
                    [Column("Milestone / checklist", 0, min_width=30, ratio=3),
                     Column("Status", 8), Column("Due", 30), Column("Data", 0, min_width=16)],
                    self._milestone_cells, key=_milestone_key, id="milestones",
                    empty_text="No onboarding milestones: the account is past onboarding.")
            with TabPane("Success plan", id="plan"):
                yield Static("", id="plan-note")
                yield RowTable(
                    [Column("Goal", 0, min_width=24), Column("Status", 12), Column("Target", 10),
                     Column("ROI note", 0, min_width=20)],
                    self._goal_cells, key=lambda g: g.goal, id="goals",
                    empty_text="No success-plan goals yet.")
            with TabPane("Timeline", id="timeline"):
                yield RowTable(
                    [Column("When", 16), Column("Kind", 11), Column("Status", 9),
                     Column("Summary / note", 0, min_width=30), Column("Flags", 28)],
                    self._timeline_cells, key=id, id="timeline-table",
                    empty_text="No touchpoints or notes yet. t logs one, n adds a note.")
        yield WorkStatus()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        if self.detail is not None:
            self.load()

    @work(thread=True, exclusive=True, group="account-detail")
    def load(self) -> None:
        started = time.monotonic()
        try:
            detail = self.app.workbench.detail(self.account_id)
        except Exception as exc:
            self.app.call_from_thread(self.notify, f"Could not open the account: {exc}",
                                      severity="error")
            return
        self.app.call_from_thread(self.read, detail, started)

    def read(self, detail: AccountDetail, started: float) -> None:
        """Show a page whose read began at `started` (monotonic), unless a page read later
        is shown already, or the screen was closed meanwhile.

        The page is read on the workbench's second connection, which does not wait for a
        save: back from the touchpoint form, the screen reads its page again while the save
        writes, and that read may come back after the save's own page (read after the
        write). And 1-4 resume a list's account screen (which reads its page again) and pop
        it at once."""
        if self.is_running and started >= self._read_at:
            self._read_at = started
            self.show_detail(detail)

    # --- rendering ----------------------------------------------------------------------------

    def show_detail(self, detail: AccountDetail) -> None:
        self.detail = detail
        self.query_one(TitleBar).update_title(f"Account · {detail.name}")
        self.query_one("#account-header", Static).update(header_text(detail))
        self.query_one("#dimensions", Static).update(dimensions_text(detail))
        self.query_one("#trend-caption", Label).update(trend_caption(detail))
        points = [s.score for s in detail.trend if s.score is not None]
        sparkline = self.query_one("#trend", Sparkline)
        sparkline.data = points
        sparkline.display = len(points) >= 2
        self.query_one("#action", Static).update(action_text(detail))
        self.query_one("#alerts", Static).update(alerts_text(detail))
        self.query_one("#signals", Static).update(signals_text(detail))
        self.query_one("#gates", Static).update(gates_text(detail))

        warnings = stakeholder_warnings([c.contact for c in detail.contacts])
        warn = Text()
        for w in warnings:
            warn.append(" ⚠ ", style="bold yellow")
            warn.append_text(plain(w, style="bold yellow"))
            warn.append("\n")
        warn.append(" a adds a stakeholder · Enter edits · d marks departed", style="dim")
        self.query_one("#stake-warnings", Static).update(warn)
        order = {role: i for i, role in enumerate(ROLE_ORDER)}
        contacts = sorted(detail.contacts, key=lambda c: (order.get(Role(c.contact.role), 99),
                                                          c.contact.status != "active",
                                                          c.contact.name.casefold()))
        self.query_one("#contacts", RowTable).set_rows(contacts)

        a = detail.assessment
        lines = [MilestoneLine(m, item) for m in a.milestones for item in (None, *m.items)]
        ttfv = Text(" ")
        if a.time_to_first_value_days is not None:
            ttfv.append(f"Time to first value: {a.time_to_first_value_days} days "
                        "(contract start to M2 done)", style="bold")
        elif a.milestones:
            ttfv.append("Time to first value: not yet (M2 First value is open)", style="dim")
        ttfv.append("   space ticks an item; auto items follow usage data", style="dim")
        self.query_one("#ttfv", Static).update(ttfv)
        self.query_one("#milestones", RowTable).set_rows(lines)

        self.query_one("#plan-note", Static).update(Text(
            " space cycles the status: not started → on track → at risk → achieved → missed",
            style="dim"))
        self.query_one("#goals", RowTable).set_rows(list(detail.data.goals))
        self.query_one("#timeline-table", RowTable).set_rows(detail.timeline)
        self.refresh_bindings()

    def _contact_cells(self, line: ContactLine) -> list[Text]:
        c = line.contact
        departed = c.status == ContactStatus.departed
        status = Text("departed", style="bold red") if departed else Text("active")
        if departed and c.departed_on:
            status = Text(f"left {c.departed_on:%m-%d}", style="bold red")
        sentiment = {"positive": Text("positive", style="green"),
                     "negative": Text("negative", style="red")}.get(
            str(c.sentiment) if c.sentiment else "", Text(str(c.sentiment or "—")))
        return [Text(str(c.role).replace("_", " ")), plain(c.name, style="bold"),
                plain(c.title or ""), status, sentiment,
                Text(line.last_contact.isoformat() if line.last_contact else "—"),
                plain(c.success_definition or "")]

    def _milestone_cells(self, line: MilestoneLine) -> list[Text]:
        m, item = line.milestone, line.item
        as_of = self.detail.assessment.as_of if self.detail else None
        if item is None:
            if m.done:
                status = Text("done", style="green")
                due = Text(f"done {m.done_on.isoformat()}" if m.done_on else "done")
            elif m.overdue:
                status = Text("OVERDUE", style="bold red")
                due = Text(f"{m.due.isoformat()} (", style="red")
                due.append_text(due_text(m.due, as_of, True))
                due.append(")", style="red")
            else:
                status = Text("open")
                due = Text(f"{m.due.isoformat()} (")
                due.append_text(due_text(m.due, as_of))
                due.append(")")
            window = f"days {m.window[0]}–{m.window[1]}"
            return [Text(m.name, style="bold"), status, due, Text(window, style="dim")]
        mark = Text(f"  {tick(item.done)} ", style="green" if item.done else "")
        mark.append_text(plain(item.text))
        return [mark, Text("auto" if item.auto else ("done" if item.done else ""),
                           style="dim" if item.auto else "green"),
                Text(f"done {item.done_on.isoformat()}" if item.done_on else ""),
                plain(item.detail or "")]

    def _goal_cells(self, goal: Goal) -> list[Text]:
        status = str(goal.status)
        return [plain(goal.goal, style="bold"),
                Text(status.replace("_", " "), style=GOAL_STYLE.get(status, "")),
                Text(goal.target_date.isoformat() if goal.target_date else "—"),
                plain(goal.roi_note or "")]

    def _timeline_cells(self, entry: TimelineEntry) -> list[Text]:
        flags = Text()
        for i, flag in enumerate(entry.flags):
            if i:
                flags.append(", ")
            flags.append(flag, style="bold red" if flag in LAGGING_FLAGS else "green")
        kind = Text(entry.kind, style="italic cyan" if entry.kind == "note" else "")
        status = Text(entry.status, style="red" if entry.status == "missed" else "")
        return [Text(entry.when), kind, status, plain(entry.text), flags]

    # --- keys ---------------------------------------------------------------------------------

    @property
    def active_tab(self) -> str:
        return self.query_one("#account-tabs", TabbedContent).active

    def check_action(self, action: str, parameters) -> bool | None:
        tab = self.active_tab
        if action in ("add_contact", "edit_contact", "depart"):
            return tab == "stakeholders"
        if action == "toggle":
            return tab in ("onboarding", "plan")
        return True

    @on(TabbedContent.TabActivated, "#account-tabs")
    def tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()
        tables = event.pane.query(RowTable)
        if tables:
            tables.first().focus()

    def action_tab(self, step: int) -> None:
        tabs = self.query_one("#account-tabs", TabbedContent)
        index = (TABS.index(tabs.active) + step) % len(TABS)
        tabs.active = TABS[index]

    def selected_account_id(self) -> str | None:
        return self.account_id

    def _highlighted(self, table_id: str):
        return self.query_one(table_id, RowTable).highlighted

    def action_add_contact(self) -> None:
        self.app.edit_contact(self.account_id, None)

    def action_edit_contact(self) -> None:
        line = self._highlighted("#contacts")
        if line is not None:
            self.app.edit_contact(self.account_id, line)

    @on(RowTable.Selected, "#contacts")
    def contact_chosen(self, event: RowTable.Selected) -> None:
        self.app.edit_contact(self.account_id, event.row)

    def action_depart(self) -> None:
        line = self._highlighted("#contacts")
        if line is None:
            return
        if line.contact.status == ContactStatus.departed:
            self.notify("Already marked departed.")
            return
        self.app.mark_departed(self.account_id, line)

    def action_toggle(self) -> None:
        if self.active_tab == "onboarding":
            line = self._highlighted("#milestones")
            if line is None or line.item is None:
                self.notify("Choose a checklist item (j/k), then space.")
                return
            if line.item.auto:
                self.notify("This item follows the usage data; it ticks itself.")
                return
            self.app.toggle_checklist_item(self.account_id, line.milestone.milestone,
                                           line.item.key, not line.item.done)
        elif self.active_tab == "plan":
            goal = self._highlighted("#goals")
            if goal is not None:
                self.app.cycle_goal(self.account_id, goal.goal, goal.status)


def _milestone_key(line: MilestoneLine):
    return (str(line.milestone.milestone), line.item.key if line.item else "")
