"""Import profiles on files shaped like the real exports (tests/fixtures/crm/): each built-in
profile, a profile of the CSM's own from config, --profile, and only my accounts."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from csdesk.core.config import ConfigError, Rules, parse_config
from csdesk.store.importing import ImportRefused, import_paths
from csdesk.store.schema import open_book

AS_OF = dt.date(2026, 11, 23)
CRM = Path(__file__).parent.parent / "fixtures" / "crm"

SF_ACCOUNTS = """\
account_id,name,arr,contract_start,renewal_date,owner
0015g00000AcmeCoAA,Acme Corp,120000,2024-01-15,2027-01-15,Dana Reyes
0015g00000BoltLbAA,Bolt Labs,45000,2025-03-01,2027-03-01,Sam Ortiz
0015g00000CedarXAA,Cedar Health,90000,2023-06-01,2026-06-01,Dana Reyes
"""
PLAIN_ACCOUNTS = """\
account_id,name,arr,contract_start,renewal_date
A1,Acme Corp,120000,2024-01-15,2027-01-15
A3,Cedar Health,90000,2023-06-01,2026-06-01
9001,Bolt Labs,45000,2025-03-01,2027-03-01
"""

OUR_SALESFORCE = {"import": {"profiles": {"our-salesforce": {
    "accounts": {"file": "Account*.csv", "arr": "ARR__c", "contract_start": "Contract_Start__c",
                 "renewal_date": "Renewal_Date__c", "owner": "Owner.Name"},
    "renewals": {"file": "Opportunity*.csv",
                 "where": {"Type": "Renewal", "StageName": ["Closed Won", "Closed Lost"]},
                 "outcome": {"from": "StageName",
                             "map": {"Closed Won": "renewed", "Closed Lost": "churned"}}},
}}}}


@pytest.fixture
def db(tmp_path):
    book = open_book(tmp_path / "book.db")
    yield book
    book.conn.close()


def accounts(db, tmp_path, text):
    path = tmp_path / "accounts.csv"
    path.write_text(text)
    run(db, path)


def run(db, *paths, **kw):
    return import_paths(db, paths, as_of=AS_OF, rules=Rules(), **kw)


def rows(db, sql):
    return db.execute(sql).fetchall()


def fixture(*parts) -> Path:
    return CRM.joinpath(*parts)


def said(plan, text):
    return any(text in note for note in plan.notes)


# --- Salesforce ---------------------------------------------------------------------------------


def test_salesforce_accounts_carry_no_arr_so_the_refusal_says_how_to_map_it(db):
    with pytest.raises(ImportRefused) as info:
        run(db, fixture("salesforce", "Account.csv"))
    [arr, start, renewal] = [str(p) for p in info.value.problems]
    assert "arr: no such column in the header; accepted: arr, ARR, Annual Recurring " \
        "Revenue" in arr and "TotalContractAmount" in arr
    assert '[import.profiles.NAME.accounts] arr = "Your header"' in arr
    assert "contract_start" in start and "renewal_date" in renewal


def test_a_profile_of_my_own_maps_the_custom_fields_and_reads_renewals_from_opportunities(db):
    config = parse_config(OUR_SALESFORCE)
    plan = run(db, fixture("salesforce", "Account.csv"), fixture("salesforce", "Opportunity.csv"),
               profiles=config.import_profiles)
    assert rows(db, "SELECT account_id, arr, contract_start, renewal_date, owner FROM accounts "
                    "ORDER BY 1") == [
        ("0015g00000AcmeCoAA", 120000.0, "2024-01-15", "2027-01-15", "Dana Reyes"),
        ("0015g00000BoltLbAA", 45000.0, "2025-03-01", "2027-03-01", "Sam Ortiz"),
        ("0015g00000CedarXAA", 90000.0, "2023-06-01", "2026-06-01", "Dana Reyes")]
    # Only the closed renewal opportunities: the add-on and the open renewal are left out.
    assert said(plan, "left out 2 rows the profile does not keep")
    assert said(plan, "profile 'our-salesforce' (chosen by its name")
    assert rows(db, "SELECT account_id, date, outcome FROM renewals ORDER BY 1") == [
        ("0015g00000AcmeCoAA", "2025-01-15", "renewed"),
        ("0015g00000CedarXAA", "2025-06-01", "churned")]


def test_salesforce_opportunities_with_the_built_in_profile(db, tmp_path):
    accounts(db, tmp_path, SF_ACCOUNTS)
    plan = run(db, fixture("salesforce", "Opportunity.csv"))
    assert said(plan, "read as renewals with the built-in profile 'salesforce'")
    assert said(plan, "left out 2 rows the profile does not keep")
    assert rows(db, "SELECT account_id, date, outcome FROM renewals ORDER BY 1") == [
        ("0015g00000AcmeCoAA", "2025-01-15", "renewed"),
        ("0015g00000CedarXAA", "2025-06-01", "churned")]


def test_salesforce_contacts_cases_and_a_report_export(db, tmp_path):
    accounts(db, tmp_path, SF_ACCOUNTS)
    plan = run(db, fixture("salesforce", "Contact.csv"), fixture("salesforce", "Case.csv"),
               fixture("salesforce", "report1642777476321.csv"))
    assert rows(db, "SELECT contact_id, account_id, name, email, title FROM contacts "
                    "ORDER BY name") == [
        ("0035g00000LeeUsrAA", "0015g00000CedarXAA", "Lee", "lee@cedar.example", "Analyst"),
        ("0035g00000MariaLAA", "0015g00000AcmeCoAA", "Maria Lopez", "maria@acme.example",
         "VP Operations"),
        ("0035g00000SamCfoAA", "0015g00000AcmeCoAA", "Sam Cfo", "sam@acme.example", "CFO")]
    # A full Case export has both Id and CaseNumber: the case number is the ticket id.
    assert rows(db, "SELECT ticket_id, account_id, opened_on, closed_on, severity FROM tickets "
                    "ORDER BY 1") == [
        ("00001026", "0015g00000AcmeCoAA", "2026-10-11", "2026-10-12", "high"),
        ("00001027", "0015g00000AcmeCoAA", "2026-11-02", None, "normal"),
        ("00001028", "0015g00000CedarXAA", "2026-09-01", "2026-09-03", "low")]
    assert rows(db, "SELECT account_id, date, kind, summary FROM touchpoints ORDER BY 2") == [
        ("0015g00000AcmeCoAA", "2026-11-02", "meeting", "QBR prep"),
        ("0015g00000CedarXAA", "2026-11-05", "call", "Check-in")]
    assert said(plan, "Case.csv: read as tickets with the built-in profile 'salesforce'")


def test_a_full_case_export_without_a_profile_reads_case_number_as_the_ticket(db, tmp_path):
    accounts(db, tmp_path, SF_ACCOUNTS)
    case = tmp_path / "tickets.csv"
    case.write_text('"Id","CaseNumber","AccountId","Priority","CreatedDate"\n'
                    '"5005g00000Aa1AAAAA","00001026","0015g00000AcmeCoAA","High",'
                    '"2026-10-11T00:17:14.000+0000"\n')
    plan = run(db, case)
    assert rows(db, "SELECT ticket_id FROM tickets") == [("00001026",)]
    assert said(plan, "'Id' also means ticket_id; read 'CaseNumber'")


# --- HubSpot, Dynamics, Zendesk -----------------------------------------------------------------


def test_hubspot_companies_and_contacts(db):
    plan = run(db, fixture("hubspot", "hubspot-crm-exports-companies-2026-11-20.csv"),
               fixture("hubspot", "hubspot-crm-exports-contacts-2026-11-20.csv"))
    assert rows(db, "SELECT account_id, name, owner, arr FROM accounts ORDER BY 1") == [
        ("9001", "Acme Corp", "Dana Reyes", 120000.0), ("9002", "Bolt Labs", "Sam Ortiz", 45000.0)]
    assert rows(db, "SELECT account_id, contact_id, name, title FROM contacts ORDER BY 1") == [
        ("9001", "501", "Maria Lopez", "VP Operations"), ("9002", "502", "Ana Ruiz", "CTO")]
    assert said(plan, "built-in profile 'hubspot'")


def test_a_hubspot_export_in_spanish(db):
    plan = run(db, fixture("hubspot", "exportacion-empresas.csv"))
    assert rows(db, "SELECT account_id, name, owner FROM accounts") == [
        ("9001", "Acme Corp", "Dana Reyes")]
    assert said(plan, "read as accounts with the built-in profile 'hubspot'")


def test_dynamics_contacts_and_cases_name_their_account_by_name(db, tmp_path):
    accounts(db, tmp_path, PLAIN_ACCOUNTS)
    plan = run(db, fixture("dynamics", "Active Contacts.csv"),
               fixture("dynamics", "Active Cases.csv"))
    assert rows(db, "SELECT account_id, name, email FROM contacts ORDER BY 1") == [
        ("A1", "Maria Lopez", "maria@acme.example"), ("A3", "Lee Park", "lee@cedar.example")]
    assert rows(db, "SELECT ticket_id, account_id, severity, opened_on FROM tickets "
                    "ORDER BY 1") == [
        ("CAS-01001-A1B2C3", "A1", "high", "2026-10-11"),
        ("CAS-01002-D4E5F6", "A3", "normal", "2026-09-01")]
    assert said(plan, "built-in profile 'dynamics'")


def test_zendesk_tickets_name_the_organization(db, tmp_path):
    accounts(db, tmp_path, PLAIN_ACCOUNTS)
    plan = run(db, fixture("zendesk", "zendesk-tickets-export.csv"))
    assert rows(db, "SELECT ticket_id, account_id, opened_on, closed_on, severity, csat "
                    "FROM tickets ORDER BY 1") == [
        ("1041", "A1", "2026-10-11", "2026-10-11", "critical", 5),
        ("1042", "A1", "2026-11-02", None, "normal", None),
        ("1043", "A3", "2026-09-01", "2026-09-03", "low", 1)]
    assert said(plan, "read as tickets with the built-in profile 'zendesk' (chosen by its "
                      "name and headers)") or said(plan, "built-in profile 'zendesk'")


def test_a_ticket_naming_an_unknown_organization_is_refused_naming_it(db, tmp_path):
    accounts(db, tmp_path, PLAIN_ACCOUNTS.replace("A3,Cedar Health", "A3,Cedar Clinic"))
    with pytest.raises(ImportRefused) as info:
        run(db, fixture("zendesk", "zendesk-tickets-export.csv"))
    assert [str(p).split(": ", 1)[1] for p in info.value.problems] == [
        "Organization: unknown account 'Cedar Health' (not in the book nor in this import)"]


# --- ChurnZero, Gainsight, Qualtrics ------------------------------------------------------------


def test_churnzero_is_active_no_comes_in_churned_and_csm_name_is_the_owner(db):
    plan = run(db, fixture("churnzero", "Accounts.csv"))
    assert rows(db, "SELECT account_id, arr, seats_licensed, status, owner FROM accounts "
                    "ORDER BY 1") == [
        ("CZ-1", 120000.0, 100, "active", "Dana Reyes"),
        ("CZ-2", 45000.0, 40, "churned", "Sam Ortiz"),
        ("CZ-3", 90000.0, 60, "active", "Dana Reyes")]
    assert said(plan, "built-in profile 'churnzero'")


@pytest.mark.parametrize("header", ["accountExternalId", "account_id"])
def test_is_active_no_comes_in_churned_in_an_accounts_csv(tmp_path, header):
    """The bug: IsActive was an ignored column, so an inactive account came in active (with
    ChurnZero's id header the profile is chosen; with ours, the IsActive alias reads it)."""
    db = open_book(tmp_path / f"{header}.db")
    path = tmp_path / "accounts.csv"
    path.write_text(f"{header},Name,startDate,nextRenewalDate,TotalContractAmount,IsActive,"
                    "CSMName\nCZ-2,Bolt Labs,2025-03-01,2027-03-01,45000,No,Sam Ortiz\n"
                    "CZ-3,Cedar,2025-03-01,2027-03-01,5000,yes,Dana Reyes\n")
    run(db, path)
    assert rows(db, "SELECT status, owner FROM accounts ORDER BY account_id") == [
        ("churned", "Sam Ortiz"), ("active", "Dana Reyes")]


def test_gainsight_company_export(db):
    run(db, fixture("gainsight", "Company.csv"))
    assert rows(db, "SELECT account_id, name, arr, owner, status, contract_start FROM accounts "
                    "ORDER BY 1") == [
        ("1P02ABC", "Acme Corp", 120000.0, "Dana Reyes", "active", "2024-01-15"),
        ("1P02DEF", "Bolt Labs", 45000.0, "Sam Ortiz", "churned", "2025-03-01")]


def test_qualtrics_extra_header_rows_are_skipped(db, tmp_path):
    accounts(db, tmp_path, PLAIN_ACCOUNTS)
    plan = run(db, fixture("qualtrics", "NPS_Survey_November.csv"))
    assert rows(db, "SELECT account_id, date, score, contact, comment FROM nps ORDER BY 1") == [
        ("A1", "2026-11-02", 9, "maria@acme.example", "Great support, fast"),
        ("A3", "2026-11-03", 4, "lee@cedar.example", "Slow reports")]
    assert said(plan, "skipped the survey tool's two extra header rows")
    assert said(plan, "built-in profile 'qualtrics'")


# --- --profile, config profiles, detection ------------------------------------------------------


def test_profile_flag_names_the_profile_and_an_unknown_one_is_refused(db, tmp_path):
    accounts(db, tmp_path, PLAIN_ACCOUNTS)
    with pytest.raises(ImportRefused) as info:
        run(db, fixture("zendesk", "zendesk-tickets-export.csv"), profile="zendsk")
    [problem] = [str(p) for p in info.value.problems]
    assert "zendsk: no such profile; known: salesforce, hubspot" in problem
    plan = run(db, fixture("zendesk", "zendesk-tickets-export.csv"), profile="zendesk")
    assert len(rows(db, "SELECT * FROM tickets")) == 3 and said(plan, "'zendesk'")


def test_a_folder_of_exports_is_matched_file_by_file(db, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(fixture("churnzero", "Accounts.csv"), folder / "Accounts.csv")
    shutil.copy(fixture("zendesk", "zendesk-tickets-export.csv"), folder / "zendesk.csv")
    shutil.copy(fixture("dynamics", "Active Cases.csv"), folder / "Active Cases.csv")
    plan = run(db, folder)
    assert plan.changes["accounts"].inserted == 3
    # Zendesk's three tickets and Dynamics' two cases, each naming its account by name
    assert rows(db, "SELECT account_id, count(*) FROM tickets GROUP BY 1") == [
        ("CZ-1", 3), ("CZ-3", 2)]
    assert said(plan, "Active Cases.csv: read as tickets with the built-in profile 'dynamics'")


@pytest.mark.parametrize("toml, key", [
    ({"import": {"profiles": {"x": {"accounts": {"arr2": "A"}}}}}, "import.profiles.x.accounts"),
    ({"import": {"profiles": {"x": {"people": {"name": "A"}}}}}, "unknown table 'people'"),
    ({"import": {"profiles": {"x": {"accounts": {"file": 3}}}}}, "import.profiles.x.accounts"),
    ({"import": {"other": {}}}, "import: only [import.profiles.NAME.TABLE]"),
])
def test_a_bad_profile_in_config_is_refused_naming_the_key(toml, key):
    with pytest.raises(ConfigError) as info:
        parse_config(toml)
    assert key in str(info.value)


# --- only my accounts ---------------------------------------------------------------------------


def test_owner_keeps_my_accounts_and_their_rows_and_says_what_was_left_out(db, tmp_path):
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "accounts.csv").write_text(SF_ACCOUNTS)
    shutil.copy(fixture("salesforce", "Case.csv"), folder / "Case.csv")
    (folder / "usage.csv").write_text(
        "account_id,date,active_users\n0015g00000BoltLbAA,2026-11-16,5\n"
        "0015g00000AcmeCoAA,2026-11-16,50\n0015g00000ElseXXAA,2026-11-16,1\n")
    plan = run(db, folder, owner="dana reyes")
    assert rows(db, "SELECT account_id FROM accounts ORDER BY 1") == [
        ("0015g00000AcmeCoAA",), ("0015g00000CedarXAA",)]
    assert rows(db, "SELECT account_id FROM usage") == [("0015g00000AcmeCoAA",)]
    assert len(rows(db, "SELECT * FROM tickets")) == 3
    [note] = [n for n in plan.notes if "only the accounts owned by" in n]
    assert "left out 3 rows of others' accounts" in note and "accounts.csv 1" in note


def test_owner_without_an_owner_column_is_refused(db, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text(PLAIN_ACCOUNTS)
    with pytest.raises(ImportRefused) as info:
        run(db, path, owner="Dana Reyes")
    assert "--owner: no owner column" in str(info.value)


def test_csm_name_from_config_filters_only_an_export_with_accounts_of_theirs(db, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text(SF_ACCOUNTS)
    plan = run(db, path, owner="Someone Else", owner_given=False)
    assert len(rows(db, "SELECT * FROM accounts")) == 3
    assert said(plan, "no imported account is owned by csm_name")
    db2 = open_book(tmp_path / "two.db")
    run(db2, path, owner="Sam Ortiz", owner_given=False)
    assert rows(db2, "SELECT account_id FROM accounts") == [("0015g00000BoltLbAA",)]


# --- the command line -------------------------------------------------------------------------


def test_import_profile_and_owner_on_the_command_line(tmp_path, capsys):
    from csdesk.cli.app import main

    config = tmp_path / "config.toml"
    config.write_text('csm_name = "Dana Reyes"\n'
                      '[import.profiles.our-salesforce.accounts]\n'
                      'file = "Account*.csv"\narr = "ARR__c"\n'
                      'contract_start = "Contract_Start__c"\nrenewal_date = "Renewal_Date__c"\n'
                      'owner = "Owner.Name"\n')
    args = ["--db", str(tmp_path / "b.db"), "--config", str(config), "--as-of", "2026-11-23",
            "import"]
    assert main([*args, "--profile", "our-salesforce", str(fixture("salesforce",
                                                                   "Account.csv"))]) == 0
    out = capsys.readouterr().out
    assert "accounts               2 inserted" in out  # Dana's two, from csm_name
    assert "profile 'our-salesforce'" in out and "left out 1 rows of others' accounts" in out
    assert main([*args, "--owner", "Sam Ortiz", "--dry-run",
                 str(fixture("salesforce", "Account.csv"))]) == 0
    assert "accounts               1 inserted" in capsys.readouterr().out
    assert main([*args, "--profile", "nope", str(fixture("salesforce", "Account.csv"))]) == 2
    assert "nope: no such profile" in capsys.readouterr().err
