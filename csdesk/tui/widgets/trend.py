"""The Portfolio's charts over time, drawn with text (bars of block characters), each with its
numbers beside it: band mix and ARR by band per month, GRR and NRR per quarter, and how often
the forecast calls were right. Text bars rather than a plotting widget: they read at 80x24,
need no dependency, and every bar carries its number (docs/workflow.md §7)."""

from __future__ import annotations

from rich.text import Text

from csdesk.core.forecast import BandMix, ForecastAccuracy, QuarterRetention
from csdesk.core.models import Band
from csdesk.tui.widgets.look import BAND_STYLE

BANDS = (Band.green, Band.yellow, Band.red, Band.unknown)
BAR = 24  # the width of a month's bar
FILL = {Band.green: "█", Band.yellow: "█", Band.red: "█", Band.unknown: "░"}


def short_money(value: float) -> str:
    if value >= 999_500:
        return f"${value / 1_000_000:.1f}M"
    if value >= 1_000:
        return f"${value / 1_000:.0f}k"
    return f"${value:.0f}"


def split(values: list[float], width: int) -> list[int]:
    """`width` cells shared in proportion to `values` (largest remainder; all zero: none)."""
    total = sum(values)
    if total <= 0:
        return [0] * len(values)
    exact = [v * width / total for v in values]
    cells = [int(x) for x in exact]
    for i in sorted(range(len(values)), key=lambda i: exact[i] - cells[i],
                    reverse=True)[:width - sum(cells)]:
        cells[i] += 1
    return cells


def _bar(values: dict[str, float]) -> Text:
    text = Text()
    for band, cells in zip(BANDS, split([values[b.value] for b in BANDS], BAR)):
        text.append(FILL[band] * cells, style=BAND_STYLE[band])
    if not text.plain:
        text.append("·" * BAR, style="dim")
    return text


def band_mix_chart(months: list[BandMix]) -> Text:
    """Accounts per band and ARR per band, one line each per month."""
    text = Text()
    text.append("Band mix per month (last snapshot of each month; a month without one "
                "carries the last band)\n", style="bold")
    text.append(f"{'':<8}{'accounts':<{BAR}}  ", style="dim")
    for band in BANDS:
        text.append(f"{band.value[:3] if band != Band.unknown else '?':>4}",
                    style=BAND_STYLE[band])
    text.append("\n")
    for m in months:
        text.append(f"{m.month} ")
        if not any(m.count[b.value] for b in BANDS[:3]):
            text.append(f"{'no score history yet':<{BAR}}  ", style="dim")
        else:
            text.append_text(_bar({b: float(n) for b, n in m.count.items()}))
            text.append("  ")
        for band in BANDS:
            text.append(f"{m.count[band.value]:>4}", style=BAND_STYLE[band])
        text.append("\n")
    text.append(f"\n{'':<8}{'ARR':<{BAR}}  ", style="dim")
    for band in BANDS[:3]:
        text.append(f"{band.value:>8}", style=BAND_STYLE[band])
    text.append("\n")
    for m in months:
        text.append(f"{m.month} ")
        if not any(m.count[b.value] for b in BANDS[:3]):
            text.append(f"{'no score history yet':<{BAR}}  ", style="dim")
        else:
            text.append_text(_bar(m.arr))
            text.append("  ")
        for band in BANDS[:3]:
            text.append(f"{short_money(m.arr[band.value]):>8}", style=BAND_STYLE[band])
        text.append("\n")
    return text


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def retention_chart(quarters: list[QuarterRetention], grr_target: float, nrr_target: float,
                    accuracy: ForecastAccuracy | None = None) -> Text:
    """GRR and NRR per quarter as bars (full width = the larger of 120% and the best NRR)."""
    text = Text()
    text.append("Retention per quarter", style="bold")
    text.append(f"  (targets: GRR > {grr_target:.0%}, NRR > {nrr_target:.0%}; "
                "this quarter through today)\n", style="dim")
    scale = max([1.2, *(q.nrr for q in quarters if q.nrr is not None)])
    for q in quarters:
        for i, (label, value, target) in enumerate((("GRR", q.grr, grr_target),
                                                    ("NRR", q.nrr, nrr_target))):
            text.append(f"{q.quarter if not i else '':<8}{label} ")
            cells = 0 if value is None else round(BAR * value / scale)
            met = value is not None and value > target
            text.append("█" * cells, style="green" if met else "red")
            text.append(" " * (BAR - cells))
            text.append(f" {_rate(value):>7}", style="" if value is not None else "dim")
            text.append("\n")
    if accuracy is not None:
        text.append("\nForecast calls right", style="bold")
        text.append(f"  (over {accuracy.outcomes} renewal outcomes)\n", style="dim")
        for label, acc in (("your calls", accuracy.calls),
                           ("csdesk's suggestions", accuracy.suggestions)):
            text.append(f"{label:<22}")
            if acc.n:
                text.append(f"{_rate(acc.accuracy):>7}  {acc.right} of {acc.n}\n")
            else:
                text.append("no call settled yet\n", style="dim")
    return text
