"""§10 The QBR agenda (seed): sixty minutes, a prep checklist filled from the book, as Markdown.

Pure: it takes the account's assessment and data and returns text. Everything that comes from
the book goes through `md_escape`, so a `|`, `#`, `*` or `<tag>` in a goal or a name
cannot break a table, make a heading or emphasis, link, or inject HTML.
"""

from __future__ import annotations

import datetime as dt
import re

from csdesk.core.config import DIMENSIONS, Rules
from csdesk.core.models import (
    AccountData,
    Assessment,
    Band,
    ContactStatus,
    GoalStatus,
    Role,
    Snapshot,
)
from csdesk.core.text import printable

# (minutes, topic, owner) — the seed's sixty minutes.
AGENDA: tuple[tuple[str, str, str], ...] = (
    ("0–5", "Welcome and objectives", "CSM"),
    ("5–20", "Results: goals vs actuals", "CSM + champion"),
    ("20–30", "Value realized: the ROI story", "CSM"),
    ("30–40", "Challenges and open risks", "Both sides"),
    ("40–50", "Goals and success criteria for next quarter", "Customer executive"),
    ("50–60", "Roadmap alignment and customer asks", "CSM + AE"),
)

# Book text is always placed inline after a prefix on one line ("| ", "  - "). The seed's
# Markdown punctuation is backslashed (CommonMark escapes any ASCII punctuation), plus `:` and
# `@`, which splits `http://x`, `www.x` and `a@b.co` so GitHub's autolinker cannot link them,
# and `$`, so two amounts on one line ("$120k ... $40k") are not typeset as GitHub math.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>:@$])")
_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029\t\v\f]+\s*")


def md_escape(text: str | None) -> str:
    """Book text made inert in Markdown, on one line (the one escaping function for book text).

    Control characters made visible (`printable`); line breaks and tabs become one space, so a
    value can never leave its table cell or list line; `&`, `<`, `>` become HTML entities, so no
    HTML reaches the page; Markdown punctuation is backslashed, so nothing becomes a heading,
    emphasis, code, a link, a list or a table column.
    """
    if not text:
        return ""
    shown = _LINE_BREAKS.sub(" ", text).strip()
    shown = printable(shown)
    shown = shown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", shown)


# Older names, kept for callers: every one is `md_escape`.
md_text = md_cell = md_escape


def business_days_before(day: dt.date, n: int) -> dt.date:
    """`n` business days (Mon–Fri) before `day`."""
    while n > 0:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def business_days_after(day: dt.date, n: int) -> dt.date:
    """`n` business days (Mon–Fri) after `day` (the default QBR date: 10 business days out)."""
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def send_by_date(qbr_date: dt.date, n: int = 5) -> dt.date:
    """§10: the agenda goes out `n` business days (Mon–Fri) before the QBR (seed: 5)."""
    return business_days_before(qbr_date, n)


def health_trend(assessment: Assessment, history: tuple[Snapshot, ...], rules: Rules
                 ) -> tuple[Snapshot | None, Snapshot | None]:
    """The first scored snapshot of the last 90 days and today's (start and end of the trend)."""
    since = assessment.as_of - dt.timedelta(days=rules.qbr.trend_days)
    window = [s for s in history if since <= s.date < assessment.as_of]
    start = window[0] if window else None
    end = None
    if assessment.health is not None:
        end = Snapshot(account_id=assessment.account.account_id, date=assessment.as_of,
                       score=assessment.health.score, band=assessment.health.band,
                       coverage=assessment.health.coverage,
                       dimensions=dict(assessment.health.dimensions))
    return start, end


def _score(s: Snapshot | None) -> str:
    if s is None:
        return "no score"
    return f"{s.score if s.score is not None else '—'} ({s.band}) on {s.date.isoformat()}"


def _people(data: AccountData, *roles: Role) -> list[str]:
    """Active contacts in `roles` by name (title; role when several roles are asked for;
    influence when mapped), the most influential first (docs/workflow.md, the map)."""
    out = []
    for c in sorted(data.contacts, key=_by_influence):
        if c.status != ContactStatus.active or c.role not in roles:
            continue
        about = [md_escape(c.title)] if c.title else []
        if len(roles) > 1:
            about.append(str(c.role).replace("_", " "))
        if c.influence:
            about.append(f"{c.influence} influence")
        out.append(md_escape(c.name) + (f" ({', '.join(about)})" if about else ""))
    return out


def _by_influence(c) -> int:
    return {"high": 0, "medium": 1, "low": 2}.get(str(c.influence or ""), 3)


def _plan_risks(data: AccountData, as_of: dt.date) -> list[str]:
    """The open save plan as checklist lines of the risks: its state, root cause and open
    remediation actions (docs/workflow.md)."""
    from csdesk.core.plans import current_plan, is_open_action, plan_state

    plan = current_plan(data.save_plans)
    if plan is None or str(plan.status) != "open":
        return []
    checkpoint = (f", go/no-go {plan.checkpoint_date.isoformat()}" if plan.checkpoint_date
                  else "")
    lines = [f"- [ ] Save plan ({plan_state(plan)}{checkpoint}): root cause: "
             + (md_escape(plan.root_cause) or "not written yet")]
    for a in plan.remediation_actions:
        if is_open_action(a, as_of):
            lines.append(f"  - {md_escape(a.action)} ({md_escape(a.owner) or 'no owner'}, due "
                         f"{a.due.isoformat() if a.due else 'not set'})")
    return lines


