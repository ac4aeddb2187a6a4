"""The renewal forecast call (docs/workflow.md §7) and the portfolio over time.

Pure rules: the call csdesk suggests for a renewal and why (first that applies), forecast ARR
by call, how often the CSM's calls and the suggestions were right, and the portfolio's trend
(band mix and ARR by band per month from the score snapshots, GRR and NRR per quarter). Every
number lives in `Rules.forecast`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field

from csdesk.core.config import Rules
from csdesk.core.metrics import retention
from csdesk.core.models import (
    Account,
    AccountData,
    AccountStatus,
    AlertLevel,
    Assessment,
    Band,
    Flag,
    Outcome,
    Renewal,
)


class Call(StrEnum):
    commit = "commit"
    likely = "likely"
    at_risk = "at_risk"
    churn_expected = "churn_expected"


CALLS = tuple(Call)
CHURN_FLAGS = (Flag.termination_inquiry, Flag.data_export_request)
_FLAG_WORDS = {Flag.termination_inquiry: "a termination inquiry",
               Flag.data_export_request: "a data-export request"}


class ForecastCall(BaseModel):
    """A call the CSM recorded for one renewal (the `forecast_calls` table), with csdesk's
    suggestion at the time, so the suggestions' accuracy can be told later."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    account_id: str = Field(min_length=1)
    renewal_date: dt.date
    call: Call
    note: str = ""
    made_on: dt.date
    suggested: Call | None = None


class Suggestion(BaseModel):
    model_config = ConfigDict(frozen=True)

    call: Call
    why: str


def _band(assessment: Assessment) -> Band:
    return Band(assessment.health.band) if assessment.health is not None else Band.unknown


def churn_flags_logged(data: AccountData, as_of: dt.date, days: int) -> dict[Flag, dt.date]:
    """The latest day a termination inquiry or data-export request was logged in the last
    `days` days (as_of included), by flag."""
    since = as_of - dt.timedelta(days=days)
    out: dict[Flag, dt.date] = {}
    for t in reversed(data.touchpoints):  # ascending by date: newest first
        if t.date < since:
            break
        if t.date > as_of or t.status == "missed":
            continue
        for flag in t.flags:
            if flag in CHURN_FLAGS and flag not in out:
                out[Flag(flag)] = t.date
    return out


def suggest_call(assessment: Assessment, data: AccountData, as_of: dt.date, rules: Rules
                 ) -> Suggestion:
    """§7, first that applies: churn_expected when red and a termination inquiry or
    data-export request was logged in the last 90 days; at_risk when red, or a critical alert
    is open, or any lagging churn signal is present; likely when yellow, or green with a
    leading churn signal, or no renewal touchpoint yet in the (open) renewal window; else
    commit. Our choice: an account not scored (band unknown) is likely, "no score"."""
    from csdesk.core.signals import (
        leading_signals,
        lagging_signals,
        renewal_touchpoint_logged,
    )

    band = _band(assessment)
    if band == Band.red:
        flags = churn_flags_logged(data, as_of, rules.forecast.churn_flag_days)
        if flags:
            flag, day = max(flags.items(), key=lambda item: item[1])
            return Suggestion(call=Call.churn_expected,
                              why=f"red, and {_FLAG_WORDS[flag]} logged on {day}")
        return Suggestion(call=Call.at_risk, why="red")
    critical = [a for a in assessment.alerts if a.level == AlertLevel.critical]
    if critical:
        return Suggestion(call=Call.at_risk, why=f"critical alert open: {critical[0].title}")
    signals = assessment.signals
    lagging = signals.lagging if signals is not None else lagging_signals(data, as_of, rules)
    if lagging:
        return Suggestion(call=Call.at_risk, why=f"lagging signal: {lagging[0]}")
    if band == Band.yellow:
        return Suggestion(call=Call.likely, why="yellow")
    if band == Band.unknown:
        return Suggestion(call=Call.likely, why="no score")
    leading = signals.leading if signals is not None else leading_signals(data, as_of, rules)
    if leading:
        return Suggestion(call=Call.likely, why=f"green, but {leading[0][0].lower()}"
                                                f"{leading[0][1:]}")
    days = (data.account.renewal_date - as_of).days
    if days <= rules.renewals.window_days and not renewal_touchpoint_logged(data, as_of, rules):
        return Suggestion(call=Call.likely, why="no renewal conversation logged in the window")
    return Suggestion(call=Call.commit, why="green, no churn signal, renewal conversation "
                      "under way" if days <= rules.renewals.window_days
                      else "green, no churn signal")


def call_right(call: Call | str, outcome: Outcome | str) -> bool:
    """commit/likely are right when the account renewed, expanded or contracted;
    at_risk/churn_expected when it churned (§7)."""
    churned = Outcome(outcome) == Outcome.churned
    return churned if Call(call) in (Call.at_risk, Call.churn_expected) else not churned


