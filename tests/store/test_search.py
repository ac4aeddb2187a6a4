"""The search index: kept in step by triggers whoever writes, built by the migration, ranked."""

import datetime as dt
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from csdesk.core.config import Config
from csdesk.core.search import plain
from csdesk.store import schema
from csdesk.store.demo.generate import generate
from csdesk.store.demo.write import write_demo
from csdesk.store.importing import import_paths
from csdesk.store.schema import APPLICATION_ID, open_book
from csdesk.store.search import FIELDS, rebuild, search

AS_OF = dt.date(2026, 11, 23)
ACCOUNT = ("INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date, industry, "
           "owner) VALUES (?, ?, 1000, '2026-01-01', '2027-01-01', ?, ?)")


def _found(db, query):
    return [(h.account_id, h.kind, h.field) for h in search(db, query)]


def _index(db):
    return db.execute("SELECT rowid, text, account_id FROM search_index ORDER BY rowid").fetchall()


def _rebuilt(db):
    """What the index holds when built from the tables again (what the triggers must match)."""
    db.conn.execute("BEGIN")
    try:
        rebuild(db)
        return _index(db)
    finally:
        db.conn.execute("ROLLBACK")


@pytest.fixture
def acme(book):
    book.execute(ACCOUNT, ("a1", "Acme Corp", "Manufacturing", "Dana Reyes"))
    book.execute(ACCOUNT, ("b1", "Bolt Labs", "Software", "Dana Reyes"))
    return book


def test_every_searched_field_is_found_by_its_words(acme):
    db = acme
    db.execute("INSERT INTO contacts (account_id, name, title, email) "
                "VALUES ('a1', 'Priya Natarajan', 'Head of Platform', 'priya@acme.example')")
    db.execute("INSERT INTO notes (account_id, created_at, text) "
                "VALUES ('a1', '2026-04-02', 'Complained about SSO timeouts in the spring')")
    db.execute("INSERT INTO touchpoints (account_id, date, kind, summary) "
                "VALUES ('b1', '2026-05-01', 'call', 'Quarterly roadmap walkthrough')")
    db.execute("INSERT INTO goals (account_id, goal, roi_note) "
                "VALUES ('b1', 'Cut onboarding time', 'saves forty analyst hours')")
    db.execute("INSERT INTO save_plans (account_id, trigger, trigger_date, root_cause, "
                "executive_alignment, success_criteria_30) VALUES ('a1', 'band_red', "
                "'2026-10-01', 'Integration backlog', 'CFO sponsor agreed', 'Weekly logins')")
    db.execute("INSERT INTO save_plan_actions (plan_id, text, owner) "
                "VALUES (1, 'Escalate the connector fix', 'Dana')")
    assert _found(db, "manufacturing") == [("a1", "account", "industry")]
    assert _found(db, "reyes") == [("a1", "account", "owner"), ("b1", "account", "owner")] or \
        sorted(_found(db, "reyes")) == [("a1", "account", "owner"), ("b1", "account", "owner")]
    assert _found(db, "platform") == [("a1", "contact", "title")]
    assert _found(db, "priya@acme.example")[0] == ("a1", "contact", "email")
    assert _found(db, "sso") == [("a1", "note", "text")]
    assert _found(db, "roadmap") == [("b1", "touchpoint", "summary")]
    assert _found(db, "onboarding") == [("b1", "goal", "goal")]
    assert _found(db, "analyst") == [("b1", "goal", "roi_note")]
    assert _found(db, "backlog") == [("a1", "save_plan", "root_cause")]
    assert _found(db, "CFO") == [("a1", "save_plan", "executive_alignment")]
    assert _found(db, "weekly logins") == [("a1", "save_plan", "success_criteria_30")]
    assert _found(db, "connector") == [("a1", "save_plan_action", "text")]
    assert _index(db) == _rebuilt(db)


def test_words_are_stemmed_and_the_last_is_a_prefix(acme):
    acme.execute("INSERT INTO notes (account_id, created_at, text) "
                 "VALUES ('a1', '2026-04-02', 'Customer complained about renewals pricing')")
    assert _found(acme, "complaining") == [("a1", "note", "text")]  # stem: complain
    assert _found(acme, "renewal") == [("a1", "note", "text")]
    assert _found(acme, "pric") == [("a1", "note", "text")]  # still typing
    assert _found(acme, "customer pric") == [("a1", "note", "text")]  # all words, any order
    assert _found(acme, "pric nothing") == []