def render_qbr(assessment: Assessment, data: AccountData, qbr_date: dt.date, rules: Rules,
               csm_name: str | None = None) -> str:
    """The agenda as Markdown (GitHub-flavoured: tables and task lists)."""
    account = assessment.account
    name = md_escape(account.name)
    health = assessment.health
    band = Band(health.band) if health else Band.unknown
    send_by = send_by_date(qbr_date, rules.qbr.send_business_days_before)
    lines: list[str] = [
        f"# QBR: {name}, {qbr_date.isoformat()}",
        "",
        f"**Send this agenda by {send_by.isoformat()}** "
        f"({rules.qbr.send_business_days_before} business days before the QBR).",
        "",
        "## Attendees",
        "",
    ]
    champions = _people(data, Role.champion)
    executives = _people(data, Role.economic_buyer, Role.executive_sponsor)
    lines += [
        f"- Champion: {'; '.join(champions) if champions else 'none mapped (find one)'}",
        f"- Economic buyer / executive sponsor: "
        f"{'; '.join(executives) if executives else 'none mapped (find one before the QBR)'}",
    ]
    named = {Role.champion, Role.economic_buyer, Role.executive_sponsor}
    others = [c for c in sorted(data.contacts, key=_by_influence)
              if c.status == ContactStatus.active and c.role not in named
              and str(c.influence or "") == "high"]
    if others:
        lines.append("- High influence, invite or brief: " + "; ".join(
            md_escape(c.name) + f" ({str(c.role).replace('_', ' ')})" for c in others))
    lines += [
        f"- CSM: {md_escape(csm_name) if csm_name else 'you'}",
        "- Account executive (AE)",
        "",
        "## Agenda (60 minutes)",
        "",
        "| Time | Topic | Owner |",
        "|---|---|---|",
        *(f"| {t} | {topic} | {owner} |" for t, topic, owner in AGENDA),
        "",
        "## Prep checklist",
        "",
    ]
    start, end = health_trend(assessment, data.history, rules)
    lines.append(f"- [ ] 90-day health trend: from {_score(start)} to {_score(end)}")

    roi = [g for g in data.goals if g.roi_note]
    roi.sort(key=lambda g: g.status != GoalStatus.achieved)
    if roi:
        lines.append("- [ ] Two quantified ROI data points:")
        lines += [f"  - {md_escape(g.goal)}: {md_escape(g.roi_note)}" for g in roi[:2]]
        if len(roi) == 1:
            lines.append("  - only one in the book: quantify a second result with the champion")
    else:
        lines.append("- [ ] Two quantified ROI data points: none in the book yet; quantify "
                     "results with the champion before the QBR")
    goals = list(data.goals)[:3]
    if goals:
        lines.append("- [ ] Three success-plan status updates:")
        lines += [f"  - {md_escape(g.goal)}: {str(g.status).replace('_', ' ')}"
                  + (f" (target {g.target_date.isoformat()})" if g.target_date else "")
                  for g in goals]
    else:
        lines.append("- [ ] Three success-plan status updates: no success plan in the book; "
                     "agree 3–5 measurable goals")
    lines.append(f"- [ ] Renewal date: {account.renewal_date.isoformat()} "
                 f"({_countdown(assessment.days_to_renewal)})")
    lines.append("- [ ] Executive sponsor briefed before the QBR: "
                 + ("; ".join(executives) if executives else "none mapped; find one"))
    if assessment.alerts:
        lines.append("- [ ] Open alerts and risks:")
        lines += [f"  - {a.level.upper()}: {md_escape(a.title)}" for a in assessment.alerts]
    else:
        lines.append("- [ ] Open alerts and risks: none open")
    lines += _plan_risks(data, assessment.as_of)
    if band == Band.green:
        opportunity = (assessment.signals.expansion[0] if assessment.signals.expansion
                       else "ask where else the team could use the product")
        lines.append(f"- [ ] One expansion opportunity (health is green): {md_escape(opportunity)}")

    lines += ["", "## Health breakdown", ""]
    if health is None:
        lines.append("Not scored (the contract has not started, or the account churned).")
    else:
        score = health.score if health.score is not None else "—"
        lines += [
            f"Score **{score}**, band **{health.band}**, "
            f"coverage {round(health.coverage * 100)}% of the weight.",
            "",
            "| Dimension | Weight | Score |",
            "|---|---:|---:|",
            *(f"| {name} | {health.weights[name]} | "
              f"{'N/A' if health.dimensions.get(name) is None else health.dimensions[name]} |"
              for name in DIMENSIONS),
        ]
    return "\n".join(lines) + "\n"


def _countdown(days: int) -> str:
    if days > 0:
        return f"renews in {days} day{'s' if days != 1 else ''}"
    if days == 0:
        return "renews today"
    return f"renewal date passed {-days} day{'s' if days != -1 else ''} ago"
