"""A whole-book run split over processes, each scoring a slice of the accounts.

The rules read one account's rows at a time (docs/rules.md §2-§9), so a book splits into
slices of its accounts, contiguous in book order. `start` sets other processes to work on all
slices but the first; `Running.finish` does the first in this process and collects what the
others concluded, pickled through a pipe; the results come back in slice order, so
concatenated they are what one process would have made of the whole book (`run_sliced`:
both at once).

Why processes: at 10,000 accounts a run is about three seconds of Python (reading rows into
models, then the rules), and one process uses one core. On free cores, two processes come
near halving that; on the development VM's two busy vCPUs, a good deal less (README).

The other processes are forked where that is safe, else started anew:
- Forked (the commands; the workbench's first run, started as it opens the book): only where
  fork is how the platform starts processes (Linux) and only from a process with a single
  thread (`can_fork`). No SQLite connection crosses the fork: the caller closes its own
  before forking and reopens it after (`before_fork`, `after_fork`); each child opens its
  own (SQLite forbids carrying an open connection across a fork). A child ends with
  `os._exit`: no buffered output of the parent is flushed twice, nothing is freed one object
  at a time, no exit handler runs.
- Started anew (the workbench's later runs: it runs threads; other platforms): `python -m
  csdesk.desk.parallel`, given its work and slice pickled on stdin. It costs the new process its
  imports (about 0.3 s), done while this process scores its own slice.

Each slice is read in its own read transaction, so a write by another program while the
slices read (a cron import, say) may be seen by some and not others: `before_start` runs
before any of them starts, for the caller to note the book's state then and compare after
(`csdesk.desk.desk.Desk.assess_book` reads again if it changed).
"""

from __future__ import annotations

import functools
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

S = TypeVar("S")
R = TypeVar("R")


def can_fork() -> bool:
    """Forking is the platform's way (Linux) and this process runs one thread."""
    return sys.platform == "linux" and threading.active_count() == 1


def split(items: Sequence[S], parts: int) -> list[Sequence[S]]:
    """`items` in `parts` contiguous slices, in order, their sizes differing by one at most."""
    parts = max(1, min(parts, len(items)))
    size, extra = divmod(len(items), parts)
    out, start = [], 0
    for i in range(parts):
        end = start + size + (i < extra)
        out.append(items[start:end])
        start = end
    return out


class WorkerFailed(RuntimeError):
    """A child process ended without sending its result (killed, say)."""


def _nothing() -> None:
    pass


def run_sliced(slices: Sequence[S], here: Callable[[S], R], there: Callable[[S], R], *,
               before_fork: Callable[[], None] = _nothing,
               after_fork: Callable[[], None] = _nothing,
               before_start: Callable[[], None] = _nothing) -> list[R]:
    """[here(slices[0]), there(slices[1]), …]: the first slice in this process, each other in
    a process of its own (`start`, then `Running.finish`).

    An exception raised in another process is raised here, as is this slice's own; either
    way no process is left running.
    """
    return start(slices, there, before_fork=before_fork, after_fork=after_fork,
                 before_start=before_start).finish(here)


