"""The CSM's own records back to the CRM (`csdesk export --format F`, docs/import.md).

Touchpoints, notes, tasks and forecast calls, written as the CRM's importer documents them:

- `salesforce-tasks`: one Task CSV for Data Loader / the Data Import Wizard (`WhatId` is the
  account's Salesforce id, `Subject` at most 255 characters, `ActivityDate`, `Status` one of
  Not Started / Completed / Deferred, `Type` one of Call / Email / Meeting / Other,
  `Description`, `Priority` High / Normal / Low).
- `hubspot-activities`: one CSV of calls, meetings, notes, e-mails and tasks, each row
  associated with its company by `Company ID` (the company's record id), with `Activity date`
  and the activity's own columns (`Call notes`, `Meeting name`, `Note body`, `Task title`...).
- `csv`: a folder with one plain file per table (`touchpoints.csv`, `notes.csv`, `tasks.csv`,
  `forecast_calls.csv`) with the import columns; importing it back gives the same records.

Incremental: without `since`, only the records added after the last export of that format
(the highest row id of each kind is kept in the book, `crm_exports`); with `since`, the
records dated on or after that day. Every text cell a spreadsheet would run as a formula is
neutralised (`csv_tables.neutralise`).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from csdesk.core.touchpoints import MEETING_KINDS
from csdesk.store.exporting.csv_tables import neutralise
from csdesk.store.importing.tables import TABLES
from csdesk.store.writes import transaction

FORMATS = ("salesforce-tasks", "hubspot-activities", "csv")
KINDS = ("touchpoints", "notes", "tasks", "forecast_calls")
# The day each kind of record is dated by (for `since`).
_DAY = {"touchpoints": "date", "notes": "substr(created_at, 1, 10)", "tasks": "created_on",
        "forecast_calls": "made_on"}

SALESFORCE_COLUMNS = ["WhatId", "Subject", "ActivityDate", "Status", "Type", "Description",
                      "Priority"]
HUBSPOT_COLUMNS = ["Company ID", "Activity type", "Activity date", "Call title", "Call notes",
                   "Meeting name", "Meeting description", "Note body", "Email subject",
                   "Email body", "Task title", "Task notes", "Task status", "Task due date",
                   "Task priority"]
_SALESFORCE_ID = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")


@dataclass
class CrmExport:
    """What an export wrote: rows per kind of record, where, and from when."""

    format: str
    paths: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    since: dt.date | None = None
    incremental: bool = False
    not_salesforce_ids: int = 0  # rows whose account id is no Salesforce id


def read_records(db: sqlite_utils.Database, fmt: str, since: dt.date | None
                 ) -> dict[str, list[dict]]:
    """Each kind's records to export, oldest first: on or after `since`, else newer than the
    last export of `fmt`."""
    last = dict(db.execute("SELECT kind, last_id FROM crm_exports WHERE format = ?", [fmt]))
    out = {}
    for kind in KINDS:
        columns = ["id", *(c for c in TABLES[kind].columns if c != "id")]
        if since is not None:
            where, args = f"{_DAY[kind]} >= ?", [since.isoformat()]
        else:
            where, args = "id > ?", [last.get(kind, 0)]
        cursor = db.execute(f"SELECT {', '.join(columns)} FROM {kind} WHERE {where} "
                            f"ORDER BY {_DAY[kind]}, id", args)
        out[kind] = [dict(zip(columns, row)) for row in cursor]
    return out


def export_crm(db: sqlite_utils.Database, fmt: str, path: str | os.PathLike, *,
               since: dt.date | None = None, now: dt.datetime | None = None) -> CrmExport:
    """Write the records in `fmt` to `path` (a file; a folder for `csv`) and remember, per
    kind, the highest row id written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    records = read_records(db, fmt, since)
    result = CrmExport(fmt, since=since, incremental=since is None,
                       counts={k: len(v) for k, v in records.items()})
    target = Path(path).expanduser()
    if fmt == "csv":
        target.mkdir(parents=True, exist_ok=True)
        for kind, rows in records.items():
            columns = list(TABLES[kind].columns)
            file = target / f"{kind}.csv"
            _write(file, columns, ([row[c] for c in columns] for row in rows))
            result.paths.append(file)
    else:
        rows = (_salesforce_rows(records) if fmt == "salesforce-tasks"
                else _hubspot_rows(records))
        columns = SALESFORCE_COLUMNS if fmt == "salesforce-tasks" else HUBSPOT_COLUMNS
        _write(target, columns, rows)
        result.paths.append(target)
        if fmt == "salesforce-tasks":
            result.not_salesforce_ids = sum(
                1 for rows in records.values() for r in rows
                if not _SALESFORCE_ID.match(r["account_id"]))
    stamp = (now or dt.datetime.now()).isoformat(timespec="seconds")
    with transaction(db):
        for kind, rows in records.items():
            if rows:
                db.execute(
                    "INSERT INTO crm_exports (format, kind, last_id, exported_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (format, kind) DO UPDATE SET "
                    "last_id = max(last_id, excluded.last_id), exported_at = excluded.exported_at",
                    [fmt, kind, max(r["id"] for r in rows), stamp])
    return result


