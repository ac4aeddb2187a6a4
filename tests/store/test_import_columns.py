"""The importer's column-wise pass vouches only for rows the model would accept: every other
row is still reported (`file:line: column: reason`), and the rows it does vouch for store the
same values the model would give."""

import datetime as dt

import pytest

from csdesk.core.config import Rules
from csdesk.store.importing import ImportRefused, import_paths

AS_OF = dt.date(2026, 11, 23)

ACCOUNTS = """\
account_id,name,arr,contract_start,renewal_date
A1,Acme Corp,120000,2024-01-15,2027-01-15
A2,Bolt Labs,"$45,000.00",3/1/2025,2027-03-01
"""


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(book, *paths, **kw):
    return import_paths(book, paths, as_of=AS_OF, rules=Rules(), **kw)


def test_mixed_forms_empty_optional_cells_and_defaults(book, tmp_path):
    write(tmp_path, "accounts.csv", ACCOUNTS)
    write(tmp_path, "usage.csv", "account_id,date,active_users,logins\n"
          "A1,2026-06-01,10,50\n"
          " A1 ,6/8/2026,11,\n"
          "A2,15 Jun 2026,\"1,200\",7\n")
    write(tmp_path, "tickets.csv", "ticket_id,account_id,opened_on,severity,csat\n"
          "T1,A1,2026-06-01,,\n"
          "T2,A2,2026-06-02,P1,5\n")
    plan = run(book, tmp_path)
    assert plan.changes["usage"].inserted == 3
    assert book.execute("SELECT account_id, date, active_users, logins FROM usage "
                        "ORDER BY date").fetchall() == [
        ("A1", "2026-06-01", 10, 50), ("A1", "2026-06-08", 11, None),
        ("A2", "2026-06-15", 1200, 7)]
    assert book.execute("SELECT ticket_id, severity, csat, closed_on FROM tickets "
                        "ORDER BY 1").fetchall() == [("T1", "normal", None, None),
                                                     ("T2", "critical", 5, None)]
    assert book.execute("SELECT arr, contract_start, term_months, status FROM accounts "
                        "WHERE account_id = 'A2'").fetchall() == [
        (45000.0, "2025-03-01", 12, "active")]


def test_an_empty_optional_cell_keeps_the_stored_value(book, tmp_path):
    write(tmp_path, "accounts.csv", ACCOUNTS)
    usage = write(tmp_path, "usage.csv", "account_id,date,active_users,logins\n"
                  "A1,2026-06-01,10,50\n")
    run(book, tmp_path)
    usage.write_text("account_id,date,active_users,logins\nA1,2026-06-01,12,\n")
    plan = run(book, usage)
    assert plan.changes["usage"].updated == 1
    assert book.execute("SELECT active_users, logins FROM usage").fetchall() == [(12, 50)]


def test_every_bad_cell_among_good_rows_is_reported(book, tmp_path):
    write(tmp_path, "accounts.csv", ACCOUNTS)
    write(tmp_path, "usage.csv", "account_id,date,active_users,logins\n"
          "A1,2026-06-01,10,50\n"
          "A1,2026-13-45,10,50\n"
          "A9,2026-06-01,10,50\n"
          "A1,2026-06-08,-3,50\n"
          "A1,2026-06-15,,50\n"
          "A2,2026-06-01,ten,50\n"
          "A2,2026-06-08,10,50\n")
    with pytest.raises(ImportRefused) as info:
        run(book, tmp_path)
    problems = [str(p) for p in info.value.problems]
    label = str(tmp_path / "usage.csv")
    assert [p.split(": ")[0] for p in problems] == [f"{label}:{n}" for n in (3, 4, 5, 6, 7)]
    assert problems[0].startswith(f"{label}:3: date: ")
    assert problems[1].startswith(f"{label}:4: account_id: unknown account 'A9'")
    assert problems[2].startswith(f"{label}:5: active_users: ")
    assert problems[3].startswith(f"{label}:6: active_users: ")
    assert problems[4].startswith(f"{label}:7: active_users: ")
    assert book.execute("SELECT count(*) FROM usage").fetchone() == (0,)


def test_later_duplicate_wins_across_forms(book, tmp_path):
    write(tmp_path, "accounts.csv", ACCOUNTS)
    write(tmp_path, "usage.csv", "account_id,date,active_users\n"
          "A1,2026-06-01,10\n"
          "A1,6/1/2026,20\n")
    plan = run(book, tmp_path)
    assert len(plan.duplicates) == 1 and ":3: same usage key as" in plan.duplicates[0]
    assert book.execute("SELECT active_users FROM usage").fetchall() == [(20,)]
