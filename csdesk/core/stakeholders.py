"""The stakeholder map, as a map (docs/workflow.md): reporting lines, last contact, warnings.

`reports_to` names another contact of the account by email or contact id (case-insensitive);
a name that matches no one, or a line that would loop, leaves the person at the top of a tree.
Touchpoints name the contacts met (`touchpoints.contacts`: emails, or names), which gives each
person's last contact: the last completed touchpoint that names them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from csdesk.core.config import Rules
from csdesk.core.models import (
    Contact,
    ContactStatus,
    Influence,
    Role,
    Touchpoint,
    TouchpointStatus,
)
from csdesk.core.touchpoints import AUTOMATED


@dataclass
class Stakeholder:
    """One person of the map, with the people who report to them."""

    index: int  # position in the contacts given (the caller's row)
    contact: Contact
    last_contact: dt.date | None
    reports: list["Stakeholder"] = field(default_factory=list)


def _keys(c: Contact) -> set[str]:
    return {k.strip().casefold() for k in (c.email, c.contact_id) if k and k.strip()}


def _names_met(t: Touchpoint) -> set[str]:
    return {n.strip().casefold() for n in getattr(t, "contacts", ()) or () if n.strip()}


def last_contacts(contacts: Sequence[Contact], touchpoints: Sequence[Touchpoint],
                  as_of: dt.date) -> list[dt.date | None]:
    """Each contact's last completed touchpoint (up to as_of) that names them, by email or name
    (automated touches are not a contact with a person, §13)."""
    out: list[dt.date | None] = [None] * len(contacts)
    keys = [_keys(c) | {c.name.strip().casefold()} for c in contacts]
    for t in touchpoints:  # ascending by date: the last match wins
        if t.date > as_of or t.status != TouchpointStatus.completed or t.kind in AUTOMATED:
            continue
        met = _names_met(t)
        if not met:
            continue
        for i, k in enumerate(keys):
            if k & met:
                out[i] = t.date
    return out


def manager_index(contacts: Sequence[Contact]) -> list[int | None]:
    """For each contact, the index of the contact it reports to (None: top of a tree), with
    loops broken (the line that closes a loop is dropped)."""
    by_key: dict[str, int] = {}
    for i, c in enumerate(contacts):
        for k in _keys(c):
            by_key.setdefault(k, i)
    parent: list[int | None] = []
    for i, c in enumerate(contacts):
        target = by_key.get(c.reports_to.strip().casefold()) if c.reports_to else None
        parent.append(None if target == i else target)
    for i in range(len(contacts)):  # walk up; a walk that comes back to i is a loop
        seen, j = {i}, parent[i]
        while j is not None:
            if j in seen:
                parent[i] = None
                break
            seen.add(j)
            j = parent[j]
    return parent


def stakeholder_tree(contacts: Sequence[Contact], touchpoints: Sequence[Touchpoint],
                     as_of: dt.date) -> list[Stakeholder]:
    """The tops of the reporting trees (in the contacts' order), each with its reports."""
    last = last_contacts(contacts, touchpoints, as_of)
    nodes = [Stakeholder(i, c, last[i]) for i, c in enumerate(contacts)]
    roots = []
    for i, p in enumerate(manager_index(contacts)):
        (roots if p is None else nodes[p].reports).append(nodes[i])
    return roots


def _engaged(day: dt.date | None, as_of: dt.date, days: int) -> bool:
    return day is not None and (as_of - day).days <= days


def map_warnings(contacts: Sequence[Contact], touchpoints: Sequence[Touchpoint],
                 as_of: dt.date, rules: Rules) -> list[str]:
    """The three warnings of the map (docs/workflow.md), for active contacts: no one at the top
    of a tree engaged; every engaged contact a user; a high-influence skeptic with no recent
    touchpoint."""
    s = rules.stakeholders
    last = last_contacts(contacts, touchpoints, as_of)
    parent = manager_index(contacts)
    active = [i for i, c in enumerate(contacts) if c.status == ContactStatus.active]
    out = []
    # The top of a tree: an active contact whose manager is not an active contact.
    tops = [i for i in active if parent[i] is None
            or contacts[parent[i]].status != ContactStatus.active]
    if tops and not any(_engaged(last[i], as_of, s.engaged_days) for i in tops):
        out.append(f"No one at the top of the map engaged in the last {s.engaged_days} days")
    engaged = [i for i in active if _engaged(last[i], as_of, s.engaged_days)]
    if engaged and all(contacts[i].role == Role.user for i in engaged):
        out.append("Every engaged contact is a user: no one with influence is engaged")
    for i in active:
        c = contacts[i]
        if (c.role == Role.skeptic and c.influence == Influence.high
                and not _engaged(last[i], as_of, s.skeptic_days)):
            when = f"last contact {last[i]}" if last[i] else "never contacted"
            out.append(f"High-influence skeptic {c.name}: no touchpoint in "
                       f"{s.skeptic_days} days ({when})")
    return out


def stakeholder_warnings(contacts: Sequence[Contact]) -> list[str]:
    """Thin or broken coverage of the account (docs/workflow.md): fewer than two active
    stakeholders (single-threaded), a departed champion with no active one, no executive
    sponsor mapped."""
    active = [c for c in contacts if c.status == ContactStatus.active]
    roles = {str(c.role) for c in active}
    warnings = []
    if len(active) < 2:
        warnings.append(f"Single-threaded: {len(active)} active stakeholder"
                        f"{'s' if len(active) != 1 else ''} (fewer than two)")
    departed = [c for c in contacts if c.status == ContactStatus.departed
                and str(c.role) == Role.champion]
    if departed and Role.champion not in roles:
        warnings.append(f"Champion departed ({departed[-1].name}) with no active replacement")
    if Role.executive_sponsor not in roles:
        warnings.append("No executive sponsor mapped")
    return warnings
