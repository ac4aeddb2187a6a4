"""`csdesk export` writes the whole book; importing it into an empty book gives it back."""

import datetime as dt
import json

from csdesk.core.config import Config
from csdesk.store.demo.generate import generate
from csdesk.desk.desk import Desk
from csdesk.store.demo.write import write_demo
from csdesk.store.exporting.json_book import export_book
from csdesk.store.importing import TABLES, import_paths
from csdesk.store.schema import open_book

AS_OF = dt.date(2026, 11, 23)


def every_table(db):
    return {name: db.execute(f"SELECT {', '.join(t.columns)} FROM {name} "
                             f"ORDER BY {', '.join(t.columns)}").fetchall()
            for name, t in TABLES.items()}


def demo_book(path, accounts=25, seed=3):
    db = open_book(path)
    config = Config()
    write_demo(db, generate(accounts, seed, AS_OF, config.rules), as_of=AS_OF,
               rules=config.rules, force=False)
    Desk(db, config, AS_OF).assess_all()  # snapshots, save plans, milestones reached
    return db


def test_round_trip_gives_back_every_table(tmp_path):
    source = demo_book(tmp_path / "a.db")
    path, counts = export_book(source, tmp_path / "book.json")
    assert counts["accounts"] == 25 and counts["score_snapshots"] > 0
    assert counts["save_plans"] > 0 and counts["notes"] > 0 and counts["milestone_items"] > 0

    target = open_book(tmp_path / "b.db")
    import_paths(target, [path], as_of=AS_OF, rules=Config().rules)
    assert every_table(target) == every_table(source)

    again, _ = export_book(target, tmp_path / "again.json")
    assert again.read_bytes() == path.read_bytes()


def test_json_book_has_iso_dates_and_plain_numbers(tmp_path):
    db = open_book(tmp_path / "a.db")
    db.execute("INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) "
               "VALUES ('A1', 'Acme', 120000.0, '2024-01-15', '2027-01-15')")
    db.execute("INSERT INTO renewals (account_id, date, outcome, previous_arr, new_arr, "
               "preventable) VALUES ('A1', '2026-01-15', 'contracted', 130000.0, 120000.5, 0)")
    db.execute("INSERT INTO touchpoints (account_id, date, kind, flags) "
               "VALUES ('A1', '2026-11-01', 'call', 'complaint;adjacent_pain')")
    path, _ = export_book(db, tmp_path / "book.json")
    book = json.loads(path.read_text())
    assert book["format"] == "csdesk book"
    assert book["accounts"][0]["arr"] == 120000 and book["accounts"][0]["contract_start"] == \
        "2024-01-15"
    assert book["renewals"][0] | {} == {
        "account_id": "A1", "date": "2026-01-15", "outcome": "contracted",
        "previous_arr": 130000, "new_arr": 120000.5, "reason": None, "preventable": False,
        "competitor": None}
    assert book["touchpoints"][0]["flags"] == ["complaint", "adjacent_pain"]
    assert (path.stat().st_mode & 0o777) == 0o600


def test_the_file_written_row_by_row_is_the_book_one_row_a_line(tmp_path):
    from csdesk.store.exporting.json_book import book_as_dict

    db = demo_book(tmp_path / "a.db", accounts=8)
    db.execute("DELETE FROM goals")  # an empty table among full ones
    path, counts = export_book(db, tmp_path / "book.json")
    text = path.read_text()
    assert json.loads(text) == book_as_dict(db)
    assert counts == {name: len(rows) for name, rows in book_as_dict(db).items()
                      if name in TABLES}
    lines = text.splitlines()
    assert len(lines) == 2 + 2 + sum(counts.values()) + sum(2 if n else 1 for n in
                                                            counts.values())
    assert ' "goals": [],' in lines
    assert not list(tmp_path.glob(".book.json.tmp"))  # renamed into place
