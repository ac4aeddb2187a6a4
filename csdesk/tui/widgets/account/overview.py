"""The Overview tab: health by dimension, the 90-day trend and the band's mandatory action on
the left; alerts, signals and the expansion gate on the right."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, Sparkline, Static

from csdesk.core.config import DIMENSIONS, Bands
from csdesk.core.expansion import GATE_TEXT
from csdesk.core.health import band_for
from csdesk.core.models import Band
from csdesk.tui.book_view import AccountDetail
from csdesk.tui.widgets.account.tab import AccountTab
from csdesk.tui.widgets.look import due_text, level_text, plain


BAND_STYLE = {Band.red: "red", Band.yellow: "yellow", Band.green: "green"}


def dimensions_text(detail: AccountDetail, bands: Bands) -> Text:
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
        style = BAND_STYLE[band_for(value, bands)]  # the core's bands (docs/rules.md §2)
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
        if a.action.done_on:  # docs/workflow.md: answered since the band began
            text.append(f"  done on {a.action.done_on}", style="green")
        elif a.action.due:
            text.append("  ")
            text.append_text(due_text(a.action.due, a.as_of, a.action.overdue))
            text.append(f" ({a.action.due.isoformat()})", style="dim")
        if a.action.due and a.action.since:
            text.append(f"\n{a.health.band if a.health else ''} since {a.action.since}",
                        style="dim")
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
    for key, words in GATE_TEXT.items():  # the core's words (docs/rules.md §6)
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


class OverviewTab(AccountTab):
    TITLE = "Overview"
    TAB_ID = "overview"

    def compose(self) -> ComposeResult:
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

    def render_detail(self, detail: AccountDetail) -> None:
        self.query_one("#dimensions", Static).update(
            dimensions_text(detail, self.app.workbench.rules.bands))
        self.query_one("#trend-caption", Label).update(trend_caption(detail))
        points = [s.score for s in detail.trend if s.score is not None]
        sparkline = self.query_one("#trend", Sparkline)
        sparkline.data = points
        sparkline.display = len(points) >= 2
        self.query_one("#action", Static).update(action_text(detail))
        self.query_one("#alerts", Static).update(alerts_text(detail))
        self.query_one("#signals", Static).update(signals_text(detail))
        self.query_one("#gates", Static).update(gates_text(detail))
