"""`csdesk import` rules (docs/import.md), on real SQLite files."""

import datetime as dt
import json

import pytest

from csdesk.core.config import Rules
from csdesk.store.importing import ImportRefused, import_paths

AS_OF = dt.date(2026, 11, 23)

ACCOUNTS = """\
account_id,name,arr,contract_start,renewal_date,seats_licensed
A1,Acme Corp,120000,2024-01-15,2027-01-15,100
A2,Bolt Labs,45000,2025-03-01,2027-03-01,40
"""


def write(folder, name, text, *, bom=False):
    path = folder / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def run(book, *paths, dry_run=False, dayfirst=False):
    return import_paths(book, paths, as_of=AS_OF, rules=Rules(), dry_run=dry_run,
                        dayfirst=dayfirst)


def rows(book, sql):
    return book.execute(sql).fetchall()


def refused(book, *paths, **kw) -> list[str]:
    with pytest.raises(ImportRefused) as info:
        run(book, *paths, **kw)
    return [str(p) for p in info.value.problems]


def snapshot_of(book):
    tables = ["accounts", "contacts", "usage", "tickets", "nps", "touchpoints", "goals",
              "renewals", "milestones"]
    return {t: rows(book, f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}


# --- shapes other tools export -----------------------------------------------------------------


def test_salesforce_report_with_quotes_footer_and_18_char_ids(book, tmp_path):
    sf = write(tmp_path, "accounts.csv", (
        '"Account ID","Account Name","Annual Recurring Revenue","Contract Start Date",'
        '"Contract End Date","Account Owner","Industry"\n'
        '"0015g00000AbCdEQA1","Acme Corp","$120,000.00","1/15/2024","1/15/2027","Dana Reyes",'
        '"Software"\n'
        '"001000000000001","Zero Lead Inc.","USD 45,500","3/1/2025 9:00 AM","3/1/2027",'
        '"Dana Reyes","Retail"\n'
        '\n'
        '"Grand Totals (2 records)"\n'
        '"Confidential Information - Do Not Distribute"\n'
        '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n'), bom=True)
    plan = run(book, sf)
    assert plan.changes["accounts"].inserted == 2
    assert rows(book, "SELECT account_id, name, arr, contract_start, renewal_date, owner "
                      "FROM accounts ORDER BY name") == [
        ("0015g00000AbCdEQA1", "Acme Corp", 120000.0, "2024-01-15", "2027-01-15", "Dana Reyes"),
        ("001000000000001", "Zero Lead Inc.", 45500.0, "2025-03-01", "2027-03-01", "Dana Reyes"),
    ]


def test_hubspot_companies_and_contacts(book, tmp_path):
    companies = write(tmp_path, "hubspot-accounts.csv", (
        "Record ID,Company name,Company owner,Annual Recurring Revenue,Contract Start Date,"
        "Renewal Date,Create Date\n"
        "9876543210,Acme Corp,Dana Reyes,120000,2024-01-15,2027-01-15,2023-11-02 10:12\n"))
    contacts = write(tmp_path, "hubspot-contacts.csv", (
        "Record ID,First Name,Last Name,Email,Job Title,Associated Company IDs (Primary),"
        "Lifecycle Stage\n"
        "501,Maria,Lopez,maria@acme.example,VP Finance,9876543210,customer\n"
        "502,Sam,O'Neil,,Analyst,9876543210,customer\n"))
    plan = run(book, contacts, companies)  # given in the wrong order: accounts go first
    assert plan.changes["contacts"].inserted == 2
    assert rows(book, "SELECT account_id, name, contact_id, title, email FROM contacts "
                      "ORDER BY id") == [
        ("9876543210", "Maria Lopez", "501", "VP Finance", "maria@acme.example"),
        ("9876543210", "Sam O'Neil", "502", "Analyst", None)]
    assert any("ignored columns 'Create Date'" in n for n in plan.notes)


def test_contacts_name_their_account_by_name(book, tmp_path):
    run(book, write(tmp_path, "accounts.csv", ACCOUNTS))
    contacts = write(tmp_path, "contacts.csv", (
        "First Name,Last Name,Email,Title,Associated Company\n"
        "Maria,Lopez,maria@acme.example,CFO,acme corp\n"))
    run(book, contacts)
    assert rows(book, "SELECT account_id, name FROM contacts") == [("A1", "Maria Lopez")]
    bad = write(tmp_path, "contacts.csv", "Name,Account Name\nJo,Nobody Inc\n")
    assert refused(book, bad) == [
        f"{bad}:2: Account Name: unknown account 'Nobody Inc' (not in the book nor in this "
        "import)"]


def test_churnzero_and_gainsight_accounts(book, tmp_path):
    cz = write(tmp_path, "accounts.csv", (
        "accountExternalId,Name,startDate,nextRenewalDate,LicenseCount,OwnerUserAccount,ARR\n"
        "CZ-1,Cedar Health,2025-02-01,2027-02-01,80,dana@csdesk.example,60000\n"))
    gs_folder = tmp_path / "gainsight"
    gs_folder.mkdir()
    gs = write(gs_folder, "accounts.csv", (
        "Gsid,Name,ARR,CSM,RenewalDate,Original Contract Date,Licensed Seats\n"
        "GS-1,Delta Foods,$15,000,Dana Reyes,15 Mar 2027,15 Mar 2024,12\n".replace(
            "$15,000", '"$15,000"')))
    run(book, cz, gs_folder)
    assert rows(book, "SELECT account_id, name, arr, seats_licensed, owner, renewal_date "
                      "FROM accounts ORDER BY 1") == [
        ("CZ-1", "Cedar Health", 60000.0, 80, "dana@csdesk.example", "2027-02-01"),
        ("GS-1", "Delta Foods", 15000.0, 12, "Dana Reyes", "2027-03-15")]
    assert gs.exists()


def test_dayfirst_reads_ambiguous_dates_day_first(book, tmp_path):
    path = write(tmp_path, "accounts.csv", (
        "Account ID,Account Name,ARR,Contract Start Date,Renewal Date\n"
        "A1,Acme,1000,03/04/2025,03/04/2027\n"))
    run(book, path, dayfirst=True)
    assert rows(book, "SELECT contract_start FROM accounts") == [("2025-04-03",)]


def test_enum_cells_in_other_spellings(book, tmp_path):
    run(book, write(tmp_path, "accounts.csv", ACCOUNTS))
    run(book, write(tmp_path, "goals.csv", "Account ID,Goal,Status\nA1,Cut backlog,On Track\n"),
        write(tmp_path, "touchpoints.csv",
              "account_id,date,kind,status,flags\nA1,2026-11-01,Check-In,Completed,"
              "Adjacent Pain; org_spread\n"),
        write(tmp_path, "tickets.csv", "Case Number,Account ID,Created Date,Priority\n"
                                       "00001234,A1,11/2/2026,Medium\n"))
    assert rows(book, "SELECT status FROM goals") == [("on_track",)]
    assert rows(book, "SELECT kind, status, flags FROM touchpoints") == [
        ("check_in", "completed", "adjacent_pain;org_spread")]
    assert rows(book, "SELECT ticket_id, severity FROM tickets") == [("00001234", "normal")]


# --- refusals -------------------------------------------------------------------------------


def test_unknown_account_is_refused_with_file_line_column(book, tmp_path):
    run(book, write(tmp_path, "accounts.csv", ACCOUNTS))
    usage = write(tmp_path, "usage.csv", "account_id,date,active_users\nA1,2026-11-16,50\n"
                                         "ZZ,2026-11-16,5\n")
    assert refused(book, usage) == [
        f"{usage}:3: account_id: unknown account 'ZZ' (not in the book nor in this import)"]
    assert rows(book, "SELECT count(*) FROM usage") == [(0,)]


def test_every_bad_row_in_every_file_is_reported(book, tmp_path):
    accounts = write(tmp_path, "accounts.csv", (
        "account_id,name,arr,contract_start,renewal_date\n"
        "A1,Acme,lots,2024-01-15,2027-01-15\n"            # line 2: arr
        "A2,,1000,someday,2027-01-15\n"                   # line 3: name, contract_start
        "A3,Cedar,1000,2024-01-15,2027-01-15\n"))
    usage = write(tmp_path, "usage.csv", (
        "account_id,date,active_users,logins\n"
        "A3,2026-11-16,-4,3\n"                            # line 2: active_users
        "\n"
        "A3,2026-11-23,five,3\n"))                        # line 4 (after a blank line)
    nps = write(tmp_path, "nps.csv", "account_id,date,score\nA3,2026-11-01,11\n")
    problems = refused(book, accounts, usage, nps)
    assert problems == [
        f"{accounts}:2: arr: not an amount in USD: 'lots'",
        f"{accounts}:3: contract_start: not a date: 'someday'",
        f"{accounts}:3: name: empty (required)",
        f"{usage}:2: active_users: -4 is less than 0, the least allowed",
        f"{usage}:4: active_users: not a whole number: 'five'",
        f"{nps}:2: score: 11 is more than 10, the most allowed",
    ]


def test_a_bad_row_in_the_last_file_leaves_the_book_unchanged(book, tmp_path):
    run(book, write(tmp_path, "accounts.csv", ACCOUNTS))
    before = snapshot_of(book)
    folder = tmp_path / "batch"
    folder.mkdir()
    write(folder, "accounts.csv", ACCOUNTS.replace("Bolt Labs", "Bolt Labs Renamed")
          + "A3,Cedar,5000,2026-10-01,2027-10-01,10\n")
    write(folder, "usage.csv", "account_id,date,active_users\nA3,2026-11-16,4\n")
    write(folder, "tickets.csv", "ticket_id,account_id,opened_on,csat\nT1,A3,2026-11-02,9\n")
    problems = refused(book, folder)
    assert problems == [f"{folder / 'tickets.csv'}:2: csat: 9 is more than 5, the most "
                        "allowed"]
    assert snapshot_of(book) == before


def test_missing_required_column_and_misnamed_file(book, tmp_path):
    path = write(tmp_path, "accounts.csv", "account_id,name,arr\nA1,Acme,100\n")
    other = write(tmp_path, "people.csv", "a,b\n1,2\n")
    assert refused(book, path, other) == [
        f"{other}:0: file: the file name names no table (expected accounts.csv, contacts.csv, "
        "usage.csv, tickets.csv, nps.csv, touchpoints.csv, goals.csv, renewals.csv); no "
        "profile matches its headers either (try --profile NAME)",
        f"{path}:1: contract_start: no such column in the header; accepted: contract_start, "
        "Contract Start Date, startDate, Original Contract Date, Contract Start, Start Date, "
        "Customer Since (or map it in a profile: [import.profiles.NAME.accounts] "
        'contract_start = "Your header")',
        f"{path}:1: renewal_date: no such column in the header; accepted: renewal_date, "
        "Renewal Date, Contract End Date, nextRenewalDate, RenewalDate, Next Renewal Date, "
        "Contract End (or map it in a profile: [import.profiles.NAME.accounts] "
        'renewal_date = "Your header")',
    ]


def test_not_utf8_is_refused(book, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_bytes(b"account_id,name\nA1,Caf\xe9\n")
    assert refused(book, path) == [f"{path}:2: file: not UTF-8 text (save it as CSV UTF-8)"]


# --- upserts, duplicates, dry runs ------------------------------------------------------------


def test_reimporting_the_same_files_changes_nothing(book, tmp_path):
    files = [write(tmp_path, "accounts.csv", ACCOUNTS),
             write(tmp_path, "contacts.csv", "account_id,name,email,role\n"
                                            "A1,Maria Lopez,Maria@Acme.example,champion\n"
                                            "A1,No Email,,user\n"),
             write(tmp_path, "usage.csv", "account_id,date,active_users,logins\n"
                                         "A1,2026-11-16,50,200\nA2,2026-11-16,10,\n"),
             write(tmp_path, "nps.csv", "account_id,date,score,contact\nA1,2026-10-01,9,\n"
                                       "A1,2026-10-01,6,maria@acme.example\n"),
             write(tmp_path, "touchpoints.csv", "account_id,date,kind,summary\n"
                                               "A1,2026-11-01,call,\nA1,2026-11-01,call,QBR prep\n"),
             write(tmp_path, "goals.csv", "account_id,goal,status\nA1,Cut backlog,on_track\n"),
             write(tmp_path, "renewals.csv", "account_id,date,outcome,previous_arr,new_arr\n"
                                            "A2,2025-03-01,renewed,40000,45000\n"),
             write(tmp_path, "tickets.csv", "ticket_id,account_id,opened_on\nT1,A1,2026-11-02\n")]
    first = run(book, *files)
    assert all(c.updated == c.unchanged == 0 for c in first.changes.values())
    before = snapshot_of(book)
    second = run(book, *files)
    assert not second.changed
    assert {t: (c.inserted, c.updated) for t, c in second.changes.items()} == {
        t: (0, 0) for t in second.changes}
    assert second.changes["usage"].unchanged == 2
    assert snapshot_of(book) == before


def test_upsert_updates_only_what_the_file_says(book, tmp_path):
    run(book, write(tmp_path, "accounts.csv", ACCOUNTS))
    run(book, write(tmp_path, "contacts.csv", "account_id,name,email,role,title\n"
                                              "A1,Maria Lopez,maria@acme.example,champion,CFO\n"))
    # A HubSpot export has no role column: the CSM's mapping survives, the title is updated.
    plan = run(book, write(tmp_path, "contacts.csv",
                           "Associated Company IDs (Primary),First Name,Last Name,Email,Job Title\n"
                           "A1,Maria,Lopez,MARIA@acme.example,Chief Financial Officer\n"))
    assert (plan.changes["contacts"].inserted, plan.changes["contacts"].updated) == (0, 1)
    assert rows(book, "SELECT name, role, title FROM contacts") == [
        ("Maria Lopez", "champion", "Chief Financial Officer")]


def test_same_key_twice_in_one_import_later_wins_and_is_reported(book, tmp_path):
    accounts = write(tmp_path, "accounts.csv", ACCOUNTS + "A1,Acme Corporation,130000,"
                                                          "2024-01-15,2027-01-15,100\n")
    usage = write(tmp_path, "usage.csv", "account_id,date,active_users\nA1,2026-11-16,50\n"
                                         "A1,11/16/2026,55\n")
    plan = run(book, accounts, usage, dry_run=True)
    assert plan.duplicates == [
        f"{accounts}:4: same accounts key as {accounts}:2 (A1); the later row wins",
        f"{usage}:3: same usage key as {usage}:2 (A1, 2026-11-16); the later row wins"]
    assert plan.changes["accounts"].inserted == 2
    run(book, accounts, usage)
    assert rows(book, "SELECT name, arr FROM accounts WHERE account_id='A1'") == [
        ("Acme Corporation", 130000.0)]
    assert rows(book, "SELECT active_users FROM usage") == [(55,)]


def test_dry_run_reports_and_writes_nothing(book, tmp_path):
    run(book, write(tmp_path, "accounts.csv", ACCOUNTS))
    before = snapshot_of(book)
    changed = write(tmp_path, "accounts.csv", ACCOUNTS.replace("45000", "47000")
                    + "A3,Cedar,5000,2026-10-01,2027-10-01,10\n")
    plan = run(book, changed, dry_run=True)
    c = plan.changes["accounts"]
    assert (c.inserted, c.updated, c.unchanged) == (1, 1, 1)
    assert plan.changes["milestones"].inserted == 4  # A3 is in onboarding
    assert snapshot_of(book) == before


def test_new_accounts_get_their_onboarding_milestones(book, tmp_path):
    run(book, write(tmp_path, "accounts.csv", ACCOUNTS + "A3,Cedar,5000,2026-10-01,2027-10-01,10\n"))
    assert rows(book, "SELECT account_id, milestone, due, done_on FROM milestones ORDER BY 2") == [
        ("A3", "M1", "2026-10-08", None), ("A3", "M2", "2026-10-31", None),
        ("A3", "M3", "2026-11-30", None), ("A3", "M4", "2026-12-30", None)]


def test_a_json_book_with_contacts_by_account_name(book, tmp_path):
    path = tmp_path / "book.json"
    path.write_text(json.dumps({
        "format": "csdesk book",
        "accounts": [{"account_id": "A1", "name": "Acme Corp", "arr": 120000,
                      "contract_start": "2024-01-15", "renewal_date": "2027-01-15"}],
        "contacts": [{"Account Name": "Acme Corp", "name": "Maria Lopez", "role": "champion"}],
        "touchpoints": [{"account_id": "A1", "date": "2026-11-01", "kind": "call",
                         "flags": ["complaint"]}],
        "notes": [{"account_id": "A1", "created_at": "2026-11-20T09:30:00", "text": " as is \n"}],
    }, indent=2))
    run(book, path)
    assert rows(book, "SELECT account_id, name, role FROM contacts") == [
        ("A1", "Maria Lopez", "champion")]
    assert rows(book, "SELECT flags FROM touchpoints") == [("complaint",)]
    assert rows(book, "SELECT text FROM notes") == [(" as is \n",)]


def test_json_book_problems_name_the_line_of_the_row(book, tmp_path):
    path = tmp_path / "book.json"
    path.write_text('{\n "accounts": [\n  {"account_id": "A1", "name": "Acme", "arr": 1,\n'
                    '   "contract_start": "2024-01-01", "renewal_date": "2025-01-01"},\n'
                    '  {"account_id": "A2", "name": "Bolt", "arr": -5,\n'
                    '   "contract_start": "2024-01-01", "renewal_date": "2025-01-01"}\n ]\n}\n')
    assert refused(book, path) == [
        f"{path}:5: arr: -5 is less than 0, the least allowed"]
    broken = tmp_path / "broken.json"
    broken.write_text('{"accounts": [\n{"account_id": }\n]}')
    assert refused(book, broken) == [f"{broken}:2: file: not valid JSON (Expecting value)"]


# --- speed ------------------------------------------------------------------------------------


def test_a_hundred_thousand_usage_rows_import_in_one_plan(book, tmp_path):
    n_accounts, weeks = 1000, 100
    accounts = "account_id,name,arr,contract_start,renewal_date\n" + "".join(
        f"A{i},Account {i},50000,2024-01-01,2027-01-01\n" for i in range(n_accounts))
    start = dt.date(2024, 12, 2)
    usage = "Account ID,Date,Active Users,Logins\n" + "".join(
        f"A{i},{start + dt.timedelta(weeks=w)},{(i * w) % 90},{(i + w) % 400}\n"
        for i in range(n_accounts) for w in range(weeks))
    run(book, write(tmp_path, "accounts.csv", accounts))
    path = write(tmp_path, "usage.csv", usage)
    plan = run(book, path)  # how fast: python -m csdesk.bench (no timings in the tests, #6)
    assert plan.changes["usage"].inserted == n_accounts * weeks
    assert book.execute("SELECT count(*), sum(logins) FROM usage").fetchone() == (
        n_accounts * weeks,
        sum((i + w) % 400 for i in range(n_accounts) for w in range(weeks)))