def test_matches_are_marked_and_better_matches_rank_first(acme):
    db = acme
    db.execute("INSERT INTO notes (account_id, created_at, text) VALUES ('b1', '2026-04-02', "
               "'A long note that mentions acme once among many other words about the renewal "
               "and the roadmap and the budget and the weather')")
    hits = search(db, "acme")
    assert [(h.account_id, h.kind) for h in hits] == [("a1", "account"), ("b1", "note")]
    assert hits[0].snippet == "\x02Acme\x03 Corp"
    assert "\x02acme\x03" in hits[1].snippet
    assert hits[0].rank < hits[1].rank
    assert hits[0].name == "Acme Corp" and hits[1].name == "Bolt Labs"


def test_writes_by_hand_are_found_changed_and_forgotten(tmp_path):
    """A raw sqlite3 connection (no csdesk code) writes; the triggers keep the index right."""
    path = tmp_path / "book.db"
    open_book(path).conn.close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute(ACCOUNT, ("a1", "Acme Corp", None, None))
    raw.execute("INSERT INTO notes (account_id, created_at, text) "
                "VALUES ('a1', '2026-01-01', 'zebra migration stalled')")
    raw.execute("INSERT INTO contacts (account_id, name, email) VALUES ('a1', 'Kim', 'kim@a.io')")
    raw.commit()
    db = open_book(path)
    assert _found(db, "zebra") == [("a1", "note", "text")]
    raw.execute("UPDATE notes SET text = 'giraffe migration done'")
    raw.execute("UPDATE contacts SET title = 'VP Giraffes'")
    raw.execute("UPDATE accounts SET name = 'Acme Giraffe Works'")
    raw.commit()
    assert _found(db, "zebra") == []
    assert sorted(_found(db, "giraffe")) == [("a1", "account", "name"), ("a1", "contact", "title"),
                                             ("a1", "note", "text")]
    raw.execute("DELETE FROM accounts")  # cascades to the notes and contacts
    raw.commit()
    assert _found(db, "giraffe") == [] and _index(db) == []
    raw.close()


def test_a_save_plan_saved_again_with_replace_is_found_once(acme):
    sql = ("INSERT OR REPLACE INTO save_plans (account_id, trigger, trigger_date, root_cause) "
           "VALUES ('a1', 'band_red', '2026-10-01', ?)")
    acme.execute(sql, ("Budget freeze",))
    acme.execute(sql, ("Budget cut",))
    assert _found(acme, "budget") == [("a1", "save_plan", "root_cause")]
    assert _found(acme, "freeze") == []


def test_a_version_2_book_gets_its_index_built(tmp_path):
    path = tmp_path / "book.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for step in (0, 1):
        for statement in schema._statements(schema.MIGRATIONS[step]):
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 2")
    conn.execute(ACCOUNT, ("a1", "Acme Corp", "Retail", None))
    conn.execute("INSERT INTO notes (account_id, created_at, text) "
                 "VALUES ('a1', '2026-01-01', 'asked about the SAML certificate')")
    conn.execute("INSERT INTO save_plans (account_id, trigger, trigger_date, remediation_actions) "
                 "VALUES ('a1', 'band_red', '2026-10-01', "
                 "'[{\"action\": \"Fix the SCIM connector\", \"owner\": \"Dana\", "
                 "\"due\": \"2026-10-15\"}]')")
    conn.close()
    db = open_book(path)
    assert _found(db, "saml") == [("a1", "note", "text")]
    assert _found(db, "scim") == [("a1", "save_plan_action", "text")]  # moved, then indexed
    assert _found(db, "retail") == [("a1", "account", "industry")]
    assert _index(db) == _rebuilt(db)


def test_a_new_book_has_the_index_and_every_field_a_code():
    assert len({(f.table, f.column) for f in FIELDS.values()}) == len(FIELDS)


def test_the_demo_and_a_bulk_import_keep_the_index_right(tmp_path, book):
    """The demo writes chunks into emptied tables with their indexes dropped and built again
    (the importer's fast path); the triggers still index every row, and a second write over
    the first (force) leaves no stale words."""
    rules = Config().rules
    write_demo(book, generate(25, 7, AS_OF, rules), as_of=AS_OF, rules=rules, force=False,
               chunk_accounts=10)
    first = _index(book)
    assert len(first) > 100 and first == _rebuilt(book)
    write_demo(book, generate(20, 8, AS_OF, rules), as_of=AS_OF, rules=rules, force=True,
               chunk_accounts=7)
    assert _index(book) == _rebuilt(book) != first
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "accounts.csv").write_text(
        "account_id,name,arr,contract_start,renewal_date,industry\n"
        "z1,Zephyr Quantum,5000,2026-01-01,2027-01-01,Aerospace\n")
    (folder / "notes.csv").write_text("account_id,created_at,text\n"
                                      "z1,2026-02-01,wants a quantum sandbox\n")
    import_paths(book, [folder], as_of=AS_OF, rules=rules)
    assert ("z1", "account", "name") in _found(book, "zephyr")
    assert _index(book) == _rebuilt(book)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text())