class Running:
    """The other processes of a sliced run (`start`), at work on their slices."""

    def __init__(self, slices: Sequence, collects: list[Callable[[], object]],
                 stops: list[Callable[[], None]]) -> None:
        self.slices = slices
        self._collects, self._stops = collects, stops

    def finish(self, here: Callable[[S], R]) -> list[R]:
        """[here(slices[0]), then each other slice's result]; raises what any of them raised,
        with every other process stopped and reaped."""
        try:
            results = [here(self.slices[0])]
            while self._collects:
                collect = self._collects.pop(0)
                self._stops.pop(0)
                results.append(collect())
            return results
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop and reap the processes not yet collected (a run given up)."""
        while self._stops:
            self._stops.pop(0)()
        self._collects.clear()


def start(slices: Sequence[S], there: Callable[[S], R], *,
          before_fork: Callable[[], None] = _nothing,
          after_fork: Callable[[], None] = _nothing,
          before_start: Callable[[], None] = _nothing) -> Running:
    """Start there(slices[1]), there(slices[2]), … each in a process of its own; slices[0] is
    left to `Running.finish`, in this process.

    The processes are forked when this process may fork (`can_fork`; `before_fork` and
    `after_fork` run here around the forks), else started anew (`python -m csdesk.desk.parallel`:
    `there` and the slices must then pickle, as a module-level function or a partial of one
    does; the new process imports what `there` needs, about 0.3 s). `before_start` runs here
    before any of them starts its work.
    """
    if len(slices) > 1 and not can_fork():
        return _start_spawned(slices, there, before_start)
    return _start_forked(slices, there, before_fork, after_fork, before_start)


def _start_forked(slices: Sequence[S], there: Callable[[S], R], before_fork: Callable[[], None],
                  after_fork: Callable[[], None], before_start: Callable[[], None]
                  ) -> Running:
    """Forked children, which wait to start until this process has run `after_fork` and
    `before_start` and closes `go`."""
    collects: list[Callable[[], object]] = []
    stops: list[Callable[[], None]] = []
    go_read, go = os.pipe()
    before_fork()
    try:
        try:
            for piece in slices[1:]:
                read, write = os.pipe()
                pid = os.fork()
                if pid == 0:  # the child: never returns
                    _child(there, piece, read, write, go_read, go)
                os.close(write)
                collects.append(functools.partial(_collect, pid, read))
                stops.append(functools.partial(_stop_child, pid, read))
        finally:
            os.close(go_read)
            after_fork()
        before_start()
    except BaseException:
        for stop in stops:
            stop()
        raise
    finally:
        os.close(go)  # the children wait on its other end: now they start
    return Running(slices, collects, stops)


def _stop_child(pid: int, read: int) -> None:
    os.close(read)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def _start_spawned(slices: Sequence[S], there: Callable[[S], R],
                   before_start: Callable[[], None]) -> Running:
    procs: list[subprocess.Popen] = []
    before_start()
    try:
        for piece in slices[1:]:
            # Its work from a file: a pipe would take only 64 KiB before the child reads,
            # which it does once its imports are done.
            with tempfile.TemporaryFile() as work:
                pickle.dump((there, piece), work, pickle.HIGHEST_PROTOCOL)
                work.seek(0)
                procs.append(subprocess.Popen([sys.executable, "-m", "csdesk.desk.parallel"],
                                              stdin=work, stdout=subprocess.PIPE,
                                              stderr=subprocess.PIPE))
    except BaseException:
        for proc in procs:
            _stop_spawned(proc)
        raise
    return Running(slices, [functools.partial(_communicate, proc) for proc in procs],
                   [functools.partial(_stop_spawned, proc) for proc in procs])


def _communicate(proc: subprocess.Popen):
    out, err = proc.communicate()
    return _result(out, f"exit status {proc.returncode}", err.decode(errors="replace"))


def _stop_spawned(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.communicate()


def _main() -> None:
    """`python -m csdesk.desk.parallel`: a pickled (work, slice) on stdin, its result on stdout."""
    work, piece = pickle.load(sys.stdin.buffer)
    sys.stdout.buffer.write(_outcome(work, piece))
    sys.stdout.flush()
    os._exit(0)


def _outcome(work: Callable[[S], R], piece: S) -> bytes:
    """work(piece) pickled as (True, result), or (False, the exception it raised)."""
    try:
        return pickle.dumps((True, work(piece)), pickle.HIGHEST_PROTOCOL)
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        try:
            return pickle.dumps((False, exc), pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - an exception that does not pickle: its text does
            return pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


def _result(payload: bytes, ended: str, said: str = ""):
    if not payload:
        said = said.strip().splitlines()[-1:] if said.strip() else []
        raise WorkerFailed(f"a scoring process ended without its result ({ended})"
                           + (f": {said[0]}" if said else ""))
    ok, value = pickle.loads(payload)
    if not ok:
        raise value
    return value


def _child(work: Callable[[S], R], piece: S, read: int, write: int, go_read: int,
           go: int) -> None:
    try:
        os.close(read)
        os.close(go)
        os.read(go_read, 1)  # returns once the parent has closed `go`
        payload = _outcome(work, piece)
        with os.fdopen(write, "wb") as out:
            out.write(payload)
    finally:
        os._exit(0)


def _collect(pid: int, read: int):
    with os.fdopen(read, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    return _result(payload, f"exit status {os.waitstatus_to_exitcode(status)}")


if __name__ == "__main__":
    _main()
