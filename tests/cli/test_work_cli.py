"""The command line of working Today's items to done (docs/workflow.md): `today`'s ids and
filters, `log --responds-to`, `task`, `snooze`/`unsnooze`, `metrics --json` alert quality; bad
input exits 2 naming the value, with nothing written."""

from __future__ import annotations

import json

import pytest

from csdesk.cli import main
from csdesk.store.schema import open_book

DAY = "2026-11-23"


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    """Acme (mid-market, red since 2026-11-10: usage collapsed, a detractor from Omar) and
    Zeta (enterprise, $299k, renewing in 48 days, no renewal conversation)."""
    monkeypatch.setenv("CSDESK_TODAY", DAY)
    path = tmp_path / "book.db"
    db = open_book(path)
    db["accounts"].insert_all([
        dict(account_id="A1", name="Acme", arr=50_000, contract_start="2025-01-01",
             renewal_date="2027-06-30", seats_licensed=100, term_months=12, status="active"),
        dict(account_id="Z9", name="Zeta", arr=299_000, contract_start="2025-01-10",
             renewal_date="2027-01-10", seats_licensed=100, term_months=12, status="active"),
    ])
    db["usage"].insert_all([dict(account_id="A1", date="2026-11-20", active_users=5),
                            dict(account_id="Z9", date="2026-11-20", active_users=90)])
    db["touchpoints"].insert_all([
        dict(account_id="A1", date="2026-08-01", kind="call", status="completed", flags=""),
        dict(account_id="Z9", date="2026-11-18", kind="meeting", status="completed",
             flags="")])
    db["contacts"].insert_all([
        dict(account_id="A1", name="Omar Diaz", email="omar@acme.example", role="user"),
        dict(account_id="Z9", name="Zoe", role="champion")])
    db["nps"].insert(dict(account_id="A1", date="2026-11-18", score=2,
                          contact="omar@acme.example"))
    db["score_snapshots"].insert_all([
        dict(account_id="A1", date=d, score=30, band="red", coverage=1.0, dimensions="{}")
        for d in ("2026-11-10", "2026-11-15", "2026-11-20")])
    db.conn.close()
    return path


