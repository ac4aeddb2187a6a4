"""Capture without typing (docs/workflow.md, "Capture"): meetings and mails become touchpoints.

The file readers (`csdesk.store.importing.calendar_files`, `mail_files`) turn each calendar
event (each occurrence of a recurring one) and each mail into a `CapturedItem`: when, what
about, and who was on it. The rules here decide, without I/O or a clock, what the book gains:

- Whose it is. Each address on an item is matched to an account by a contact's e-mail; else by
  its domain, when the contacts of exactly one account use that domain. Free-mail domains
  (gmail.com, …) never match by domain, and the CSM's own domains (configured, the calendar's
  owner, or the domain on most of the items read) are the CSM's side, not a customer's.
- What it becomes. One touchpoint per account on the item: kind meeting or email, the subject
  as summary, the account's people on it in `contacts` (`;`-separated e-mails); completed if
  it has begun by `now`, else scheduled.
- Never twice. The touchpoint's natural key (account, date, kind, summary) is what a second
  run finds already there: unchanged, or updated when a scheduled meeting has since been held
  or names people it did not.
- What could not be matched is listed with its addresses, so the CSM can add the contact and
  run it again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

from csdesk.core.config import Capture
from csdesk.core.models import TouchpointKind, TouchpointStatus

MAX_SUMMARY = 200
NO_SUBJECT = "(no subject)"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class CapturedItem(_Frozen):
    """One meeting (one occurrence) or one mail, as read from a file."""

    source: str  # where it came from, for messages: `cal.ics: event "Weekly sync"`
    kind: Literal["meeting", "email"]
    start: dt.datetime | dt.date  # an aware or floating datetime; a date for all-day events
    subject: str
    addresses: tuple[str, ...]  # everyone on it (organizer/attendees, from/to/cc), lowercased
    owner: str | None = None  # the calendar's own address when the file says it
    cancelled: bool = False  # a cancelled meeting (or occurrence): read, never logged


class CapturedTouchpoint(_Frozen):
    account_id: str
    date: dt.date
    kind: TouchpointKind
    status: TouchpointStatus
    summary: str
    contacts: tuple[str, ...]  # the account's people on it
    sources: tuple[str, ...]

    @property
    def key(self) -> tuple[str, dt.date, str, str]:
        return (self.account_id, self.date, str(self.kind), self.summary)


class Unmatched(_Frozen):
    source: str
    date: dt.date
    subject: str
    addresses: tuple[str, ...]
    ambiguous: tuple[str, ...] = ()  # domains the contacts of several accounts use


class StoredTouchpoint(_Frozen):
    """What the book already holds under a captured touchpoint's natural key."""

    status: TouchpointStatus
    contacts: tuple[str, ...]


class CapturePlan(_Frozen):
    new: tuple[CapturedTouchpoint, ...] = ()
    updated: tuple[CapturedTouchpoint, ...] = ()  # as they will be stored
    unchanged: tuple[CapturedTouchpoint, ...] = ()
    unmatched: tuple[Unmatched, ...] = ()
    internal: int = 0  # items with no one but the CSM's side on them
    cancelled: int = 0
    outside_window: int = 0
    own_domains: tuple[str, ...] = ()

    @property
    def writes(self) -> tuple[CapturedTouchpoint, ...]:
        return self.new + self.updated


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


def clean_subject(subject: str | None) -> str:
    """The subject on one line, spaces collapsed, at most MAX_SUMMARY characters."""
    text = " ".join((subject or "").split())
    return text[:MAX_SUMMARY] if text else NO_SUBJECT


def local_day(start: dt.datetime | dt.date, tz: dt.tzinfo) -> dt.date:
    """The CSM's calendar day of a start: an aware time in their zone, a floating time and an
    all-day date as written."""
    if isinstance(start, dt.datetime):
        return (start.astimezone(tz) if start.tzinfo is not None else start).date()
    return start


def has_begun(start: dt.datetime | dt.date, now: dt.datetime, tz: dt.tzinfo) -> bool:
    """Whether a meeting has begun by `now` (an aware time): a floating time read on the CSM's
    clock (`tz`), an all-day one on its day."""
    local = now.astimezone(tz)
    if isinstance(start, dt.datetime):
        if start.tzinfo is None:
            return start <= local.replace(tzinfo=None)
        return start <= now
    return start <= local.date()


class Directory:
    """Who is whose: contact e-mails and the domains they use, by account."""

    def __init__(self, contacts: Iterable[tuple[str, str]], settings: Capture) -> None:
        free = {d.lower() for d in settings.free_mail_domains}
        self.by_email: dict[str, set[str]] = {}
        self.by_domain: dict[str, set[str]] = {}
        for account_id, email in contacts:
            email = (email or "").strip().lower()
            if "@" not in email:
                continue
            self.by_email.setdefault(email, set()).add(account_id)
            domain = domain_of(email)
            if domain not in free:
                self.by_domain.setdefault(domain, set()).add(account_id)

    def accounts_of(self, address: str, own: set[str]) -> tuple[set[str], bool]:
        """The accounts an address belongs to, and whether its domain was ambiguous."""
        if address in self.by_email:
            return self.by_email[address], False
        accounts = self.by_domain.get(domain_of(address), set())
        if domain_of(address) in own:
            return set(), False
        if len(accounts) == 1:
            return accounts, False
        return set(), len(accounts) > 1


