"""The importer's fast paths store exactly what its careful paths store, and refuse exactly
the same rows with the same `file:line: column: reason`.

Fast paths: a plain CSV file split on commas instead of read by the csv module
(`csv_files._read_plain_csv`), the column-wise validation pass (`rows.Reader._fast`) with the plan
taking its rows for a table empty in the book column-wise (`rows.Batch`), and the plain INSERT
into an empty table with its indexes built afterwards (`plan._insert_fresh`). The `careful` fixture turns all of them
off, so each test imports the same files both ways and compares the stored tables.
"""

import datetime as dt
import sqlite3

import pytest

from csdesk.core.config import Rules
from csdesk.store import importing as importer
from csdesk.store.importing import ImportRefused, csv_files, import_paths
from csdesk.store.importing import plan as planning
from csdesk.store.importing import rows as reading
from csdesk.store.schema import open_book

AS_OF = dt.date(2026, 11, 23)
TABLES = ["accounts", "contacts", "usage", "tickets", "nps", "touchpoints", "goals",
          "renewals", "milestones"]


def careful_paths(monkeypatch) -> None:
    monkeypatch.setattr(csv_files, "_read_plain_csv", lambda text, label, table: None)
    monkeypatch.setattr(reading.Reader, "_fast", lambda self, src, table, plain: None)
    monkeypatch.setattr(planning, "_insert_fresh", lambda conn, name, rows: False)


def write(folder, name, text, *, newline="\n", bom=False):
    folder.mkdir(exist_ok=True)
    path = folder / name
    data = text.replace("\n", newline).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def import_both(tmp_path, monkeypatch, files: dict[str, str], *, newline="\n", dry_run=False,
                steps=1, then: dict[str, str] | None = None):
    """Import the files into a fresh book the fast way and the careful way (`steps` times, then
    the files `then` changes); return both books' tables and plans (or both refusals'
    problems)."""
    results = []
    for way in ("fast", "careful"):
        with monkeypatch.context() as patch:
            if way == "careful":
                careful_paths(patch)
            folder = tmp_path / way
            db = open_book(tmp_path / f"{way}.db")
            try:
                for step in range(steps + (then is not None)):
                    for name, text in (files if step < steps else files | then).items():
                        write(folder, name, text, newline=newline)
                    try:
                        plan = import_paths(db, [folder], as_of=AS_OF, rules=Rules(),
                                            dry_run=dry_run)
                    except ImportRefused as exc:
                        results.append([str(p).replace(str(folder), "DIR")
                                        for p in exc.problems])
                        break
                else:
                    tables = {t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3").fetchall()
                              for t in TABLES}
                    schema = db.execute("SELECT type, name, sql FROM sqlite_master "
                                        "ORDER BY name").fetchall()
                    shown = (plan.changes,
                             [d.replace(str(folder), "DIR") for d in plan.duplicates],
                             [n.replace(str(folder), "DIR") for n in plan.notes])
                    results.append((tables, shown, schema,
                                    db.execute("PRAGMA foreign_keys").fetchone()))
            finally:
                db.conn.close()
    fast, careful = results
    assert fast == careful
    return fast


ACCOUNTS = """\
account_id,name,arr,contract_start,renewal_date,seats_licensed,term_months,industry,owner,status
A1,Acme Corp,120000,2024-01-15,2027-01-15,100,12,Software,Dana Reyes,active
A2,Bolt Labs,"$45,000.00",3/1/2025,2027-03-01,40,,Retail,,
A3, Cedar Health ,USD 60000,15 Nov 2026,15 Nov 2027,,24,,Dana Reyes,churned
"""

PLAIN_ACCOUNTS = ACCOUNTS.replace('"$45,000.00"', "$45000.00")