def test_any_text_searches_a_real_book_without_error(acme, text):
    for hit in search(acme, text):
        assert hit.account_id in ("a1", "b1") and plain(hit.snippet)


def test_a_book_without_the_index_says_so(acme):
    from csdesk.store.schema import BookError

    acme.execute("DROP TABLE search_index")
    with pytest.raises(BookError, match="no search index"):
        search(acme, "acme")


def test_a_query_broader_than_worth_ranking_ranks_the_weightiest_fields_newest_first(acme):
    """Above RANK_AT_MOST matches only the first in rowid order are ranked: account names
    before contacts before notes, the newest first within a field."""
    from csdesk.store import search as index

    db = acme
    db.conn.executemany("INSERT INTO notes (account_id, created_at, text) VALUES (?, ?, ?)",
                        [("b1", f"2026-01-{n % 28 + 1:02d}", f"note {n} about acme")
                         for n in range(30)])
    old, index.RANK_AT_MOST = index.RANK_AT_MOST, 10
    try:
        hits = search(db, "acme", limit=50)
    finally:
        index.RANK_AT_MOST = old
    assert hits[0].kind == "account"  # the account's name, weightiest of all
    assert [h.row_id for h in hits[1:]] == list(range(30, 21, -1))  # the 9 newest notes
    assert len(search(db, "acme", limit=50)) == 31


def test_bulk_writes_bring_the_index_in_step_set_based(tmp_path, book, monkeypatch):
    """Every write of the demo and the importer as a bulk one (BULK_ROWS 1): the triggers are
    off while the rows go in, then the index is reconciled; it equals the index built anew,
    for fresh tables, upserts that change text, and a second demo over the first."""
    from csdesk.store import search as index

    monkeypatch.setattr(index, "BULK_ROWS", 1)
    rules = Config().rules
    write_demo(book, generate(25, 7, AS_OF, rules), as_of=AS_OF, rules=rules, force=False,
               chunk_accounts=10)
    assert _index(book) == _rebuilt(book) and len(_index(book)) > 100
    folder = tmp_path / "csv"
    folder.mkdir()
    account_id, name = book.execute("SELECT account_id, name FROM accounts LIMIT 1").fetchone()
    (folder / "accounts.csv").write_text(
        "account_id,name,arr,contract_start,renewal_date,industry\n"
        f"{account_id},Renamed Quasar Ltd,5000,2026-01-01,2027-01-01,Aerospace\n")
    import_paths(book, [folder], as_of=AS_OF, rules=rules)
    assert _index(book) == _rebuilt(book)
    assert ("account", "name") in [(h.kind, h.field) for h in search(book, "quasar")]
    assert not [h for h in search(book, name) if h.kind == "account" and h.field == "name"
                and h.account_id == account_id]
    triggers = book.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                            "AND name LIKE 'search_%'").fetchone()[0]
    assert triggers == 21  # all back: 7 tables, insert/update/delete
    write_demo(book, generate(20, 8, AS_OF, rules), as_of=AS_OF, rules=rules, force=True)
    assert _index(book) == _rebuilt(book)


def test_a_huge_note_is_indexed_by_its_beginning_and_searched_at_once(acme):
    import time

    from csdesk.store import search as index

    text = "renewal blocker " + "lorem ipsum " * 1_000_000 + " zanzibar"  # 12 MB
    acme.execute("INSERT INTO notes (account_id, created_at, text) VALUES ('a1', '2026-01-01', ?)",
                 (text,))
    start = time.perf_counter()
    [hit] = search(acme, "blocker")
    assert time.perf_counter() - start < 2 and len(plain(hit.snippet)) < 200
    assert search(acme, "zanzibar") == []  # beyond the indexed beginning
    assert acme.execute("SELECT max(length(text)) FROM search_index").fetchone()[0] == \
        index.INDEXED_CHARS