def _write(path: Path, columns: list[str], rows) -> None:
    """A CSV file written whole or not at all (a temporary file renamed over it), private to
    its owner like the book it comes from; every text cell neutralised."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    try:
        with open(fd, "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(columns)
            for row in rows:
                out.writerow([_cell(v) for v in row])
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return neutralise(value)


def _words(value: str) -> str:
    return value.replace("_", " ")


_SF_TYPE = {"call": "Call", "email": "Email", "meeting": "Meeting", "qbr": "Meeting",
            "ebr": "Meeting", "executive": "Meeting", "training": "Meeting",
            "renewal": "Meeting", "check_in": "Call", "expansion": "Meeting"}
_SF_STATUS = {"completed": "Completed", "scheduled": "Not Started", "missed": "Deferred"}
_URGENT_FLAGS = {"complaint", "termination_inquiry", "data_export_request"}
_URGENT_CALLS = {"at_risk", "churn_expected"}


def _touchpoint_text(t: dict) -> str:
    parts = [t["summary"] or ""]
    if t.get("contacts"):
        parts.append("With: " + ", ".join(c for c in t["contacts"].split(";") if c))
    if t.get("flags"):
        parts.append("Flags: " + ", ".join(_words(f) for f in t["flags"].split(";") if f))
    return "\n".join(p for p in parts if p)


def _subject(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 255 else line[:254] + "…"


def _salesforce_rows(records: dict[str, list[dict]]):
    for t in records["touchpoints"]:
        kind = _words(t["kind"]).capitalize()
        flags = set((t["flags"] or "").split(";"))
        yield [t["account_id"], _subject(f"{kind}: {t['summary']}" if t["summary"] else kind),
               t["date"], _SF_STATUS.get(t["status"], "Completed"),
               _SF_TYPE.get(t["kind"], "Other"), _touchpoint_text(t),
               "High" if flags & _URGENT_FLAGS or t["kind"] == "escalation" else "Normal"]
    for n in records["notes"]:
        yield [n["account_id"], _subject("Note: " + n["text"]), n["created_at"][:10],
               "Completed", "Other", n["text"], "Normal"]
    for k in records["tasks"]:
        yield [k["account_id"], _subject(k["text"]), k["due"] or k["created_on"],
               "Completed" if k["done_on"] else "Not Started", "Other", k["text"], "Normal"]
    for f in records["forecast_calls"]:
        call = _words(f["call"])
        yield [f["account_id"], _subject(f"Renewal forecast: {call}"), f["made_on"],
               "Completed", "Other",
               f"Renewal on {f['renewal_date']}: {call}." + (f" {f['note']}" if f["note"] else ""),
               "High" if f["call"] in _URGENT_CALLS else "Normal"]


_HS_CALLS = {"call", "check_in"}
_HS_STATUS = {"completed": "COMPLETED", "scheduled": "NOT_STARTED", "missed": "DEFERRED"}


def _hubspot_rows(records: dict[str, list[dict]]):
    blank = dict.fromkeys(HUBSPOT_COLUMNS, "")

    def row(account_id: str, kind: str, day: str, **cells) -> list:
        values = blank | {"Company ID": account_id, "Activity type": kind,
                          "Activity date": day} | cells
        return [values[c] for c in HUBSPOT_COLUMNS]

    for t in records["touchpoints"]:
        title = _subject(f"{_words(t['kind']).capitalize()}: {t['summary']}"
                         if t["summary"] else _words(t["kind"]).capitalize())
        text = _touchpoint_text(t)
        if t["status"] == "scheduled":
            yield row(t["account_id"], "Task", t["date"], **{
                "Task title": title, "Task notes": text, "Task status": "NOT_STARTED",
                "Task due date": t["date"], "Task priority": "MEDIUM"})
        elif t["kind"] in _HS_CALLS:
            yield row(t["account_id"], "Call", t["date"],
                      **{"Call title": title, "Call notes": text})
        elif t["kind"] == "email":
            yield row(t["account_id"], "Email", t["date"],
                      **{"Email subject": title, "Email body": text})
        elif t["kind"] in MEETING_KINDS:
            yield row(t["account_id"], "Meeting", t["date"],
                      **{"Meeting name": title, "Meeting description": text})
        else:
            yield row(t["account_id"], "Note", t["date"], **{"Note body": f"{title}\n{text}"})
    for n in records["notes"]:
        yield row(n["account_id"], "Note", n["created_at"][:10], **{"Note body": n["text"]})
    for k in records["tasks"]:
        yield row(k["account_id"], "Task", k["created_on"], **{
            "Task title": _subject(k["text"]), "Task notes": k["text"],
            "Task status": _HS_STATUS["completed" if k["done_on"] else "scheduled"],
            "Task due date": k["due"] or "", "Task priority": "MEDIUM"})
    for f in records["forecast_calls"]:
        call = _words(f["call"])
        yield row(f["account_id"], "Note", f["made_on"], **{
            "Note body": f"Renewal forecast for {f['renewal_date']}: {call}."
                         + (f" {f['note']}" if f["note"] else "")})