def call_for_renewal(calls: Sequence[ForecastCall], account: Account) -> ForecastCall | None:
    """The CSM's latest call on the account's current renewal (its renewal date); `calls` in
    the order they were recorded."""
    best = None
    for c in calls:  # the later of two made on one day is the one recorded last
        if (c.account_id == account.account_id and c.renewal_date == account.renewal_date
                and (best is None or c.made_on >= best.made_on)):
            best = c
    return best


class RenewalForecast(BaseModel):
    """One renewal on the Renewals screen / `csdesk renewals`."""

    model_config = ConfigDict(frozen=True)

    account_id: str
    name: str
    renewal_date: dt.date
    days_to_renewal: int
    arr: float
    band: Band
    call: Call | None  # the CSM's
    note: str
    call_made_on: dt.date | None
    suggested_call: Call
    why: str
    overdue: bool  # the date has passed and no outcome is logged

    @property
    def forecast(self) -> Call:
        """The CSM's call where made, else the suggestion."""
        return Call(self.call or self.suggested_call)


def renewal_forecast(assessment: Assessment, data: AccountData, calls: Sequence[ForecastCall],
                     as_of: dt.date, rules: Rules) -> RenewalForecast:
    account = data.account
    made = call_for_renewal(calls, account)
    suggestion = suggest_call(assessment, data, as_of, rules)
    days = (account.renewal_date - as_of).days
    return RenewalForecast(
        account_id=account.account_id, name=account.name, renewal_date=account.renewal_date,
        days_to_renewal=days, arr=account.arr, band=_band(assessment),
        call=made.call if made else None, note=made.note if made else "",
        call_made_on=made.made_on if made else None,
        suggested_call=suggestion.call, why=suggestion.why, overdue=days < 0)


def renewal_order(rows: Iterable[RenewalForecast]) -> list[RenewalForecast]:
    """Overdue without an outcome first (the oldest first), then by renewal date, the
    bigger ARR first on a day."""
    return sorted(rows, key=lambda r: (not r.overdue, r.renewal_date, -r.arr, r.name))


def forecast_arr(rows: Iterable[RenewalForecast], horizons: Iterable[int]
                 ) -> dict[int, dict[str, float]]:
    """ARR by forecast call (the CSM's where made, else the suggestion) of renewals within each
    horizon of days; a renewal past its date without an outcome is still open and counts in
    every horizon (our choice)."""
    rows = list(rows)
    out: dict[int, dict[str, float]] = {}
    for days in horizons:
        sums = {call.value: 0.0 for call in CALLS}
        for r in rows:
            if r.days_to_renewal <= days:
                sums[r.forecast] += r.arr
        out[days] = sums
    return out


# --- accuracy ------------------------------------------------------------------------------


class CallAccuracy(BaseModel):
    model_config = ConfigDict(frozen=True)

    n: int = 0
    right: int = 0
    by_call: dict[str, tuple[int, int]] = {}  # call -> (n, right)

    @property
    def accuracy(self) -> float | None:
        return self.right / self.n if self.n else None

    def as_dict(self) -> dict:
        return {"n": self.n, "right": self.right, "accuracy": self.accuracy,
                "by_call": {c: {"n": n, "right": r} for c, (n, r) in self.by_call.items()}}


class ForecastAccuracy(BaseModel):
    model_config = ConfigDict(frozen=True)

    outcomes: int  # renewal outcomes in the book (up to as_of)
    calls: CallAccuracy  # the CSM's
    suggestions: CallAccuracy  # csdesk's, as suggested when the call was made

    def as_dict(self) -> dict:
        return {"outcomes": self.outcomes, "calls": self.calls.as_dict(),
                "suggestions": self.suggestions.as_dict()}


def _tally(pairs: list[tuple[Call, Outcome]]) -> CallAccuracy:
    by_call: dict[str, list[int]] = {}
    right = 0
    for call, outcome in pairs:
        ok = call_right(call, outcome)
        right += ok
        tally = by_call.setdefault(Call(call).value, [0, 0])
        tally[0] += 1
        tally[1] += ok
    return CallAccuracy(n=len(pairs), right=right,
                        by_call={c: (n, r) for c, (n, r) in by_call.items()})


def call_before_outcome(renewal: Renewal, previous: dt.date | None,
                        calls: Sequence[ForecastCall]) -> ForecastCall | None:
    """The call an outcome settles: the latest one for the account made after the outcome
    before it (a call belongs to one renewal cycle) and on or before the outcome's date."""
    best = None
    for c in calls:
        if (c.account_id == renewal.account_id and c.made_on <= renewal.date
                and (previous is None or c.made_on > previous)
                and (best is None or c.made_on >= best.made_on)):
            best = c
    return best


