"""`csdesk demo`, `csdesk import`, `csdesk export` through the command line: exit codes 0 and 2."""

import json
import re
import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csdesk.cli import main

AS_OF = ["--as-of", "2026-11-23"]


def count(path, table):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_demo_then_refuse_then_force(tmp_path, capsys):
    db = str(tmp_path / "book.db")
    assert main(["--db", db, *AS_OF, "demo", "--accounts", "15", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "15 accounts" in out and db in out
    assert count(db, "accounts") == 15 and count(db, "score_snapshots") > 15
    assert main(["--db", db, *AS_OF, "demo", "--accounts", "20"]) == 2
    assert "not empty" in capsys.readouterr().err
    assert count(db, "accounts") == 15
    assert main(["--db", db, *AS_OF, "demo", "--accounts", "20", "--force"]) == 0
    assert count(db, "accounts") == 20
    assert main(["--db", db, *AS_OF, "demo", "--accounts", "0", "--force"]) == 2


def test_export_then_import_into_an_empty_book(tmp_path, capsys):
    db, other = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    out = tmp_path / "book.json"
    assert main(["--db", db, *AS_OF, "demo", "--accounts", "12"]) == 0
    assert main(["--db", db, "export", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    assert main(["--db", other, *AS_OF, "import", str(out), "--dry-run"]) == 0
    report = capsys.readouterr().out
    assert "Dry run" in report and not Path(other).exists()  # issue 24: no book made
    assert main(["--db", other, *AS_OF, "import", str(out)]) == 0
    assert count(other, "accounts") == 12
    capsys.readouterr()
    assert main(["--db", other, *AS_OF, "import", str(out)]) == 0
    report = capsys.readouterr().out
    assert re.search(r"accounts +0 inserted +0 updated +12 unchanged", report)
    assert json.loads(out.read_text())["format"] == "csdesk book"


def test_import_refusal_exits_2_and_lists_every_problem(tmp_path, capsys):
    db = str(tmp_path / "book.db")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,name,arr,contract_start,renewal_date\n"
                        "A1,Acme,lots,2024-01-01,2027-01-01\nA2,Bolt,5,never,2027-01-01\n")
    assert main(["--db", db, "import", str(accounts)]) == 2
    err = capsys.readouterr().err
    assert "nothing written; 2 problems" in err
    assert f"{accounts}:2: arr: not an amount in USD: 'lots'" in err
    assert f"{accounts}:3: contract_start: not a date: 'never'" in err
    assert count(db, "accounts") == 0


def test_export_of_a_missing_book_is_refused(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "none.db"), "export", str(tmp_path / "x.json")]) == 2


def test_sample_data_imports_cleanly(tmp_path, capsys):
    from pathlib import Path

    sample = Path(__file__).resolve().parents[2] / "data" / "sample"
    db = str(tmp_path / "book.db")
    assert main(["--db", db, *AS_OF, "import", str(sample)]) == 0
    assert count(db, "accounts") >= 5 and count(db, "usage") > 0 and count(db, "contacts") > 0


# --- the importer never crashes, whatever is in a cell -----------------------------------------

CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "A1", "2026-13-01", "3/15/2027", "$1,000", "-1", "10", "9.5",
                     "critical", "On Track", "yes", "=cmd()", "\x00", "é", "1e400", "NaN"]),
)
COLUMNS = ["account_id", "date", "active_users", "logins"]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.lists(CELL, min_size=4, max_size=5), min_size=1, max_size=4),
       table=st.sampled_from(["usage", "tickets", "nps", "goals", "accounts", "contacts"]))
def test_any_cell_text_imports_or_is_refused_with_a_location(tmp_path_factory, cells, table):
    import csv

    folder = tmp_path_factory.mktemp("fuzz")
    db = str(folder / "book.db")
    accounts = folder / "accounts.csv"
    accounts.write_text("account_id,name,arr,contract_start,renewal_date\n"
                        "A1,Acme,1000,2024-01-01,2027-01-01\n")
    assert main(["--db", db, "--as-of", "2026-11-23", "import", str(accounts)]) == 0
    path = folder / f"{table}.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        from csdesk.store.importing import TABLES

        writer.writerow(TABLES[table].columns[:5])
        writer.writerows(cells)
    before = count(db, table)
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["--db", db, "--as-of", "2026-11-23", "import", str(path)])
    assert code in (0, 2), err.getvalue()
    if code == 2:
        lines = err.getvalue().splitlines()[1:]
        assert lines and all(line.startswith(f"{path}:") for line in lines), err.getvalue()
        assert count(db, table) == before
