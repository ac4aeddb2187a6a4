"""The one date parser, the one money parser, and the header aliases (docs/import.md)."""

import datetime as dt

import pytest

from csdesk.core.parse import (
    ParseError,
    header_lookup,
    normalise_choice,
    normalise_header,
    parse_date,
    parse_money,
)

D = dt.date


@pytest.mark.parametrize("text, day", [
    ("2027-03-15", D(2027, 3, 15)),
    ("3/15/2027", D(2027, 3, 15)),
    ("15 Mar 2027", D(2027, 3, 15)),
    ("15 Jan 2026", D(2026, 1, 15)),
    ("Mar 15, 2027", D(2027, 3, 15)),
    ("2027-03-15 10:30", D(2027, 3, 15)),
    ("2027-03-15T23:59:59Z", D(2027, 3, 15)),
    ("3/15/2027 9:05 AM", D(2027, 3, 15)),
    (" 2027-03-15 ", D(2027, 3, 15)),
])
def test_dates_in_any_common_form(text, day):
    assert parse_date(text) == day


def test_ambiguous_dates_are_month_first_unless_dayfirst():
    assert parse_date("03/04/2027") == D(2027, 3, 4)
    assert parse_date("03/04/2027", dayfirst=True) == D(2027, 4, 3)
    # An unambiguous one reads the same either way.
    assert parse_date("15/03/2027", dayfirst=True) == parse_date("3/15/2027") == D(2027, 3, 15)


@pytest.mark.parametrize("text", ["", "soon", "13/45/2027", "March", "15 Mar", "2027-02-30"])
def test_not_a_date(text):
    with pytest.raises(ParseError):
        parse_date(text)


@pytest.mark.parametrize("text, amount", [
    ("120000", 120_000.0),
    ("$120,000.00", 120_000.0),
    ("USD 45,500", 45_500.0),
    ("USD 120,000", 120_000.0),
    ("45,500 USD", 45_500.0),
    ("99.5", 99.5),
    (120000, 120_000.0),
    (4.5, 4.5),
])
def test_money(text, amount):
    assert parse_money(text) == amount


@pytest.mark.parametrize("text", ["", "EUR 100", "12,34", "1,2345", "lots", "$", "1e9"])
def test_not_money(text):
    with pytest.raises(ParseError):
        parse_money(text)


def test_headers_match_case_spaces_dashes_underscores_alike():
    assert {normalise_header(h) for h in ("Account ID", "account-id", "ACCOUNT_ID", "accountId",
                                           "\ufeffAccount ID")} == {"accountid"}


@pytest.mark.parametrize("table, header, column", [
    # Salesforce
    ("accounts", "Account ID", "account_id"), ("accounts", "Account Name", "name"),
    ("accounts", "Annual Recurring Revenue", "arr"), ("accounts", "Contract End Date", "renewal_date"),
    ("accounts", "Account Owner", "owner"), ("accounts", "Contract Start Date", "contract_start"),
    # HubSpot
    ("accounts", "Record ID", "account_id"), ("accounts", "Company name", "name"),
    ("accounts", "Company owner", "owner"),
    ("contacts", "Associated Company IDs (Primary)", "account_id"),
    ("contacts", "Associated Company", "account_name"), ("contacts", "First Name", "first_name"),
    ("contacts", "Last Name", "last_name"), ("contacts", "Job Title", "title"),
    ("contacts", "Email", "email"), ("contacts", "Record ID", "contact_id"),
    # ChurnZero
    ("accounts", "accountExternalId", "account_id"), ("accounts", "Name", "name"),
    ("accounts", "startDate", "contract_start"), ("accounts", "nextRenewalDate", "renewal_date"),
    ("accounts", "LicenseCount", "seats_licensed"), ("accounts", "OwnerUserAccount", "owner"),
    # Gainsight
    ("accounts", "ARR", "arr"), ("accounts", "CSM", "owner"), ("accounts", "RenewalDate", "renewal_date"),
    ("accounts", "Original Contract Date", "contract_start"),
    ("accounts", "Licensed Seats", "seats_licensed"), ("accounts", "Seats", "seats_licensed"),
    ("accounts", "Renewal Date", "renewal_date"), ("contacts", "Title", "title"),
    ("contacts", "Account Name", "account_name"),
])
def test_aliases(table, header, column):
    from csdesk.store.importing import TABLES

    assert header_lookup(table, TABLES[table].columns)[normalise_header(header)] == column


def test_choices_read_like_their_enum():
    assert normalise_choice(" On Track ") == "on_track"
    assert normalise_choice("economic-buyer") == "economic_buyer"
