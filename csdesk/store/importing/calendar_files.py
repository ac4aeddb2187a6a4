"""Calendar files (`.ics`, RFC 5545) for capture (docs/workflow.md, "Capture").

Read with `icalendar`, as Outlook and Google Calendar export them: time zones from the file's
VTIMEZONE blocks (Outlook's Windows names included), `Z` times, all-day dates, and Google's
X-WR-TIMEZONE for times written without a zone. A recurring event is expanded with
`dateutil.rrule` into its occurrences within the window asked for, less its EXDATEs, plus its
RDATEs, each occurrence replaced by its RECURRENCE-ID override when the file has one.

Each occurrence becomes a `CapturedItem`; the rules of what it becomes live in
`csdesk.core.capture`. A file that is not a calendar, or an event without a start, is a
problem naming the file and the event: the caller refuses the whole capture.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from email.utils import parseaddr
from pathlib import Path

import icalendar
from dateutil.rrule import rrulestr

from csdesk.core.capture import CapturedItem

MAX_OCCURRENCES = 2000  # of one recurring event in the window: a daily meeting for 5 years
Progress = Callable[[int, int], None]


def _address(value) -> str | None:
    """The e-mail of an ORGANIZER/ATTENDEE (`mailto:` value, else its EMAIL parameter)."""
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    params = getattr(value, "params", {}) or {}
    if "@" not in text and "@" in str(params.get("EMAIL", "")):
        text = str(params["EMAIL"])
    text = text.strip().lower()
    return text if "@" in text and " " not in text else None


def _people(event) -> tuple[str, ...]:
    out = []
    organizer = event.get("ORGANIZER")
    if organizer is not None:
        out.append(_address(organizer))
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    for attendee in attendees:
        params = getattr(attendee, "params", {}) or {}
        if str(params.get("PARTSTAT", "")).upper() == "DECLINED":
            continue  # they did not come
        out.append(_address(attendee))
    return tuple(dict.fromkeys(a for a in out if a))


def _owner(cal) -> str | None:
    _name, address = parseaddr(str(cal.get("X-WR-CALNAME", "")))
    address = address.strip().lower()
    return address if "@" in address and " " not in address else None


def _instant(value: dt.datetime | dt.date):
    """A comparable key for an occurrence start (aware times in UTC)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None), True
    return value, False


def _dates(prop) -> list:
    """The dates/times of an EXDATE or RDATE property (one or several lines)."""
    if prop is None:
        return []
    props = prop if isinstance(prop, list) else [prop]
    out = []
    for p in props:
        for d in getattr(p, "dts", []):
            out.append(d.dt)
    return out


def _occurrences(event, start, window: tuple[dt.datetime, dt.datetime]) -> list:
    """The starts of a recurring event's occurrences in the window (aware window bounds)."""
    all_day = not isinstance(start, dt.datetime)
    first = dt.datetime.combine(start, dt.time()) if all_day else start
    low, high = window
    if first.tzinfo is None:
        low, high = low.replace(tzinfo=None), high.replace(tzinfo=None)
    text = "\n".join(f"RRULE:{r.to_ical().decode()}" for r in
                     (event["RRULE"] if isinstance(event["RRULE"], list) else [event["RRULE"]]))
    try:
        rule = rrulestr(text, dtstart=first, forceset=True)
    except ValueError:
        # UNTIL in UTC with a floating start, or floating with a zoned start: read it in
        # the start's own terms.
        rule = rrulestr(text, dtstart=first.replace(tzinfo=None), forceset=True, ignoretz=True)
        if first.tzinfo is not None:
            starts = [d.replace(tzinfo=first.tzinfo) for d in
                      rule.between(low.replace(tzinfo=None), high.replace(tzinfo=None), inc=True)]
            return _finish(starts[:MAX_OCCURRENCES], event, all_day, first)
    starts = rule.between(low, high, inc=True)[:MAX_OCCURRENCES]
    return _finish(starts, event, all_day, first)