def forecast_accuracy(renewals: Iterable[Renewal], calls: Iterable[ForecastCall],
                      as_of: dt.date) -> ForecastAccuracy:
    """Over renewal outcomes logged up to as_of: how often the CSM's call was right, and how
    often csdesk's suggestion (recorded beside the call) was."""
    by_account: dict[str, list[ForecastCall]] = {}
    for c in calls:
        by_account.setdefault(c.account_id, []).append(c)
    previous: dict[str, dt.date] = {}
    csm: list[tuple[Call, Outcome]] = []
    suggested: list[tuple[Call, Outcome]] = []
    n = 0
    for r in sorted((r for r in renewals if r.date <= as_of), key=lambda r: r.date):
        n += 1
        made = call_before_outcome(r, previous.get(r.account_id),
                                   by_account.get(r.account_id, ()))
        previous[r.account_id] = r.date
        if made is None:
            continue
        csm.append((made.call, r.outcome))
        if made.suggested is not None:
            suggested.append((made.suggested, r.outcome))
    return ForecastAccuracy(outcomes=n, calls=_tally(csm), suggestions=_tally(suggested))


# --- the portfolio over time ---------------------------------------------------------------


class BandMix(BaseModel):
    model_config = ConfigDict(frozen=True)

    month: str  # YYYY-MM
    through: dt.date  # the month's last day, or as_of for the current month
    count: dict[str, int]  # band -> accounts
    arr: dict[str, float]  # band -> ARR


class QuarterRetention(BaseModel):
    model_config = ConfigDict(frozen=True)

    quarter: str  # YYYY-Qn
    start: dt.date
    end: dt.date  # exclusive; as_of + 1 day for the current quarter
    arr_at_start: float
    grr: float | None
    nrr: float | None


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _month_ends(as_of: dt.date, months: int) -> list[tuple[str, dt.date]]:
    first = as_of.replace(day=1)
    out = []
    for back in range(months - 1, -1, -1):
        start = first - relativedelta(months=back)
        end = min(start + relativedelta(months=1) - dt.timedelta(days=1), as_of)
        out.append((month_key(start), end))
    return out


def arr_on(account: Account, outcomes: Sequence[Renewal], day: dt.date) -> float:
    """The account's ARR on a past day: the `previous_arr` of its first outcome after the day,
    else its ARR now (as `metrics.retention` reads ARR at start)."""
    for r in outcomes:  # ascending by date
        if r.date > day and r.previous_arr is not None:
            return r.previous_arr
    return account.arr


def band_mix_by_month(accounts: Iterable[Account], renewals: Iterable[Renewal],
                      month_bands: Mapping[str, Sequence[tuple[str, str]]], as_of: dt.date,
                      rules: Rules) -> list[BandMix]:
    """Band mix and ARR by band for each of the last `forecast.trend_months` months (the current
    month through as_of). `month_bands`: per account, (YYYY-MM, band of the month's last
    snapshot) ascending. A month without a snapshot carries the last band before it; an account
    with none yet counts as unknown. An account counts in a month when its contract started by
    the month's end and it had not churned by then (one marked churned without a churn outcome
    counts nowhere: when it left is not known)."""
    outcomes: dict[str, list[Renewal]] = {}
    for r in sorted(renewals, key=lambda r: r.date):
        outcomes.setdefault(r.account_id, []).append(r)
    ends = _month_ends(as_of, rules.forecast.trend_months)
    bands = [b.value for b in Band]
    out = [(key, end, {b: 0 for b in bands}, {b: 0.0 for b in bands}) for key, end in ends]
    for account in accounts:
        mine = outcomes.get(account.account_id, [])
        churned_on = next((r.date for r in mine if r.outcome == Outcome.churned), None)
        if churned_on is None and account.status == AccountStatus.churned:
            continue
        history = month_bands.get(account.account_id, ())
        i, band = 0, Band.unknown.value
        for key, end, count, arr in out:
            while i < len(history) and history[i][0] <= key:
                band = history[i][1]
                i += 1
            if account.contract_start > end or (churned_on is not None and churned_on <= end):
                continue
            count[band] += 1
            arr[band] += arr_on(account, mine, end)
    return [BandMix(month=key, through=end, count=count, arr=arr)
            for key, end, count, arr in out]


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def retention_by_quarter(accounts: Sequence[Account], renewals: Sequence[Renewal],
                         as_of: dt.date, rules: Rules) -> list[QuarterRetention]:
    """GRR and NRR (§11) for each of the last `forecast.trend_quarters` calendar quarters, the
    current one through as_of (included)."""
    current = quarter_start(as_of)
    out = []
    for back in range(rules.forecast.trend_quarters - 1, -1, -1):
        start = current - relativedelta(months=3 * back)
        end = min(start + relativedelta(months=3), as_of + dt.timedelta(days=1))
        r = retention(accounts, renewals, start, end)
        out.append(QuarterRetention(
            quarter=f"{start.year}-Q{(start.month - 1) // 3 + 1}", start=start, end=end,
            arr_at_start=r["arr_at_start"], grr=r["grr"], nrr=r["nrr"]))
    return out
