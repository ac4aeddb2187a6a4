"""Reading what people type and what other tools export: dates, money, column headers.

The one date parser and the one money parser of csdesk (STYLE.md: one way to do a thing), plus
the header aliases that let Salesforce, HubSpot, ChurnZero and Gainsight exports import with
their own column names (docs/import.md "Headers"). Pure functions; no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from dateutil import parser as _dateutil


class ParseError(ValueError):
    """A cell that is not what its column needs; the message says why, for a person."""


# --- dates ------------------------------------------------------------------------------------


# The days a book's rows may carry (issue 24): the rules' windows (up to a century, see
# `csdesk.core.config`) stay inside Python's calendar from any of them.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def parse_date(text: str, *, dayfirst: bool = False) -> dt.date:
    """A calendar day from any common form: `2027-03-15`, `3/15/2027`, `15 Mar 2027`,
    `2027-03-15 10:30`, `2027-03-15T10:30:00Z`. A time, if any, is dropped (the day as written).

    Ambiguous numeric dates (`03/04/2027`) are month first unless `dayfirst`. Days outside
    FIRST_YEAR..LAST_YEAR are refused.
    """
    day = _parse_date(text.strip(), dayfirst)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ParseError(f"{text.strip()!r} is outside {FIRST_YEAR}–{LAST_YEAR}")
    return day


@lru_cache(maxsize=65_536)
def _parse_date(text: str, dayfirst: bool) -> dt.date:
    # Exports repeat the same few hundred days many thousand times: the cache makes the
    # importer fast, the ISO fast path makes the cache cheap to fill.
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    if not text:
        raise ParseError("empty, expected a date")
    if not any(c.isdigit() for c in text):
        raise ParseError(f"not a date: {text!r}")
    try:
        # Parsed against two different defaults: a part the text leaves out (the year, the
        # day) shows up as a difference, and a date without it is refused, not guessed.
        one = _dateutil.parse(text, dayfirst=dayfirst, default=_DEFAULTS[0])
        two = _dateutil.parse(text, dayfirst=dayfirst, default=_DEFAULTS[1])
    except (ValueError, OverflowError, TypeError):
        raise ParseError(f"not a date: {text!r}") from None
    if one.date() != two.date():
        raise ParseError(f"not a whole date (day, month and year): {text!r}")
    return one.date()


_DEFAULTS = (dt.datetime(2001, 1, 1), dt.datetime(2002, 2, 2))


def parse_datetime(text: str, *, dayfirst: bool = False) -> dt.datetime:
    """A moment (for note timestamps): ISO 8601 as is, other forms through dateutil."""
    text = text.strip()
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return _dateutil.parse(text, dayfirst=dayfirst)
    except (ValueError, OverflowError, TypeError):
        raise ParseError(f"not a date and time: {text!r}") from None


# --- money ------------------------------------------------------------------------------------

_MONEY = re.compile(
    r"^(?P<neg>-)?\s*(?:USD|US\$|\$)?\s*(?P<neg2>-)?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*(?:USD)?$",
    re.IGNORECASE,
)


def parse_money(text: str | int | float) -> float:
    """US dollars from `120000`, `120000.50`, `$120,000.00`, `USD 45,500`, `45,500 USD`.

    Other currencies are refused rather than silently read as dollars.
    """
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ParseError(f"not an amount: {text!r}")
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        match = _MONEY.match(text.strip())
        if not match:
            raise ParseError(f"not an amount in USD: {text!r}")
        value = float(match["num"].replace(",", ""))
        if match["neg"] or match["neg2"]:
            value = -value
    if value != value or value in (float("inf"), float("-inf")):
        raise ParseError(f"not an amount: {text!r}")
    return value


# --- headers ----------------------------------------------------------------------------------


def normalise_header(header: str) -> str:
    """`Account ID`, `account-id`, `ACCOUNT_ID` and `accountId` all read `accountid`."""
    return re.sub(r"[\s\-_]+", "", header.strip().lstrip("\ufeff")).casefold()


# Per table: our column -> the headers that mean it (besides the column's own name).
# Sources: Salesforce reports, HubSpot exports, ChurnZero and Gainsight import/export shapes.
_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "accounts": {
        "account_id": ("Account ID", "Record ID", "accountExternalId", "Company ID", "Id",
                       "Account ID (18)", "Gsid", "External ID"),
        "name": ("Account Name", "Company name", "Name", "Company"),
        "arr": ("ARR", "Annual Recurring Revenue", "Annual Revenue (ARR)", "Total ARR",
                "TotalContractAmount"),
        "seats_licensed": ("Licensed Seats", "Seats", "LicenseCount", "Licenses",
                           "Number of Licenses"),
        "contract_start": ("Contract Start Date", "startDate", "Original Contract Date",
                           "Contract Start", "Start Date", "Customer Since"),
        "renewal_date": ("Renewal Date", "Contract End Date", "nextRenewalDate", "RenewalDate",
                         "Next Renewal Date", "Contract End"),
        "term_months": ("Contract Term", "Term (months)", "Contract Term (months)", "Term"),
        "industry": ("Industry",),
        "owner": ("Account Owner", "Company owner", "CSMName", "CSM Name", "OwnerUserAccount",
                  "CSM", "Customer Success Manager", "Owner"),
        "status": ("Account Status", "Status", "Customer Status", "IsActive", "Is Active",
                   "Active"),
    },
    "contacts": {
        "account_id": ("Account ID", "Associated Company IDs (Primary)", "Associated Company ID",
                       "accountExternalId", "Company ID"),
        "account_name": ("Account Name", "Associated Company", "Company name", "Company",
                         "Associated Company (Primary)"),
        "name": ("Full Name", "Contact Name", "Name", "Contact"),
        "first_name": ("First Name", "FirstName"),
        "last_name": ("Last Name", "LastName"),
        "contact_id": ("Contact ID", "Record ID", "contactExternalId", "Id"),
        "title": ("Title", "Job Title"),
        "email": ("Email", "Email Address", "Work Email"),
        "role": ("Role", "Contact Role", "Persona", "Buying Role"),
        "status": ("Contact Status",),
        "departed_on": ("Departed On", "Left On", "Departure Date"),
        "sentiment": ("Sentiment",),
        "success_definition": ("Success Definition", "Definition of Success"),
        "reports_to": ("Reports To", "ReportsToId", "Reports To Email", "Manager"),
        "influence": ("Influence", "Influence Level"),
    },
    "usage": {
        "account_id": ("Account ID", "accountExternalId", "Company ID"),
        "date": ("Date", "Week", "Week Start", "Week Of", "Usage Date", "Period"),
        "active_users": ("Active Users", "Weekly Active Users", "WAU", "Users Active"),
        "logins": ("Logins", "Login Count", "Weekly Logins", "Sessions"),
    },
    "tickets": {
        "ticket_id": ("Ticket ID", "Case Number", "Case ID", "Ticket Number", "Id"),
        "account_id": ("Account ID", "accountExternalId", "Company ID"),
        "opened_on": ("Opened On", "Date/Time Opened", "Opened Date", "Created Date",
                      "Create date", "Date Opened"),
        "closed_on": ("Closed On", "Date/Time Closed", "Closed Date", "Close date",
                      "Date Closed"),
        "severity": ("Severity", "Priority"),
        "csat": ("CSAT", "Satisfaction", "CSAT Score", "Satisfaction Rating"),
    },
    "nps": {
        "account_id": ("Account ID", "accountExternalId", "Company ID"),
        "date": ("Date", "Response Date", "Submitted", "Submitted At", "Survey Date"),
        "score": ("Score", "NPS", "NPS Score", "Rating"),
        "contact": ("Contact", "Email", "Contact Email", "Respondent"),
        "comment": ("Comment", "Comments", "Feedback", "Reason"),
    },
    "touchpoints": {
        "account_id": ("Account ID", "accountExternalId", "Company ID"),
        "date": ("Date", "Activity Date", "Meeting Date"),
        "kind": ("Kind", "Type", "Activity Type", "Touchpoint Type"),
        "status": ("Status",),
        "summary": ("Summary", "Subject", "Notes", "Description"),
        "flags": ("Flags", "Tags"),
        "contacts": ("Contacts", "Attendees", "Participants", "Met"),
        "responds_to": ("Responds To", "Answers"),
    },
    "goals": {
        "account_id": ("Account ID", "accountExternalId", "Company ID"),
        "goal": ("Goal", "Objective", "Success Plan Goal", "Name"),
        "target_date": ("Target Date", "Due Date"),
        "status": ("Status",),
        "roi_note": ("ROI Note", "ROI", "Outcome Note"),
    },
    "renewals": {
        "account_id": ("Account ID", "accountExternalId", "Company ID"),
        "date": ("Date", "Renewal Date", "Close Date"),
        "outcome": ("Outcome", "Renewal Outcome", "Result"),
        "previous_arr": ("Previous ARR", "Prior ARR", "Old ARR"),
        "new_arr": ("New ARR", "Renewed ARR"),
        "reason": ("Reason", "Churn Reason", "Loss Reason"),
        "preventable": ("Preventable",),
        "competitor": ("Competitor", "Lost To"),
    },
}


# Any table whose rows name an account may name it by its name instead (a help desk's tickets
# name the organization): the importer resolves it to the account's id.
_ACCOUNT_NAME = ("Account Name", "Organization", "Organization Name", "Company name", "Company",
                 "Customer")
for _table in ("usage", "tickets", "nps", "touchpoints", "goals", "renewals"):
    _ALIASES[_table]["account_name"] = _ACCOUNT_NAME


def alias_rank(table: str, header: str) -> int:
    """How directly a header names its column: 0 for the column's own name, then the order of
    its aliases (`Case Number` before `Id` for a ticket's id); 99 for none."""
    wanted = normalise_header(header)
    for column, headers in _ALIASES.get(table, {}).items():
        for rank, alias in enumerate((column, *headers)):
            if normalise_header(alias) == wanted:
                return rank
    return 99


def _alias_table() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for table, columns in _ALIASES.items():
        lookup: dict[str, str] = {}
        for column, headers in columns.items():
            for header in (column, *headers):
                lookup.setdefault(normalise_header(header), column)
        out[table] = lookup
    return out


HEADER_ALIASES = _alias_table()


def header_lookup(table: str, columns: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Normalised header -> our column, for one table's file.

    Tables without aliases (csdesk's own, in JSON books) match their own column names only.
    In a contacts file `account_name`, `first_name` and `last_name` come back as such: the
    importer resolves the account by name and joins the two halves of a person's name.
    """
    lookup = {normalise_header(c): c for c in columns}
    lookup.update(HEADER_ALIASES.get(table, {}))
    return lookup


def normalise_choice(text: str) -> str:
    """`On Track`, `on-track`, `ON_TRACK` all read `on_track` (enum cells)."""
    return re.sub(r"[\s\-]+", "_", text.strip()).casefold()
