"""The QBR agenda a CSM can send to the customer (`csdesk qbr --for customer`).

The internal prep sheet (`csdesk.core.qbr.render_qbr`) holds what is for the CSM only: the
health breakdown, alert wording, the send-by reminder. This one leaves those out, names the CSM
from config, and states the results the book holds: seats in use, goals achieved with their
ROI, adoption over the quarter. Book text is escaped only where Markdown needs it (`md_plain`),
so "4.5" and "Co." read as typed when the agenda is pasted into a mail.
"""

from __future__ import annotations

import datetime as dt
import re

from csdesk.core.config import Rules
from csdesk.core.models import AccountData, Assessment, ContactStatus, GoalStatus, Role
from csdesk.core.qbr import AGENDA
from csdesk.core.text import printable

_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029\t\v\f]+\s*")
# Book text always sits after a prefix ("- ", "# "), never at a line's start. What acts inline:
# backslash, code, emphasis, links and images ([ ]), strikethrough, a table's column bar, an
# HTML tag or entity; and at the text's start, what opens a block (below).
_INLINE = re.compile(r"[\\`*\[\]|]")
_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")  # intraword _ is plain in GFM
_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MATH = re.compile(r"\$(?![0-9])")  # "$120k" stays; "$x$" would be typeset as math
# Book text may open a list item's content ("- {goal}: ..."), where what starts a block still
# acts: a heading, a quote, a bullet, a numbered item, a thematic break.
_BLOCK_START = re.compile(r"^(?:#{1,6}(?=\s|$)|>|[-+](?=\s|$)|-[-\s]*$|\d{1,9}(?=[.)](?:\s|$)))")


def md_plain(text: str | None) -> str:
    """Book text made inert in Markdown, escaping only what would act, on one line."""
    if not text:
        return ""
    shown = printable(_LINE_BREAKS.sub(" ", text).strip())
    shown = _INLINE.sub(lambda m: "\\" + m.group(), shown)
    shown = _UNDERSCORE.sub(r"\\_", shown)
    if shown.count("~") > 1:  # one tilde ("~$180k") strikes nothing through
        shown = shown.replace("~", "\\~")
    shown = _TAG.sub(r"\\<", shown)
    shown = _ENTITY.sub("&amp;", shown)
    shown = _MATH.sub(r"\\$", shown)
    block = _BLOCK_START.match(shown)
    if block:  # backslash the marker (after a number, its `.` or `)`)
        at = block.end() if block.group()[:1].isdigit() else 0
        shown = f"{shown[:at]}\\{shown[at:]}"
    return shown


def _people(data: AccountData, *roles: Role) -> list[str]:
    return [md_plain(c.name) + (f" ({md_plain(c.title)})" if c.title else "")
            for c in data.contacts if c.status == ContactStatus.active and c.role in roles]


def _active_users_near(data: AccountData, day: dt.date, slack: int) -> int | None:
    """Active users of the usage row nearest `day` (within `slack` days, the earlier on a tie)."""
    best = None
    for u in data.usage:
        gap = abs((u.date - day).days)
        if gap <= slack and (best is None or gap < best[0]):
            best = (gap, u.active_users)
    return best[1] if best else None


def _pct(part: int, whole: int) -> str:
    return f"{(part * 100 + whole // 2) // whole}%"  # round half up, integers only


def results(data: AccountData, as_of: dt.date, rules: Rules) -> list[str]:
    """The results the book holds, as Markdown list lines."""
    lines = []
    seats = data.account.seats_licensed
    latest = next((u for u in reversed(data.usage) if u.date <= as_of), None)
    if latest is not None:
        used = f"{latest.active_users} active users"
        if seats:
            used += f" of {seats} licensed seats ({_pct(latest.active_users, seats)})"
        lines.append(f"- Seats in use: {used} (as of {latest.date.isoformat()})")
    days = rules.qbr.trend_days
    then = _active_users_near(data, as_of - dt.timedelta(days=days), 14)
    if latest is not None and then is not None:
        change = latest.active_users - then
        word = "up" if change > 0 else "down" if change < 0 else "level"
        detail = f" {word} {abs(change)}" if change else ""
        lines.append(f"- Adoption over the quarter: {then} → {latest.active_users} active "
                     f"users ({word if not change else detail.strip()} over {days} days)")
    achieved = [g for g in data.goals if g.status == GoalStatus.achieved]
    if achieved:
        lines.append("- Goals achieved:")
        lines += [f"  - {md_plain(g.goal)}" + (f": {md_plain(g.roi_note)}" if g.roi_note else "")
                  for g in achieved]
    if not lines:
        lines.append("- To review together: the results we have measured since the last review")
    return lines


def render_customer_qbr(assessment: Assessment, data: AccountData, qbr_date: dt.date,
                        rules: Rules, csm_name: str | None = None) -> str:
    account = assessment.account
    csm = md_plain(csm_name) if csm_name else "your Customer Success Manager"
    champions = _people(data, Role.champion)
    executives = _people(data, Role.economic_buyer, Role.executive_sponsor)
    lines = [
        f"# Quarterly business review: {md_plain(account.name)}, {qbr_date.isoformat()}",
        "",
        "## Attendees",
        "",
        *(f"- {who}" for who in champions + executives),
        f"- {csm} (Customer Success Manager)",
        "- Account executive",
        "",
        "## Agenda (60 minutes)",
        "",
        "| Time | Topic | Owner |",
        "|---|---|---|",
        *(f"| {t} | {topic} | {owner} |" for t, topic, owner in AGENDA),
        "",
        f"## Results since our last review (as of {assessment.as_of.isoformat()})",
        "",
        *results(data, assessment.as_of, rules),
        "",
    ]
    open_goals = [g for g in data.goals if g.status not in (GoalStatus.achieved,
                                                              GoalStatus.missed)]
    if open_goals:
        lines += ["## Success plan", ""]
        lines += [f"- {md_plain(g.goal)}: {str(g.status).replace('_', ' ')}"
                  + (f", target {g.target_date.isoformat()}" if g.target_date else "")
                  for g in open_goals]
        lines.append("")
    lines += ["## Next quarter", "",
              "- Goals and success criteria for the next quarter",
              f"- Your renewal date: {account.renewal_date.isoformat()}",
              "- Roadmap and your asks", ""]
    return "\n".join(lines)
