"""Commands of the renewal forecast (docs/workflow.md §7): forecast, renewals."""

from __future__ import annotations

from csdesk.cli.app import Context, UserError
from csdesk.cli.commands import print_json
from csdesk.core.forecast import CALLS, Call
from csdesk.core.text import printable

CALL_NAMES = ", ".join(c.value for c in CALLS)


def _one_line(text: str | None) -> str:
    return printable(text or "", single_line=True)


def cmd_forecast(ctx: Context) -> int:
    from csdesk.desk import forecast as service

    args = ctx.args
    try:
        call = Call(args.call.strip().lower().replace("-", "_"))
    except ValueError:
        raise UserError(f"CALL: {args.call!r} is not one of {CALL_NAMES}") from None
    desk = ctx.desk(create=False)
    account = desk.resolve(args.account)
    if account.status != "active":
        raise UserError(f"{_one_line(account.name)} has churned: no renewal to call")
    made = service.record_call(desk, account.account_id, call, args.note or "")
    print(f"Recorded {made.call.value} for {_one_line(account.name)}'s renewal on "
          f"{made.renewal_date} (csdesk suggests {made.suggested.value}).")
    return 0


def _money(value: float) -> str:
    return f"${value:,.0f}"


def cmd_renewals(ctx: Context) -> int:
    from csdesk.desk import forecast as service

    args = ctx.args
    if args.days is not None and args.days < 0:
        raise UserError(f"--days: {args.days} is negative; give 0 or more")
    desk = ctx.desk(create=False)
    result = service.renewals(desk, args.days)
    if args.json:
        print_json({
            "as_of": desk.as_of,
            "renewals": [{
                "account_id": r.account_id, "name": r.name, "renewal_date": r.renewal_date,
                "days_to_renewal": r.days_to_renewal, "arr": r.arr, "band": r.band.value,
                "call": r.call.value if r.call else None, "note": r.note or None,
                "call_made_on": r.call_made_on, "suggested_call": r.suggested_call.value,
                "why": r.why, "forecast": r.forecast.value, "overdue": r.overdue,
            } for r in result.rows],
            "forecast_arr": {str(days): sums for days, sums in result.arr_by_call.items()},
        })
        return 0
    print(f"{'Forecast ARR':<16}" + "".join(f"{c.value:>15}" for c in CALLS))
    for days, sums in result.arr_by_call.items():
        print(f"  within {days:>3} d " + "".join(f"{_money(sums[c.value]):>15}" for c in CALLS))
    if not result.rows:
        print("\nNo renewals in the window.")
        return 0
    print("\n(a call in brackets is csdesk's suggestion: no call recorded yet)")
    for r in result.rows:
        when = (f"{-r.days_to_renewal} d late" if r.overdue else f"in {r.days_to_renewal} d")
        call = r.call.value if r.call else f"[{r.suggested_call.value}]"
        print(f"  {r.renewal_date}  {when:<10} {_one_line(r.name)[:24]:<24} "
              f"{_money(r.arr):>10}  {r.band.value:<7} {call}")
        print(f"{'':14}suggested {r.suggested_call.value}: {_one_line(r.why)}")
        if r.note:
            print(f"{'':14}note: {_one_line(r.note)}")
    return 0
