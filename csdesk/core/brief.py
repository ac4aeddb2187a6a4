"""The morning brief (`csdesk today`): what needs the CSM today, most urgent first.

Order (docs/workflow.md): overdue first, then level (critical, warning, watch, info), then the
account's weight (ARR, a renewal within 90 days counting double; heaviest first), then due date
(undated last), then account name. Each item carries its id, what clears it and the response it
asks for (`csdesk.core.work`); snoozed items are left out (`build_brief_and_snoozed`).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from csdesk.core import work
from csdesk.core.alerts import LEVEL_ORDER
from csdesk.core.config import Rules
from csdesk.core.metrics import BandShare
from csdesk.core.models import (
    AlertLevel,
    Assessment,
    Band,
    BriefItem,
    ItemKind,
    Phase,
    TouchpointKind,
    trusted,
)
from csdesk.core.phase import has_churned
from csdesk.core.plans import plan_action_items
from csdesk.core.qbr import business_days_after
from csdesk.core.renewals import RenewalsAtRisk, in_renewal_window, renewals_at_risk

_brief_item = trusted(BriefItem)


def _item(a: Assessment, kind: ItemKind, level: AlertLevel, title: str, action: str,
          due: dt.date | None, overdue: bool, *, id: str, clears_when: str,
          respond_with: TouchpointKind | None) -> BriefItem:
    return _brief_item(account_id=a.account.account_id, name=a.account.name, kind=kind,
                       level=level, title=title, action=action, due=due, overdue=overdue,
                       id=id, clears_when=clears_when, respond_with=respond_with)


def alert_items(a: Assessment) -> list[BriefItem]:
    out = []
    lefts = a.alert_left or ("",) * len(a.alerts)
    for al, left in zip(a.alerts, lefts):
        clears = work.alert_clears_when(al) + (f" ({left})" if left else "")
        out.append(_item(a, ItemKind.alert, al.level, al.title, al.response, al.due, al.overdue,
                         id=work.alert_id(a.account.account_id, al), clears_when=clears,
                         respond_with=work.ALERT_RESPONSE_KIND[al.level]))
    return out


def band_action_items(a: Assessment) -> list[BriefItem]:
    """docs/workflow.md: the band's action while undone, unless an alert of the account asks
    the same (the red band's critical alert, the green-to-yellow watch): one item, not two."""
    act, h = a.action, a.health
    if act is None or h is None or act.due is None or act.done_on is not None:
        return []
    band = Band(h.band)
    if band not in (Band.yellow, Band.red):
        return []
    same = "band_red" if band == Band.red else "band_green_to_yellow"
    if any(al.trigger == same for al in a.alerts):
        return []
    red = band == Band.red
    since = act.since or a.as_of
    return [_item(
        a, ItemKind.band_action, AlertLevel.critical if red else AlertLevel.watch,
        f"Health {band.value} since {since} (score {h.score}): the band's action",
        act.text, act.due, act.overdue,
        id=f"{a.account.account_id}:band_action:{band.value}:{since}",
        clears_when=(f"an escalation or executive touchpoint and a written save plan, on or "
                     f"after {since}" if red else
                     f"a completed check-in, call or meeting logged on or after {since}"),
        respond_with=TouchpointKind.executive if red else TouchpointKind.check_in)]


def renewal_items(a: Assessment, as_of: dt.date, rules: Rules) -> list[BriefItem]:
    """Window open and no `renewal` touchpoint since it opened (§5, §9); a renewal date passed
    without a logged outcome is overdue (our choice). Level: warning when the account is red or
    yellow (its ARR is at risk), else info (our choice)."""
    days, date = a.days_to_renewal, a.account.renewal_date
    at_risk = a.health is not None and Band(a.health.band) in (Band.red, Band.yellow)
    level = AlertLevel.warning if at_risk else AlertLevel.info
    item_id = f"{a.account.account_id}:renewal:{date}"
    if days < 0:
        return [_item(a, ItemKind.renewal, AlertLevel.warning,
                      f"Renewal date {date} passed {-days} day{'' if days == -1 else 's'} ago with no outcome logged",
                      "Log the renewal outcome", date, True, id=item_id,
                      clears_when="the renewal outcome logged (Renewals screen)",
                      respond_with=None)]
    if in_renewal_window(days, rules) and not a.renewal_touchpoint_logged:
        opened = date - dt.timedelta(days=rules.renewals.window_days)
        return [_item(a, ItemKind.renewal, level,
                      f"Renews in {days} days ({date}); no renewal conversation logged",
                      "Start the renewal conversation and log a renewal touchpoint", date,
                      False, id=item_id,
                      clears_when=f"a renewal touchpoint logged on or after {opened}",
                      respond_with=TouchpointKind.renewal)]
    return []


def touchpoint_items(a: Assessment, as_of: dt.date, rules: Rules) -> list[BriefItem]:
    """The tier cadence is exceeded: the next touchpoint is past due."""
    due = a.next_touchpoint_due
    if due is None or due >= as_of:
        return []
    return [_item(a, ItemKind.touchpoint_due, AlertLevel.info,
                  f"No completed touchpoint for {(as_of - due).days} days past the "
                  f"{a.tier.replace('_', '-')} cadence",
                  "Reach out and log the touchpoint", due, True,
                  id=f"{a.account.account_id}:touchpoint_due:{due}",
                  clears_when="a completed touchpoint logged (a tech touch counts for smb only)",
                  respond_with=work.usual_kind(a, rules))]


def review_items(a: Assessment, as_of: dt.date) -> list[BriefItem]:
    """§13 business-review cadence (seed: enterprise quarterly EBR, mid-market semi-annual):
    the last completed qbr or ebr is older than the tier's review cadence (91 / 182 days)."""
    due = a.next_review_due
    if due is None or due >= as_of:
        return []
    return [_item(a, ItemKind.ebr_due, AlertLevel.info,
                  f"No business review for {(as_of - due).days} days past the "
                  f"{a.tier.replace('_', '-')} review cadence",
                  "Schedule the EBR with the executive sponsor", due, True,
                  id=f"{a.account.account_id}:ebr_due:{due}",
                  clears_when="a completed qbr or ebr touchpoint logged",
                  respond_with=TouchpointKind.ebr)]


def milestone_items(a: Assessment) -> list[BriefItem]:
    out = []
    for m in a.milestones:
        if m.overdue:
            open_items = "; ".join(i.text for i in m.items if not i.done)
            out.append(_item(a, ItemKind.milestone_overdue, AlertLevel.warning,
                             f"{m.name} overdue",
                             f"Finish: {open_items}" if open_items else "Finish the checklist",
                             m.due, True,
                             id=f"{a.account.account_id}:milestone_overdue:{m.milestone}",
                             clears_when=f"every item of the {m.milestone} checklist done "
                                         "(Onboarding tab)",
                             respond_with=TouchpointKind.meeting))
    return out


def expansion_items(a: Assessment, as_of: dt.date, rules: Rules) -> list[BriefItem]:
    """Qualified (§6) and no expansion conversation in the last 90 days; the id names the
    start of the green run that qualified it."""
    if not a.expansion_qualified or work.expansion_answered(a, as_of, rules):
        return []
    since = a.action.since if a.action is not None and a.action.since else as_of
    return [_item(a, ItemKind.expansion, AlertLevel.info, "Qualified for an expansion motion",
                  "Anchor on achieved value and bring in the AE", None, False,
                  id=f"{a.account.account_id}:expansion:{since}",
                  clears_when=f"a completed expansion touchpoint (answers it for "
                              f"{rules.work.expansion_answered_days} days)",
                  respond_with=TouchpointKind.expansion)]


def detractor_items(a: Assessment, as_of: dt.date, rules: Rules) -> list[BriefItem]:
    """§13: each detractor not yet followed up, due 5 business days after the response (a
    weekend response counts from the Friday before: due the next Friday)."""
    out = []
    for n in a.unanswered_detractors:
        due = business_days_after(n.date, rules.signals.detractor_followup_business_days)
        who = f" from {n.contact}" if n.contact else ""
        with_whom = f" with {n.contact}" if n.contact else ""
        out.append(_item(a, ItemKind.nps_detractor, AlertLevel.warning,
                         f"NPS detractor ({n.score}){who} on {n.date}",
                         "Follow up and log the conversation", due, as_of > due,
                         id=f"{a.account.account_id}:nps_detractor:{n.date}:{n.contact or ''}",
                         clears_when=f"a completed touchpoint (not a tech touch){with_whom} "
                                     f"logged on or after {n.date}",
                         respond_with=TouchpointKind.call))
    return out


def task_items(a: Assessment, as_of: dt.date) -> list[BriefItem]:
    """The CSM's own open tasks (level info; an overdue one sorts with the overdue)."""
    return [_item(a, ItemKind.task, AlertLevel.info, t.text, "Do it, then mark it done",
                  t.due, t.due is not None and as_of > t.due, id=work.task_id(t.id),
                  clears_when=f"marked done (space in Today, or csdesk task done {t.id})",
                  respond_with=None) for t in a.tasks]


def scheduled_items(a: Assessment, as_of: dt.date) -> list[BriefItem]:
    """Scheduled touchpoints on their day; a past one still scheduled asks to be marked
    completed or missed."""
    out, seen = [], {}
    for t in a.scheduled:
        key = f"{a.account.account_id}:scheduled:{t.date}:{t.kind}"
        seen[key] = seen.get(key, 0) + 1  # a second one of a kind that day: `…:qbr:2`
        what = str(t.kind).replace("_", " ")
        summary = f": {t.summary}" if t.summary else ""
        past = t.date < as_of
        out.append(_item(
            a, ItemKind.scheduled, AlertLevel.info,
            f"{'Was scheduled' if past else 'Scheduled today'}: {what}{summary}",
            "Mark it completed or missed" if past else "Hold it, then log how it went",
            t.date, past, id=key if seen[key] == 1 else f"{key}:{seen[key]}",
            clears_when="the touchpoint marked completed or missed (t logs it completed)",
            respond_with=t.kind))
    return out


def brief_sort_key(item: BriefItem) -> tuple:
    return (not item.overdue, LEVEL_ORDER[item.level], -item.weight, item.due or dt.date.max,
            item.name.casefold(), item.account_id, item.kind, item.id)


def account_items(a: Assessment, as_of: dt.date, rules: Rules) -> list[BriefItem]:
    """Every item of one account, snoozed or not, weighted for the queue order."""
    items: list[BriefItem] = []
    if a.phase != Phase.churned:
        items += task_items(a, as_of)
    if a.phase != Phase.churned and a.health is not None:  # else: nothing to do today
        items += alert_items(a)
        items += band_action_items(a)
        items += renewal_items(a, as_of, rules)
        items += touchpoint_items(a, as_of, rules)
        items += milestone_items(a)
        items += review_items(a, as_of)
        items += expansion_items(a, as_of, rules)
        items += detractor_items(a, as_of, rules)
        items += scheduled_items(a, as_of)
        items += plan_action_items(a, as_of)
    weight = work.account_weight(a, rules)
    return [i.model_copy(update={"weight": weight}) for i in items]


def build_brief_and_snoozed(assessments: list[Assessment], as_of: dt.date, rules: Rules
                            ) -> tuple[list[BriefItem], list[BriefItem]]:
    """(the brief, the snoozed items), each most urgent first. A snooze hides the item of its
    id only: a new trigger is a new id, never hidden by an old snooze."""
    shown: list[BriefItem] = []
    snoozed: list[BriefItem] = []
    for a in assessments:
        hidden = {s.item_id for s in a.snoozes}
        for item in account_items(a, as_of, rules):
            (snoozed if item.id in hidden else shown).append(item)
    return sorted(shown, key=brief_sort_key), sorted(snoozed, key=brief_sort_key)


def build_brief(assessments: list[Assessment], as_of: dt.date, rules: Rules) -> list[BriefItem]:
    return build_brief_and_snoozed(assessments, as_of, rules)[0]


def with_account(brief: list[BriefItem], account_id: str, assessment: Assessment | None,
                 as_of: dt.date, rules: Rules, *, snoozed: bool = False) -> list[BriefItem]:
    """`brief` (as `build_brief` made it) with one account's items replaced by those of its
    new `assessment` (None: the account is gone): what `build_brief` makes of the book with
    that one assessment changed. Each item is one account's, and the order is total but for
    an account's own items of a kind, which keep the order they were made in; so the others'
    items stay where they are and the account's go where the sort would put them, in a few
    milliseconds where rebuilding takes a quarter of a second at 10,000 accounts."""
    out = [item for item in brief if item.account_id != account_id]
    if assessment is not None:  # (`snoozed`: the same for the snoozed items)
        for item in build_brief_and_snoozed([assessment], as_of, rules)[int(snoozed)]:
            bisect.insort_right(out, item, key=brief_sort_key)  # after its equals: stable
    return out


# --- the top line ------------------------------------------------------------------------------

BANDS = (Band.red, Band.yellow, Band.green, Band.unknown)


@dataclass(frozen=True)
class TopLine:
    """Today's first line: the size of the book and where the risk is."""

    accounts: int
    total_arr: float
    bands: dict[Band, BandShare]
    at_risk: tuple[RenewalsAtRisk, ...]  # one per renewals.at_risk_days, nearest first


def top_line(assessments: list[Assessment], rules: Rules) -> TopLine:
    """The book's active accounts, their ARR by band, and the ARR at risk
    (`renewals_at_risk`, docs/rules.md §9, over the config's `renewals.at_risk_days`); a save
    recomputes it (0.03 s at 10,000 accounts)."""
    count = dict.fromkeys(BANDS, 0)
    arr = dict.fromkeys(BANDS, 0.0)
    accounts, total = 0, 0.0
    active = [a for a in assessments if not has_churned(a)]
    for a in active:
        value, health = a.account.arr, a.health
        band = health.band if health else Band.unknown  # a Band, or its text: same key
        accounts += 1
        total += value
        count[band] += 1
        arr[band] += value
    return TopLine(
        accounts=accounts, total_arr=total,
        bands={b: BandShare(count=count[b], arr=arr[b]) for b in BANDS},
        at_risk=renewals_at_risk(active, rules),
    )
