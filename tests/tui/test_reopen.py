"""The workbench reopened the same day (issue 22): Today's queue is the one kept with the day's
assessments while nobody writes the book, and whatever is written (by csdesk or by hand with
sqlite3) the queue, the top line and the assessments are what a full run gives."""

import dataclasses
import json
import datetime as dt
import shutil
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csdesk.cli import main
from csdesk.core.config import Config
from csdesk.desk.desk import Desk, KeptAssessments
from csdesk.desk.work import TODAY_VIEW
from csdesk.tui.book_view import Workbench
from tests.desk.test_reuse import (  # noqa: F401 (demo_file: a fixture)
    AS_OF, apply, book_copy, demo_file, edit_lists, execute)


def opened(path, *, reuse=True, as_of=AS_OF):
    desk = Desk.open(path, Config(), as_of, create=False)
    desk.reuse = reuse
    return Workbench(desk, book_path=path)


def load(path, *, reuse=True, as_of=AS_OF):
    """What the workbench shows, as text, and whether its queue was the kept one."""
    workbench = opened(path, reuse=reuse, as_of=as_of)
    try:
        view = workbench.load()
        return ([i.model_dump_json() for i in view.brief],
                [i.model_dump_json() for i in view.snoozed],
                dataclasses.asdict(view.top),
                [(a, x.model_dump_json()) for a, x in view.assessments.items()],
                isinstance(view.assessments, KeptAssessments))
    finally:
        workbench.close()


def test_reopened_unchanged_the_queue_is_the_kept_one_and_the_same(demo_file, tmp_path):
    book = tmp_path / "book.db"
    shutil.copy(demo_file, book)
    first = load(book)
    assert first[-1] is False  # the first run of the day assesses
    again = load(book)
    assert again[-1] is True  # ...the next one shows what it kept
    assert again[:-1] == first[:-1]
    assert again[:-1] == load(book, reuse=False)[:-1]


def test_any_write_or_another_day_and_the_queue_is_made_again(demo_file, tmp_path):
    book = tmp_path / "book.db"
    shutil.copy(demo_file, book)
    load(book)
    load(book)
    apply(book, [(0, 4)])  # a touchpoint logged by hand
    assert load(book)[-1] is False
    assert load(book)[-1] is True  # kept anew
    tomorrow = AS_OF + dt.timedelta(days=1)
    assert load(book, as_of=tomorrow)[-1] is False


def test_a_write_during_the_run_keeps_no_queue(demo_file, tmp_path):
    book = tmp_path / "book.db"
    shutil.copy(demo_file, book)
    workbench = opened(book)
    try:
        def written_meanwhile(view):
            # While the queue is shown, another csdesk writes an account and keeps its new
            # assessment: every account's kept assessment is valid, but not the queue.
            apply(book, [(1, 2)])
            other = Desk.open(book, Config(), AS_OF, create=False)
            try:
                other.assess_all()  # reuses the rest, keeps the one written
            finally:
                other.close()

        workbench.load(shown=written_meanwhile)
        assert workbench.desk.reopened(TODAY_VIEW) is None
    finally:
        workbench.close()
    assert load(book)[-1] is False


def test_the_kept_assessments_read_like_a_dict_in_book_order(demo_file, tmp_path):
    book = tmp_path / "book.db"
    shutil.copy(demo_file, book)
    load(book)
    workbench = opened(book)
    try:
        view = workbench.load()
        kept = view.assessments
        assert isinstance(kept, KeptAssessments)
        full = load(book, reuse=False)[3]
        assert list(kept) == [a for a, _ in full]
        assert len(kept) == 16 and full[0][0] in kept and "nobody" not in kept
        assert kept.get("nobody") is None
        assert kept[full[3][0]].model_dump_json() == full[3][1]
        assert [(a, x.model_dump_json()) for a, x in dict(kept).items()] == full
    finally:
        workbench.close()


def test_a_command_keeps_no_queue(demo_file, tmp_path):
    book = tmp_path / "book.db"
    shutil.copy(demo_file, book)
    assert main(["--db", str(book), "--as-of", AS_OF.isoformat(), "today", "--json"]) == 0
    conn = sqlite3.connect(book)
    try:
        assert conn.execute("SELECT count(*) FROM kept_views WHERE name = ?",
                            [TODAY_VIEW]).fetchone()[0] == 0
    finally:
        conn.close()


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edit_lists(5), st.booleans())
def test_the_workbench_shows_what_a_full_run_shows_after_any_hand_edits(
        demo_file, tmp_path_factory, edits, first_of_the_day):
    folder = tmp_path_factory.mktemp("edit")
    book = book_copy(demo_file, folder, first_of_the_day)
    load(book)
    load(book)  # kept, then reopened
    apply(book, edits)
    copy = folder / "copy.db"
    shutil.copy(book, copy)
    # (the full run on the copy would also record Today's items: compare before it does)
    for _ in range(3):  # assessed again or reused, kept, then reopened
        assert load(book)[:-1] == load(copy, reuse=False)[:-1]


@pytest.mark.parametrize("options", [[], ["--snoozed"], ["--level", "critical,warning"],
                                     ["--limit", "3"]])
def test_today_on_the_command_line_reads_the_kept_queue_and_says_the_same(
        demo_file, tmp_path, capsys, options):
    book = tmp_path / "book.db"
    shutil.copy(demo_file, book)
    first = load(book)[0][0]  # one item snoozed, so --snoozed lists something
    assert main(["--db", str(book), "--as-of", AS_OF.isoformat(), "snooze",
                 json.loads(first)["id"], "--until", "2026-12-08", "--reason",
                 "waiting_on_customer"]) == 0
    load(book)
    load(book)
    copy = tmp_path / "copy.db"
    shutil.copy(book, copy)
    execute(copy, "DELETE FROM kept_views")
    outputs = []
    for path in (book, copy):
        capsys.readouterr()
        assert main(["--db", str(path), "--as-of", AS_OF.isoformat(), "today", "--json",
                     *options]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    listed = json.loads(outputs[0])["items"]
    assert listed and (options != ["--snoozed"] or listed[0]["id"] == json.loads(first)["id"])
    workbench = opened(book)
    try:
        assert workbench.desk.reopened(TODAY_VIEW) is not None  # the command read it, kept it
    finally:
        workbench.close()
