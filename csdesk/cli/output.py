"""What `csdesk score`, `today` and `account` print: the JSON payloads of docs/cli.md and
their text renderings. Pure functions of the assessments; the commands do the I/O.

Text from the book (names, titles, summaries) goes through `printable` so control characters
show as escapes instead of acting on the terminal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from csdesk.core.config import DIMENSIONS
from csdesk.core.expansion import GATE_TEXT, failing_gates
from csdesk.core.models import (
    AccountData,
    AlertLevel,
    Assessment,
    Band,
    BriefItem,
    Contact,
)
from csdesk.core.text import printable

LEVELS = (AlertLevel.critical, AlertLevel.warning, AlertLevel.watch, AlertLevel.info)
GATES = tuple(GATE_TEXT)  # the four gates, in the core's order (docs/rules.md §6)

_ANSI = {"red": "31", "yellow": "33", "green": "32", "blue": "34", "dim": "2", "bold": "1",
         "unknown": "2", "critical": "1;31", "warning": "33", "watch": "36", "info": "34"}


def _one_line(text: str | None) -> str:
    return printable(text, single_line=True)


def _paint(text: str, style: str, colour: bool) -> str:
    return f"\x1b[{_ANSI[style]}m{text}\x1b[0m" if colour and style in _ANSI else text


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _money(value: float) -> str:
    return f"${value:,.0f}"


# --- JSON (keys are part of the contract) -----------------------------------------------------


def score_fields(a: Assessment) -> dict:
    """The fields of `score --json` for one account; an unscored account shows nulls."""
    h = a.health
    return {
        "account_id": a.account.account_id, "name": a.account.name, "tier": str(a.tier),
        "arr": a.account.arr,
        "score": h.score if h else None,
        "band": str(h.band) if h else str(Band.unknown),
        "coverage": h.coverage if h else 0.0,
        "dimensions": {name: (h.dimensions.get(name) if h else None) for name in DIMENSIONS},
    }


def score_json(assessments: Iterable[Assessment], as_of: dt.date) -> dict:
    """Every scored account (churned and not-yet-started accounts are not scored, §2)."""
    return {"as_of": as_of.isoformat(),
            "accounts": [score_fields(a) for a in assessments if a.health is not None]}


def brief_item_json(item: BriefItem) -> dict:
    return {"account_id": item.account_id, "name": item.name, "kind": str(item.kind),
            "level": str(item.level), "title": item.title, "action": item.action,
            "due": _day(item.due), "overdue": item.overdue, "id": item.id,
            "clears_when": item.clears_when,
            "respond_with": str(item.respond_with) if item.respond_with else None}


def brief_json(items: Iterable[BriefItem], as_of: dt.date, snoozed: int = 0) -> dict:
    return {"as_of": as_of.isoformat(), "items": [brief_item_json(i) for i in items],
            "snoozed": snoozed}


def stakeholder_json(c: Contact) -> dict:
    return {"name": c.name, "title": c.title, "role": str(c.role), "status": str(c.status),
            "email": c.email, "departed_on": _day(c.departed_on),
            "sentiment": str(c.sentiment) if c.sentiment else None}


def account_json(a: Assessment, data: AccountData) -> dict:
    """`account --json`: the score fields plus the full picture (keys beyond the contract's
    are additions: scored, status, trend_delta_30, time_to_first_value_days, alert titles)."""
    return score_fields(a) | {
        "scored": a.health is not None,
        "status": str(a.account.status),
        "phase": str(a.phase),
        "days_to_renewal": a.days_to_renewal,
        "renewal_date": a.account.renewal_date.isoformat(),
        "action": ({"text": a.action.text, "due": _day(a.action.due),
                    "since": _day(a.action.since), "done_on": _day(a.action.done_on),
                    "overdue": a.action.overdue} if a.action else None),
        "alerts": [{"level": str(al.level), "trigger": al.trigger, "due": _day(al.due),
                    "overdue": al.overdue, "title": al.title, "response": al.response,
                    "trigger_date": _day(al.trigger_date)} for al in a.alerts],
        "signals": {"leading": list(a.signals.leading), "lagging": list(a.signals.lagging),
                    "expansion": list(a.signals.expansion)},
        "expansion_qualified": a.expansion_qualified,
        "expansion_gates": {g: getattr(a.expansion_gates, g) for g in GATES},
        "stakeholders": [stakeholder_json(c) for c in data.contacts],
        "milestones": [{"name": m.name, "due": _day(m.due), "done": m.done,
                        "overdue": m.overdue, "done_on": _day(m.done_on)} for m in a.milestones],
        "reference_candidate": a.reference_candidate,
        "trend_delta_30": a.trend_delta_30,
        "time_to_first_value_days": a.time_to_first_value_days,
    }


# --- text -------------------------------------------------------------------------------------


def _score_cell(a: Assessment) -> str:
    if a.health is None:
        return "—"
    return "—" if a.health.score is None else str(a.health.score)


def score_text(assessments: list[Assessment], as_of: dt.date, *, colour: bool = False) -> str:
    scored = [a for a in assessments if a.health is not None]
    head = f"{'account':<28} {'tier':<10} {'ARR':>12} {'score':>5} {'band':<7} {'cover':>5}  " \
           + " ".join(f"{d[:5]:>5}" for d in DIMENSIONS)
    lines = [f"Health as of {as_of} ({len(scored)} accounts scored)", "", head]
    for a in scored:
        h = a.health
        band = str(h.band)
        dims = " ".join(f"{'—' if h.dimensions.get(d) is None else h.dimensions[d]:>5}"
                        for d in DIMENSIONS)
        lines.append(f"{_one_line(a.account.name)[:28]:<28} {str(a.tier):<10} "
                     f"{_money(a.account.arr):>12} {_score_cell(a):>5} "
                     f"{_paint(f'{band:<7}', band, colour)} {h.coverage:>5.0%}  {dims}")
    counts = {b: sum(1 for a in scored if a.health.band == b) for b in Band}
    lines += ["", "  ".join(f"{b}: {n}" for b, n in counts.items())]
    return "\n".join(lines) + "\n"


def _brief_line(item: BriefItem, *, show_level: bool) -> str:
    due = f" (due {item.due}{', OVERDUE' if item.overdue else ''})" if item.due else ""
    level = f"{str(item.level).upper():<8} " if show_level else ""
    pad = f"{'':<{len(level)}}  "
    out = (f"{level}{_one_line(item.name)}: {_one_line(item.title)}{due}\n"
           f"{pad}-> {_one_line(item.action)}")
    if item.id:
        out += f"\n{pad}   clears when {_one_line(item.clears_when)} [{_one_line(item.id)}]"
    return out


def snoozed_text(items: list[BriefItem], snoozes: dict, as_of: dt.date) -> str:
    """`today --snoozed`: each snoozed item with its day and reason."""
    lines = [f"csdesk today, {as_of}: {len(items)} snoozed item{'s' if len(items) != 1 else ''}"]
    for item in items:
        s = snoozes[item.id]
        lines.append(f"{_one_line(item.name)}: {_one_line(item.title)}\n"
                     f"  until {s.until} ({str(s.reason).replace('_', ' ')}, snoozed "
                     f"{s.created_on}) [{_one_line(item.id)}]")
    return "\n".join(lines) + "\n"


def brief_text(items: list[BriefItem], as_of: dt.date, *, tty: bool = False,
               snoozed: int = 0) -> str:
    """Plain lines, one item each, for a cron mail; grouped and coloured on a terminal."""
    overdue = sum(1 for i in items if i.overdue)
    lines = [f"csdesk today, {as_of}: {len(items)} item{'s' if len(items) != 1 else ''}, "
             f"{overdue} overdue" + (f", {snoozed} snoozed" if snoozed else "")]
    if not items:
        lines.append("Nothing needs you today.")
        return "\n".join(lines) + "\n"
    if not tty:
        lines.append("")
        lines += [_brief_line(i, show_level=True) for i in items]
        return "\n".join(lines) + "\n"
    groups = [("Overdue", "critical", [i for i in items if i.overdue])]
    groups += [(str(level).capitalize(), str(level),
                [i for i in items if not i.overdue and i.level == level]) for level in LEVELS]
    for title, style, group in groups:
        if not group:
            continue
        lines += ["", _paint(f"{title} ({len(group)})", style, True)]
        for item in group:
            lines.append("  " + _brief_line(item, show_level=title == "Overdue")
                         .replace("\n", "\n  "))
    return "\n".join(lines) + "\n"


def account_text(a: Assessment, data: AccountData, *, colour: bool = False) -> str:
    acc, h = a.account, a.health
    out = [_paint(_one_line(acc.name), "bold", colour) + f"  ({acc.account_id})",
           f"{str(a.tier).replace('_', '-')} · ARR {_money(acc.arr)} · phase {a.phase}"
           f" · renews {acc.renewal_date} ({a.days_to_renewal} days)"
           + (f" · seats {acc.seats_licensed}" if acc.seats_licensed else "")
           + (f" · owner {_one_line(acc.owner)}" if acc.owner else "")]
    out.append("")
    if h is None:
        out.append("Health: not scored (churned, or the contract has not started)")
    else:
        band = str(h.band)
        score = "—" if h.score is None else str(h.score)
        trend = "" if a.trend_delta_30 is None else f", {a.trend_delta_30:+d} over 30 days"
        out.append(f"Health: {score} {_paint(band, band, colour)} "
                   f"(coverage {h.coverage:.0%}{trend})"
                   + ("  not enough data to score" if h.score is None else ""))
        for name in DIMENSIONS:
            value = h.dimensions.get(name)
            out.append(f"  {name:<13} {'N/A' if value is None else value:>4}"
                       f"   weight {h.weights.get(name, 0)}")
    if a.action:
        act = a.action
        state = (f"done on {act.done_on}" if act.done_on else
                 f"due {act.due}{', OVERDUE' if act.overdue else ''}" if act.due else "")
        out.append(f"Action: {act.text}" + (f" ({state})" if state else "")
                   + (f"; {h.band if h else ''} since {act.since}" if act.since and act.due
                      else ""))
    out += ["", f"Alerts ({len(a.alerts)})"]
    out += [f"  {str(al.level).upper():<8} {_one_line(al.title)}; {al.response}, due {al.due}"
            + (" OVERDUE" if al.overdue else "") for al in a.alerts] or ["  none"]
    out += ["", "Signals"]
    for label, values in (("leading", a.signals.leading), ("lagging", a.signals.lagging),
                          ("expansion", a.signals.expansion)):
        out.append(f"  {label:<10} " + ("; ".join(_one_line(v) for v in values) or "none"))
    gates = failing_gates(a.expansion_gates)
    out += ["", "Expansion: " + ("qualified" if a.expansion_qualified
                                 else "not qualified; missing " + ", ".join(gates))]
    if a.reference_candidate:
        out.append("Reference candidate: promoter NPS and green")
    out += ["", f"Stakeholders ({len(data.contacts)})"]
    for c in data.contacts:
        state = f"departed {c.departed_on}" if c.departed_on else str(c.status)
        out.append(f"  {_one_line(c.name)} — {str(c.role).replace('_', ' ')}"
                   + (f", {_one_line(c.title)}" if c.title else "") + f" ({state})")
    if not data.contacts:
        out.append("  none mapped")
    if data.goals:
        out += ["", f"Success plan ({len(data.goals)} goals)"]
        out += [f"  {_one_line(g.goal)}: {str(g.status).replace('_', ' ')}"
                + (f" (ROI: {_one_line(g.roi_note)})" if g.roi_note else "") for g in data.goals]
    open_plans = [p for p in data.save_plans
                  if any(al.trigger == p.trigger and al.trigger_date == p.trigger_date
                         for al in a.alerts)]
    for plan in open_plans:
        out += ["", f"Save plan ({plan.trigger}, {plan.trigger_date}; go/no-go "
                    f"{plan.checkpoint_date})",
                f"  root cause: {_one_line(plan.root_cause)}",
                f"  executive alignment: {_one_line(plan.executive_alignment)}"]
        out += [f"  - {_one_line(r.action)} ({_one_line(r.owner)}, due {r.due})"
                for r in plan.remediation_actions]
        out += [f"  success at {n} days: {_one_line(text)}" for n, text in (
            (30, plan.success_criteria_30), (60, plan.success_criteria_60),
            (90, plan.success_criteria_90)) if text]
    if a.milestones:
        out += ["", "Onboarding"]
        for m in a.milestones:
            state = (f"done {m.done_on}" if m.done else
                     f"OVERDUE since {m.due}" if m.overdue else f"due {m.due}")
            out.append(f"  {m.name}: {state}")
            for i in m.items:
                mark = "x" if i.done else " "
                detail = f" ({i.detail})" if i.detail else ""
                out.append(f"    [{mark}] {i.text}{' (auto)' if i.auto else ''}{detail}")
        if a.time_to_first_value_days is not None:
            out.append(f"  time to first value: {a.time_to_first_value_days} days")
    return "\n".join(out) + "\n"