def own_side(items: list[CapturedItem], directory: Directory, settings: Capture
             ) -> tuple[set[str], set[str]]:
    """The CSM's side, as (domains, addresses): the configured domains; the calendars'
    owners (their address, and their domain unless free mail); and what is on more than half
    of the items (at least two) and no customer's: the most frequent domain (unless free
    mail) and the most frequent address (a CSM on free mail is still themselves)."""
    free = {d.lower() for d in settings.free_mail_domains}
    domains = {d.lower() for d in settings.own_domains}
    addresses = {i.owner for i in items if i.owner}
    domains.update(domain_of(a) for a in addresses if domain_of(a) not in free)
    enough = max(2, len(items) // 2 + 1)
    by_domain = Counter(d for i in items for d in {domain_of(a) for a in i.addresses})
    for domain, count in by_domain.most_common(1):
        if (count >= enough and domain not in free and domain not in directory.by_domain
                and not any(domain_of(e) == domain for e in directory.by_email)):
            domains.add(domain)
    by_address = Counter(a for i in items for a in set(i.addresses))
    for address, count in by_address.most_common(1):
        if count >= enough and address not in directory.by_email:
            addresses.add(address)
    return domains, addresses


def plan_capture(items: Iterable[CapturedItem], contacts: Iterable[tuple[str, str]],
                 stored: Mapping[tuple[str, dt.date, str, str], StoredTouchpoint], *,
                 now: dt.datetime, tz: dt.tzinfo, settings: Capture) -> CapturePlan:
    """What capturing `items` adds to a book whose contacts are `contacts` ((account_id,
    e-mail) pairs) and which holds `stored` under the natural keys it may touch.

    `now` is an aware time (what has begun by then is completed); `tz` the CSM's zone, which
    picks an item's day. Items before `settings.past_days` or after `settings.future_days`
    from `now`'s day are left out (counted)."""
    items = list(items)
    directory = Directory(contacts, settings)
    own, own_addresses = own_side(items, directory, settings)
    today = now.astimezone(tz).date()
    first = today - dt.timedelta(days=settings.past_days)
    last = today + dt.timedelta(days=settings.future_days)
    merged: dict[tuple, dict] = {}
    unmatched: list[Unmatched] = []
    internal = outside = 0
    cancelled = 0
    for item in items:
        if item.cancelled:
            cancelled += 1
            continue
        day = local_day(item.start, tz)
        if not first <= day <= last:
            outside += 1
            continue
        theirs = [a for a in dict.fromkeys(item.addresses)
                  if domain_of(a) not in own and a not in own_addresses]
        if not theirs:
            internal += 1
            continue
        by_account: dict[str, list[str]] = {}
        lost: list[str] = []
        ambiguous: set[str] = set()
        for address in theirs:
            accounts, unclear = directory.accounts_of(address, own)
            if unclear:
                ambiguous.add(domain_of(address))
            if not accounts:
                lost.append(address)
            for account_id in accounts:
                by_account.setdefault(account_id, []).append(address)
        if not by_account:
            unmatched.append(Unmatched(source=item.source, date=day,
                                       subject=clean_subject(item.subject),
                                       addresses=tuple(lost), ambiguous=tuple(sorted(ambiguous))))
            continue
        kind = TouchpointKind.meeting if item.kind == "meeting" else TouchpointKind.email
        begun = item.kind == "email" or has_begun(item.start, now, tz)
        status = TouchpointStatus.completed if begun else TouchpointStatus.scheduled
        summary = clean_subject(item.subject)
        for account_id, people in by_account.items():
            key = (account_id, day, str(kind), summary)
            entry = merged.setdefault(key, {"status": status, "contacts": set(), "sources": []})
            if status == TouchpointStatus.completed:
                entry["status"] = status
            entry["contacts"].update(people)
            if item.source not in entry["sources"]:
                entry["sources"].append(item.source)
    new, updated, unchanged = [], [], []
    for key in sorted(merged, key=lambda k: (k[1], k[0], k[2], k[3])):
        entry = merged[key]
        account_id, day, kind, summary = key
        found = stored.get(key)
        status, people = entry["status"], set(entry["contacts"])
        if found is not None:
            if found.status != TouchpointStatus.scheduled:  # held or missed stays so
                status = found.status
            people |= set(found.contacts)
        touchpoint = CapturedTouchpoint(
            account_id=account_id, date=day, kind=TouchpointKind(kind),
            status=status, summary=summary, contacts=tuple(sorted(people)),
            sources=tuple(entry["sources"]))
        if found is None:
            new.append(touchpoint)
        elif found.status != status or set(found.contacts) != people:
            updated.append(touchpoint)
        else:
            unchanged.append(touchpoint)
    return CapturePlan(new=tuple(new), updated=tuple(updated), unchanged=tuple(unchanged),
                       unmatched=tuple(unmatched), internal=internal,
                       cancelled=cancelled, outside_window=outside, own_domains=tuple(sorted(own)))
