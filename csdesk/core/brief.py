"""The morning brief (`csdesk today`): what needs the CSM today, most urgent first.

Order (DATA_AND_CLI.md): overdue first, then level (critical, warning, watch, info), then due
date (undated last), then account name.
"""

from __future__ import annotations

import bisect
import datetime as dt

from csdesk.core.alerts import LEVEL_ORDER
from csdesk.core.config import Rules
from csdesk.core.models import (
    AlertLevel,
    Assessment,
    Band,
    BriefItem,
    ItemKind,
    Phase,
    trusted,
)
from csdesk.core.qbr import business_days_after
from csdesk.core.renewals import in_renewal_window

_brief_item = trusted(BriefItem)


def _item(a: Assessment, kind: ItemKind, level: AlertLevel, title: str, action: str,
          due: dt.date | None, overdue: bool) -> BriefItem:
    return _brief_item(account_id=a.account.account_id, name=a.account.name, kind=kind,
                       level=level, title=title, action=action, due=due, overdue=overdue)


def alert_items(a: Assessment) -> list[BriefItem]:
    return [_item(a, ItemKind.alert, al.level, al.title, al.response, al.due, al.overdue)
            for al in a.alerts]


def renewal_items(a: Assessment, as_of: dt.date, rules: Rules) -> list[BriefItem]:
    """Window open and no `renewal` touchpoint since it opened (§5, §9); a renewal date passed
    without a logged outcome is overdue (our choice). Level: warning when the account is red or
    yellow (its ARR is at risk), else info (our choice)."""
    days, date = a.days_to_renewal, a.account.renewal_date
    at_risk = a.health is not None and Band(a.health.band) in (Band.red, Band.yellow)
    level = AlertLevel.warning if at_risk else AlertLevel.info
    if days < 0:
        return [_item(a, ItemKind.renewal, AlertLevel.warning,
                      f"Renewal date {date} passed {-days} day{'' if days == -1 else 's'} ago with no outcome logged",
                      "Log the renewal outcome", date, True)]
    if in_renewal_window(days, rules) and not a.renewal_touchpoint_logged:
        return [_item(a, ItemKind.renewal, level,
                      f"Renews in {days} days ({date}); no renewal conversation logged",
                      "Start the renewal conversation and log a renewal touchpoint", date,
                      False)]
    return []


def touchpoint_items(a: Assessment, as_of: dt.date) -> list[BriefItem]:
    """The tier cadence is exceeded: the next touchpoint is past due."""
    due = a.next_touchpoint_due
    if due is None or due >= as_of:
        return []
    return [_item(a, ItemKind.touchpoint_due, AlertLevel.info,
                  f"No completed touchpoint for {(as_of - due).days} days past the "
                  f"{a.tier.replace('_', '-')} cadence",
                  "Reach out and log the touchpoint", due, True)]


def milestone_items(a: Assessment) -> list[BriefItem]:
    out = []
    for m in a.milestones:
        if m.overdue:
            open_items = "; ".join(i.text for i in m.items if not i.done)
            out.append(_item(a, ItemKind.milestone_overdue, AlertLevel.warning,
                             f"{m.name} overdue",
                             f"Finish: {open_items}" if open_items else "Finish the checklist",
                             m.due, True))
    return out


def expansion_items(a: Assessment) -> list[BriefItem]:
    if not a.expansion_qualified:
        return []
    return [_item(a, ItemKind.expansion, AlertLevel.info, "Qualified for an expansion motion",
                  "Anchor on achieved value and bring in the AE", None, False)]


def detractor_items(a: Assessment, as_of: dt.date, rules: Rules) -> list[BriefItem]:
    """§13: each detractor not yet followed up, due 5 business days after the response (a
    weekend response counts from the Friday before: due the next Friday)."""
    out = []
    for n in a.unanswered_detractors:
        due = business_days_after(n.date, rules.signals.detractor_followup_business_days)
        who = f" from {n.contact}" if n.contact else ""
        out.append(_item(a, ItemKind.nps_detractor, AlertLevel.warning,
                         f"NPS detractor ({n.score}){who} on {n.date}",
                         "Follow up and log the conversation", due, as_of > due))
    return out


def brief_sort_key(item: BriefItem) -> tuple:
    return (not item.overdue, LEVEL_ORDER[item.level], item.due or dt.date.max,
            item.name.casefold(), item.account_id, item.kind)


def build_brief(assessments: list[Assessment], as_of: dt.date, rules: Rules) -> list[BriefItem]:
    items: list[BriefItem] = []
    for a in assessments:
        if a.phase == Phase.churned or a.health is None:
            continue  # churned or not started yet: nothing to do today
        items += alert_items(a)
        items += renewal_items(a, as_of, rules)
        items += touchpoint_items(a, as_of)
        items += milestone_items(a)
        items += expansion_items(a)
        items += detractor_items(a, as_of, rules)
    return sorted(items, key=brief_sort_key)


def with_account(brief: list[BriefItem], account_id: str, assessment: Assessment | None,
                 as_of: dt.date, rules: Rules) -> list[BriefItem]:
    """`brief` (as `build_brief` made it) with one account's items replaced by those of its
    new `assessment` (None: the account is gone): what `build_brief` makes of the book with
    that one assessment changed. Each item is one account's, and the order is total but for
    an account's own items of a kind, which keep the order they were made in; so the others'
    items stay where they are and the account's go where the sort would put them, in a few
    milliseconds where rebuilding takes a quarter of a second at 10,000 accounts."""
    out = [item for item in brief if item.account_id != account_id]
    if assessment is not None:
        for item in build_brief([assessment], as_of, rules):
            bisect.insort_right(out, item, key=brief_sort_key)  # after its equals: stable
    return out
