"""A whole-book run split over processes (`csdesk.desk.parallel`): the slices, the forked children,
their failures; and on real `csdesk` processes, a book scored by several processes ends with
the same output and the same rows stored as one process."""

import json
import os
import sqlite3
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csdesk.desk import parallel as shards
from csdesk.store.schema import open_book

AS_OF = "2026-11-23"


@given(items=st.lists(st.integers(), max_size=50), parts=st.integers(1, 8))
def test_slices_are_contiguous_in_order_and_even(items, parts):
    slices = shards.split(items, parts)
    assert [x for s in slices for x in s] == items
    assert len(slices) == max(1, min(parts, len(items)))
    sizes = [len(s) for s in slices]
    assert max(sizes) - min(sizes) <= 1


def _children() -> set[int]:
    """This process's children, running or not yet reaped (Linux's /proc)."""
    return {int(pid) for task in Path("/proc/self/task").iterdir()
            for pid in (task / "children").read_text().split()}


@pytest.fixture
def no_process_left():
    """No process the test started is left, running or unreaped (others' children aside)."""
    before = _children()
    yield
    assert _children() <= before


# What the other processes run must pickle (a process started anew imports it from here).
def doubled(piece: list[int]) -> tuple[int, list[int]]:
    return os.getpid(), [x * 2 for x in piece]


def fail_on(bad: str, piece: str) -> str:
    if piece == bad:
        raise ValueError(f"no such account: {piece}")
    return piece


def dies_on(bad: str, piece: str) -> str:
    if piece == bad:
        os._exit(9)
    return piece


def _nothing():
    pass


def _forked(slices, here, there):
    return shards._start_forked(slices, there, _nothing, _nothing, _nothing).finish(here)


def _spawned(slices, here, there):
    return shards._start_spawned(slices, there, _nothing).finish(here)


RUNS = pytest.mark.parametrize("run", [_forked, _spawned], ids=["forked", "spawned"])


@RUNS
def test_each_slice_is_done_by_its_own_process_and_comes_back_in_order(run, no_process_left):
    results = run([[1, 2], [3], [4, 5]], doubled, doubled)
    assert [d for _, d in results] == [[2, 4], [6], [8, 10]]
    pids = [pid for pid, _ in results]
    assert pids[0] == os.getpid() and len(set(pids)) == 3


def test_no_connection_crosses_a_fork():
    marks = []

    def seen(piece):
        return list(marks)

    results = shards.run_sliced([1, 2, 3], seen, seen, before_fork=lambda: marks.append("closed"),
                                after_fork=lambda: marks.append("reopened"),
                                before_start=lambda: marks.append("started"))
    # The children were forked after "closed", and started their work after "started".
    assert results == [["closed", "reopened", "started"], ["closed"], ["closed"]]


def started_before(mark: str, piece) -> bool:
    return Path(mark).exists()


@pytest.mark.parametrize("may_fork", [True, False], ids=["forked", "spawned"])
def test_no_other_process_starts_its_work_before_before_start(tmp_path, monkeypatch, may_fork):
    mark = tmp_path / "started"

    def slowly_started():  # a forked child left to run at once would look before this
        time.sleep(0.2)
        mark.touch()

    monkeypatch.setattr(shards, "can_fork", lambda: may_fork)
    check = partial(started_before, str(mark))
    assert shards.run_sliced([1, 2], check, check, before_start=slowly_started) == [True, True]


def test_a_process_that_may_not_fork_starts_new_ones(monkeypatch):
    monkeypatch.setattr(shards, "can_fork", lambda: False)
    results = shards.run_sliced([[1], [2]], doubled, doubled,
                                before_fork=lambda: pytest.fail("forked"))
    assert [d for _, d in results] == [[2], [4]]


@RUNS
def test_an_exception_elsewhere_is_raised_here_and_no_process_is_left(run, no_process_left):
    with pytest.raises(ValueError, match="no such account: b"):
        run(["a", "b", "c"], partial(fail_on, "b"), partial(fail_on, "b"))


@RUNS
def test_this_slices_exception_stops_the_others(run, no_process_left):
    with pytest.raises(ValueError, match="no such account: a"):
        run(["a", "b", "c"], partial(fail_on, "a"), partial(fail_on, "a"))


@RUNS
def test_a_process_that_dies_without_its_result_is_an_error(run, no_process_left):
    with pytest.raises(shards.WorkerFailed, match="exit status 9"):
        run(["a", "b"], partial(dies_on, "b"), partial(dies_on, "b"))


