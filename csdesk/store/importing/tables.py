"""The tables of the book as the importer (and the exporters) see them.

`TABLES` lists every table in dependency order (accounts first: everything else names an
account) with its model, its stored columns and its natural key; `KINDS` says what each column
holds (a date, money, a choice...) so a cell reader knows how to read it; `db_value` turns a
model attribute into what the book stores.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import operator
import types
import typing
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from csdesk.core import models as m
from csdesk.core.forecast import ForecastCall
from csdesk.core.parse import normalise_choice


@dataclass(frozen=True)
class Table:
    """One table of the book as the importer and the exporter see it."""

    name: str
    model: type[BaseModel]
    columns: tuple[str, ...]  # stored columns, in the order export writes them
    key: tuple[str, ...]  # the natural key (docs/import.md "Natural keys")
    conflict: str | None  # the SQL conflict target matching the unique index; None: insert only


def _t(name, model, columns, key, conflict="") -> Table:
    return Table(name, model, tuple(columns.split()), tuple(key.split()),
                 None if conflict is None else (conflict or ", ".join(key.split())))


class SavePlanActionRow(BaseModel):
    """A stored save plan's remediation action (the `save_plan_actions` table)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int
    plan_id: int
    text: str = Field(min_length=1)
    owner: str = ""
    due: dt.date | None = None
    done_on: dt.date | None = None


class SnoozeRow(m.Snooze):
    """A stored snooze: the model with its row id."""

    id: int


class ForecastCallRow(ForecastCall):
    """A stored forecast call: the model with its row id."""

    id: int


# In dependency order: accounts first, everything else names an account (or a save plan).
TABLES: dict[str, Table] = {t.name: t for t in (
    _t("accounts", m.Account, "account_id name arr contract_start renewal_date seats_licensed "
       "term_months industry owner status", "account_id"),
    _t("contacts", m.Contact, "account_id name contact_id title email role status departed_on "
       "sentiment success_definition reports_to influence", "account_id email",
       "account_id, coalesce(lower(email), '~' || lower(name))"),
    _t("usage", m.Usage, "account_id date active_users logins", "account_id date"),
    _t("tickets", m.Ticket, "ticket_id account_id opened_on closed_on severity csat", "ticket_id"),
    _t("nps", m.Nps, "account_id date score contact comment", "account_id date contact",
       "account_id, date, coalesce(contact, '')"),
    # Keyed by its uid (issue 24): a row without one takes the uid of the stored touchpoint
    # with its natural key (account, date, kind, summary), else a new one (`plan.with_uids`).
    _t("touchpoints", m.Touchpoint, "account_id date kind status summary flags contacts "
       "responds_to uid", "uid"),
    _t("goals", m.Goal, "account_id goal target_date status roi_note", "account_id goal"),
    _t("renewals", m.Renewal, "account_id date outcome previous_arr new_arr reason preventable "
       "competitor", "account_id date"),
    _t("notes", m.Note, "account_id created_at text", "account_id created_at text", None),
    _t("milestones", m.MilestoneRecord, "account_id milestone due done_on",
       "account_id milestone"),
    _t("milestone_items", m.MilestoneItem, "account_id milestone item done_on",
       "account_id milestone item"),
    _t("score_snapshots", m.Snapshot, "account_id date score band coverage dimensions",
       "account_id date"),
    _t("save_plans", m.SavePlan, "account_id trigger trigger_date root_cause executive_alignment "
       "remediation_actions success_criteria_30 success_criteria_60 success_criteria_90 "
       "checkpoint_date created_at id status", "account_id trigger trigger_date"),
    # Version 3's working tables: rows with the book's own ids (a save plan's actions name the
    # plan by its id), so a JSON book or CSV export restores them as they were.
    _t("save_plan_actions", SavePlanActionRow, "id plan_id text owner due done_on", "id"),
    _t("tasks", m.Task, "id account_id text due created_on done_on source", "id"),
    _t("snoozes", SnoozeRow, "item_id account_id until reason created_on cleared_on id", "id"),
    _t("forecast_calls", ForecastCallRow, "account_id renewal_date call note made_on suggested "
       "id", "id"),
)}

IMPORT_TABLES = ("accounts", "contacts", "usage", "tickets", "nps", "touchpoints", "goals",
                 "renewals")
