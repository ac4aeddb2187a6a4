"""Import profiles: how another tool's export maps onto csdesk's import columns (docs/import.md).

A profile names, per csdesk table, which source header holds each csdesk column (and how its
values translate), which rows to keep (`where`) and which file names it applies to (`file`, a
glob). Built-in profiles cover the shapes Salesforce, HubSpot, Dynamics 365, Zendesk,
ChurnZero, Gainsight and Qualtrics really export; a CSM's own live in config.toml:

    [import.profiles.our-salesforce.accounts]
    file = "Account*.csv"
    arr = "ARR__c"
    [import.profiles.our-salesforce.renewals]
    file = "Opportunity*.csv"
    where = { Type = "Renewal" }
    outcome = { from = "StageName", map = { "Closed Won" = "renewed", "Closed Lost" = "churned" } }

Pure data and validation; reading files is the store's business.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from csdesk.core.parse import normalise_header

# The csdesk tables a profile may map, and the extra columns a mapping may name besides a
# table's own (the account by its name; a person's name in two halves).
PROFILE_TABLES = ("accounts", "contacts", "usage", "tickets", "nps", "touchpoints", "goals",
                  "renewals")
EXTRA_COLUMNS = {"account_name": "the account's name, when the file has no account id",
                 "first_name": "a contact's first name", "last_name": "a contact's last name"}


class ColumnMap(BaseModel):
    """One csdesk column: the first of `headers` the file has, its values translated by `map`
    (matched case-insensitively; a value the map does not name passes as it is, a value mapped
    to "" is left empty)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    headers: tuple[str, ...] = Field(alias="from", min_length=1)
    map: dict[str, str] = {}

    @field_validator("headers", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return (value,) if isinstance(value, str) else value

    def header_in(self, headers: list[str]) -> str | None:
        """The header of `headers` (as written) this column reads, or None."""
        present = {normalise_header(h): h for h in headers}
        for wanted in self.headers:
            found = present.get(normalise_header(wanted))
            if found is not None:
                return found
        return None

    def value(self, cell: str) -> str:
        if not self.map:
            return cell
        folded = {k.strip().casefold(): v for k, v in self.map.items()}
        return folded.get(cell.strip().casefold(), cell)


class TableProfile(BaseModel):
    """How one file becomes rows of one csdesk table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: tuple[str, ...] = ()  # globs on the file name (case-insensitive)
    where: dict[str, tuple[str, ...]] = {}  # header -> the values of the rows kept
    columns: dict[str, ColumnMap] = {}
    # Headers that must all be there for the profile to be chosen by a file's headers, each
    # a header or a list of alternatives (default: every column's and every `where` header).
    detect: tuple[tuple[str, ...], ...] = ()

    @field_validator("file", mode="before")
    @classmethod
    def _globs(cls, value):
        return (value,) if isinstance(value, str) else value

    @field_validator("detect", mode="before")
    @classmethod
    def _alternatives(cls, value):
        if isinstance(value, (list, tuple)):
            return [(v,) if isinstance(v, str) else v for v in value]
        return value

    @field_validator("where", mode="before")
    @classmethod
    def _where(cls, value):
        if not isinstance(value, dict):
            return value
        return {k: (v,) if isinstance(v, str) else v for k, v in value.items()}

    def matches_name(self, name: str) -> bool:
        return any(fnmatch.fnmatch(name.casefold(), g.casefold()) for g in self.file)

    def signature(self) -> tuple[tuple[str, ...], ...]:
        if self.detect:
            return self.detect
        return (*(c.headers for c in self.columns.values()), *((h,) for h in self.where))

    def matches_headers(self, headers: list[str]) -> bool:
        present = {normalise_header(h) for h in headers}
        return all(any(normalise_header(h) in present for h in alternatives)
                   for alternatives in self.signature())


class Profile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    tables: dict[str, TableProfile]
    builtin: bool = False


class ProfileError(ValueError):
    """A profile in config that cannot be used; the message names the key."""


def table_profile(table: str, data: dict[str, Any], where: str) -> TableProfile:
    """One `[import.profiles.NAME.TABLE]` table of config.toml as a TableProfile."""
    if table not in PROFILE_TABLES:
        raise ProfileError(f"{where}: unknown table {table!r} (one of "
                           f"{', '.join(PROFILE_TABLES)})")
    from csdesk.core.models import (Account, Contact, Goal, Nps, Renewal, Ticket, Touchpoint,
                                    Usage)

    model = {"accounts": Account, "contacts": Contact, "usage": Usage, "tickets": Ticket,
             "nps": Nps, "touchpoints": Touchpoint, "goals": Goal, "renewals": Renewal}[table]
    known = set(model.model_fields) | set(EXTRA_COLUMNS)
    special = {k: data[k] for k in ("file", "where", "detect") if k in data}
    columns = {}
    for key, value in data.items():
        if key in special:
            continue
        if key not in known:
            raise ProfileError(f"{where}.{key}: not a column of {table} (one of "
                               f"{', '.join(sorted(known))})")
        columns[key] = {"from": value} if isinstance(value, (str, list)) else value
    try:
        return TableProfile.model_validate({**special, "columns": columns})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [str(p) for p in err["loc"] if p != "columns"]
        raise ProfileError(f"{where}.{'.'.join(loc)}: {err['msg']}") from None


def parse_profiles(data: Any) -> dict[str, Profile]:
    """The `[import]` table of config.toml: its `profiles`, by name."""
    if data is None:
        return {}
    if not isinstance(data, dict) or set(data) - {"profiles"}:
        raise ProfileError("import: only [import.profiles.NAME.TABLE] tables belong here")
    out = {}
    for name, tables in (data.get("profiles") or {}).items():
        if not isinstance(tables, dict) or not all(isinstance(v, dict) for v in tables.values()):
            raise ProfileError(f"import.profiles.{name}: expected tables such as "
                               f"[import.profiles.{name}.accounts]")
        out[name] = Profile(name=name, tables={
            t: table_profile(t, body, f"import.profiles.{name}.{t}") for t, body in tables.items()})
    return out


def _p(name: str, tables: dict[str, dict[str, Any]]) -> Profile:
    return Profile(name=name, builtin=True, tables={
        t: table_profile(t, body, f"built-in {name}.{t}") for t, body in tables.items()})


_YES_NO = {"yes": "active", "true": "active", "1": "active", "active": "active",
           "no": "churned", "false": "churned", "0": "churned", "inactive": "churned"}

# The shapes real exports have (docs/import.md "Profiles"). CRM accounts carry no ARR or
# contract dates: a company keeps those in custom fields, so a CSM adds them in a profile of
# their own (or imports accounts from a CS platform's export).
BUILTIN_PROFILES: dict[str, Profile] = {p.name: p for p in (
    _p("salesforce", {
        "accounts": {"file": ["Account*.csv"], "detect": ["Id", "Name", "AnnualRevenue"],
                     "account_id": "Id", "name": "Name", "industry": "Industry",
                     "owner": ["Owner.Name", "Account Owner", "OwnerName"]},
        "contacts": {"file": ["Contact*.csv"], "detect": ["Id", "AccountId", "LastName"],
                     "contact_id": "Id", "account_id": "AccountId", "first_name": "FirstName",
                     "last_name": "LastName", "email": "Email", "title": "Title"},
        "tickets": {"file": ["Case*.csv"], "detect": ["CaseNumber", "AccountId"],
                    "ticket_id": "CaseNumber", "account_id": "AccountId",
                    "opened_on": "CreatedDate", "closed_on": "ClosedDate",
                    "severity": "Priority"},
        "renewals": {"file": ["Opportunit*.csv"],
                     "detect": ["AccountId", "StageName", "CloseDate", "Type"],
                     "where": {"Type": "Renewal", "StageName": ["Closed Won", "Closed Lost"]},
                     "account_id": "AccountId", "date": "CloseDate",
                     "outcome": {"from": "StageName",
                                 "map": {"Closed Won": "renewed", "Closed Lost": "churned"}}},
        "touchpoints": {"file": ["Task*.csv"], "detect": ["AccountId", "ActivityDate", "Subject"],
                        "account_id": "AccountId", "date": "ActivityDate", "summary": "Subject",
                        "kind": {"from": ["TaskSubtype", "Type"],
                                 "map": {"Call": "call", "Email": "email", "Meeting": "meeting",
                                         "Task": "check_in", "Other": "check_in"}},
                        "status": {"from": "Status",
                                   "map": {"Completed": "completed", "Not Started": "scheduled",
                                           "In Progress": "scheduled",
                                           "Deferred": "missed"}}},
    }),
    _p("hubspot", {
        "accounts": {"detect": [["Record ID", "ID de registro"],
                                ["Company name", "Nombre de la empresa"]],
                     "account_id": ["Record ID", "ID de registro"],
                     "name": ["Company name", "Nombre de la empresa"],
                     "owner": ["Company owner", "Propietario de la empresa"],
                     "industry": ["Industry", "Sector"]},
        "contacts": {"detect": ["Record ID", "Associated Company IDs (Primary)"],
                     "contact_id": ["Record ID", "ID de registro"],
                     "account_id": "Associated Company IDs (Primary)",
                     "first_name": ["First Name", "Nombre"],
                     "last_name": ["Last Name", "Apellidos"], "email": ["Email", "Correo"],
                     "title": ["Job Title", "Cargo"]},
    }),
    _p("dynamics", {
        "accounts": {"detect": ["(Do Not Modify) Account", "Account Name"],
                     "account_id": "(Do Not Modify) Account", "name": "Account Name",
                     "owner": "Owner", "industry": "Industry"},
        "contacts": {"detect": ["(Do Not Modify) Contact", "Full Name"],
                     "contact_id": "(Do Not Modify) Contact", "name": "Full Name",
                     "account_name": ["Company Name", "Account Name"],
                     "email": ["Email", "E-mail"], "title": "Job Title"},
        "tickets": {"detect": ["(Do Not Modify) Case", "Case Number"],
                    "ticket_id": "Case Number", "account_name": ["Customer", "Account Name"],
                    "opened_on": "Created On", "closed_on": ["Resolved On", "Modified On"],
                    "severity": "Priority"},
    }),
    _p("zendesk", {
        "tickets": {"detect": ["Id", "Requester", "Organization", "Created at"],
                    "ticket_id": "Id", "account_name": "Organization",
                    "opened_on": "Created at", "closed_on": "Solved at",
                    "severity": "Priority",
                    "csat": {"from": "Satisfaction Score",
                             "map": {"good": "5", "bad": "1", "offered": "",
                                     "unoffered": ""}}},
    }),
    _p("churnzero", {
        "accounts": {"detect": ["accountExternalId", "IsActive"],
                     "account_id": "accountExternalId", "name": "Name",
                     "contract_start": "startDate", "renewal_date": "nextRenewalDate",
                     "seats_licensed": "LicenseCount", "arr": "TotalContractAmount",
                     "owner": ["CSMName", "OwnerUserAccount"],
                     "status": {"from": "IsActive", "map": _YES_NO}},
    }),
    _p("gainsight", {
        "accounts": {"detect": ["Gsid", "Name", "ARR", "CSM"],
                     "account_id": "Gsid", "name": "Name", "arr": "ARR", "owner": "CSM",
                     "renewal_date": "RenewalDate",
                     "contract_start": "Original Contract Date",
                     "status": {"from": "Status", "map": {**_YES_NO, "churn": "churned"}}},
    }),
    _p("qualtrics", {
        "nps": {"detect": ["ResponseId", "RecordedDate"],
                "account_id": ["AccountId", "ExternalReference", "ExternalDataReference"],
                "date": "RecordedDate", "score": ["NPS", "Q1"],
                "contact": ["RecipientEmail"], "comment": ["Comment", "Q2"]},
    }),
)}


def all_profiles(configured: dict[str, Profile]) -> dict[str, Profile]:
    """The CSM's profiles, then the built-ins (a configured profile may shadow one)."""
    return {**configured, **{k: v for k, v in BUILTIN_PROFILES.items() if k not in configured}}
