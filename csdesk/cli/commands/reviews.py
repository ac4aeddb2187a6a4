"""Commands for reviews and the portfolio: qbr, metrics, calibrate."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from dateutil.relativedelta import relativedelta

from csdesk.cli.app import Context, UserError
from csdesk.cli.commands import print_json, write_output
from csdesk.core.calibration import Calibration, parse_weights
from csdesk.core.config import ConfigError
from csdesk.core.metrics import meets, targets
from csdesk.core.qbr import business_days_after
from csdesk.core.text import printable
from csdesk.desk.settings import parse_iso_day


def _day(text: str | None, what: str) -> dt.date | None:
    try:
        return parse_iso_day(text, what) if text else None
    except ValueError as exc:
        raise UserError(str(exc)) from None


def cmd_qbr(ctx: Context) -> int:
    from csdesk.desk import reviews as reviews_service

    args = ctx.args
    qbr_date = _day(args.date, "--date")
    desk = ctx.desk(create=False)
    account = desk.resolve(args.account)
    qbr_date = qbr_date or business_days_after(desk.as_of, 10)
    text = reviews_service.qbr_markdown(desk, account.account_id, qbr_date,
                                        getattr(args, "audience", "customer"))
    if not args.output:
        sys.stdout.write(text)
        return 0
    path = write_output(ctx, args.output, text, "-o")
    print(f"Wrote {printable(str(path), single_line=True)}")
    return 0


def _pct(value: float | None, points: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.0f}" if points else f"{value * 100:.1f}%"


def _alert_quality(desk) -> dict:
    """Per trigger kind over the last 90 days: raised, answered, snoozed, not_relevant
    (docs/workflow.md)."""
    from csdesk.desk import work

    return work.alert_quality_json(work.alert_quality(desk))


def cmd_metrics(ctx: Context) -> int:
    from csdesk.desk import reviews as reviews_service

    args = ctx.args
    desk = ctx.desk(create=False)
    # The default period ends today, inclusive: [tomorrow - 12 months, tomorrow).
    end = _day(args.to, "--to") or desk.as_of + dt.timedelta(days=1)
    start = _day(args.from_, "--from") or end - relativedelta(months=12)
    if start >= end:
        raise UserError(f"--from {start} must be before --to {end}")
    from csdesk.desk import forecast as forecast_service

    m = reviews_service.portfolio_metrics(desk, start, end)
    goals = targets(desk.rules)
    months, quarters = forecast_service.trend(desk)
    if args.json:
        print_json({
            "from": start, "to": end, "through": end - dt.timedelta(days=1),
            "grr": m.grr, "nrr": m.nrr,
            "logo_churn_rate": m.logo_churn_rate, "nps": m.nps,
            "bands": {b: {"count": s.count, "arr": s.arr} for b, s in m.bands.items()},
            "median_time_to_first_value_days": m.median_time_to_first_value_days,
            "review_completion_rate": m.review_completion_rate,
            "renewal_rate": m.renewal_rate,
            "targets": {k: {"comparison": c, "value": v} for k, (c, v) in goals.items()},
            "accounts_at_start": m.accounts_at_start, "arr_at_start": m.arr_at_start,
            "expansion_arr": m.expansion_arr, "contraction_arr": m.contraction_arr,
            "churned_arr": m.churned_arr, "churned_accounts": m.churned_accounts,
            "renewals_in_period": m.renewals_in_period, "nps_respondents": m.nps_respondents,
            "reviews_due": m.reviews_due, "reviews_completed": m.reviews_completed,
            "expansion_pipeline_coverage": m.expansion_pipeline_coverage.model_dump(),
            "trend": forecast_service.trend_json(months, quarters),
            "alert_quality": _alert_quality(desk),
        })
        return 0
    print(f"Portfolio metrics, {start} through {end - dt.timedelta(days=1)} (both included)")
    print(f"  {m.accounts_at_start} accounts at start, ${m.arr_at_start:,.0f} ARR; "
          f"expansion ${m.expansion_arr:,.0f}, contraction ${m.contraction_arr:,.0f}, "
          f"churned ${m.churned_arr:,.0f}\n")
    for key, label in (("grr", "GRR"), ("nrr", "NRR"), ("logo_churn_rate", "Logo churn"),
                       ("renewal_rate", "Renewal rate")):
        value = getattr(m, key)
        comparison, target = goals[key]
        verdict = {True: "meets", False: "misses", None: "no data"}[meets(value, comparison,
                                                                         target)]
        print(f"  {label:<14}{_pct(value):>8}   target {comparison} {target * 100:.0f}%   "
              f"{verdict}")
    days = (end - start).days
    if not 365 <= days <= 366:
        print(f"  (the logo churn target is per year; this period is {days} days)")
    print(f"  {'NPS':<14}{_pct(m.nps, points=True):>8}   over {m.nps_respondents} respondents")
    ttfv = m.median_time_to_first_value_days
    print(f"  {'Time to value':<14}{'n/a' if ttfv is None else f'{ttfv:.0f} d':>8}   median, "
          "contract start to M2")
    print(f"  {'Reviews held':<14}{_pct(m.review_completion_rate):>8}   "
          f"{m.reviews_completed} of {m.reviews_due} business reviews due")
    print("\n  Bands today: " + ", ".join(
        f"{b} {s.count} (${s.arr:,.0f})" for b, s in m.bands.items()))
    print("\n  Band mix per month (accounts green/yellow/red/unknown, ARR green/yellow/red)")
    for mix in months:
        c, a = mix.count, mix.arr
        print(f"    {mix.month}  {c['green']:>4} {c['yellow']:>4} {c['red']:>4} "
              f"{c['unknown']:>4}   ${a['green']:>12,.0f} ${a['yellow']:>12,.0f} "
              f"${a['red']:>12,.0f}")
    print("\n  Retention per quarter")
    for q in quarters:
        print(f"    {q.quarter}  GRR {_pct(q.grr):>7}  NRR {_pct(q.nrr):>7}  "
              f"ARR at start ${q.arr_at_start:,.0f}")
    return 0


def _calibration_json(c: Calibration) -> dict:
    return {"weights": c.weights, **c.result.as_dict(),
            "outcomes_total": c.outcomes_total,
            "outcomes_without_snapshot": c.outcomes_without_snapshot}


def cmd_calibrate(ctx: Context) -> int:
    from csdesk.desk import reviews as reviews_service

    args = ctx.args
    desk = ctx.desk(create=False)
    try:
        weights = parse_weights(args.weights) if args.weights else None
        current, alternative = reviews_service.calibration(desk, weights)
        from csdesk.desk import forecast as forecast_service

        forecast = forecast_service.accuracy(desk)
    except ValueError as exc:
        if isinstance(exc, ConfigError):
            raise UserError(f"--weights: {exc}") from None
        raise UserError(str(exc)) from None
    target = desk.rules.targets.predictive_accuracy
    if args.json:
        print_json({"target_accuracy": target, "current": _calibration_json(current),
                    "alternative": _calibration_json(alternative) if alternative else None,
                    "forecast_calls": forecast.calls.as_dict(),
                    "forecast_suggestions": forecast.suggestions.as_dict(),
                    "forecast_outcomes": forecast.outcomes})
        return 0
    print('Calibration: "red 80-100 days before the renewal predicts churn" '
          f"(target accuracy > {target * 100:.0f}%)")
    print(f"  {current.outcomes_total} renewal outcomes, "
          f"{current.outcomes_total - current.outcomes_without_snapshot} with a score then\n")
    columns = [("current", current)] + ([("proposed", alternative)] if alternative else [])
    print(f"  {'':<12}" + "".join(f"{name:>24}" for name, _ in columns))
    print(f"  {'weights':<12}" + "".join(
        f"{'/'.join(n[:3] for n in c.weights):>24}" for _, c in columns))
    print(f"  {'':<12}" + "".join(
        f"{'/'.join(str(v) for v in c.weights.values()):>24}" for _, c in columns))
    for key in ("accuracy", "precision", "recall"):
        print(f"  {key:<12}" + "".join(f"{_pct(getattr(c.result, key)):>24}" for _, c in columns))
    verdicts = {True: "meets", False: "misses", None: "no data"}
    print(f"  {'vs target':<12}" + "".join(
        f"{verdicts[meets(c.result.accuracy, '>', target)]:>24}" for _, c in columns))
    for key, label in (("tp", "red, churned"), ("fp", "red, stayed"), ("fn", "not red, churned"),
                       ("tn", "not red, stayed")):
        print(f"  {label:<18}" + "".join(
            f"{getattr(c.result, key):>{24 if i else 18}}" for i, (_, c) in enumerate(columns)))
    print(f"\nForecast calls over {forecast.outcomes} renewal outcomes (commit/likely right when "
          "renewed, expanded or contracted; at_risk/churn_expected when churned)")
    for label, acc in (("your calls", forecast.calls),
                       ("csdesk's suggestions", forecast.suggestions)):
        print(f"  {label:<22}{_pct(acc.accuracy):>8}   {acc.right} right of {acc.n} called")
    return 0