def _finish(starts: list, event, all_day: bool, first) -> list:
    excluded = {_instant(d if not all_day or isinstance(d, dt.datetime) else
                         dt.datetime.combine(d, dt.time())) for d in _dates(event.get("EXDATE"))}
    out = [s for s in starts if _instant(s) not in excluded]
    for extra in _dates(event.get("RDATE")):
        if isinstance(extra, tuple):  # a PERIOD: its start
            extra = extra[0]
        out.append(extra if not all_day or isinstance(extra, dt.datetime)
                   else dt.datetime.combine(extra, dt.time()))
    if all_day:
        return [s.date() if isinstance(s, dt.datetime) else s for s in out]
    return out


def _label(event) -> str:
    summary = " ".join(str(event.get("SUMMARY", "")).split())
    uid = str(event.get("UID", "")).strip()
    shown = f'event "{summary}"' if summary else "event without a summary"
    return f"{shown} (UID {uid})" if uid else shown


def read_calendar(path: Path, label: str, problems: list[str], *,
                  window: tuple[dt.datetime, dt.datetime],
                  progress: Progress | None = None) -> list[CapturedItem]:
    """The meetings of an .ics file; problems (naming the file and event) go to `problems`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(f"{label}: cannot read the file ({exc.strerror or exc})")
        return []
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper()
    if not head.startswith(b"BEGIN:VCALENDAR"):
        problems.append(f"{label}: not a calendar file (an .ics file starts with BEGIN:VCALENDAR)")
        return []
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        problems.append(f"{label}: not a readable calendar ({exc})")
        return []
    items: list[CapturedItem] = []
    for cal in calendars:
        items.extend(_read_one(cal, label, problems, window, progress))
    return items


def _read_one(cal, label, problems, window, progress) -> list[CapturedItem]:
    owner = _owner(cal)
    floating_zone = None
    zone_name = str(cal.get("X-WR-TIMEZONE", "")).strip()
    if zone_name:
        try:
            floating_zone = zoneinfo.ZoneInfo(zone_name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            floating_zone = None
    events = list(cal.walk("VEVENT"))
    overrides: dict[tuple[str, object], object] = {}
    masters = []
    for event in events:
        if event.get("RECURRENCE-ID") is not None:
            try:
                rid = event.decoded("RECURRENCE-ID")
            except (ValueError, KeyError, TypeError):
                problems.append(f"{label}: {_label(event)}: a RECURRENCE-ID that is not a date")
                continue
            overrides[(str(event.get("UID", "")), _instant(rid))] = event
        else:
            masters.append(event)
    items: list[CapturedItem] = []

    def start_of(event):
        if event.get("DTSTART") is None:
            problems.append(f"{label}: {_label(event)}: no start (DTSTART): an event needs a date")
            return None
        try:
            start = event.decoded("DTSTART")
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(f"{label}: {_label(event)}: a start (DTSTART) that is not a date "
                            f"({exc})")
            return None
        if not isinstance(start, dt.date):
            problems.append(f"{label}: {_label(event)}: a start (DTSTART) that is not a date")
            return None
        if isinstance(start, dt.datetime) and start.tzinfo is None and floating_zone:
            start = start.replace(tzinfo=floating_zone)
        return start

    def add(event, start) -> None:
        cancelled = str(event.get("STATUS", "")).upper() == "CANCELLED"
        items.append(CapturedItem(
            source=f"{label}: {_label(event)}", kind="meeting", start=start,
            subject=str(event.get("SUMMARY", "")), addresses=_people(event), owner=owner,
            cancelled=cancelled))

    for done, event in enumerate(masters, 1):
        start = start_of(event)
        if start is None:
            continue
        if event.get("RRULE") is None:
            add(event, start)
        else:
            uid = str(event.get("UID", ""))
            try:
                starts = _occurrences(event, start, window)
            except (ValueError, TypeError) as exc:
                problems.append(f"{label}: {_label(event)}: a recurrence rule that cannot be "
                                f"read ({exc})")
                continue
            for when in starts:
                override = overrides.pop((uid, _instant(when)), None)
                if override is None:
                    add(event, when)
                else:
                    moved = start_of(override)
                    if moved is not None:
                        add(override, moved)
        if progress is not None:
            progress(done, len(masters))
    for override in overrides.values():  # an override whose master is not in the file
        start = start_of(override)
        if start is not None:
            add(override, start)
    return items
