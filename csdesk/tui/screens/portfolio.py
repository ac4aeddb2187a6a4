"""Portfolio (key 4): the §11 metrics beside their seed targets, bands, calibration (§12)."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Static

from csdesk.core.calibration import Calibration
from csdesk.core.brief import BANDS
from csdesk.tui.book_view import BookView, money
from csdesk.tui.screens.base import BookScreen
from csdesk.tui.widgets.alert_quality import AlertQualityPanel
from csdesk.tui.widgets.chrome import TitleBar, WorkStatus
from csdesk.tui.widgets.look import BAND_MARK, BAND_STYLE

# (metric key, label, target key in rules.targets, "above" or "below" the target is good)
METRICS = [
    ("grr", "Gross revenue retention (GRR)", "grr", "above"),
    ("nrr", "Net revenue retention (NRR)", "nrr", "above"),
    ("logo_churn_rate", "Logo churn", "logo_churn_rate", "below"),
    ("renewal_rate", "Renewal rate", "renewal_rate", "above"),
    ("nps", "NPS", None, None),
    ("median_time_to_first_value_days", "Median time to first value", None, None),
    ("review_completion_rate", "Business-review completion", None, None),
]


def as_dict(value: Any) -> dict:
    if value is None:
        return {}
    if hasattr(value, "model_dump"):
        return value.model_dump()
    if isinstance(value, dict):
        return value
    return dict(vars(value))


def shown(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key == "nps":
        return f"{value:+.0f}"
    if key.endswith("_days"):
        return f"{value:.0f} days"
    if isinstance(value, float):
        return f"{value:.1%}"
    return str(value)


def metrics_table(metrics: dict, targets: Any) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("Metric (last 12 months)")
    table.add_column("Value", justify="right")
    table.add_column("Seed target", justify="right")
    table.add_column("")
    for key, label, target_key, good in METRICS:
        if key not in metrics:
            continue
        value = metrics.get(key)
        target = getattr(targets, target_key, None) if target_key else None
        verdict = Text("")
        if target is not None and value is not None:
            met = value > target if good == "above" else value < target
            verdict = Text("✓ on target", style="green") if met else Text("✗ below target"
                                                                          if good == "above"
                                                                          else "✗ above target",
                                                                          style="red")
        target_text = "" if target is None else (
            f"{'>' if good == 'above' else '<'} {target:.0%}")
        table.add_row(label, shown(key, value), target_text, verdict)
    return table


def bands_text(book: BookView) -> Text:
    text = Text()
    text.append("Band distribution (today)\n", style="bold")
    text.append(f"{'':<{10 + BAR_WIDTH}}{'accounts':>11}{'ARR':>13}\n", style="dim")
    total = max(1, book.top.accounts)
    arr_total = book.top.total_arr or 1
    for band in BANDS:
        share = book.top.bands[band]
        bar = "█" * round(BAR_WIDTH * share.count / total)
        text.append(f"{BAND_MARK[band]} {band.value:<8}{bar:<{BAR_WIDTH}}", style=BAND_STYLE[band])
        text.append(f"{share.count:>6,}{share.count / total:>5.0%}"
                    f"{money(share.arr):>8}{share.arr / arr_total:>5.0%}\n")
    return text


BAR_WIDTH = 10  # the band bars; a panel is half of a 120-column screen


def calibration_text(calibration: Calibration, target: float) -> Text:
    result = calibration.result
    text = Text()
    text.append("Calibration (§12)\n", style="bold")
    text.append("Did red 80-100 days before a renewal predict churn?\n")
    if not result.n:
        text.append("No renewal outcomes with a score snapshot 80-100 days before yet.\n",
                    style="dim")
        return text
    text.append(f"{result.n:,} renewals scored then, of {calibration.outcomes_total:,} "
                "outcomes\n")
    if result.accuracy is not None:
        met = result.accuracy > target
        text.append(f"accuracy {result.accuracy:.0%} ")
        text.append(f"(seed target > {target:.0%}: {'met' if met else 'not met'})",
                    style="green" if met else "red")
        text.append("\n")
    for key in ("precision", "recall"):
        value = getattr(result, key)
        text.append(f"{key} {'—' if value is None else f'{value:.0%}'}   ")
    text.append(f"\n\n{'':<14}churned  stayed\n")
    text.append(f"{'red then':<14}{result.tp:>7,}  {result.fp:>6,}\n")
    text.append(f"{'not red':<14}{result.fn:>7,}  {result.tn:>6,}\n")
    text.append("\nTry other weights from a shell:\ncsdesk calibrate --weights usage=40,...",
                style="dim")
    return text


class TrendRead(Message):
    """The portfolio over time, drawn by the worker (csdesk.tui.widgets.trend)."""

    def __init__(self, bands: Text, retention: Text) -> None:
        super().__init__()
        self.bands = bands
        self.retention = retention


class PortfolioScreen(BookScreen):
    screen_title = "Portfolio"

    def compose(self) -> ComposeResult:
        yield TitleBar(self.screen_title)
        with VerticalScroll(id="portfolio"):
            yield Static("Loading the portfolio metrics…", id="metrics", classes="panel")
            with Horizontal(id="portfolio-row"):
                yield Static("", id="bands", classes="panel")
                yield Static("Calibration (§12)\nChecking the scores against the renewal "
                             "outcomes…", id="calibration", classes="panel")
            # The portfolio over time (issue 19): csdesk.tui.widgets.trend
            yield Static("Reading the score history…", id="band-trend", classes="panel")
            yield Static("", id="retention-trend", classes="panel")
            yield AlertQualityPanel("", id="alert-quality", classes="panel")  # issue 17
        yield WorkStatus()
        yield Footer(compact=True)

    def show_book(self, book: BookView) -> None:
        if book.empty:
            self.query_one("#metrics", Static).update("The book is empty: press 1, then d.")
            self.query_one("#calibration", Static).update("")
            return
        self.query_one("#bands", Static).update(bands_text(book))
        self.load_metrics()
        self.load_trend()
        self.query_one(AlertQualityPanel).load()

    @work(thread=True, exclusive=True, group="portfolio-trend")
    def load_trend(self) -> None:
        """The portfolio over time: band mix per month, GRR/NRR per quarter, forecast
        accuracy (csdesk.desk.forecast), each chart with its numbers."""
        from csdesk.tui.widgets.trend import band_mix_chart, retention_chart

        try:
            months, quarters, accuracy = self.app.workbench.trend()
        except Exception as exc:  # show, don't crash: the other panels still work
            self.post_message(TrendRead(Text(f"Could not read the trend: {exc}", style="red"),
                                        Text("")))
            return
        targets = self.app.workbench.rules.targets
        self.post_message(TrendRead(band_mix_chart(months),
                                    retention_chart(quarters, targets.grr, targets.nrr,
                                                    accuracy)))

    def on_trend_read(self, message: "TrendRead") -> None:
        self.query_one("#band-trend", Static).update(message.bands)
        self.query_one("#retention-trend", Static).update(message.retention)

    @work(thread=True, exclusive=True, group="portfolio")
    def load_metrics(self) -> None:
        app = self.app
        try:
            book = app.book
            metrics, calibration = app.workbench.portfolio(
                list(book.assessments.values()) if book is not None else None)
        except ImportError:
            app.call_from_thread(
                self._show, Text("Portfolio metrics come from the reviews service, "
                                 "which this build does not have yet.", style="dim"),
                Text("Calibration (§12) comes with the reviews service too.", style="dim"))
            return
        except Exception as exc:  # show, don't crash: the other screens still work
            app.call_from_thread(self._show, Text(f"Could not compute metrics: {exc}",
                                                  style="red"), Text(""))
            return
        targets = app.workbench.rules.targets
        app.call_from_thread(self._show, metrics_table(as_dict(metrics), targets),
                             calibration_text(calibration, targets.predictive_accuracy))

    def _show(self, metrics, calibration) -> None:
        self.query_one("#metrics", Static).update(metrics)
        self.query_one("#calibration", Static).update(calibration)