def cli(capsys, db_path, *argv) -> tuple[int, str, str]:
    code = main(["--db", str(db_path), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def today(capsys, db_path, *argv) -> dict:
    code, out, err = cli(capsys, db_path, "today", "--json", *argv)
    assert code == 0, err
    return json.loads(out)


def ids(payload: dict) -> list[str]:
    return [i["id"] for i in payload["items"]]


def test_today_json_has_ids_clears_when_and_the_snoozed_count(capsys, db_path):
    got = today(capsys, db_path)
    assert got["snoozed"] == 0
    for item in got["items"]:
        assert {"id", "clears_when"} <= set(item) and item["id"] and item["clears_when"]
    assert "A1:alert:band_red:2026-11-10" in ids(got)
    assert ids(got) == ids(today(capsys, db_path))  # stable from run to run


def test_today_filters(capsys, db_path):
    assert {i["level"] for i in today(capsys, db_path, "--level", "critical")["items"]} == {
        "critical"}
    assert {i["kind"] for i in today(capsys, db_path, "--kind", "renewal,nps_detractor")[
        "items"]} == {"renewal", "nps_detractor"}
    assert {i["account_id"] for i in today(capsys, db_path, "--account", "zeta")["items"]} == {
        "Z9"}
    assert len(today(capsys, db_path, "--limit", "1")["items"]) == 1


@pytest.mark.parametrize("argv, message", [
    (["today", "--level", "urgent"], "--level: 'urgent' is not one of critical"),
    (["today", "--kind", "alerts"], "--kind: 'alerts' is not one of"),
    (["today", "--limit", "0"], "--limit: 0"),
    (["snooze", "nope:1", "--until", "2026-11-30", "--reason", "not_relevant"],
     "no item 'nope:1'"),
    (["snooze", "A1:renewal:x", "--until", "30/11/2026", "--reason", "not_relevant"],
     "--until: '30/11/2026' is not a date"),
    (["snooze", "A1:alert:band_red:2026-11-10", "--until", "2026-12-10", "--reason",
      "waiting_on_customer"], "more than 7 days ahead"),
    (["snooze", "A1:alert:band_red:2026-11-10", "--until", "2026-11-20", "--reason",
      "waiting_on_customer"], "until 2026-11-20 is not after today"),
    (["snooze", "A1:alert:band_red:2026-11-10", "--until", "2026-11-25", "--reason", "bored"],
     "reason 'bored' is not one of"),
    (["unsnooze", "A1:alert:band_red:2026-11-10"], "no snooze in force"),
    (["task", "done", "99"], "no task '99'"),
    (["task", "add", "Acme", "Send deck", "--due", "2026-11-01"], "is in the past"),
    (["log", "Acme", "--kind", "call", "--date", "2026-12-01"],
     "a completed touchpoint cannot be in the future"),
    (["log", "Acme", "--responds-to", "A1:nope"], "no item 'A1:nope'"),
    (["log", "Acme", "--responds-to", "Z9:renewal:2027-01-10"], "is an item of Zeta"),
    # the next step is a task: refused as `task add` refuses it (the form did; the CLI took it)
    (["log", "Acme", "--kind", "call", "--next-step", "Send deck", "--next-due", "2026-11-01"],
     "next step: due 2026-11-01 is in the past"),
])
def test_bad_input_exits_2_naming_the_value_and_writes_nothing(capsys, db_path, argv, message):
    before = open_book(db_path)
    counts = {t: before.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("touchpoints", "tasks", "snoozes")}
    before.conn.close()
    code, _, err = cli(capsys, db_path, *argv)
    assert code == 2 and message in err, err
    after = open_book(db_path)
    assert counts == {t: after.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in counts}
    after.conn.close()


def test_log_responds_to_an_item_prefills_and_closes_it(capsys, db_path):
    item = "A1:nps_detractor:2026-11-18:omar@acme.example"
    assert item in ids(today(capsys, db_path))
    code, out, err = cli(capsys, db_path, "log", "Acme", "--responds-to", item)
    assert code == 0, err and "answering" in out
    assert item not in ids(today(capsys, db_path))
    db = open_book(db_path)
    row = db.execute("SELECT kind, status, date, summary, contacts, responds_to FROM touchpoints "
                     "WHERE responds_to IS NOT NULL").fetchone()
    db.conn.close()
    assert row == ("call", "completed", DAY, "Response to: NPS detractor (2) from "
                   "omar@acme.example on 2026-11-18", "omar@acme.example", item)


def test_a_critical_answered_by_the_touchpoint_alone_says_what_is_left(capsys, db_path):
    item = "A1:alert:band_red:2026-11-10"
    code, _, err = cli(capsys, db_path, "log", "Acme", "--responds-to", item)
    assert code == 0, err
    [still] = [i for i in today(capsys, db_path)["items"] if i["id"] == item]
    assert "left: the save plan written" in still["clears_when"]


def test_log_with_names_who_was_met_and_sets_a_next_step(capsys, db_path):
    code, out, err = cli(capsys, db_path, "log", "Acme", "--kind", "check_in", "--with",
                         "ann@acme.example", "--next-step", "Send the deck",
                         "--next-due", "2026-11-27")
    assert code == 0, err and "Next step: task:" in out
    # the check-in met someone else: Omar's follow-up stays
    assert "A1:nps_detractor:2026-11-18:omar@acme.example" in ids(today(capsys, db_path))
    code, out, _ = cli(capsys, db_path, "task", "list", "--json")
    [task] = json.loads(out)["tasks"]
    assert task["text"] == "Send the deck" and task["source"] == "next_step"


def test_tasks_add_done_list(capsys, db_path):
    code, out, err = cli(capsys, db_path, "task", "add", "Zeta", "Book the EBR", "--due",
                         "2026-11-25")
    assert code == 0, err
    task_id = out.strip()
    assert task_id.startswith("task:")
    [item] = [i for i in today(capsys, db_path)["items"] if i["id"] == task_id]
    assert item["kind"] == "task" and item["level"] == "info" and item["due"] == "2026-11-25"
    code, out, _ = cli(capsys, db_path, "task", "list")
    assert "Book the EBR" in out
    code, out, err = cli(capsys, db_path, "task", "done", task_id)
    assert code == 0, err
    assert task_id not in ids(today(capsys, db_path))
    code, out, _ = cli(capsys, db_path, "task", "list", "--all", "--json")
    assert json.loads(out)["tasks"][0]["done_on"] == DAY
    code, _, err = cli(capsys, db_path, "task", "done", task_id)
    assert code == 2 and "done on 2026-11-23 already" in err


def test_snooze_hides_until_the_day_and_unsnooze_brings_it_back(capsys, db_path):
    item = "Z9:renewal:2027-01-10"
    code, _, err = cli(capsys, db_path, "snooze", item, "--until", "2026-12-01", "--reason",
                       "waiting_on_customer")
    assert code == 0, err
    got = today(capsys, db_path)
    assert item not in ids(got) and got["snoozed"] == 1
    [snoozed] = today(capsys, db_path, "--snoozed")["items"]
    assert snoozed["id"] == item and snoozed["snoozed_until"] == "2026-12-01"
    assert snoozed["reason"] == "waiting_on_customer"
    code, out, _ = cli(capsys, db_path, "--as-of", "2026-11-30", "today", "--json")
    assert item not in ids(json.loads(out))
    code, out, _ = cli(capsys, db_path, "--as-of", "2026-12-01", "today", "--json")
    assert item in ids(json.loads(out))  # back on its day (a what-if: nothing stored)
    code, _, err = cli(capsys, db_path, "unsnooze", item)
    assert code == 0, err
    assert item in ids(today(capsys, db_path))


def test_queue_order_puts_the_big_renewing_account_above_a_small_one(capsys, db_path):
    items = today(capsys, db_path)["items"]
    not_overdue_info = [i["account_id"] for i in items if not i["overdue"]
                        and i["level"] == "info"]
    assert not_overdue_info[0] == "Z9"


def test_as_of_in_the_future_stores_nothing(capsys, db_path):
    code, _, err = cli(capsys, db_path, "--as-of", "2027-03-01", "today", "--json")
    assert code == 0, err
    db = open_book(db_path)
    assert db.execute("SELECT count(*) FROM score_snapshots WHERE date > ?",
                      [DAY]).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM items_raised").fetchone()[0] == 0
    db.conn.close()
    code, _, err = cli(capsys, db_path, "--as-of", "2027-03-01", "task", "add", "Acme", "x")
    assert code == 2 and "what-if" in err


def test_metrics_json_has_alert_quality(capsys, db_path):
    item = "Z9:renewal:2027-01-10"
    today(capsys, db_path)  # raised
    cli(capsys, db_path, "snooze", item, "--until", "2026-12-01", "--reason", "not_relevant")
    cli(capsys, db_path, "log", "Acme", "--responds-to", "A1:alert:band_red:2026-11-10")
    code, out, err = cli(capsys, db_path, "metrics", "--json")
    assert code == 0, err
    quality = json.loads(out)["alert_quality"]
    assert quality["renewal"] == {"raised": 1, "answered": 0, "snoozed": 1, "not_relevant": 1,
                                  "noisy": True}
    assert quality["band_red"]["raised"] == 1 and quality["band_red"]["answered"] == 1