MONEY_COLUMNS = frozenset({"arr", "previous_arr", "new_arr"})
# Kept exactly as given (a note is the CSM's own words); other text cells lose outer spaces.
VERBATIM_COLUMNS = frozenset({"text"})
SYNONYMS = {  # enum spellings other tools use (used where the column has that value)
    "severity": {"medium": "normal", "urgent": "critical", "p1": "critical", "p2": "high",
                 "p3": "normal", "p4": "low"},
    "status": {"inactive": "churned", "cancelled": "churned", "canceled": "churned",
               "churn": "churned", "former_customer": "churned", "customer": "active",
               "done": "completed", "held": "completed", "not_started": "scheduled",
               "planned": "scheduled", "no_show": "missed", "left": "departed",
               "left_company": "departed"},
    "influence": {"med": "medium"},
}
# Headers whose values mean another column's values (ChurnZero's `IsActive` is the status).
HEADER_VALUES = {
    ("accounts", "isactive"): {"yes": "active", "true": "active", "1": "active", "y": "active",
                               "no": "churned", "false": "churned", "0": "churned",
                               "n": "churned"},
    ("accounts", "active"): {"yes": "active", "true": "active", "no": "churned",
                             "false": "churned"},
}


def _ascii_lower(text: str) -> str:
    # SQLite's lower() folds ASCII only; the Python side of a key must fold the same way.
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


_COALESCED = frozenset({"contact", "summary"})  # key columns SQL compares as coalesce(x, '')


def _contact_key_function():
    """A stored contact's natural key (column order of its table), as SQL compares it: the
    account and the email, else the name, folded like SQLite's lower()."""
    c = TABLES["contacts"].columns
    e, n = c.index("email"), c.index("name")
    return lambda row: (row[0], _ascii_lower(row[e]) if row[e] is not None
                        else "~" + _ascii_lower(row[n]))


contact_key = _contact_key_function()
_NULL_AS_EMPTY = {None: ""}


def keys_of(table: Table, rows: list[tuple]) -> list[tuple]:
    """The natural keys of stored rows (column order of `table.columns`), as SQL compares
    them, column by column."""
    if table.name == "contacts":
        return list(map(contact_key, rows))
    return keys_by_column(table, lambda name: list(map(
        operator.itemgetter(table.columns.index(name)), rows)))


def keys_by_column(table: Table, column_of) -> list[tuple]:
    """The natural keys of rows given column by column (`column_of(name)`: a column's values);
    not for contacts, whose key is not a plain tuple of columns."""
    columns = []
    for name in table.key:
        column = column_of(name)
        if name in _COALESCED:
            column = list(map(_NULL_AS_EMPTY.get, column, column))
        columns.append(column)
    return list(zip(*columns))


def _kind(annotation) -> str:
    """What a model field holds, as the cell reader needs to know it."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        annotation = args[0]
    if annotation is dt.datetime:
        return "datetime"
    if annotation is dt.date:
        return "date"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "choice"
    if typing.get_origin(annotation) is tuple and typing.get_args(annotation)[0] is m.Flag:
        return "flags"
    if typing.get_origin(annotation) is tuple and typing.get_args(annotation)[0] is str:
        return "list"  # `;`-separated text (a touchpoint's contacts)
    if annotation is str:
        return "text"
    return "object"


def _choices(annotation) -> dict[str, str]:
    """An enum column's values by their normalised spelling (`On Track` finds `on_track`)."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    for arg in args:
        if isinstance(arg, type) and issubclass(arg, enum.Enum):
            return {normalise_choice(v.value): v.value for v in arg}
        if typing.get_origin(arg) is tuple:
            return _choices(typing.get_args(arg)[0])
    return {}


CHOICES: dict[tuple[str, str], dict[str, str]] = {
    (t.name, c): _choices(t.model.model_fields[c].annotation)
    for t in TABLES.values() for c in t.columns
}

assert all(tuple(t.model.model_fields) == t.columns for t in TABLES.values())

KINDS: dict[str, dict[str, str]] = {
    t.name: {c: ("money" if c in MONEY_COLUMNS else _kind(t.model.model_fields[c].annotation))
             for c in t.columns}
    for t in TABLES.values()
}


def db_value(value):
    """A model attribute as the book stores it (ISO dates, enum values, `;`-joined flags)."""
    if value is None or isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, tuple):
        if all(isinstance(v, enum.Enum) for v in value):
            return ";".join(v.value for v in value)
        if all(isinstance(v, str) for v in value):  # a touchpoint's contacts
            return ";".join(value)
        return json.dumps([{"action": a.action, "owner": a.owner,
                            "due": a.due.isoformat() if a.due is not None else None}
                           for a in value])
    raise TypeError(f"cannot store {type(value).__name__}")
