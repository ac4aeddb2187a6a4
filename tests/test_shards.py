"""A whole-book run split over processes (`csdesk.shards`): the slices, the forked children,
their failures; and on real `csdesk` processes, a book scored by several processes ends with
the same output and the same rows stored as one process."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csdesk import shards
from csdesk.store.schema import open_book

AS_OF = "2026-11-23"


@given(items=st.lists(st.integers(), max_size=50), parts=st.integers(1, 8))
def test_slices_are_contiguous_in_order_and_even(items, parts):
    slices = shards.split(items, parts)
    assert [x for s in slices for x in s] == items
    assert len(slices) == max(1, min(parts, len(items)))
    sizes = [len(s) for s in slices]
    assert max(sizes) - min(sizes) <= 1


def _no_child_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_each_slice_is_done_by_its_own_process_and_comes_back_in_order():
    marks = []
    results = shards.run_forked(
        lambda piece: (os.getpid(), [x * 2 for x in piece], list(marks)),
        [[1, 2], [3], [4, 5]],
        before_fork=lambda: marks.append("closed"), after_fork=lambda: marks.append("reopened"),
        in_child=lambda: marks.append("child"))
    assert [doubled for _, doubled, _ in results] == [[2, 4], [6], [8, 10]]
    pids = [pid for pid, _, _ in results]
    assert pids[0] == os.getpid() and len(set(pids)) == 3
    # Here: closed, children forked, reopened. In a child: what was before its fork, then its own.
    assert [m for _, _, m in results] == [["closed", "reopened"], ["closed", "child"],
                                          ["closed", "child"]]
    assert _no_child_left()


def _fail_on(bad):
    def work(piece):
        if piece == bad:
            raise ValueError(f"no such account: {piece}")
        return piece
    return work


def test_a_childs_exception_is_raised_here_and_no_child_is_left():
    with pytest.raises(ValueError, match="no such account: b"):
        shards.run_forked(_fail_on("b"), ["a", "b", "c"])
    assert _no_child_left()


def test_this_slices_exception_stops_the_children():
    with pytest.raises(ValueError, match="no such account: a"):
        shards.run_forked(_fail_on("a"), ["a", "b", "c"])
    assert _no_child_left()


def test_a_child_that_dies_without_its_result_is_an_error():
    def work(piece):
        if piece == "b":
            os._exit(9)
        return piece

    with pytest.raises(shards.WorkerFailed, match="exit status 9"):
        shards.run_forked(work, ["a", "b"])
    assert _no_child_left()


def _csdesk(*args: str, workers: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "csdesk", "--as-of", AS_OF, *args],
                          capture_output=True, text=True, timeout=120,
                          env=os.environ | {"CSDESK_WORKERS": workers})


def _stored(path) -> dict[str, list]:
    conn = sqlite3.connect(path)
    try:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
                for table in ("score_snapshots", "save_plans", "milestones")}
    finally:
        conn.close()


@pytest.mark.parametrize("command", ["score", "today"])
def test_several_processes_conclude_and_store_what_one_does(tmp_path, command):
    demo = tmp_path / "demo.db"
    assert _csdesk("--db", str(demo), "demo", workers="1").returncode == 0
    conn = sqlite3.connect(demo)
    with conn:  # today's run is the day's first, and writes the save plans again
        conn.execute("DELETE FROM score_snapshots WHERE date = ?", [AS_OF])
        conn.execute("DELETE FROM save_plans")
        conn.execute("UPDATE milestones SET done_on = NULL")
    conn.close()
    runs = {}
    for workers in ("1", "3"):
        book = tmp_path / f"book-{workers}.db"
        book.write_bytes(demo.read_bytes())
        done = _csdesk("--db", str(book), command, "--json", workers=workers)
        assert done.returncode == 0, done.stderr
        runs[workers] = (json.loads(done.stdout), _stored(book))
    one, three = runs["1"], runs["3"]
    assert three == one
    report, stored = one
    assert stored["save_plans"] and stored["score_snapshots"]
    assert any(done_on for *_, done_on in stored["milestones"])
    assert len(report["accounts" if command == "score" else "items"]) > 40


def test_a_number_of_processes_that_is_not_a_number_is_refused(tmp_path):
    open_book(tmp_path / "book.db").conn.close()
    done = _csdesk("--db", str(tmp_path / "book.db"), "score", workers="two")
    assert done.returncode == 2
    assert done.stderr == "csdesk: CSDESK_WORKERS: 'two' is not a number of processes (or auto)\n"