def many_files(accounts=PLAIN_ACCOUNTS) -> dict[str, str]:
    return {
        "accounts.csv": accounts,
        "usage.csv": "Account ID,Week,Active Users,Logins\n" + "".join(
            f"A{1 + i % 3},2026-{1 + i // 28:02d}-{1 + i % 28:02d},{i % 50},"
            f"{'' if i % 7 == 0 else i}\n" for i in range(300))
        + "A1,2026-01-01,99,\n",  # the same key as row 1: the later row wins
        "tickets.csv": "ticket_id,account_id,opened_on,closed_on,severity,csat\n"
                       "T1,A1,2026-06-01,,P1,\n"
                       "T2,A2,6/2/2026,2026-06-09,medium,4\n"
                       "T3,A3,2026-06-03,2026-06-04,,5\n",
        "nps.csv": "account_id,date,score,contact,comment\n"
                   "A1,2026-06-01,9,maria@acme.example,Great\n"
                   "A1,2026-06-01,3,,\n"
                   "A2,2026-07-01,10,sam@bolt.example,\n",
        "touchpoints.csv": "account_id,date,kind,status,summary,flags\n"
                           "A1,2026-06-01,call,completed,Kickoff,complaint;exec_engaged\n"
                           "A1,2026-06-01,call,completed,,\n"
                           "A2,2026-06-02,Check In,scheduled,Weekly,\n"
                           "A3,2026-06-03,qbr,,Q2 review,org_spread\n",
        "goals.csv": "account_id,goal,target_date,status,roi_note\n"
                     "A1,Cut handle time,2026-12-31,On Track,20% saved\n"
                     "A2,Launch portal,,,\n",
        "renewals.csv": "account_id,date,outcome,previous_arr,new_arr,reason,preventable,"
                        "competitor\n"
                        "A3,2026-10-01,churned,60000,0,Budget,1,Rival\n",
        "contacts.csv": "account_id,name,contact_id,title,email,role,status,departed_on,"
                        "sentiment,success_definition\n"
                        "A1,Maria Lopez,C1,CFO,maria@acme.example,economic_buyer,active,,"
                        "positive,\n"
                        "A1,Sam Stone,C2,,,champion,departed,2026-05-01,,\n"
                        "A2,Ann Bell,,VP,ANN@bolt.example,,,,,Fewer tickets\n",
    }


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_book_of_every_table_stores_the_same_rows(tmp_path, monkeypatch, newline):
    tables, (changes, duplicates, _), _, fk = import_both(tmp_path, monkeypatch, many_files(),
                                                         newline=newline)
    assert changes["usage"].inserted == 300 and len(duplicates) == 1
    assert len(tables["usage"]) == 300 and len(tables["milestones"]) == 4  # A3 onboarding
    assert fk == (1,)  # foreign keys are checked again after the import


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_quoted_cells_and_a_salesforce_footer_store_the_same_rows(tmp_path, monkeypatch,
                                                                  newline):
    files = many_files(ACCOUNTS + "\n\"Grand Totals (3 records)\"\n\"Confidential\"\n")
    files["usage.csv"] = files["usage.csv"] + "\nGrand Totals (301 records),,,\n"
    files["contacts.csv"] = files["contacts.csv"].replace("CFO", '"CFO, Finance"')
    files["nps.csv"] = files["nps.csv"].replace("Great", '"Great, ""really"""')
    tables, *_ = import_both(tmp_path, monkeypatch, files, newline=newline)
    assert len(tables["accounts"]) == 3 and len(tables["usage"]) == 300
    assert ("CFO, Finance",) in [row[4:5] for row in tables["contacts"]]


def test_importing_twice_changes_nothing_either_way(tmp_path, monkeypatch):
    _, (changes, _, _), _, _ = import_both(tmp_path, monkeypatch, many_files(), steps=2)
    assert not any(c.inserted or c.updated for c in changes.values())


def test_empty_cells_of_a_second_import_keep_stored_values_either_way(tmp_path, monkeypatch):
    files = many_files()
    then = {"usage.csv": files["usage.csv"].replace(",1,1\n", ",7,\n").replace(",5,5\n", ",5,\n"),
            "contacts.csv": files["contacts.csv"].replace("CFO,maria", ",maria"),
            "tickets.csv": files["tickets.csv"].replace(",P1,", ",,")}
    _, (changes, _, _), _, _ = import_both(tmp_path, monkeypatch, files, then=then)
    assert changes["usage"].updated == 1 and changes["contacts"].updated == 0


def test_a_dry_run_plans_the_same_either_way(tmp_path, monkeypatch):
    tables, (changes, duplicates, _), _, _ = import_both(tmp_path, monkeypatch, many_files(),
                                                         dry_run=True)
    assert changes["usage"].inserted == 300 and duplicates
    assert not any(tables.values())


@pytest.mark.parametrize("usage", [
    # blank rows (one of spaces and commas), short and long rows, a bad cell among good ones
    "account_id,date,active_users,logins\nA1,2026-06-01,1,2\n\n  ,  ,,\nA1,2026-06-08,3\n"
    "A1,2026-06-15,4,5,,\n",
    "account_id,date,active_users,logins\nA1,2026-06-01,1,2\nA1,2026-06-08,3,4,5\n"
    "A9,2026-06-09,1,1\nA1,2026-13-01,x,-1\n",
    "account_id,date,active_users,logins\n ,2026-06-01,1,2\nA1,,1,2\nA1,2026-06-02,,\n",
    "account_id,date,active_users,logins\nA1,2026-06-01,1,2\nA1,\"2026-06-08\nA1\",3,4\n"
    "A1,2026-06-09,-4,4\n",
])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_odd_rows_read_and_refused_alike(tmp_path, monkeypatch, usage, newline):
    files = {"accounts.csv": PLAIN_ACCOUNTS, "usage.csv": usage}
    result = import_both(tmp_path, monkeypatch, files, newline=newline)
    if isinstance(result, list):  # refused both ways: the same problems, lines and all
        assert all(":" in p for p in result)


