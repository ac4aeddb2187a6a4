"""The renewal forecast and the portfolio's trend over the book (store + core), shared by the
CLI and the TUI (docs/workflow.md §7)."""

from __future__ import annotations

from dataclasses import dataclass

from csdesk.core.assess import assess
from csdesk.core.forecast import (
    BandMix,
    Call,
    ForecastAccuracy,
    ForecastCall,
    QuarterRetention,
    RenewalForecast,
    band_mix_by_month,
    forecast_accuracy,
    forecast_arr,
    renewal_forecast,
    renewal_order,
    retention_by_quarter,
    suggest_call,
)
from csdesk.core.models import Renewal
from csdesk.desk.desk import Desk
from csdesk.store import forecast as store
from csdesk.store import queries


@dataclass(frozen=True)
class Renewals:
    rows: list[RenewalForecast]  # overdue without an outcome first, then by date
    arr_by_call: dict[int, dict[str, float]]  # horizon days -> call -> ARR


def renewals(desk: Desk, days: int | None = None) -> Renewals:
    """Renewals within `days` (default `forecast.horizon_days`) and those past their date with
    no outcome, each with the CSM's call, csdesk's suggestion and why; forecast ARR by call for
    the configured horizons. One read of those accounts (set-based), scored with their signals;
    kept in the book while nothing changed (`Desk.kept_view`)."""
    return desk.kept_view(f"renewals:{days}", lambda: _renewals(desk, days))


def _renewals(desk: Desk, days: int | None) -> Renewals:
    rules = desk.rules
    horizon = rules.forecast.horizon_days if days is None else days
    ids = store.renewal_ids(desk.db, desk.as_of, max(horizon, *rules.forecast.arr_days))
    book = queries.load_book(desk.db, desk.as_of, account_ids=ids) if ids else []
    calls = store.load_calls(desk.db, ids)
    rows = renewal_order(renewal_forecast(assess(data, desk.as_of, rules), data, calls,
                                          desk.as_of, rules) for data in book)
    arr = forecast_arr(rows, rules.forecast.arr_days)
    return Renewals([r for r in rows if r.days_to_renewal <= horizon], arr)


def record_call(desk: Desk, account_id: str, call: Call | str, note: str = "") -> ForecastCall:
    """Record the CSM's call on the account's current renewal, with csdesk's suggestion today
    beside it (so the suggestions' accuracy can be told once the outcome is in)."""
    [data] = queries.load_book(desk.db, desk.as_of, account_ids=[account_id])
    suggestion = suggest_call(assess(data, desk.as_of, desk.rules), data, desk.as_of, desk.rules)
    made = ForecastCall(account_id=account_id, renewal_date=data.account.renewal_date,
                        call=Call(call), note=note, made_on=desk.as_of,
                        suggested=suggestion.call)
    store.record_call(desk.db, made)
    return made


def accuracy(desk: Desk) -> ForecastAccuracy:
    return forecast_accuracy(queries.load_renewals(desk.db),
                             store.load_calls(desk.db, until=desk.as_of), desk.as_of)


def trend(desk: Desk) -> tuple[list[BandMix], list[QuarterRetention]]:
    """The portfolio over time: band mix and ARR by band per month, GRR/NRR per quarter; kept
    in the book while nothing changed (`Desk.kept_view`)."""
    return desk.kept_view("trend", lambda: _trend(desk))


def _trend(desk: Desk) -> tuple[list[BandMix], list[QuarterRetention]]:
    accounts = queries.load_accounts(desk.db)
    renewals_ = [r for r in queries.load_renewals(desk.db) if r.date <= desk.as_of]
    months = band_mix_by_month(accounts, renewals_, store.month_bands(desk.db, desk.as_of),
                               desk.as_of, desk.rules)
    return months, retention_by_quarter(accounts, renewals_, desk.as_of, desk.rules)


def trend_json(months: list[BandMix], quarters: list[QuarterRetention]) -> dict:
    return {
        "months": [{"month": m.month, "through": m.through,
                    "bands": {b: {"count": m.count[b], "arr": m.arr[b]} for b in m.count}}
                   for m in months],
        "quarters": [{"quarter": q.quarter, "from": q.start, "to": q.end,
                      "arr_at_start": q.arr_at_start, "grr": q.grr, "nrr": q.nrr}
                     for q in quarters],
    }


def renewal_history(desk: Desk, account_id: str) -> list[tuple[Renewal, ForecastCall | None]]:
    """An account's renewal outcomes, newest first, each with the call it settled."""
    from csdesk.core.forecast import call_before_outcome

    outcomes = store.renewal_history(desk.db, account_id)
    calls = store.load_calls(desk.db, [account_id])
    out = []
    for i, r in enumerate(outcomes):
        previous = outcomes[i + 1].date if i + 1 < len(outcomes) else None
        out.append((r, call_before_outcome(r, previous, calls)))
    return out


def account_renewal(desk: Desk, assessment, data) -> RenewalForecast | None:
    """The account's current renewal with the CSM's call and the suggestion (None once
    churned), for the account's page."""
    if data.account.status != "active":
        return None
    calls = store.load_calls(desk.db, [data.account.account_id])
    return renewal_forecast(assessment, data, calls, desk.as_of, desk.rules)