def _csdesk(*args: str, workers: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "csdesk", "--as-of", AS_OF, *args],
                          capture_output=True, text=True, timeout=120,
                          env=os.environ | {"CSDESK_WORKERS": workers})


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """The demo book, written once by `csdesk demo` (each test works on a copy: `demo`)."""
    path = tmp_path_factory.mktemp("shards") / "demo.db"
    assert _csdesk("--db", str(path), "demo", workers="1").returncode == 0
    return path


@pytest.fixture
def demo(demo_file, tmp_path):
    path = tmp_path / "demo.db"
    path.write_bytes(demo_file.read_bytes())  # checkpointed: csdesk closed it
    return path


def _stored(path) -> dict[str, list]:
    conn = sqlite3.connect(path)
    try:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
                for table in ("score_snapshots", "save_plans", "milestones")}
    finally:
        conn.close()


@pytest.mark.parametrize("command", ["score", "today"])
def test_several_processes_conclude_and_store_what_one_does(tmp_path, demo, command):
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


@pytest.mark.parametrize("early", [False, True], ids=["when-scoring", "started-early"])
def test_the_workbench_scores_a_slice_in_a_new_process(tmp_path, demo, early):
    """The workbench runs threads, so the other slices' processes are started anew when it
    scores; or (as `csdesk` opens it) forked early, before its threads, by `start_scoring`."""
    import datetime as dt
    import threading

    from csdesk.core.config import Config
    from csdesk.desk.desk import Desk
    from csdesk.tui.book_view import Workbench

    views = {}
    for workers in (1, 3):
        book = tmp_path / f"book-{workers}.db"
        book.write_bytes(demo.read_bytes())
        desk = Desk(open_book(book), Config(), dt.date.fromisoformat(AS_OF))
        desk.workers, desk.min_slice = workers, 1
        desk.reuse = False  # the split run itself, not the kept assessments
        if early:
            desk.start_scoring()
            assert (desk._running is not None) == (workers > 1)
        seen = []
        progress = []
        scorer = threading.Thread(target=lambda: seen.append(Workbench(desk).load(
            lambda done, total: progress.append((done, total)))))
        scorer.start()
        scorer.join()
        assert desk._running is None  # what was started early was used, not started again
        desk.close()
        [view] = seen
        views[workers] = (view, _stored(book))
        assert progress[-1] == (len(view.assessments), len(view.assessments))
    (one, stored_one), (three, stored_three) = views[1], views[3]
    assert list(three.assessments) == list(one.assessments)
    assert three.assessments == one.assessments and three.brief == one.brief
    assert stored_three == stored_one


@pytest.mark.parametrize("way", ["forked", "spawned"])
@pytest.mark.parametrize("times", [1, 2], ids=["once", "again"])
def test_a_commit_while_the_slices_read_is_read_by_every_slice(demo, monkeypatch, way, times):
    """Another program commits (every account's ARR + 1) after this process read its slice:
    the slices read again (and if it commits again, the book is read whole, in one process),
    so no account is assessed on the book before it and another on the book after it."""
    import datetime as dt
    import threading

    from csdesk.core.config import Config
    from csdesk.desk.desk import Desk

    book = demo
    desk = Desk(open_book(book), Config(), dt.date.fromisoformat(AS_OF))
    desk.workers, desk.min_slice = 2, 1
    desk.reuse = False  # the split run itself, not the kept assessments
    before = {a: arr for a, arr in desk.db.execute("SELECT account_id, arr FROM accounts")}
    read_here = Desk._assess_slice

    def then_a_commit(self, *args, **kwargs):
        out = read_here(self, *args, **kwargs)
        if len(commits) < times:
            other = sqlite3.connect(book)
            with other:
                other.execute("UPDATE accounts SET arr = arr + 1")
            other.close()
            commits.append(1)
        return out

    commits: list[int] = []
    monkeypatch.setattr(Desk, "_assess_slice", then_a_commit)
    seen = []
    if way == "spawned":
        scorer = threading.Thread(target=lambda: seen.append(desk.assess_book()))
        scorer.start()
        scorer.join()
    else:
        seen.append(desk.assess_book())
    desk.close()
    [(out, _, _)] = seen
    assert len(commits) == times and len(out) == len(before)
    assert all(a.account.arr == before[a.account.account_id] + times for a in out)


def test_slices_started_early_and_never_used_are_stopped(demo, no_process_left):
    import datetime as dt

    from csdesk.core.config import Config
    from csdesk.desk.desk import Desk

    desk = Desk(open_book(demo), Config(), dt.date.fromisoformat(AS_OF))
    desk.workers, desk.min_slice = 3, 1
    desk.reuse = False  # the split run itself, not the kept assessments
    desk.start_scoring()
    running, *_ = desk._running
    assert len(_children()) >= 2
    desk.close()  # the workbench quit before it scored
    assert desk._running is None and not running._stops