def test_bad_rows_of_a_large_plain_file_are_reported_on_their_lines(tmp_path, monkeypatch):
    rows = [f"A1,{dt.date(2021, 1, 1) + dt.timedelta(days=i)},{i},{i}" for i in range(2000)]
    rows[500] = "A1,2021-13-40,1,1"  # line 502
    rows[1500] = "A7,2025-01-01,1,1"  # line 1502
    rows[1999] = "A1,2029-01-01,-1,1"  # line 2001
    files = {"accounts.csv": PLAIN_ACCOUNTS,
             "usage.csv": "account_id,date,active_users,logins\n" + "\n".join(rows) + "\n"}
    problems = import_both(tmp_path, monkeypatch, files, newline="\r\n")
    assert [p.split(": ")[0].rsplit(":", 1)[1] for p in problems] == ["502", "1502", "2001"]


def test_plain_csv_reads_like_the_csv_module(monkeypatch):
    texts = ["a,b\n1,2\n", "a,b\r\n1,2\r\n", "a,b\r\n1,2", "a,b\n1,2\r\n", "a,b\n", "a,b",
             "a,b\n1,2\n\n3,4\n", "a,b\n ,\n1,2\n", "a,b\n1\n", "a,b\n1,2,3\n", "\n",
             "a,b\n1,2\nGrand Totals (1 records),\n", "a, b \n x ,y\n", "a\n1\n2\n\n",
             "", "a,b\n1,2\r3,4\n", "a,b\n1,\"2\"\n", 'a,b\n"1,5",2\n', '"a","b"\r\n"1","2"\r\n',
             'a,b\n"x""y",2\n', 'a,b\n"",2\n', 'a,b\n1,"2\n3"\n', 'a,b\nx"y,2\n', 'a,b\n"x"y,2\n',
             'a,b\n "x",2\n', '"a","b"\n"1","2"\n"Grand Totals (1 records)"\n', 'a,b\n"1","2",""\n',
             'a,b\n"1"\n', '"a,b"\n"1,2"\n']
    for text in texts:
        fast_problems: list = []
        fast = importer.read_csv(text, "f.csv", "usage", fast_problems)
        columns = fast.columns()  # before `rows`, which keeps what it splits
        with monkeypatch.context() as patch:
            patch.setattr(csv_files, "_read_plain_csv", lambda text, label, table: None)
            slow_problems: list = []
            slow = importer.read_csv(text, "f.csv", "usage", slow_problems)
        assert (fast.headers, fast.rows, list(fast.line_numbers()), len(fast)) == (
            slow.headers, slow.rows, list(slow.line_numbers()), len(slow)), text
        assert fast_problems == slow_problems, text
        if columns is None:
            assert slow.columns() is None, text
        else:
            assert [list(c) for c in columns] == [list(c) for c in slow.columns()], text


def test_a_key_sql_repeats_falls_back_to_the_upsert(book):
    """Should the plan ever let through two rows SQL sees as one key, the empty-table insert
    gives way to the upsert: the later row wins, the indexes are all there."""
    schema = book.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
    importer.write_rows(book, {
        "accounts": [("A1", "Acme", 1.0, "2024-01-01", "2025-01-01", None, 12, None, None,
                      "active")],
        "contacts": [("A1", "Maria", None, None, "m@x.example", "other", "active", None, None,
                      None, None, None),
                     ("A1", "Maria L", None, None, "M@X.example", "champion", "active", None,
                      None, None, None, None)],
        "nps": [("A1", "2026-01-01", 5, None, "first"), ("A1", "2026-01-01", 7, "", "second")],
    })
    assert book.execute("SELECT name, role FROM contacts").fetchall() == [("Maria L",
                                                                          "champion")]
    assert book.execute("SELECT score, comment FROM nps").fetchall() == [(7, "second")]
    assert book.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall() \
        == schema
    with pytest.raises(sqlite3.IntegrityError):
        book.execute("INSERT INTO nps (account_id, date, score) VALUES ('A1', '2026-01-01', 1)")


@pytest.mark.parametrize("repeat", [False, True])
def test_two_files_of_one_table_store_the_same_rows(tmp_path, monkeypatch, repeat):
    files = many_files()
    files["usage-more.csv"] = ("account_id,date,active_users\n"
                               + ("A1,2026-01-01,5\n" if repeat else "")  # row 1's key
                               + "A2,2027-01-01,6\nA3,2027-01-02,7\n")
    files["accounts-more.csv"] = "account_id,name,arr,contract_start,renewal_date\n" \
                                 "A4,Delta,1000,2026-11-01,2027-11-01\n"
    _, (changes, duplicates, _), _, _ = import_both(tmp_path, monkeypatch, files)
    assert changes["usage"].inserted == 302 and changes["accounts"].inserted == 4
    assert len(duplicates) == 1 + repeat
